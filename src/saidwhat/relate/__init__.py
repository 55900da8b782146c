"""Does statement B dispute, support, or have nothing to do with statement A?

``relate(a, b)`` compares two short statements (typically the contents of two attributions, from
one article or from two) and returns a :class:`Relation`: ``disputes``, ``supports`` or
``unrelated``, a score in [0, 1] and the evidence (character spans in ``a`` and ``b`` and a reason).

It reads the dependency parse; no model beyond the spaCy pipeline, every word list is data below.

How it decides, in order:

1. Each text becomes a :class:`Statement`: its *frame* (reporting verb and speaker: "his agent
   said", "according to X", "denied that", "confirmed that") is set apart from its *content*;
   each clause gets its predicates ("granted", "safe", "guilty", "on suspension"), their subject,
   object and other arguments, and a polarity. Polarity flips for a negation ("not", "never",
   "no guarantees", "nothing"), for a clause under a denial ("denied that …", "rejected reports
   that …", "claims that … are false", "it is not true that …") and under an implicative verb
   ("refused to resign", "failed to reach").
2. Disputes (any one suffices). Only asserted predications count: not questions, conditions,
   purposes, wishes or plans ("wants to cut taxes"), "should", infinitives on nouns ("reasons to
   release"). The two predications must be about the same thing (subjects, and objects, not both
   present and different, told apart by their modifiers too: "Democratic" / "Republican claims";
   some argument shared) and not dated to different times ("for the winter" / "in September"):
   - the same predicate with opposite polarity ("had been granted" / "had not been granted");
   - antonymous predicates with the same polarity (rise/fall, win/lose, guilty/innocent, …);
   - conflicting quantities of the same unit about the same event ("killed 12" / "killed 30";
     hedges are intervals: "at least 20" agrees with 23; compared values, ratios, scores and lists
     of several values are left out);
   - conflicting dates (year, month, weekday) of the same event ("held in March" / "in June");
   - agent and patient swapped for an asymmetric verb ("A beat B" / "B beat A");
   - one statement denies a claim without restating it ("disputed the lab's results",
     "dismissed the newspaper's report as a fabrication") and the other asserts something positive
     about the same source or at least two of the same things;
   - the same predicate for and against the same thing ("voted for" / "voted against").
   Averting verbs negate their object ("escaped damage", "averted a strike"). Every signal needs
   the two contents to share at least DISPUTE_MIN_OVERLAP of their weight (a generic denial
   excepted): on real news, contents that merely share a negated verb are about other things.
3. Otherwise ``supports`` when the same predication (or a negated antonym: "not guilty" /
   "acquitted", or the same quantity) holds on both sides with enough shared content, or one side
   confirms ("confirmed", "corroborate", "agree"), or both deny; or the contents nearly coincide.
   Never when a negation stands on one side only, content or frame ("would not confirm").
   Content is compared by lemma, a synonym table and stems (suspend/suspension).
   Else ``unrelated``.

Limits: English; statements of a sentence or a few; world knowledge beyond the word lists is
absent (a ceasefire that "held" vs one that "collapsed", "released" vs "in custody"); pronouns are
not resolved ("it" is compatible with anything); a change over time ("refused to endorse" in July,
"has endorsed" now) reads as a contradiction unless both are dated; two polls with different
figures read as a dispute.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from saidwhat.lexicon import REPORTING

LABELS = ("disputes", "supports", "unrelated")

# ----------------------------------------------------------------------------------------------
# Word lists (data). Lemmas, lower case; "_" joins a verb and its particle ("step_down").

# Synonym groups: the first word is the group's canonical key. Used for overlap and for antonymy.
SYNONYM_GROUPS = """
increase rise grow climb jump surge soar gain raise boost expand mount swell rocket hike go_up shoot_up
    skyrocket spike leap balloon rebound
