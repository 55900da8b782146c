"""Attribution metrics: how close predicted SOURCE / CUE / CONTENT spans come to gold ones.

``saidwhat eval`` and the CI quality gate both score through this module, so the package can
grade itself without shelling out to the shared reference scorer (``shared/eval/score.py``).
The numbers must be the reference's numbers: the same metric names, definitions and edge
conventions, which ``tests/test_scoring.py`` checks against the reference on real gold data.
If the two ever disagree, the reference is right and this module is the bug.

In short (offsets are end-exclusive ``str`` offsets into the gold text; a role is a list of
``[start, end]`` fragments, possibly empty):

* role metrics, per role: *exact* compares whole mentions after trimming edge punctuation and
  merging fragments; *partial* compares the sets of ``\\w+`` tokens the spans touch;
* attribution metrics: gold and predicted attributions are paired one-to-one, greedily, by
  the F1 of their content tokens (pairs below 0.5 are never made); a pair's source / cue is
  right when both are empty or they share a token (or, for spans without word characters such
  as a ``:`` cue, a non-space character).

Counts are summed over documents before any ratio is taken (micro-averaging).
"""
from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from fractions import Fraction
from typing import Any, Iterable

from saidwhat.errors import SaidwhatError

ROLES = ("source", "cue", "content")
MIN_CONTENT_F1 = Fraction(1, 2)  # a gold/pred pair needs content-token F1 of at least this

_WORD = re.compile(r"\w+")
_EXTRA_TRIM = frozenset("`\u00b4")  # backtick and acute accent, used as makeshift quotes
_NOT_META = ("text", "attributions")  # gold keys that cannot be used for a breakdown

Frag = tuple[int, int]


# ----------------------------------------------------------------------------------------------
# Reading and checking input
# ----------------------------------------------------------------------------------------------
class JsonlRecords(list):
    """A list of JSON objects that remembers the file and line each one came from."""

    def __init__(self, items: Iterable[dict] = (), path: str = "", lines: Iterable[int] = ()):
        super().__init__(items)
        self.path = path
        self.lines = list(lines)


