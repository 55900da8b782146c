"""Names as the cross-article layer matches them: the matching key, titles stripped, surnames,
and acronyms defined in the text ("the Mujahedin Khalq Organization (MKO)").

Pure functions of strings, no store: the entity registry and the user alias file build on them.
The word lists (honorifics, role titles, suffixes, connectors) are data in ``lexicon/data/``.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Sequence

from saidwhat.lexicon import words as word_list

QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
HONORIFICS = word_list("honorifics")
ROLE_TITLES = word_list("role_titles")
SUFFIXES = word_list("name_suffixes")
CONNECTORS = word_list("name_connectors")
NOT_FIRST_NAMES = word_list("not_first_names")
# Any honorific or title as written before a name ("Mr", "President"), longest first.
TITLES_PATTERN = "|".join(sorted((re.escape(t.capitalize()) for t in HONORIFICS | ROLE_TITLES),
                                 key=lambda t: (-len(t), t)))


def norm(name: str) -> str:
    """The matching key of a name: accents folded, lower case, punctuation and "the" dropped."""
    s = unicodedata.normalize("NFKD", name.translate(QUOTES))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = s.replace(".", "").replace("'", "")
    s = re.sub(r"[^\w&]+", " ", s).strip()
    s = re.sub(r"^the\s+", "", s)
    return " ".join(s.split())


def tok_key(tok: str) -> str:
    """A token as the word lists have it: lower case, no full stops ("Sen." is "sen")."""
    return tok.lower().rstrip(".").replace(".", "")


def strip_title(name: str) -> tuple[str, str | None]:
    """``("Benjamin Chang", "spokesman")`` from "Spokesman Benjamin Chang"; honorifics ("Mr.")
    are dropped without becoming a role; a possessive "'s" and a leading "the" go too."""
    name = " ".join(name.translate(QUOTES).split())
    name = re.sub(r"'s$", "", name)
    name = re.sub(r"^(?:the|The)\s+", "", name)
    toks = name.split()
    role: list[str] = []
    i = 0
    while i < len(toks) - 1:
        k = tok_key(toks[i])
        if k in HONORIFICS:
            i += 1
        elif k in ROLE_TITLES:
            role.append(k)
            i += 1
        elif k == "of" and role and tok_key(toks[i + 1]) in ROLE_TITLES and i + 2 < len(toks):
            role.append("of")
            i += 1
        else:
            break
    core = toks[i:]
    if not core or not core[0][:1].isupper():
        return name, None  # "spokesman for the ministry": not a title before a name
    return " ".join(core), " ".join(role) or None


def surname(core: str) -> str | None:
    """The last word of a name that is not a suffix ("King" of "Martin Luther King Jr.")."""
    toks = [t for t in core.split() if tok_key(t) not in SUFFIXES]
    return toks[-1].strip(",") if toks else None


def is_acronym(core: str) -> bool:
    """Whether a name is written as an acronym ("MKO", "U.N."): one word, mostly capitals."""
    letters = core.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 10 and " " not in core and letters.isalnum() and \
        sum(c.isupper() for c in letters) >= 2 and letters.upper() == letters


_WORDS = re.compile(r"[\w’'&.\-]+")
_PAREN_AFTER = re.compile(r"\(\s*([A-Z][A-Za-z0-9&.\-]{1,11})\s*\)")
_PAREN_EXPANSION = re.compile(r"\b([A-Z][A-Z0-9&]{1,9})\s*\(\s*([^()]{3,120}?)\s*\)")


def _units(words: Sequence[str]) -> list[tuple[str, bool]] | None:
    """Initial letters of a name's words: (letter, required). None if a word breaks the name."""
    out: list[tuple[str, bool]] = []
    for w in words:
        low = w.lower().strip(".")
        if low in CONNECTORS:
            out.append((low[0], False))
            continue
        if not w[:1].isupper():
            return None
        parts = [p for p in re.split(r"[-’']", w) if p]
        for j, p in enumerate(parts):
            out.append((p[0].lower(), j == 0))
    return out


def acronym_fits(acronym: str, words: Sequence[str]) -> bool:
    """Whether the acronym's letters are the initials of the words (every capitalised word gives
    its initial; "of", "the", hyphen parts may or may not)."""
    letters = [c.lower() for c in acronym if c.isalnum()]
    units = _units(words)
    if not units or not letters or units[0][0] != letters[0] or not units[0][1]:
        return False
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        if j == len(units):
            return i == len(letters)
        if (i, j) in memo:
            return memo[i, j]
        letter, required = units[j]
        ok = (i < len(letters) and letters[i] == letter and go(i + 1, j + 1)) or (not required and go(i, j + 1))
        memo[i, j] = ok
        return ok

    return go(0, 0)


def _expansion_before(text: str, at: int, acronym: str) -> str | None:
    """The name right before "(" at ``at`` whose initials spell the acronym: the longest run of
    the last twelve words with no punctuation between them."""
    before = text[max(0, at - 200):at]
    words = list(_WORDS.finditer(before))[-12:]
    for s in range(len(words)):
        tail = [w.group() for w in words[s:]]
        if before[words[-1].end():].strip() or any(
                re.search(r"[,;:!?\"”“()]", before[words[k].end():words[k + 1].start()])
                for k in range(s, len(words) - 1)):
            continue
        if acronym_fits(acronym, tail):
            return before[words[s].start():words[-1].end()].strip(" .")
    return None


def find_acronyms(text: str) -> list[tuple[str, str]]:
    """``(acronym, expansion)`` pairs defined in the text: "the Mujahedin Khalq Organization
    (MKO)" and "MKO (Mujahedin Khalq Organization)"."""
    found: list[tuple[str, str]] = []
    for m in _PAREN_AFTER.finditer(text):
        acronym = m.group(1).rstrip(".")
        if not is_acronym(acronym):
            continue
        expansion = _expansion_before(text, m.start(), acronym)
        if expansion is not None:
            found.append((acronym, expansion))
    for m in _PAREN_EXPANSION.finditer(text):
        acronym, inside = m.group(1), m.group(2)
        words = [w.group() for w in _WORDS.finditer(inside)]
        if words and words[0].lower() == "the":
            words = words[1:]
        if is_acronym(acronym) and words and acronym_fits(acronym, words):
            found.append((acronym, " ".join(words)))
    return found
