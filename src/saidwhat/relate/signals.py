"""The signals two statements give for a dispute or an agreement, one function each.

Disputes (any one suffices; the scorer keeps those between statements that share enough):
negation of a shared predicate, for and against the same thing, antonymous predicates, a
different date or quantity for the same event, agent and patient swapped, a denial that does
not restate its claim. Agreements: the same predication, a negated antonym ("not guilty" /
"acquitted"), the same quantity, both sides denying.
"""
from __future__ import annotations

from dataclasses import dataclass

from saidwhat.relate.keys import opposite, same
from saidwhat.relate.participants import arg_overlaps, compatible, other_occasion, overlaps, same_thing
from saidwhat.relate.parts import Pred, Quantity, Statement
from saidwhat.relate.relation import evidence
from saidwhat.relate.thresholds import Thresholds
from saidwhat.relate.words import ASYMMETRIC, CLAIM_NOUNS, LIGHT_NOUNS


@dataclass(frozen=True)
class Signal:
    """Evidence for ``disputes``: its strength, kind ("negation", "antonym", …) and spans."""

    strength: float
    kind: str
    evidence: dict


def _signal(kind: str, penalty: float, a_spans, b_spans, why: str, th: Thresholds) -> Signal:
    return Signal(th.strength(kind) - penalty, kind, evidence(a_spans, b_spans, why))


# -- predications with the same predicate

def role_swap(pa: Pred, pb: Pred, th: Thresholds) -> Signal | None:
    """Agent and patient swapped for an asymmetric predicate ("A beat B" / "B beat A")."""
    if not (pa.item.key in ASYMMETRIC and pa.pol == pb.pol and pa.subj and pb.subj
            and not overlaps(pa.subj, pb.subj)):
        return None
    na = [x for x in pa.obj + pa.obl if x.pos in ("NOUN", "PROPN")]
    nb = [y for y in pb.obj + pb.obl if y.pos in ("NOUN", "PROPN")]
    if overlaps(pa.subj, nb) and overlaps(pb.subj, na):
        return _signal("role-swap", 0.0, [x.span for x in pa.subj], [y.span for y in pb.subj],
                       f"agent and patient of '{pa.item.text}' swapped", th)
    return None


def negation(pa: Pred, pb: Pred, a: Statement, b: Statement, penalty: float, th: Thresholds) -> Signal | None:
    """The same predication with opposite polarity ("had been granted" / "had not been granted")."""
    if pa.pol == pb.pol or other_occasion(pa, pb):
        return None
    neg = pa if pa.pol < 0 else pb
    why = f"negation of shared predicate '{pa.item.text}'"
    if neg.neg:
        text = (a if neg is pa else b).text
        why += " (" + ", ".join(text[s:e] for s, e in neg.neg[:3]) + ")"
    return _signal("negation", penalty, [pa.item.span] + (pa.neg if pa.pol < 0 else []),
                   [pb.item.span] + (pb.neg if pb.pol < 0 else []), why, th)


def for_and_against(pa: Pred, pb: Pred, penalty: float, th: Thresholds) -> Signal | None:
    """The same predicate for and against the same thing ("voted for" / "voted against")."""
    if pa.stance * pb.stance >= 0:
        return None
    return _signal("antonym", penalty, [pa.item.span], [pb.item.span],
                   f"'{pa.item.text}' for and against the same thing", th)


def same_predication(pa: Pred, pb: Pred) -> dict:
    """Agreement: the same predication, same polarity, on both sides."""
    return evidence([pa.item.span], [pb.item.span], f"same predication '{pa.item.text}'"
                    + (" (both negative)" if pa.pol < 0 else ""))


def date_conflicts(pa: Pred, pb: Pred, penalty: float, th: Thresholds) -> list[Signal]:
    """A different year, month or weekday for the same event ("held in March" / "in June")."""
    return [_signal("date", penalty, [sa], [sb], f"different {ta} for '{pa.item.text}'", th)
            for ta, va, sa in pa.dates for tb, vb, sb in pb.dates
            if ta == tb and va != vb and not any(t2 == ta and v2 == vb for t2, v2, _ in pa.dates)]


