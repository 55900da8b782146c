"""Words that report speech or thought, with the stance a cue takes toward what it reports.

The learned cue model decides *whether* a word is a cue in context; this lexicon supplies prior
knowledge (a feature) and the stance label, which the corpus does not annotate.
"""
from __future__ import annotations

STANCE: dict[str, str] = {}


def _add(stance: str, words: str) -> None:
    for w in words.split():
        STANCE[w.replace("_", " ")] = stance


_add("neutral", """say tell add note write state explain comment remark report describe recall mention
    respond reply answer ask tweet post announce declare according quote cite continue speak testify
    argue suggest predict estimate show find conclude indicate read tout pledge promise vow
    predict observe point_out acknowledge admit concede insist maintain stress emphasize
    describe characterize call describe joke quip""")
_add("distancing", "claim allege contend purport assert speculate rumor suppose")
_add("endorsing", "reveal confirm disclose prove demonstrate establish show_that learn verify")
_add("denial", "deny dispute reject refute rebut contradict dismiss challenge disagree question doubt "
     "decline refuse counter criticize slam blast condemn")
_add("directive", "urge demand call_on call_for order instruct request ask_for appeal plead "
     "recommend propose warn advise encourage implore")

BELIEF = frozenset("believe think feel hope fear expect suspect worry consider assume "
                   "doubt know want wish seem appear".split())

REPORTING = frozenset(STANCE) | BELIEF

# Nouns that are speakers without being people ("the statement", "a new poll").
DOCUMENT_NOUNS = frozenset("statement report poll survey study letter memo release document "
                           "filing complaint lawsuit analysis review investigation audit "
                           "editorial tweet post email message transcript ruling order".split())
ANONYMOUS_MARKERS = ("condition of anonymity", "not authorized to", "declined to be named",
                     "asked not to be named", "requested anonymity", "spoke anonymously")
ANONYMOUS_NOUNS = frozenset("source sources official officials aide aides spokesman spokeswoman "
                            "spokesperson person people insider insiders diplomat diplomats "
                            "analyst analysts observer observers expert experts".split())


def stance_of(lemma: str, next_word: str = "") -> str:
    """The stance of a cue from its lemma (and particle: "call on" is directive)."""
    key = f"{lemma} {next_word}".strip()
    if key in STANCE:
        return STANCE[key]
    return STANCE.get(lemma, "neutral")
