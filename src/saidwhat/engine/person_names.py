"""A person's name as the text writes it: its words without titles, honorifics and suffixes.

Shared by speaker resolution (:mod:`saidwhat.engine.speakers`) and the reading of interview
transcripts (:mod:`saidwhat.engine.transcripts`).
"""
from __future__ import annotations

from saidwhat.lexicon import words

PORTFOLIOS = words("portfolios")
TITLE_WORDS = words("role_titles")
HONORIFICS = words("honorifics")
SUFFIXES = words("name_suffixes")


def key(word: str) -> str:
    return word.lower().rstrip(".")


def without_title(name: str) -> str:
    """A person's name without the titles the tagger took into it ("Representative Brooks" is
    Brooks, "Sen. Ted Cruz" Ted Cruz): the title is the role, and names join by their words."""
    words = name.split()
    while len(words) > 1 and key(words[0]) in TITLE_WORDS | HONORIFICS | PORTFOLIOS:
        words.pop(0)
    return " ".join(words)


def name_words(name: str) -> list[str]:
    """A name's words without a suffix ("Jr.", "III") or an honorific ("Mr."): the last is the surname."""
    words = [w for w in name.replace(",", " ").split()]
    while words and words[-1].lower().rstrip(".") in SUFFIXES:
        words.pop()
    while words and words[0].lower().rstrip(".") in HONORIFICS:
        words.pop(0)
    return words