# -- predications with opposite predicates

def antonym(pa: Pred, pb: Pred, penalty: float, th: Thresholds) -> Signal | None:
    """Antonymous predicates with the same polarity (rise/fall, win/lose, guilty/innocent)."""
    if pa.pol != pb.pol or other_occasion(pa, pb):
        return None
    return _signal("antonym", penalty, [pa.item.span], [pb.item.span],
                   f"opposite predicates '{pa.item.text}' / '{pb.item.text}'", th)


def negated_antonym(pa: Pred, pb: Pred) -> dict:
    """Agreement: "did not rise" / "fell", "not guilty" / "acquitted"."""
    return evidence([pa.item.span] + pa.neg, [pb.item.span] + pb.neg,
                    f"'{pa.item.text}' and '{pb.item.text}' agree (one negated antonym)")


def predicate_signals(a: Statement, b: Statement, th: Thresholds) -> tuple[list[Signal], list[dict]]:
    """Signals and agreements of every pair of asserted predications, in order."""
    signals: list[Signal] = []
    agree: list[dict] = []
    for pa in a.preds:
        for pb in b.preds:
            if pa.irrealis or pb.irrealis:  # only asserted predications can contradict
                continue
            if same(pa.item.key, pb.item.key):
                if swapped := role_swap(pa, pb, th):
                    signals.append(swapped)
                ok, paraphrased = same_thing(pa, pb)
                if not ok:
                    continue
                penalty = th.paraphrased_agent if paraphrased else 0.0
                if found := negation(pa, pb, a, b, penalty, th) or for_and_against(pa, pb, penalty, th):
                    signals.append(found)
                    continue
                agree.append(same_predication(pa, pb))
                signals += date_conflicts(pa, pb, penalty, th)
            elif opposite(pa.item.key, pb.item.key, pa.item.text.lower(), pb.item.text.lower()):
                ok, paraphrased = same_thing(pa, pb)
                if not ok:
                    continue
                if found := antonym(pa, pb, th.paraphrased_agent if paraphrased else 0.0, th):
                    signals.append(found)
                else:
                    agree.append(negated_antonym(pa, pb))
    return signals, agree


# -- quantities

def _values(st: Statement, unit: str) -> set[float]:
    return {q.value for q in st.quantities if same(q.unit, unit) and not q.reference}


def number_conflict(qa: Quantity, qb: Quantity, th: Thresholds) -> Signal | None:
    """Conflicting quantities of the same unit about the same event ("killed 12" / "killed 30")."""
    same_event, penalty = False, 0.0
    if qa.pred is not None and qb.pred is not None and same(qa.pred.item.key, qb.pred.item.key) \
            and not (qa.pred.irrealis or qb.pred.irrealis):
        ok, paraphrased = same_thing(qa.pred, qb.pred)
        penalty = th.paraphrased_agent if paraphrased else 0.0
        same_event = ok or compatible(qa.pred.subj, qb.pred.subj) is not False
    if qa.reference or qb.reference:
        return None
    if qa.measured and qb.measured:  # "40 cm of snow" / "15 cm of snow", not "of Republican claims"
        a_in_b = all(any(same(x, y) for y in qb.measured) for x in qa.measured)
        b_in_a = all(any(same(y, x) for x in qa.measured) for y in qb.measured)
        aligned = qa.pred is None or qb.pred is None or same(qa.pred.item.key, qb.pred.item.key)
        same_event = (a_in_b or b_in_a) and aligned
    if same_event and (qa.pred is None or qb.pred is None or (
            qa.pred.pol == qb.pred.pol and not other_occasion(qa.pred, qb.pred))):
        return _signal("number", penalty, [qa.span], [qb.span],
                       f"different quantities of '{qa.unit.lstrip('#')}'", th)
    return None


