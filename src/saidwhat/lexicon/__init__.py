"""Word lists as data: one file each under ``lexicon/data/``, one copy of each, loaded once.

A list is ``data/NAME.txt`` (one entry a line) or ``data/NAME.tsv`` (``key<TAB>value`` a line);
``#`` starts a comment, blank lines are ignored, and an underscore stands for a space
("call_on" is "call on"). Every module that needs words takes them from here, so a list is
changed in one place and read the same way everywhere.

The learned cue model decides *whether* a word is a cue in context; the reporting words here
supply prior knowledge (a feature) and the stance label, which the corpus does not annotate.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _lines(filename: str) -> list[str]:
    lines = (raw.split("#", 1)[0].strip() for raw in (DATA / filename).read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


@cache
def entries(name: str) -> tuple[str, ...]:
    """The entries of ``data/NAME.txt`` in file order (for lists whose order matters)."""
    return tuple(line.replace("_", " ") for line in _lines(f"{name}.txt"))


@cache
def words(name: str) -> frozenset[str]:
    """The entries of ``data/NAME.txt`` as a set."""
    return frozenset(entries(name))


@cache
def table(name: str) -> dict[str, str]:
    """``data/NAME.tsv`` as a mapping; a later line for the same key wins."""
    out: dict[str, str] = {}
    for line in _lines(f"{name}.tsv"):
        key, _, value = line.partition("\t")
        out[key.strip().replace("_", " ")] = value.strip()
    return out


def _fold(phrase: str) -> str:
    return " ".join(phrase.lower().replace("’", "'").split())


@cache
def _folded(name: str) -> frozenset[str]:
    return frozenset(_fold(entry) for entry in entries(name))


def knows(name: str, phrase: str) -> bool:
    """Whether ``phrase`` is an entry of ``data/NAME.txt``, case-blind and with spaces and
    apostrophes as they come ("CNN  Business", "Editor’s note")."""
    return _fold(phrase) in _folded(name)


def available() -> list[str]:
    """The names of every list shipped (for tests and the docs)."""
    return sorted(p.stem for p in DATA.iterdir() if p.suffix in (".txt", ".tsv"))


STANCE: dict[str, str] = table("stance")
BELIEF = words("belief")
REPORTING = frozenset(STANCE) | BELIEF
DOCUMENT_NOUNS = words("document_nouns")
ANONYMOUS_MARKERS = entries("anonymous_markers")
ANONYMOUS_NOUNS = words("anonymous_nouns")


def stance_of(lemma: str, next_word: str = "") -> str:
    """The stance of a cue from its lemma (and particle: "call on" is directive)."""
    key = f"{lemma} {next_word}".strip()
    if key in STANCE:
        return STANCE[key]
    return STANCE.get(lemma, "neutral")