decrease fall drop decline slump plunge sink shrink dip tumble slide cut reduce lower slash lessen diminish go_down plummet nosedive
double
halve
win triumph prevail
beat defeat overcome outplay
lose
accept
reject dismiss rebuff spurn turn_down throw_out
approve pass ratify authorize authorise endorse adopt sign
block veto thwart scupper
allow permit let legalize legalise
ban prohibit forbid outlaw bar
support back favour favor champion
oppose resist
open reopen
close shut closed
guilty convict
innocent acquit exonerate
legal lawful legitimate permissible
illegal unlawful illegitimate illicit
safe harmless
dangerous unsafe harmful hazardous risky toxic
alive living survive
die dead death kill perish
true accurate correct
false untrue inaccurate incorrect wrong fake
start begin launch
end finish cease conclude
succeed success
fail failure collapse
hire recruit employ appoint
fire sack
profit
loss
surplus
deficit
strong
weak
high
low
improve
worsen deteriorate
buy acquire purchase take_over
sell divest
resign quit step_down stand_down
confirm corroborate verify
deny
admit concede acknowledge
attend participate
join
boycott skip shun
arrive enter
leave depart exit
praise commend hail applaud
criticize criticise condemn denounce slam blast
lead
trail
agree
disagree
present
absent
include
exclude
more
few less
possible
impossible
likely
unlikely
company firm business corporation
rival competitor compete competing
maker manufacturer producer
allegation accusation claim charge
law legislation bill statute
agreement deal accord pact treaty
army troop military soldier force
injure wound hurt
arrest detain
cancel scrap axe call_off
decide decision
continue last persist
aware know
positive
negative
kid child
""".strip()

# Words whose synonym group (and antonyms) hold only in one part of speech ("pass" the bill, not the
# mountain pass; "forces" the troops, not "forced" to leave; "last" until Friday, not last week).
SENSE_POS = {w: tuple(p.split("|")) for w, p in (x.split(":") for x in """
last:VERB back:VERB pass:VERB bar:VERB let:VERB rocket:VERB mount:VERB jump:VERB spike:VERB
balloon:VERB sink:VERB swell:VERB sack:VERB fire:VERB clear:VERB force:NOUN troop:NOUN
soldier:NOUN army:NOUN military:NOUN|ADJ present:ADJ firm:NOUN bill:NOUN act:NOUN deal:NOUN
claim:NOUN|VERB charge:NOUN sign:VERB back:VERB support:VERB|NOUN death:NOUN kill:VERB die:VERB
""".split())}

# Pairs of canonical keys (see SYNONYM_GROUPS) that cannot both hold of the same thing.
ANTONYMS = """
increase:decrease double:halve win:lose beat:lose accept:reject approve:reject approve:block
approve:fail allow:ban support:oppose open:close guilty:innocent legal:illegal safe:dangerous
alive:die true:false start:end succeed:fail hire:fire profit:loss surplus:deficit strong:weak
high:low improve:worsen buy:sell confirm:deny agree:disagree present:absent include:exclude
more:few possible:impossible likely:unlikely positive:negative end:continue
admit:deny attend:boycott join:leave arrive:leave praise:criticize lead:trail
"""

# Negative prefixes that make an adjective's antonym (legal/illegal, safe/unsafe).
NEG_PREFIXES = ("un", "in", "il", "im", "ir", "non", "dis")

# Verbs whose complement clause is asserted false by the subject ("denied that X").
DENY = frozenset("deny dispute reject refute rebut contradict dismiss disavow repudiate debunk contest "
                 "disprove".split())
# Verbs that assert their complement or claim-noun object ("confirmed that X", "corroborate reports").
CONFIRM = frozenset("confirm corroborate verify agree echo acknowledge concede admit validate substantiate "
                    "uphold reaffirm".split())
# Verbs whose infinitive complement did not happen ("refused to resign", "failed to reach").
IMPLICATIVE_NEG = frozenset("fail refuse decline neglect avoid".split())
# Verbs whose object did not happen to the subject ("escaped damage", "averted a strike").
AVERT = frozenset("deny escape avoid evade avert prevent".split())
# Verbs that negate what follows them, counted with "not" and "no" when two texts are compared word
# for word ("the city escaped damage", "failed to pass"; not "decline", which is also a fall).
NEGATING_VERBS = frozenset("escape avoid evade avert prevent fail refuse lack".split())
# Nouns that stand for a statement: what a denial or a "false" is about.
CLAIM_NOUNS = frozenset("claim allegation accusation report reports suggestion rumour rumor charge account "
                        "assertion story speculation notion idea statement finding result figure data "
                        "suspicion contention theory version testimony evidence".split())
# Predicates saying a claim is false (and, negated, the truth words).
FALSITY = frozenset("false untrue baseless unfounded groundless fabricated bogus inaccurate incorrect wrong "
                    "misleading fake absurd ridiculous nonsense lie fabrication myth falsehood fiction "
                    "hoax smear".split())
TRUTH = frozenset("true accurate correct right".split())
# Verbs whose infinitive complement is wanted, planned or attempted, not asserted to happen.
ATTITUDE = frozenset("want wish hope plan intend try seek aim propose promise expect threaten vow pledge "
                     "offer agree decide prepare attempt hope_to need".split())
DEONTIC = frozenset("should ought must shall".split())
COPULAS = frozenset("be become remain stay seem appear look sound".split())
NEGATIVE_ARGS = frozenset("nothing nobody none noone neither".split())
# Verbs that only carry tense, aspect or light meaning: never a predicate of their own.
LIGHT_VERBS = frozenset("be have do will would shall should may might must can could get".split())
# Asymmetric two-place predicates: swapping agent and patient changes the fact.
ASYMMETRIC = frozenset("beat win kill attack sue accuse arrest fire hire buy sell invade overtake replace "
                       "pay owe lead trail defeat".split())
# Nouns too generic to anchor two statements to the same thing.
LIGHT_NOUNS = frozenset("people person thing way time year month week day percent number lot part "
                        "group member official majority minority most half share proportion total "
                        "%".split())
SUPPORT_VERBS = frozenset("go make take give put keep see come hold".split())  # "take a decision"
LIGHT_ADJECTIVES = frozenset("other same many several own such much various whole former certain "
                             "new main".split())
PARTICLES = frozenset("up down out off over back away".split())
PRONOUNS = frozenset("it he she they this that these those him her them we i you one who which".split())

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                     "ninety": 90, "dozen": 12, "dozens": 24})
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "m": 1_000_000}
CURRENCY = {"$": "$", "dollar": "$", "usd": "$", "€": "€", "euro": "€", "£": "£", "pound": "£",
            "¥": "¥", "yen": "¥"}
PERCENT = {"%": "percent", "percent": "percent", "per cent": "percent", "pct": "percent"}
# Hedges before a number and the interval they allow around the value v.
HEDGES = (("at least", "ge"), ("more than", "ge"), ("over", "ge"), ("above", "ge"), ("upwards of", "ge"),
          ("at most", "le"), ("up to", "le"), ("no more than", "le"), ("fewer than", "le"),
          ("less than", "le"), ("under", "le"), ("below", "le"),
          ("nearly", "near"), ("almost", "near"), ("close to", "near"),
          ("about", "approx"), ("around", "approx"), ("approximately", "approx"), ("roughly", "approx"),
          ("some", "approx"), ("an estimated", "approx"), ("estimated", "approx"), ("up to about", "le"))
MONTHS = {m: i for i, m in enumerate("january february march april may june july august september october "
                                     "november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
TEMPORAL = frozenset("yesterday today tomorrow tonight morning afternoon evening night day week weekend "
                     "fortnight month year decade century spring summer autumn winter season quarter last "
                     "next this past previous coming early late ago earlier later recent".split())
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}

# Strength of each kind of evidence for ``disputes`` (the score of the strongest one found).
STRENGTH = {"negation": 0.9, "antonym": 0.85, "number": 0.8, "date": 0.75, "role-swap": 0.75,
            "denial": 0.6}
SUPPORT_OVERLAP = 0.5  # mean content coverage from which two statements say the same thing
CONFIRMED_OVERLAP = 0.35  # ... when one of them confirms, corroborates or agrees
PARAPHRASE_OVERLAP = 0.75  # ... even when no predicate lines up (the parse may differ)
DISPUTE_MIN_OVERLAP = 0.35  # below this even a contradiction signal is about something else
DENIAL_MAX_WORDS = 15  # content words of a denial that may dispute a claim it does not restate

SYNONYM: dict[str, str] = {}
for _line in re.sub(r"\n[ \t]+", " ", SYNONYM_GROUPS).splitlines():  # indented lines continue a group
    _words = _line.split()
    for _w in _words:
        SYNONYM.setdefault(_w, _words[0])
ANTONYM: set[frozenset[str]] = {frozenset(p.split(":")) for p in ANTONYMS.split()}

_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"}
_WEIGHT = {"PROPN": 1.5, "NOUN": 1.0, "VERB": 1.0, "ADJ": 0.8, "ADV": 0.4, "NUM": 0.6}
_CLAUSE_DEPS = {"ccomp", "xcomp", "csubj", "csubjpass", "advcl", "acl", "relcl", "conj", "parataxis", "pcomp"}


# ----------------------------------------------------------------------------------------------
# Results

@dataclass(frozen=True)
class Relation:
    """The relation of statement ``b`` to statement ``a``.

    ``evidence`` is a tuple of ``{"a": [[s, e], …], "b": [[s, e], …], "why": str}``: character spans
    in each text and the reason; the strongest first.
    """

    label: str
    score: float
    evidence: tuple[dict, ...] = ()

    def to_dict(self) -> dict:
        return {"label": self.label, "score": round(self.score, 3),
                "evidence": [dict(e) for e in self.evidence]}


@dataclass(frozen=True)
class Item:
    """A content word: its matching key, weight and place in the text."""

    i: int
    key: str
    pos: str
    weight: float
    span: tuple[int, int]
    text: str
    mods: frozenset[str] = frozenset()  # keys of its modifiers: "Democratic" in "Democratic claims"


@dataclass
class Pred:
    """A predication: predicate word, polarity and arguments (content items)."""

    item: Item
    pol: int
    clause: int
    subj: list[Item]
    obj: list[Item]
    obl: list[Item]
    neg: list[tuple[int, int]]  # spans of what made it negative (not, no, denied, refused, false …)
    dates: list[tuple[str, int, tuple[int, int]]] = field(default_factory=list)  # (type, value, span)
    when: list[frozenset[str]] = field(default_factory=list)  # time words of its dates ({"last", "week"})
    irrealis: bool = False  # not asserted: "reasons to release", "in order to pass", "if it rises"
    stance: int = 0  # +1 "voted for", "argued in favour of"; -1 "voted against"; 0 neither

    @property
    def args(self) -> list[Item]:
        return self.subj + self.obj + self.obl


@dataclass(frozen=True)
class Quantity:
    value: float
    lo: float
    hi: float
    unit: str
    measured: tuple[str, ...]  # what is measured ("snow" in "40 centimetres of snow")
    pred: Pred | None
    span: tuple[int, int]
    reference: bool = False  # "compared to 11%", "from 5%": a value for comparison, not the claim


@dataclass
class Statement:
    """One text, analysed once; compare two with :func:`compare`."""

    text: str
    content: list[Item]
    preds: list[Pred]
    quantities: list[Quantity]
    speaker_keys: set[str]  # frame subjects ("his agent") and the given speaker
    denials: list[tuple[tuple[int, int], set[str]]]  # generic denials: (span, keys of the target)
    denies: bool  # any denial in the statement (clausal or generic)
    confirms: list[tuple[int, int]]
    positive_claim: bool  # its main content predicate is affirmative
    negations: int = 0  # negation words, content and frame alike ("not", "no", "never", "did not confirm")


# ----------------------------------------------------------------------------------------------
# Keys and matching

def _lemma(tok) -> str:
    if tok.pos_ == "PROPN":
        return tok.text.lower().rstrip(".").replace(".", "")
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("VERB", "AUX"):
        prt = next((c for c in tok.children if c.dep_ == "prt" or (
            c.dep_ == "advmod" and c.lower_ in PARTICLES and c.i == tok.i + 1)), None)
        if prt is not None:
            phrasal = f"{lemma}_{prt.lower_}"
            if phrasal in SYNONYM:
                return phrasal
    return lemma


def key_of(tok) -> str:
    lemma = _lemma(tok)
    if tok.pos_ == "PROPN":
        return lemma
    if lemma == "closed" or tok.lower_ == "closed":
        return "close"
    sense = SENSE_POS.get(lemma)
    if sense and tok.pos_ not in sense:  # "the mountain pass" is no approval, "forced" no army
        return f"{lemma}:{tok.pos_.lower()}"
    return SYNONYM.get(lemma, SYNONYM.get(tok.lower_, lemma))


def same(k1: str, k2: str) -> bool:
    """Same key, or the same word stem (suspend/suspension, approve/approval)."""
    if k1 == k2:
        return True
    if k1[:1] == "#" or k2[:1] == "#":
        return False
    n = 0
    for c1, c2 in zip(k1, k2):
        if c1 != c2:
            break
        n += 1
    return n >= 5 and n >= 0.75 * min(len(k1), len(k2))


def opposite(k1: str, k2: str, raw1: str = "", raw2: str = "") -> bool:
    """Antonyms: listed pairs, or an adjective and its negative-prefixed form (legal/illegal)."""
    if frozenset((k1, k2)) in ANTONYM:
        return True
    for x, y in ((raw1 or k1, raw2 or k2), (raw2 or k2, raw1 or k1)):
        for p in NEG_PREFIXES:
            if y == p + x and len(x) >= 4:
                return True
    return False


def _overlaps(xs: Iterable[Item], ys: Iterable[Item]) -> list[tuple[Item, Item]]:
    ys = list(ys)
    return [(x, y) for x in xs for y in ys if same(x.key, y.key)]


def _span(tok) -> tuple[int, int]:
    return (tok.idx, tok.idx + len(tok.text))


# ----------------------------------------------------------------------------------------------
# Analysis of one parsed text

class _Analyser:
    def __init__(self, doc, speaker: str | None):
        self.doc = doc
        self.speaker = speaker
        self._head: dict[int, int] = {}
        self._pol: dict[int, tuple[int, list]] = {}
        self._active: set[int] = set()  # recursion guard for odd parses
        self.frame: set[int] = set()
        self.speaker_toks: set[int] = set()
        self.confirms: list[tuple[int, int]] = []
        self.clausal_denial = False

    # -- clauses
    def is_clause_head(self, t) -> bool:
        if t.dep_ == "ROOT":
            return True
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass"):
            return True
        # small clauses: "found [the mayor guilty]", "ruled [the strike illegal]"
        return t.pos_ in ("ADJ", "NOUN") and t.dep_ in _CLAUSE_DEPS | {"oprd"} and any(
            c.dep_ in ("nsubj", "nsubjpass") for c in t.children)

    def clause_of(self, t):
        start = t
        # a lone whitespace token is its own head with dep "dep", not "ROOT": stop at any root
        # (compare indices: spaCy makes a new Token object on every access, so `is` never holds)
        while not self.is_clause_head(t) and t.head.i != t.i:
            t = t.head
        self._head[start.i] = t.i
        return t

    def is_copula(self, h) -> bool:
        return h.lemma_.lower() in COPULAS and any(c.dep_ in ("acomp", "attr", "oprd", "prep") for c in h.children)

    def complements(self, h) -> list:
        return [c for c in h.children if c.dep_ in ("acomp", "attr", "oprd")]

    def says_false(self, h) -> int:
        """-1 if clause h says something is false ("is untrue", "are baseless", "is not true"),
        +1 if it says it is true, 0 if neither."""
        comps = [c.lemma_.lower() for c in self.complements(h)] + [c.lower_ for c in self.complements(h)]
        if h.pos_ in ("ADJ", "NOUN"):
            comps.append(h.lemma_.lower())
        if any(c in FALSITY for c in comps):
            return -1
        if any(c in TRUTH for c in comps):
            return 1
        return 0

    def local_neg(self, h) -> list:
        """Tokens negating clause h locally: not/never, and no/nothing/nobody in its arguments."""
        negs = [c for c in h.children if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never")]
        for c in h.children:
            if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "dative"):
                if c.lower_ in NEGATIVE_ARGS:
                    negs.append(c)
                negs.extend(d for d in c.children if _is_no(d))
            if c.dep_ == "prep":  # "received nothing from …" is covered above; "on no account"
                for p in c.children:
                    if p.dep_ == "pobj":
                        negs.extend(d for d in p.children if _is_no(d) and c.lower_ in ("on", "in", "at", "under"))
        return negs

    def irrealis(self, h) -> bool:
        """A clause that asserts nothing: an infinitive hanging on a noun ("reasons to release") or a
        purpose clause ("to pass"), a condition or an indirect question ("if", "whether", "unless")."""
        if self.in_question(h):
            return True
        while h.dep_ == "conj" and h.head.i != h.i:
            up = self.clause_of(h.head)
            if up.i == h.i:
                break
            h = up
        if any(c.dep_ == "mark" and c.lower_ in ("if", "whether", "unless") for c in h.children):
            return True
        infinitive = any(c.dep_ == "aux" and c.tag_ == "TO" for c in h.children)
        non_finite = infinitive or h.tag_ == "VBG"
        if h.dep_ == "xcomp" and h.head.lemma_.lower() in ATTITUDE:
            return True  # "wants to cut taxes": the wanting is the claim, not the cutting
        if infinitive and h.dep_ == "advcl":
            return True
        noun = h.head if h.dep_ in ("acl", "relcl") else h.head.head if h.dep_ == "pcomp" else None
        if non_finite and noun is not None and noun.pos_ in ("NOUN", "PROPN", "PRON"):
            # "reasons to release", "the goal of accepting"; but "no plans to raise" is still a
            # (negative) statement about raising
            return not any(_is_no(d) for d in noun.children) and noun.lower_ not in NEGATIVE_ARGS
        if infinitive and h.dep_ in ("xcomp", "ccomp", "attr") and h.head.lemma_.lower() in COPULAS:
            return True  # "the job is to take care of people"
        if non_finite and h.dep_ in ("csubj", "csubjpass"):
            return True  # "not paying taxes makes me smart": an activity, not an event
        # what should happen is not a claim about what happened ("companies should pay taxes")
        return any(c.dep_ == "aux" and c.lower_ in DEONTIC for c in h.children)

    def in_question(self, t) -> bool:
        sent = t.sent
        return sent[-1].text == "?" or (len(sent) > 1 and sent[-2].text == "?")

    def claim_factor(self, n) -> tuple[int, list]:
        """-1 when a claim noun is denied ("rejected reports", "the claims are false")."""
        h = n.head
        if n.dep_ in ("dobj", "nsubjpass") and h.lemma_.lower() in DENY:
            pol, why = self.polarity(self.clause_of(h))
            return -pol, why + [h]
        if n.dep_ == "nsubj" and self.says_false(h):
            pol, why = self.polarity(h)
            return self.says_false(h) * pol, why + ([c for c in self.complements(h)] if self.says_false(h) < 0 else [])
        for c in n.children:  # a broken parse: "Claims that X [are false]" hangs "are false" on the noun
            if c.pos_ in ("AUX", "VERB") and self.says_false(c):
                return self.says_false(c), ([x for x in self.complements(c)] if self.says_false(c) < 0 else [])
        return 1, []

    def gov_factor(self, h) -> tuple[int, list]:
        """What the governing context does to clause h's truth: (+1 or -1, tokens responsible)."""
        if h.dep_ == "ROOT" or h.head.i == h.i or h.i in self._active:
            return 1, []
        self._active.add(h.i)
        try:
            return self._gov_factor(h)
        finally:
            self._active.discard(h.i)

    def _gov_factor(self, h) -> tuple[int, list]:
        if h.dep_ == "conj":
            up = self.clause_of(h.head)
            return (1, []) if up.i == h.i else self.gov_factor(up)
        head = h.head
        if head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() in CLAIM_NOUNS and h.dep_ in (
                "acl", "ccomp", "relcl", "appos"):
            f, why = self.claim_factor(head)
            if f < 0:
                self.clausal_denial = True
            return f, why
        if head.pos_ in ("NOUN", "PRON") and h.dep_ in ("acl", "ccomp", "xcomp", "relcl") and (
                head.lower_ in NEGATIVE_ARGS or any(_is_no(d) for d in head.children)):
            # "no plans to raise", "no evidence that …": the negated noun scopes over its complement
            f, why = self.gov_factor(self.clause_of(head))
            return -f, why + [d for d in head.children if _is_no(d)]
        if h.dep_ not in ("ccomp", "xcomp", "csubj", "csubjpass"):
            return 1, []
        g = self.clause_of(head)
        gl = g.lemma_.lower()
        gpol, gwhy = self.polarity(g)
        if gl in DENY:
            self.clausal_denial = True
            return -gpol, gwhy + [g]
        if gl in IMPLICATIVE_NEG and h.dep_ == "xcomp":
            return -gpol, gwhy + [g]
        if self.says_false(g) < 0:
            self.clausal_denial = True
            return -gpol, gwhy + self.complements(g)
        if self.says_false(g) > 0:
            if gpol < 0:
                self.clausal_denial = True
            return gpol, gwhy
        if gl in REPORTING or gl in CONFIRM:
            return self.gov_factor(g)  # "did not say that X" does not deny X
        return gpol, gwhy

    def polarity(self, h) -> tuple[int, list]:
        if h.i in self._pol:
            return self._pol[h.i]
        self._pol[h.i] = (1, [])  # cycle guard
        negs = self.local_neg(h)
        f, why = self.gov_factor(h)
        pol = f * (-1 if len(negs) % 2 else 1)
        self._pol[h.i] = (pol, why + negs)
        return self._pol[h.i]

    # -- frame: reporting verb and its speaker
    def find_frame(self) -> None:
        for t in self.doc:
            lemma = t.lemma_.lower()
            if t.lower_ == "according" and any(c.lower_ == "to" for c in t.children):
                self.frame.update(x.i for x in t.subtree)
                self.speaker_toks.update(x.i for x in t.subtree)
                continue
            if t.pos_ != "VERB" or not (lemma in REPORTING or lemma in DENY or lemma in CONFIRM):
                continue
            comp = [c for c in t.children if c.dep_ in ("ccomp", "parataxis")]
            claim_obj = [c for c in t.children if c.dep_ == "dobj" and c.lemma_.lower() in CLAIM_NOUNS
                         and (lemma in DENY or lemma in CONFIRM)]  # "found evidence" is no frame
            xcomp = [c for c in t.children if c.dep_ == "xcomp"] if lemma in DENY else []
            if not (comp or claim_obj or xcomp) and not (lemma in CONFIRM and lemma != "admit"):
                continue
            if lemma in CONFIRM and (comp or claim_obj or any(c.dep_ == "dobj" for c in t.children)):
                self.confirms.append(_span(t))
            self.frame.add(t.i)
            for c in t.children:
                if c.dep_ in ("nsubj", "agent", "aux", "neg", "advmod", "punct", "cc"):
                    if c.dep_ in ("nsubj", "agent"):
                        self.speaker_toks.update(x.i for x in c.subtree)
                    self.frame.update(x.i for x in c.subtree)
                elif c.dep_ == "prep" and c.lower_ in ("in", "on") and lemma in REPORTING:
                    pass  # "said on Sunday": content-neutral, left to the content

    # -- items
    def item(self, t) -> Item | None:
        if t.pos_ not in _CONTENT_POS or t.i in self.frame:
            return None
        lemma = t.lemma_.lower()
        if t.pos_ == "VERB" and lemma in LIGHT_VERBS:
            return None
        if t.like_num or t.pos_ == "NUM":
            return None  # numbers are compared as quantities
        k = key_of(t)
        if k in ANTONYM_KEYS or k in SYNONYM:
            pass
        elif t.pos_ in ("ADV", "NOUN") and t.is_stop or t.pos_ == "ADJ" and lemma in LIGHT_ADJECTIVES:
            return None
        if t.lower_ in NEGATIVE_ARGS or lemma in ("not", "never"):
            return None
        w = _WEIGHT.get(t.pos_, 0.5)
        if k in LIGHT_NOUNS or k in SUPPORT_VERBS:
            w = 0.4  # they count, but little: the meaning is in their object
        mods = frozenset(key_of(c) for c in t.children
                         if c.dep_ in ("amod", "compound", "nmod", "poss") and c.pos_ in ("NOUN", "PROPN", "ADJ")
                         and c.lemma_.lower() not in LIGHT_ADJECTIVES and not c.is_stop)
        return Item(t.i, k, t.pos_, w, _span(t), t.text, mods)

    def run(self) -> Statement:
        doc = self.doc
        self.find_frame()
        items = {t.i: it for t in doc if (it := self.item(t)) is not None}
        # clause membership and roles
        clauses: dict[int, dict[str, list[int]]] = {}
        for t in doc:
            h = self.clause_of(t)
            if t.i == h.i:
                clauses.setdefault(h.i, {"subj": [], "obj": [], "obl": [], "comp": []})
                continue
            c = t
            while c.head.i != h.i and c.head.i != c.i:
                c = c.head
            role = {"nsubj": "subj", "csubj": "subj", "agent": "subj", "expl": "subj",
                    "nsubjpass": "obj", "dobj": "obj", "dative": "obj", "attr": "obj", "oprd": "obj"}.get(c.dep_, "obl")
            if self.is_copula(h) and c.dep_ in ("acomp", "attr", "oprd"):
                role = "comp"
            if c.dep_ == "acomp":
                role = "comp"
            clauses.setdefault(h.i, {"subj": [], "obj": [], "obl": [], "comp": []})[role].append(t.i)
        preds: list[Pred] = []
        for hi, roles in clauses.items():
            h = doc[hi]
            if hi in self.frame and h.lemma_.lower() not in DENY:
                continue
            pol, why = self.polarity(h)
            negs = [_span(x) for x in why]
            args = {r: [items[i] for i in roles[r] if i in items] for r in ("subj", "obj", "obl")}
            if not args["subj"] and h.dep_ == "xcomp":
                # control: "asked the wealthy to pay" (the object pays), "refused to resign" (the subject)
                g, controller = h, []
                for _ in range(4):  # "asked them to start paying": up the chain of infinitives
                    if g.dep_ != "xcomp":
                        break
                    g = self.clause_of(g.head)
                    controller = [c for c in g.children if c.dep_ in ("dobj", "dative")] or \
                                 [c for c in g.children if c.dep_ in ("nsubj", "nsubjpass")]
                    if controller:
                        break
                args["subj"] = [items[x.i] for c in controller for x in c.subtree if x.i in items]
            heads: list[tuple[Item, list, list, list]] = []
            if self.is_copula(h) or h.pos_ == "AUX":
                comps = [c for c in h.children if c.dep_ in ("acomp", "attr", "oprd")]
                if not comps:  # "is on suspension", "was at the scene": the prepositional object
                    comps = [p for c in h.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"][:1]
                comp_is = {x.i for c in comps for x in c.subtree}
                for c in comps:
                    if c.i in items:
                        obl = [it for it in args["obl"] + [items[i] for i in roles["comp"] if i in items]
                               if it.i != c.i and it.i in comp_is | {it.i for it in args["obl"]}]
                        heads.append((items[c.i], args["subj"], [], obl))
            elif h.i in items:
                # what an infinitive complement is about counts for the verb too ("preparing to cut jobs")
                inner = [items[x.i] for c in h.children if c.dep_ == "xcomp" for x in c.subtree
                         if x.i in items and x.pos_ in ("NOUN", "PROPN") and x.i != c.i]
                heads.append((items[h.i], args["subj"], args["obj"], args["obl"] + inner))
                # predicative adjectives of this verb ("found guilty"): about the object if any
                for i in roles["comp"] + roles["obj"]:
                    t = doc[i]
                    if t.pos_ == "ADJ" and t.head.i == hi and t.dep_ in ("acomp", "oprd") and i in items:
                        about = [x for x in args["obj"] if x.i != i] or args["subj"]
                        heads.append((items[i], about, [], args["obl"]))
                # "described the talks as a failure", "dismissed the report as a fabrication"
                for c in h.children:
                    if c.dep_ == "prep" and c.lower_ == "as" and args["obj"]:
                        for y in c.children:
                            if y.dep_ == "pobj" and y.i in items and y.pos_ in ("NOUN", "ADJ"):
                                heads.append((items[y.i], args["obj"], [], []))
                # "denied any involvement", "escaped damage": the object did not happen
                if h.lemma_.lower() in AVERT:
                    for c in h.children:
                        if c.dep_ == "dobj" and c.lemma_.lower() not in CLAIM_NOUNS and c.i in items \
                                and c.lower_ not in PRONOUNS:
                            preds.append(Pred(items[c.i], -pol, hi, args["subj"], [], [], [_span(h)] + negs))
            for it, subj, obj, obl in heads:
                p = pol
                tok = doc[it.i]
                own = [c for c in tok.children if c.dep_ == "neg"] if tok.i != hi else []
                if own:
                    p = -p
                preds.append(Pred(it, p, hi, subj, obj, obl, negs + [_span(x) for x in own],
                                  stance=_stance(h) if tok.i == hi else 0))
        for p in preds:
            p.irrealis = self.irrealis(doc[p.clause])
        self._attach_dates(preds)
        quantities = self._quantities(preds)
        denials = self._generic_denials()
        speaker_keys = {key_of(doc[i]) for i in self.speaker_toks if doc[i].pos_ in ("NOUN", "PROPN")}
        if self.speaker:
            speaker_keys |= {w for w in re.findall(r"[a-z][a-z'.-]+", self.speaker.lower())
                             if w not in _STOP and w not in PRONOUNS}
        content = [it for it in items.values()]
        main = sorted((p for p in preds if p.clause not in self.frame),
                      key=lambda p: sum(1 for _ in doc[p.clause].ancestors))
        positive = bool(main) and main[0].pol > 0 and not denials and not self.clausal_denial
        return Statement(doc.text, content, preds, quantities, speaker_keys, denials,
                         bool(denials) or self.clausal_denial or any(
                             doc[p.clause].lemma_.lower() in DENY for p in preds),
                         self.confirms, positive,
                         negations=sum(1 for t in doc if _is_negation(t)))

    def _attach_dates(self, preds: list[Pred]) -> None:
        by_clause: dict[int, list[Pred]] = {}
        for p in preds:
            by_clause.setdefault(p.clause, []).append(p)
        for ent in self.doc.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            h = self.clause_of(ent.root)
            vals = []
            for t in ent:
                low = t.lower_.rstrip(".")
                if re.fullmatch(r"1[5-9]\d\d|20\d\d", t.text):
                    vals.append(("year", int(t.text), _span(t)))
                elif low in MONTHS and (low != "may" or t.pos_ == "PROPN"):
                    vals.append(("month", MONTHS[low], _span(t)))
                elif low in WEEKDAYS:
                    vals.append(("weekday", WEEKDAYS[low], _span(t)))
            when = frozenset(t.lower_.rstrip(".") for t in ent
                             if t.lower_.rstrip(".") in TEMPORAL or t.lower_.rstrip(".") in MONTHS
                             or t.lower_ in WEEKDAYS or t.text.isdigit())
            for p in by_clause.get(h.i, []):
                p.dates.extend(vals)
                if when:
                    p.when.append(when)

    def _quantities(self, preds: list[Pred]) -> list[Quantity]:
        doc = self.doc
        by_clause = {p.clause: p for p in preds}
        out: list[Quantity] = []
        i = 0
        n = len(doc)
        while i < n:
            t = doc[i]
            if not _is_num(t) or t.ent_type_ in ("DATE", "TIME", "ORDINAL") or t.i in self.frame:
                i += 1
                continue
            j = i
            while j + 1 < n and _is_num(doc[j + 1]) and doc[j + 1].ent_type_ not in ("DATE", "TIME"):
                j += 1
            group = doc[i:j + 1]
            i = j + 1
            if group.start > 0 and doc[group.start - 1].text in ("-", "–") or (
                    group.end < n and doc[group.end].text in ("-", "–")):
                continue  # scores "2-1", ranges
            value = _value(group)
            if value is None:
                continue
            last = group[-1]
            before = " ".join(x.lower_ for x in doc[max(0, group.start - 3):group.start])
            prev = [x.lower_ for x in doc[max(0, group.start - 3):group.start] if x.text not in CURRENCY]
            if _paired(doc, group):
                continue  # ratios and scores: "a 2 to 1 margin", "47 percent to 44 percent"
            # a value compared with, or the start of a change, is not what the statement asserts
            reference = bool(prev) and (prev[-1] in ("from", "versus", "vs", "vs.") or prev[-2:] in (
                ["compared", "to"], ["compared", "with"]) or (prev[-1] == "than" and prev[-2:-1] not in (
                    ["more"], ["less"], ["fewer"], ["higher"], ["lower"])))
            unit = ""
            for x in doc[max(0, group.start - 2):group.end + 1]:
                if x.text in CURRENCY or x.lower_ in CURRENCY:
                    unit = CURRENCY.get(x.text, CURRENCY.get(x.lower_, ""))
            measured: list[str] = []
            head = last.head if last.dep_ in ("nummod", "quantmod", "compound", "npadvmod", "appos") else None
            nxt = doc[group.end] if group.end < n else None
            if not unit and nxt is not None and (nxt.text in PERCENT or nxt.lower_ in PERCENT):
                unit = "percent"
            if not unit and head is not None and head.pos_ in ("NOUN", "PROPN") and head.i >= group.end:
                unit = CURRENCY.get(head.lemma_.lower(), key_of(head))
            # what is measured: "40 centimetres [of snow]", "22% [of Democratic claims]"
            for u in {last, nxt, head} - {None}:
                for prep in u.children:
                    if prep.dep_ == "prep" and prep.lower_ == "of":
                        measured += [key_of(x) for p in prep.children if p.dep_ == "pobj" for x in p.subtree
                                     if x.pos_ in ("NOUN", "PROPN", "ADJ") and not x.is_stop]
            h = self.clause_of(last)
            pred = by_clause.get(h.i)
            if not unit:
                unit = "#" + (key_of(h) if h.pos_ == "VERB" else "?")
            lo, hi = value, value
            for phrase, kind in HEDGES:
                if before.endswith(phrase):
                    lo, hi = {"ge": (value, math.inf), "le": (0.0, value), "near": (0.85 * value, value),
                              "approx": (0.85 * value, 1.15 * value)}[kind]
            out.append(Quantity(value, lo, hi, unit, tuple(measured), pred,
                                (group[0].idx, last.idx + len(last.text)), reference))
        return out

    def _generic_denials(self) -> list[tuple[tuple[int, int], set[str]]]:
        """Denials that do not restate what they deny: "disputed the results", "That is false"."""
        doc = self.doc
        out = []
        for t in doc:
            lemma = t.lemma_.lower()
            if self.in_question(t):  # "do you think it's a hoax?" asserts nothing
                continue
            if t.pos_ in ("NOUN",) and lemma in CLAIM_NOUNS:
                f, why = self.claim_factor(t)
                if f < 0 and not any(c.dep_ in ("acl", "relcl", "ccomp") and not self.says_false(c)
                                     for c in t.children):
                    target = {key_of(x) for c in t.children if c.dep_ in ("poss", "compound", "prep")
                              for x in c.subtree if x.pos_ in ("NOUN", "PROPN")}
                    out.append((_span(why[-1]) if why else _span(t), target))
            elif t.pos_ == "VERB" and lemma in DENY:
                objs = [c for c in t.children if c.dep_ in ("dobj", "ccomp", "xcomp", "nsubjpass", "auxpass")]
                has_subject = any(c.dep_ == "nsubj" for c in t.children)  # someone denies (not a bad parse)
                if has_subject and (not objs or all(c.lower_ in PRONOUNS for c in objs)):
                    out.append((_span(t), set()))
            elif t.pos_ in ("AUX", "VERB") and self.says_false(t) < 0:
                subj = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
                comp = [c for c in t.children if c.dep_ in ("ccomp", "csubj")]
                if not comp and subj and all(s.lower_ in PRONOUNS for s in subj):
                    out.append((_span(self.complements(t)[0]) if self.complements(t) else _span(t), set()))
        return out


ANTONYM_KEYS = frozenset(k for pair in ANTONYM for k in pair)
try:
    from spacy.lang.en.stop_words import STOP_WORDS as _STOP
except ImportError:  # pragma: no cover
    _STOP = frozenset()


def _paired(doc, group) -> bool:
    """Is this number one side of "X (percent) to Y": a ratio, a score or a poll margin?
    ("from 5 percent to 7 percent" is a change: its end value stands.)"""
    units = set(PERCENT) | {"points", "point"}
    j = group.end
    if j < len(doc) and doc[j].lower_ in units:
        j += 1
    if j + 1 < len(doc) and doc[j].lower_ == "to" and _is_num(doc[j + 1]):
        return not any(t.lower_ == "from" for t in doc[max(0, group.start - 3):group.start])
    k = group.start - 1
    if k >= 1 and doc[k].lower_ == "to":
        k -= 1
        if doc[k].lower_ in units and k >= 1:
            k -= 1
        if _is_num(doc[k]):
            return not any(t.lower_ == "from" for t in doc[max(0, k - 4):k])
    return False


def _is_negation(t) -> bool:
    """A word that negates what it stands in: "not", "n't", "never", the determiner "no", "nothing"."""
    return t.dep_ == "neg" or t.lower_ in NEGATIVE_ARGS or t.lower_ == "never" or _is_no(t) or (
        t.pos_ == "VERB" and t.lemma_.lower() in NEGATING_VERBS)


def _stance(h) -> int:
    """For or against: "voted for the bill" (+1), "voted against it" (-1), "argued in favour of" (+1)."""
    for c in h.children:
        if c.dep_ != "prep":
            continue
        if c.lower_ == "against":
            return -1
        if c.lower_ == "for" or c.lower_ == "in" and any(
                p.lower_ in ("favour", "favor", "support") for p in c.children if p.dep_ == "pobj"):
            return 1
    return 0


def _is_no(d) -> bool:
    """The determiner "no" ("no guarantees"), not "no less important", "no more than"."""
    if d.dep_ != "det" or d.lower_ != "no":
        return False
    nxt = d.doc[d.i + 1] if d.i + 1 < len(d.doc) else None
    return nxt is None or (nxt.tag_ not in ("JJR", "RBR") and nxt.lower_ not in ("less", "more", "longer", "fewer"))


def _is_num(t) -> bool:
    low = t.lower_
    if low in ("one",) and t.pos_ != "NUM":
        return False
    return t.like_num or low in NUMBER_WORDS or low in SCALES and t.pos_ == "NUM" or bool(
        re.fullmatch(r"\d[\d,]*(\.\d+)?", t.text))


def _value(group) -> float | None:
    total, cur = 0.0, None
    for t in group:
        low = t.lower_.replace(",", "")
        if low in SCALES:
            cur = (cur if cur is not None else 1.0) * SCALES[low]
            if SCALES[low] >= 1000:
                total += cur
                cur = None
            continue
        if re.fullmatch(r"\d+(\.\d+)?", low):
            v = float(low)
        elif low in NUMBER_WORDS:
            v = float(NUMBER_WORDS[low])
        else:
            return None
        cur = (cur or 0.0) + v
    return total + (cur or 0.0)


def analyse(doc, speaker: str | None = None) -> Statement:
    """The parts of a parsed text that :func:`compare` uses; compute once per text."""
    return _Analyser(doc, speaker).run()


# ----------------------------------------------------------------------------------------------
# Comparison

def _same_referent(x: Item, y: Item) -> bool:
    """The same noun, not told apart by its modifiers ("Democratic claims" / "Republican claims",
    "Bill Clinton" / "Hillary Clinton"; "the new vaccine" / "the vaccine" may be the same)."""
    if not same(x.key, y.key):
        return False
    return not x.mods or not y.mods or any(same(m, n) for m in x.mods for n in y.mods)


def _arg_overlaps(xs: Iterable[Item], ys: Iterable[Item]) -> list[tuple[Item, Item]]:
    ys = list(ys)
    return [(x, y) for x in xs for y in ys if _same_referent(x, y)]


def _compatible(xs: list[Item], ys: list[Item]) -> bool | None:
    """True if the two argument lists share a referent, None if either has none (unknown),
    False if both name things and none is shared (different things). Generic nouns ("people",
    "majority") name nothing in particular."""
    xs_n = [x for x in xs if x.pos in ("NOUN", "PROPN") and x.key not in LIGHT_NOUNS]
    ys_n = [y for y in ys if y.pos in ("NOUN", "PROPN") and y.key not in LIGHT_NOUNS]
    if not xs_n or not ys_n:
        return None
    return bool(_arg_overlaps(xs_n, ys_n))


def _same_thing(pa: Pred, pb: Pred) -> tuple[bool, float]:
    """Are two predications about the same participants? (ok, penalty)"""
    if (pa.item.pos == "VERB") != (pb.item.pos == "VERB"):
        # a state ("the journalist [is] not guilty") against an act ("acquitted the journalist"):
        # the state's subject is the act's object (its theme), or its subject when intransitive
        state, act = (pb, pa) if pa.item.pos == "VERB" else (pa, pb)
        theme = act.obj or act.subj
        same_theme = _compatible(state.subj, theme)
        if same_theme is not None:
            return same_theme, 0.0
    subj = _compatible(pa.subj, pb.subj)
    obj = _compatible(pa.obj, pb.obj)
    # a passive subject is the object of the active: compare across where one side lacks a role
    if subj is None and obj is None:
        cross = _compatible(pa.subj + pa.obj, pb.subj + pb.obj)
        if cross is False:
            return False, 0.0
    if obj is False:
        return False, 0.0
    if subj is False:
        # a paraphrased agent ("the army" / "government troops") of the same act on the same thing;
        # the thing must be specific ("people" is shared by any two disasters); two different names
        # are two agents ("Smith won the vote" / "Jones won the vote")
        named = [x for x in pa.subj if x.pos == "PROPN"] and [y for y in pb.subj if y.pos == "PROPN"]
        if obj and not named and _arg_overlaps([x for x in pa.obj if x.key not in LIGHT_NOUNS],
                                 [y for y in pb.obj if y.key not in LIGHT_NOUNS]):
            return True, 0.15
        return False, 0.0
    anchored = bool(_arg_overlaps([x for x in pa.args if x.pos in ("NOUN", "PROPN", "ADJ")],
                                  [y for y in pb.args if y.pos in ("NOUN", "PROPN", "ADJ")]))
    return anchored, 0.0


def _other_occasion(pa: Pred, pb: Pred) -> bool:
    """Both predications are dated, and not to the same time: "close for the winter" / "open in
    September" do not contradict each other."""
    if not pa.when or not pb.when:
        return False
    return not any(x <= y or y <= x for x in pa.when for y in pb.when)


def _coverage(a: Statement, b: Statement) -> tuple[float, float, list[tuple[Item, Item]]]:
    pairs = _overlaps(a.content, b.content)
    # numbers by value count as shared content
    qa = {q.value for q in a.quantities}
    qb = {q.value for q in b.quantities}
    shared_q = len(qa & qb)
    ma = {x.i for x, _ in pairs}
    mb = {y.i for _, y in pairs}
    wa = sum(x.weight for x in a.content) + 0.6 * len(qa)
    wb = sum(y.weight for y in b.content) + 0.6 * len(qb)
    ca = (sum(x.weight for x in a.content if x.i in ma) + 0.6 * shared_q) / wa if wa else 0.0
    cb = (sum(y.weight for y in b.content if y.i in mb) + 0.6 * shared_q) / wb if wb else 0.0
    return ca, cb, pairs


def _ev(a_spans, b_spans, why: str) -> dict:
    return {"a": [list(s) for s in a_spans], "b": [list(s) for s in b_spans], "why": why}


def compare(a: Statement, b: Statement) -> Relation:
    """The relation of statement ``b`` to statement ``a`` (symmetric but for the evidence sides)."""
    ca, cb, pairs = _coverage(a, b)
    overlap = (ca + cb) / 2
    signals: list[tuple[float, str, dict]] = []  # (strength, kind, evidence)
    agree: list[dict] = []  # the same predication on both sides (or an antonym denied: "not guilty"/"acquitted")

    def add(kind: str, penalty: float, a_spans, b_spans, why: str) -> None:
        signals.append((STRENGTH[kind] - penalty, kind, _ev(a_spans, b_spans, why)))

    for pa in a.preds:
        for pb in b.preds:
            if pa.irrealis or pb.irrealis:  # only asserted predications can contradict
                continue
            ka, kb = pa.item.key, pb.item.key
            if same(ka, kb):
                # agent and patient swapped for an asymmetric predicate ("A beat B" / "B beat A")
                if ka in ASYMMETRIC and pa.pol == pb.pol and pa.subj and pb.subj \
                        and not _overlaps(pa.subj, pb.subj):
                    na = [x for x in pa.obj + pa.obl if x.pos in ("NOUN", "PROPN")]
                    nb = [y for y in pb.obj + pb.obl if y.pos in ("NOUN", "PROPN")]
                    if _overlaps(pa.subj, nb) and _overlaps(pb.subj, na):
                        add("role-swap", 0.0, [x.span for x in pa.subj], [y.span for y in pb.subj],
                            f"agent and patient of '{pa.item.text}' swapped")
                ok, pen = _same_thing(pa, pb)
                if not ok:
                    continue
                if pa.pol != pb.pol and not _other_occasion(pa, pb):
                    neg = pa if pa.pol < 0 else pb
                    why = f"negation of shared predicate '{pa.item.text}'"
                    if neg.neg:
                        text = (a if neg is pa else b).text
                        why += " (" + ", ".join(text[s:e] for s, e in neg.neg[:3]) + ")"
                    add("negation", pen, [pa.item.span] + (pa.neg if pa.pol < 0 else []),
                        [pb.item.span] + (pb.neg if pb.pol < 0 else []), why)
                    continue
                if pa.stance * pb.stance < 0:  # "voted for the bill" / "voted against the bill"
                    add("antonym", pen, [pa.item.span], [pb.item.span],
                        f"'{pa.item.text}' for and against the same thing")
                    continue
                agree.append(_ev([pa.item.span], [pb.item.span], f"same predication '{pa.item.text}'"
                                 + (" (both negative)" if pa.pol < 0 else "")))
                # same predicate, same polarity: a different date for the same event
                for ta, va, sa in pa.dates:
                    for tb, vb, sb in pb.dates:
                        if ta == tb and va != vb and not any(t2 == ta and v2 == vb for t2, v2, _ in pa.dates):
                            add("date", pen, [sa], [sb], f"different {ta} for '{pa.item.text}'")
            elif opposite(ka, kb, pa.item.text.lower(), pb.item.text.lower()):
                ok, pen = _same_thing(pa, pb)
                if ok and pa.pol == pb.pol and not _other_occasion(pa, pb):
                    add("antonym", pen, [pa.item.span], [pb.item.span],
                        f"opposite predicates '{pa.item.text}' / '{pb.item.text}'")
                elif ok:  # "did not rise" / "fell", "not guilty" / "acquitted" agree
                    agree.append(_ev([pa.item.span] + pa.neg, [pb.item.span] + pb.neg,
                                     f"'{pa.item.text}' and '{pb.item.text}' agree (one negated antonym)"))

    def values(st: Statement, unit: str) -> set[float]:
        return {q.value for q in st.quantities if same(q.unit, unit) and not q.reference}

    for qa in a.quantities:
        for qb in b.quantities:
            if not same(qa.unit, qb.unit):
                continue
            if len(values(a, qa.unit)) > 1 or len(values(b, qb.unit)) > 1:
                # several values of one unit ("3 points, 4.3 points and 2.1 points"): several things
                if qa.lo <= qb.hi and qb.lo <= qa.hi and not qa.unit.startswith("#"):
                    agree.append(_ev([qa.span], [qb.span], f"same quantity of '{qa.unit}'"))
                continue
            if qa.lo <= qb.hi and qb.lo <= qa.hi:
                if not qa.unit.startswith("#"):
                    agree.append(_ev([qa.span], [qb.span], f"same quantity of '{qa.unit}'"))
                continue
            same_event, pen = False, 0.0
            if qa.pred is not None and qb.pred is not None and same(qa.pred.item.key, qb.pred.item.key) \
                    and not (qa.pred.irrealis or qb.pred.irrealis):
                ok, pen = _same_thing(qa.pred, qb.pred)
                same_event = ok or _compatible(qa.pred.subj, qb.pred.subj) is not False
            if qa.reference or qb.reference:
                continue
            if qa.measured and qb.measured:  # "40 cm of snow" / "15 cm of snow", not "of Republican claims"
                a_in_b = all(any(same(x, y) for y in qb.measured) for x in qa.measured)
                b_in_a = all(any(same(y, x) for x in qa.measured) for y in qb.measured)
                aligned = qa.pred is None or qb.pred is None or same(qa.pred.item.key, qb.pred.item.key)
                same_event = (a_in_b or b_in_a) and aligned
            if same_event and (qa.pred is None or qb.pred is None or (
                    qa.pred.pol == qb.pred.pol and not _other_occasion(qa.pred, qb.pred))):
                add("number", pen, [qa.span], [qb.span], f"different quantities of '{qa.unit.lstrip('#')}'")
    # a denial that does not restate its claim, against a positive claim about the same people/things
    for x, y, x_is_a in ((a, b, True), (b, a, False)):
        if not x.denials or y.denies or not y.positive_claim:
            continue
        if len(x.content) > DENIAL_MAX_WORDS and overlap < DISPUTE_MIN_OVERLAP:
            continue  # a long text that only mentions a denial somewhere is no terse denial
        x_nouns = [it for it in x.content if it.pos in ("NOUN", "PROPN") and it.key not in CLAIM_NOUNS
                   and it.key not in LIGHT_NOUNS]
        y_nouns = [it for it in y.content if it.pos in ("NOUN", "PROPN") and it.key not in LIGHT_NOUNS]
        anchors = _arg_overlaps(x_nouns, y_nouns)
        target_hit = any(same(t, k) for _, target in x.denials for t in target
                         for k in y.speaker_keys | {it.key for it in y_nouns})
        speaker_hit = any(same(s, it.key) for s in x.speaker_keys for it in y_nouns)
        # what is denied must be recognisable: whose claim it is, or two things it is about (who is
        # speaking alone, or one shared name, does not say what is denied)
        if target_hit or len({i.key for i, _ in anchors}) >= 2:
            bonus = 0.1 * (bool(anchors) + target_hit + speaker_hit)
            x_spans = [x.denials[0][0]] + [i.span for i, _ in anchors]
            y_spans = [j.span for _, j in anchors]
            why = "denial of a claim about the same " + (
                "source" if target_hit else "people" if speaker_hit else "subject")
            add("denial", -bonus, x_spans if x_is_a else y_spans, y_spans if x_is_a else x_spans, why)

    # A contradiction needs the statements to be about the same thing; a denial that does not
    # restate its claim shares little wording with it, and its anchor stands in for the overlap.
    kept = [s for s in signals if overlap >= DISPUTE_MIN_OVERLAP or s[1] == "denial"]
    if kept:
        kept.sort(key=lambda s: -s[0])
        score = min(0.99, kept[0][0] + 0.03 * (len(kept) - 1) + 0.05 * overlap)
        return Relation("disputes", round(score, 3), tuple(s[2] for s in kept[:5]))

    # An antonym across the two ("not reopen" / "stay closed") turns one negation into agreement.
    # (Not when a side holds both words: "rose in March and fell in April".)
    flip = any(opposite(x.key, y.key, x.text.lower(), y.text.lower())
               and not any(same(y.key, z.key) for z in a.content) and not any(same(x.key, z.key) for z in b.content)
               for x in a.content for y in b.content)
    # A negation on one side only (in the content, or in the frame: "did not confirm") forbids
    # reading the two as saying the same thing.
    polarity_differs = (a.negations + flip) % 2 != b.negations % 2
    if a.denials and b.denials:
        agree.append(_ev([a.denials[0][0]], [b.denials[0][0]], "both deny"))
    # Support: the same predication about the same participants (or a confirming cue), and enough
    # shared content; or nearly the same content where the parse does not line the clauses up.
    confirms = a.confirms or b.confirms
    threshold = CONFIRMED_OVERLAP if confirms or any("agree" in e["why"] for e in agree) else SUPPORT_OVERLAP
    same_speaker = {k for k in a.speaker_keys if any(same(k, j) for j in b.speaker_keys)}
    a_spans = [x.span for x, _ in pairs]
    b_spans = [y.span for _, y in pairs]
    enough = len({x.key for x, _ in pairs} | same_speaker) + bool(agree) >= 2
    if polarity_differs and not any("agree" in e["why"] or "both" in e["why"] for e in agree):
        enough = False
    if enough and (overlap >= PARAPHRASE_OVERLAP or overlap >= threshold and (agree or confirms)):
        ev = agree[:2] + [_ev(a_spans, b_spans, f"content overlap {overlap:.2f}")]
        if confirms:
            ev.append(_ev(a.confirms, b.confirms, "confirming cue"))
        score = min(0.99, 0.45 + 0.5 * overlap + (0.1 if agree or confirms else 0.0))
        return Relation("supports", round(score, 3), tuple(ev))
    ev = [_ev(a_spans, b_spans, f"one side negated, no shared predication (overlap {overlap:.2f})"
              if polarity_differs and overlap >= threshold else f"little shared content (overlap {overlap:.2f})")]
    if signals:
        ev.append(_ev([], [], f"ignored: {signals[0][2]['why']} (the statements share too little)"))
    return Relation("unrelated", round(max(0.5, 1.0 - 0.5 * overlap / threshold), 3), tuple(ev))


# ----------------------------------------------------------------------------------------------
# Public API

_NLP = None


def _nlp(nlp=None):
    global _NLP
    if nlp is not None:
        return nlp
    if _NLP is None:
        from saidwhat.engine.model import load_base
        _NLP = load_base()
    return _NLP


def relate(a: str, b: str, *, a_speaker: str | None = None, b_speaker: str | None = None,
           nlp=None) -> Relation:
    """The relation of statement ``b`` to statement ``a``: disputes, supports or unrelated."""
    return relate_many([(a, b, a_speaker, b_speaker)], nlp=nlp)[0]


def _as_pair(p: Any) -> tuple[str, str, str | None, str | None]:
    if isinstance(p, dict):
        return p["a"], p["b"], p.get("a_speaker"), p.get("b_speaker")
    p = tuple(p)
    if len(p) == 2:
        return p[0], p[1], None, None
    if len(p) == 4:
        return p[0], p[1], p[2], p[3]
    raise ValueError("a pair is (a, b), (a, b, a_speaker, b_speaker) or a dict with 'a' and 'b'")


def relate_many(pairs: Iterable[Any], nlp=None, *, batch_size: int = 256,
                cache: dict | None = None) -> list[Relation]:
    """``relate`` over many pairs: each distinct text is parsed once, in one ``nlp.pipe`` pass.

    A pair is ``(a, b)``, ``(a, b, a_speaker, b_speaker)`` or a dict with ``a``, ``b`` and optional
    ``a_speaker``/``b_speaker``. ``cache`` (a dict the caller keeps) carries analysed statements
    from one call to the next, so a text seen before is not parsed again.
    """
    items = [_as_pair(p) for p in pairs]
    for a, b, _, _ in items:
        if not isinstance(a, str) or not isinstance(b, str):
            raise TypeError("statements must be strings")
    cache = {} if cache is None else cache
    texts = list(dict.fromkeys(t for a, b, sa, sb in items for t, sp in ((a, sa), (b, sb))
                               if (t, sp) not in cache))
    docs = dict(zip(texts, _nlp(nlp).pipe(texts, batch_size=batch_size))) if texts else {}

    def statement(text: str, speaker: str | None) -> Statement:
        k = (text, speaker)
        if k not in cache:
            cache[k] = analyse(docs[text], speaker)
        return cache[k]

    return [compare(statement(a, sa), statement(b, sb)) for a, b, sa, sb in items]


# ----------------------------------------------------------------------------------------------
# Command line: ``saidwhat relate --pairs FILE [-o OUT]``

def read_pairs(lines: Iterable[str]) -> Iterator[tuple[int, dict | str]]:
    """(line number, pair dict) or (line number, error message) for each non-blank line."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, f"not JSON ({exc.msg})"
            continue
        if not isinstance(obj, dict):
            yield n, "expected a JSON object"
            continue
        missing = [k for k in ("id", "a", "b") if k not in obj]
        if missing:
            yield n, "missing " + ", ".join(repr(k) for k in missing)
            continue
        bad = [k for k in ("a", "b") if not isinstance(obj[k], str) or not obj[k].strip()]
        bad += [k for k in ("a_speaker", "b_speaker") if obj.get(k) is not None and not isinstance(obj[k], str)]
        if bad or not isinstance(obj["id"], (str, int)):
            yield n, "bad " + ", ".join(repr(k) for k in bad or ["id"])
            continue
        yield n, obj