def number_signals(a: Statement, b: Statement, th: Thresholds) -> tuple[list[Signal], list[dict]]:
    """Conflicting quantities, and agreeing ones (hedges are intervals: "at least 20" agrees with
    23). A unit with several values on one side ("3, 4.3 and 2.1 points") is several things."""
    signals: list[Signal] = []
    agree: list[dict] = []
    for qa in a.quantities:
        for qb in b.quantities:
            if not same(qa.unit, qb.unit):
                continue
            meets = qa.lo <= qb.hi and qb.lo <= qa.hi
            several = len(_values(a, qa.unit)) > 1 or len(_values(b, qb.unit)) > 1
            if several or meets:
                if meets and not qa.unit.startswith("#"):
                    agree.append(evidence([qa.span], [qb.span], f"same quantity of '{qa.unit}'"))
                continue
            if found := number_conflict(qa, qb, th):
                signals.append(found)
    return signals, agree


# -- denials

def denial(x: Statement, y: Statement, x_is_a: bool, overlap: float, th: Thresholds) -> Signal | None:
    """A denial in ``x`` that does not restate its claim ("disputed the lab's results") against a
    positive claim in ``y`` about the same source, or about at least two of the same things."""
    if not x.denials or y.denies or not y.positive_claim:
        return None
    if len(x.content) > th.denial_max_words and overlap < th.dispute_min_overlap:
        return None  # a long text that only mentions a denial somewhere is no terse denial
    x_nouns = [it for it in x.content if it.pos in ("NOUN", "PROPN") and it.key not in CLAIM_NOUNS
               and it.key not in LIGHT_NOUNS]
    y_nouns = [it for it in y.content if it.pos in ("NOUN", "PROPN") and it.key not in LIGHT_NOUNS]
    anchors = arg_overlaps(x_nouns, y_nouns)
    target_hit = any(same(t, k) for _, target in x.denials for t in target
                     for k in y.speaker_keys | {it.key for it in y_nouns})
    speaker_hit = any(same(s, it.key) for s in x.speaker_keys for it in y_nouns)
    # what is denied must be recognisable: whose claim it is, or two things it is about (who is
    # speaking alone, or one shared name, does not say what is denied)
    if not (target_hit or len({i.key for i, _ in anchors}) >= 2):
        return None
    bonus = th.denial_anchor * (bool(anchors) + target_hit + speaker_hit)
    x_spans = [x.denials[0][0]] + [i.span for i, _ in anchors]
    y_spans = [j.span for _, j in anchors]
    why = "denial of a claim about the same " + (
        "source" if target_hit else "people" if speaker_hit else "subject")
    return _signal("denial", -bonus, x_spans if x_is_a else y_spans, y_spans if x_is_a else x_spans, why, th)


def denial_signals(a: Statement, b: Statement, overlap: float, th: Thresholds) -> list[Signal]:
    """A terse denial on either side."""
    found = (denial(a, b, True, overlap, th), denial(b, a, False, overlap, th))
    return [s for s in found if s is not None]


# -- for the support decision

def both_deny(a: Statement, b: Statement) -> dict | None:
    """Agreement: both sides deny (what they deny is left to the overlap)."""
    if a.denials and b.denials:
        return evidence([a.denials[0][0]], [b.denials[0][0]], "both deny")
    return None


def one_sided_negation(a: Statement, b: Statement) -> bool:
    """A negation on one side only, in the content or in the frame ("did not confirm"). An antonym
    across the two ("not reopen" / "stay closed") turns one negation into agreement (not when a side
    holds both words: "rose in March and fell in April")."""
    flip = any(opposite(x.key, y.key, x.text.lower(), y.text.lower())
               and not any(same(y.key, z.key) for z in a.content) and not any(same(x.key, z.key) for z in b.content)
               for x in a.content for y in b.content)
    return (a.negations + flip) % 2 != b.negations % 2