def read_jsonl(path: str) -> JsonlRecords:
    """Read a JSON-lines file (blank lines skipped, a leading BOM allowed) into a list of dicts.

    The list also carries ``path`` and the line number of every record, so that :func:`score`
    can name the exact line of a bad record.
    """
    name = str(path)
    try:
        with open(path, "rb") as fh:
            raw_lines = fh.read().split(b"\n")
    except FileNotFoundError:
        raise SaidwhatError("E006", name) from None
    except OSError as exc:
        raise SaidwhatError("E011", f"{name} ({exc.strerror or exc})") from None
    records = JsonlRecords(path=name)
    for number, raw in enumerate(raw_lines, 1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise SaidwhatError("E009", f"{name}:{number}: not valid UTF-8 (byte {exc.start})") \
                from None
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SaidwhatError("E009", f"{name}:{number}: invalid JSON: {exc.msg} "
                                        f"(column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise SaidwhatError("E009", f"{name}:{number}: expected a JSON object, "
                                        f"got {type(obj).__name__}")
        records.append(obj)
        records.lines.append(number)
    return records


def _locator(docs: list[dict], default_name: str):
    """A function giving ``"<file>:<line>"`` for the i-th record of *docs*."""
    path = getattr(docs, "path", "") or default_name
    lines = getattr(docs, "lines", None)
    if lines is not None and len(lines) == len(docs):
        return lambda i: f"{path}:{lines[i]}"
    return lambda i: f"{path}:{i + 1}"


def _bad(where: str, reason: str) -> SaidwhatError:
    return SaidwhatError("E009", f"{where}: {reason}")


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _checked_roles(obj: dict, text_len: int, where: str) -> list[dict[str, tuple[Frag, ...]]]:
    """The record's attributions with every role as a sorted tuple of distinct, non-empty
    fragments; raises E009 on anything malformed."""
    if "attributions" not in obj:
        raise _bad(where, "no 'attributions' list")
    atts = obj["attributions"]
    if not isinstance(atts, list):
        raise _bad(where, f"'attributions' must be a list, not {type(atts).__name__}")
    result = []
    for n, att in enumerate(atts):
        if not isinstance(att, dict):
            raise _bad(where, f"attribution {n} must be an object, not {type(att).__name__}")
        roles = {}
        for role in ROLES:
            spans = att.get(role)
            if spans is None:  # a missing or null role is an empty one
                spans = []
            if not isinstance(spans, list):
                raise _bad(where, f"attribution {n}: '{role}' must be a list of [start, end] "
                                  f"pairs, not {type(spans).__name__}")
            kept = set()
            for k, span in enumerate(spans):
                if not (isinstance(span, (list, tuple)) and len(span) == 2
                        and _is_int(span[0]) and _is_int(span[1])):
                    shown = json.dumps(span)[:40]
                    raise _bad(where, f"attribution {n}: '{role}' span {k} is {shown}, "
                                      f"not two integers [start, end]")
                start, end = span
                if not 0 <= start <= end <= text_len:
                    raise _bad(where, f"attribution {n}: '{role}' span {k} is [{start}, {end}]; "
                                      f"need 0 <= start <= end <= {text_len} (text length)")
                if end > start:  # an empty fragment marks nothing
                    kept.add((start, end))
            roles[role] = tuple(sorted(kept))
        result.append(roles)
    return result


def _doc_id(obj: dict, where: str) -> str:
    doc_id = obj.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        raise _bad(where, "'id' must be a non-empty string")
    return doc_id


# ----------------------------------------------------------------------------------------------
# Text helpers
# ----------------------------------------------------------------------------------------------
def _trims(ch: str) -> bool:
    """Characters an exact match ignores at the edges of a span."""
    return ch.isspace() or ch in _EXTRA_TRIM or unicodedata.category(ch)[0] in ("P", "C")


def _strip(text: str, start: int, end: int, drop) -> Frag:
    while start < end and drop(text[start]):
        start += 1
    while end > start and drop(text[end - 1]):
        end -= 1
    return start, end


def mention_key(text: str, frags: Iterable[Frag]) -> tuple[Frag, ...]:
    """The exact-match identity of one role mention.

    Every fragment loses edge whitespace, punctuation, control characters and backticks (a
    fragment made only of those, such as a ``:`` cue, loses whitespace only); the fragments are
    then sorted and joined wherever they overlap or only such characters separate them.
    """
    pieces = []
    for s, e in frags:
        a, b = _strip(text, s, e, _trims)
        if a == b:
            a, b = _strip(text, s, e, str.isspace)
        if a < b:
            pieces.append((a, b))
    pieces.sort()
    joined: list[list[int]] = []
    for a, b in pieces:
        if joined and (a <= joined[-1][1] or all(map(_trims, text[joined[-1][1]:a]))):
            joined[-1][1] = max(joined[-1][1], b)
        else:
            joined.append([a, b])
    return tuple((a, b) for a, b in joined)


class _Tokens:
    """The ``\\w+`` tokens of one text, and which of them a set of fragments touches."""

    def __init__(self, text: str):
        self.text = text
        found = [m.span() for m in _WORD.finditer(text)]
        self.starts = [s for s, _ in found]
        self.ends = [e for _, e in found]

    def touched(self, frags: Iterable[Frag]) -> set[int]:
        """Indices of tokens with at least one character inside some fragment."""
        hit: set[int] = set()
        for s, e in frags:
            i = bisect_right(self.ends, s)  # the first token that ends after s
            while i < len(self.starts) and self.starts[i] < e:
                hit.add(i)
                i += 1
        return hit

    def units(self, frags: Iterable[Frag]) -> set[tuple[str, int]]:
        """What a source / cue comparison looks at: the touched tokens or, for spans with no
        word character at all (``:``, ``--``), their non-space character positions."""
        frags = list(frags)
        toks = self.touched(frags)
        if toks:
            return {("tok", i) for i in toks}
        return {("chr", k) for s, e in frags for k in range(s, e) if not self.text[k].isspace()}


# ----------------------------------------------------------------------------------------------
# Counting
# ----------------------------------------------------------------------------------------------
def _pair_up(gold_content: list[set[int]], pred_content: list[set[int]]) -> list[tuple[int, int]]:
    """One-to-one greedy pairing on content-token F1: best F1 first, ties broken by gold
    index then prediction index; pairs below :data:`MIN_CONTENT_F1` are never made."""
    options = []
    for gi, g in enumerate(gold_content):
        if not g:
            continue
        for pi, p in enumerate(pred_content):
            shared = len(g & p)
            if not shared:
                continue
            f1 = Fraction(2 * shared, len(g) + len(p))
            if f1 >= MIN_CONTENT_F1:
                options.append((-f1, gi, pi))
    options.sort()
    taken_g, taken_p, pairs = set(), set(), []
    for _, gi, pi in options:
        if gi in taken_g or pi in taken_p:
            continue
        taken_g.add(gi)
        taken_p.add(pi)
        pairs.append((gi, pi))
    return pairs


def _count_doc(text: str, gold: list[dict], pred: list[dict]) -> Counter:
    toks = _Tokens(text)
    c: Counter = Counter()
    for role in ROLES:
        g_keys = {mention_key(text, a[role]) for a in gold}
        p_keys = {mention_key(text, a[role]) for a in pred}
        g_keys.discard(())
        p_keys.discard(())
        c[f"{role}_exact_tp"] += len(g_keys & p_keys)
        c[f"{role}_exact_gold"] += len(g_keys)
        c[f"{role}_exact_pred"] += len(p_keys)
        g_toks = toks.touched(f for a in gold for f in a[role])
        p_toks = toks.touched(f for a in pred for f in a[role])
        c[f"{role}_partial_tp"] += len(g_toks & p_toks)
        c[f"{role}_partial_gold"] += len(g_toks)
        c[f"{role}_partial_pred"] += len(p_toks)
    pairs = _pair_up([toks.touched(a["content"]) for a in gold],
                     [toks.touched(a["content"]) for a in pred])
    c["attribution_tp"] += len(pairs)
    c["attribution_gold"] += len(gold)
    c["attribution_pred"] += len(pred)
    c["source_correct"] += 0
    c["cue_correct"] += 0
    c["full_tp"] += 0
    c["full_cue_tp"] += 0
    for gi, pi in pairs:
        verdict = {}
        for role in ("source", "cue"):
            g_units = toks.units(gold[gi][role])
            p_units = toks.units(pred[pi][role])
            verdict[role] = (not g_units and not p_units) or bool(g_units & p_units)
        c["source_correct"] += verdict["source"]
        c["cue_correct"] += verdict["cue"]
        c["full_tp"] += verdict["source"]
        c["full_cue_tp"] += verdict["source"] and verdict["cue"]
    return c


def _prf(hits: int, predicted: int, expected: int) -> tuple[float, float, float]:
    """Precision, recall, F1; nothing predicted and nothing expected is a perfect score."""
    if not predicted and not expected:
        return 1.0, 1.0, 1.0
    p = hits / predicted if predicted else 0.0
    r = hits / expected if expected else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _metrics(c: Counter) -> dict[str, float]:
    out: dict[str, float] = {}
    for role in ROLES:
        for kind in ("exact", "partial"):
            base = f"{role}_{kind}"
            scores = _prf(c[f"{base}_tp"], c[f"{base}_pred"], c[f"{base}_gold"])
            out.update(zip((f"{base}_p", f"{base}_r", f"{base}_f1"), scores))
    for name, hits in (("attribution", "attribution_tp"), ("full", "full_tp"),
                       ("full_cue", "full_cue_tp")):
        scores = _prf(c[hits], c["attribution_pred"], c["attribution_gold"])
        out.update(zip((f"{name}_p", f"{name}_r", f"{name}_f1"), scores))
    matched = c["attribution_tp"]
    out["source_acc"] = c["source_correct"] / matched if matched else 0.0
    out["cue_acc"] = c["cue_correct"] / matched if matched else 0.0
    return out


# ----------------------------------------------------------------------------------------------
# Public entry points
# ----------------------------------------------------------------------------------------------
def score(gold_docs: list[dict], pred_docs: list[dict], by: str | None = None) -> dict:
    """Score predictions against gold.

    *gold_docs*: ``{"id", "text", "attributions", ...}`` records; *pred_docs*: ``{"id",
    "attributions"}`` records (a gold document without one has no predictions). Lists from
    :func:`read_jsonl` let errors name the file and line. Raises :class:`SaidwhatError` E009
    for malformed input.

    Returns ``{"metrics": {name: float}, "counts": {name: int}}``, plus, when *by* names a
    top-level gold field, ``"by": {value: {"docs", "gold", "pred", <attribution metrics>}}``
    (a document without the field is grouped under ``"(none)"``).
    """
    where_gold = _locator(gold_docs, "gold")
    where_pred = _locator(pred_docs, "pred")
    gold: dict[str, tuple[str, list[dict], dict]] = {}
    for i, obj in enumerate(gold_docs):
        where = where_gold(i)
        if not isinstance(obj, dict):
            raise _bad(where, f"expected a JSON object, got {type(obj).__name__}")
        doc_id = _doc_id(obj, where)
        if doc_id in gold:
            raise _bad(where, f"duplicate id {doc_id!r}")
        text = obj.get("text")
        if not isinstance(text, str):
            raise _bad(where, "a gold record needs a string 'text'")
        gold[doc_id] = (text, _checked_roles(obj, len(text), where), obj)
    if not gold:
        raise SaidwhatError("E009", f"{getattr(gold_docs, 'path', '') or 'gold'}: "
                                    "no gold documents")
    if by is not None and (by in _NOT_META or not any(by in g[2] for g in gold.values())):
        raise SaidwhatError("E009", f"{getattr(gold_docs, 'path', '') or 'gold'}: no gold "
                                    f"document has a {by!r} field to break the scores down by")

    pred: dict[str, list[dict]] = {}
    for i, obj in enumerate(pred_docs):
        where = where_pred(i)
        if not isinstance(obj, dict):
            raise _bad(where, f"expected a JSON object, got {type(obj).__name__}")
        doc_id = _doc_id(obj, where)
        if doc_id not in gold:
            raise _bad(where, f"id {doc_id!r} is not in the gold file")
        if doc_id in pred:
            raise _bad(where, f"duplicate id {doc_id!r}")
        pred[doc_id] = _checked_roles(obj, len(gold[doc_id][0]), where)

    total: Counter = Counter()
    groups: dict[str, Counter] = {}
    for doc_id, (text, gold_atts, record) in gold.items():
        c = _count_doc(text, gold_atts, pred.get(doc_id, []))
        total.update(c)
        if by is not None:
            value = record.get(by)
            group = groups.setdefault("(none)" if value is None else str(value), Counter())
            group.update(c)
            group["docs"] += 1

    counts: dict[str, int] = dict(sorted(total.items()))
    counts["n_docs_gold"] = len(gold)
    counts["n_docs_pred"] = len(pred)
    counts["n_docs_without_pred"] = sum(1 for d in gold if d not in pred)
    result: dict[str, Any] = {"metrics": _metrics(total), "counts": counts}
    if by is not None:
        result["by"] = {
            value: {"docs": g["docs"], "gold": g["attribution_gold"],
                    "pred": g["attribution_pred"], **_metrics(g)}
            for value, g in sorted(groups.items())
        }
    return result


def format_table(result: dict, field: str | None = None) -> str:
    """A short plain-text report of :func:`score`'s result (*field* labels the breakdown)."""
    m, c = result["metrics"], result["counts"]
    lines = [
        f"documents: gold {c.get('n_docs_gold', '?')}, predicted {c.get('n_docs_pred', '?')}; "
        f"attributions: gold {c.get('attribution_gold', 0)}, "
        f"predicted {c.get('attribution_pred', 0)}, matched {c.get('attribution_tp', 0)}",
        "",
        f"{'':20} {'P':>6} {'R':>6} {'F1':>6}",
        f"{'attribution':20} {m['attribution_p']:6.3f} {m['attribution_r']:6.3f} "
        f"{m['attribution_f1']:6.3f}",
        f"{'full (+source)':20} {m['full_p']:6.3f} {m['full_r']:6.3f} {m['full_f1']:6.3f}",
        f"{'source accuracy':20} {m['source_acc']:6.3f}",
        f"{'cue accuracy':20} {m['cue_acc']:6.3f}",
        f"{'content exact F1':20} {m['content_exact_f1']:6.3f}",
        f"{'content partial F1':20} {m['content_partial_f1']:6.3f}",
    ]
    breakdown = result.get("by")
    if breakdown:
        label = (field or "value")[:16]
        lines += ["", f"{label:16} {'docs':>5} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} "
                      f"{'F1':>6} {'src':>6} {'cue':>6} {'full':>6}"]
        for value, v in breakdown.items():
            lines.append(f"{value[:16]:16} {v['docs']:>5} {v['gold']:>5} {v['pred']:>5} "
                         f"{v['attribution_p']:6.3f} {v['attribution_r']:6.3f} "
                         f"{v['attribution_f1']:6.3f} {v['source_acc']:6.3f} "
                         f"{v['cue_acc']:6.3f} {v['full_f1']:6.3f}")
    return "\n".join(lines)
