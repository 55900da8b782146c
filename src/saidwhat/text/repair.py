"""Repairs that help the parser, made on a copy that stays aligned to the input.

News text scraped from the web has mojibake (``â€œ``), quote marks glued to words
(``a”real victory”``) and odd spaces. The parser reads the repaired copy; every offset it produces
is mapped back through :meth:`Repaired.to_original`, so reported spans always index the input
as given. Each repair is listed in ``Repaired.fixes`` so it can be explained.

Does not handle: repairs that reorder text (none is attempted).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import ftfy

from saidwhat.lexicon import knows

QUOTE_CHARS = "\"“”„‟«»"
# A quote mark with no space on either side ("a”real", "victory”to", ",”an"): whether it opens or
# closes is decided by the parity of the marks before it in its paragraph, and one space is inserted
# on the side where the quotation begins or ends. Contractions ("don”t", "camp”s") are left alone.
_GLUED = re.compile(r"(?<=[^\s(\[{])[" + QUOTE_CHARS + r"](?=[^\s.,;:!?)\]}])")
_GLUED_BRACKET = re.compile(r"\)(?=[A-Z][a-z])")
_ANY_QUOTE = re.compile("[" + QUOTE_CHARS + "]")
_CONTRACTION = re.compile(r"(?:s|t|d|m|ll|re|ve)\b")
_MOJIBAKE_HINT = re.compile("[ÃÂâ][\x80-\xbf€œ™šž¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿]")
_FTFY_LIMIT = 2_000_000  # characters; beyond this the (quadratic-worst) alignment is not attempted


@dataclass(frozen=True)
class Fix:
    """One explainable repair: what happened where (offsets in the input)."""

    name: str
    start: int
    end: int


@dataclass
class Repaired:
    """The repaired text and, for each of its characters, the input offset it came from."""

    original: str
    text: str
    _origin: list[int] | None = None  # None: identity alignment
    fixes: list[Fix] = field(default_factory=list)

    def to_original(self, offset: int) -> int:
        """Map an offset of the repaired text to the input (end offsets map to one past)."""
        if self._origin is None:
            return offset
        if offset >= len(self._origin):
            return len(self.original)
        return self._origin[offset]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        if self._origin is None:
            return start, end
        s = self.to_original(start)
        return s, max(s, self.to_original(end))


def _glued_agency_points(text: str) -> list[int]:
    """Offsets after a news agency's bracket glued to the lede ("(CNN)President Trump said")."""
    points = []
    for m in _GLUED_BRACKET.finditer(text):
        opening = text.rfind("(", max(0, m.start() - 40), m.start())
        if opening >= 0 and knows("news_agencies", text[opening + 1:m.start()]):
            points.append(m.end())
    return points


def _glued_points(text: str) -> list[int]:
    """Offsets where a space belongs next to a glued quote mark."""
    points = []
    for m in _GLUED.finditer(text):
        i = m.start()
        if text[i - 1].isalpha() and _CONTRACTION.match(text, i + 1):
            continue
        paragraph_start = text.rfind("\n", 0, i) + 1
        marks_before = len(_ANY_QUOTE.findall(text, paragraph_start, i))
        points.append(i if marks_before % 2 == 0 else i + 1)
    return points


def _insert_spaces(text: str) -> tuple[str, list[int], list[int]]:
    """Insert a space where a quote mark (or an agency's bracket) is glued to a word; returns the
    new text, its origin map and the points."""
    points = sorted(set(_glued_points(text)) | set(_glued_agency_points(text)))
    if not points:
        return text, [], []
    out: list[str] = []
    origin: list[int] = []
    prev = 0
    for p in points:
        out.append(text[prev:p])
        origin.extend(range(prev, p))
        out.append(" ")
        origin.append(p)  # an inserted space maps onto the character that follows it
        prev = p
    out.append(text[prev:])
    origin.extend(range(prev, len(text)))
    return "".join(out), origin, points


def _ftfy_alignment(original: str, fixed: str) -> list[int]:
    """Origin map of ``fixed`` against ``original`` via a character diff."""
    origin = [0] * len(fixed)
    matcher = difflib.SequenceMatcher(None, original, fixed, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2):
            if tag == "equal":
                origin[j] = i1 + (j - j1)
            else:  # replaced characters map to the start of what they replaced
                origin[j] = min(i1 + (j - j1), max(i1, i2 - 1))
    return origin


def repair(text: str) -> Repaired:
    """Return the parser's copy of ``text`` with an alignment back to it."""
    fixes: list[Fix] = []
    base = text
    origin: list[int] | None = None
    if len(text) <= _FTFY_LIMIT and _MOJIBAKE_HINT.search(text):
        fixed = ftfy.fix_text(text, normalization=None, uncurl_quotes=False, fix_line_breaks=False,
                              fix_latin_ligatures=False, fix_character_width=False)
        if fixed != text:
            origin = _ftfy_alignment(text, fixed)
            base = fixed
            fixes.append(Fix("mojibake", 0, len(text)))
    spaced, space_origin, points = _insert_spaces(base)
    if points:
        base_origin = origin
        origin = space_origin if base_origin is None else [
            base_origin[i] if i < len(base_origin) else len(text) for i in space_origin]
        agency = set(_glued_agency_points(base))
        for p in points:
            at = base_origin[p] if base_origin is not None and p < len(base_origin) else p
            fixes.append(Fix("space-after-agency" if p in agency else "space-around-quote", at, at))
    return Repaired(original=text, text=spaced, _origin=origin, fixes=fixes)
