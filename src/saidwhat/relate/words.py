"""The word lists of the detector, read once from ``lexicon/data/`` (``relate_*`` and a few shared).

The lexicon loader reads an underscore as a space; the detector's keys join a verb and its particle
with an underscore ("step_down", as :func:`keys.key_of` builds them), so the verb lists and the
synonym and antonym groups turn the space back. Numbers, hedges and percent words keep their spaces
("at least", "per cent"): they are matched against text, not keys.
"""
from __future__ import annotations

from saidwhat.lexicon import REPORTING, entries, table, words

__all__ = ["REPORTING"]  # re-exported: the reporting verbs that make a frame


def _keys(name: str) -> frozenset[str]:
    """A word list in key form ("hope_to", not "hope to")."""
    return frozenset(w.replace(" ", "_") for w in words(name))


def _groups(name: str) -> list[list[str]]:
    """One group a line, members separated by commas, in key form."""
    return [[m.strip().replace(" ", "_") for m in line.split(",")] for line in entries(name)]


def _synonyms(groups: list[list[str]]) -> dict[str, str]:
    """Each word to its group's key (the first member); a word in two groups keeps the first."""
    out: dict[str, str] = {}
    for group in groups:
        for w in group:
            out.setdefault(w, group[0])
    return out


SYNONYM: dict[str, str] = _synonyms(_groups("relate_synonyms"))
ANTONYM: set[frozenset[str]] = {frozenset(pair) for pair in _groups("relate_antonyms")}
ANTONYM_KEYS = frozenset(k for pair in ANTONYM for k in pair)
# "pass" the bill, not the mountain pass: the synonym group holds in these parts of speech only
SENSE_POS: dict[str, tuple[str, ...]] = {k.replace(" ", "_"): tuple(v.split("|"))
                                         for k, v in table("relate_sense_pos").items()}
NEG_PREFIXES: tuple[str, ...] = entries("relate_negative_prefixes")

DENY = _keys("relate_deny")
CONFIRM = _keys("relate_confirm")
IMPLICATIVE_NEG = _keys("relate_implicative_neg")
AVERT = _keys("relate_avert")
NEGATING_VERBS = _keys("relate_negating_verbs")
CLAIM_NOUNS = _keys("relate_claim_nouns")
FALSITY = _keys("relate_falsity")
TRUTH = _keys("relate_truth")
ATTITUDE = _keys("relate_attitude")
DEONTIC = _keys("relate_deontic")
COPULAS = _keys("relate_copulas")
NEGATIVE_ARGS = _keys("relate_negative_args")
LIGHT_VERBS = _keys("relate_light_verbs")
ASYMMETRIC = _keys("relate_asymmetric")
LIGHT_NOUNS = _keys("relate_light_nouns")
SUPPORT_VERBS = _keys("relate_support_verbs")
LIGHT_ADJECTIVES = _keys("relate_light_adjectives")
PARTICLES = _keys("relate_particles")
PRONOUNS = _keys("pronouns_anaphoric")
TEMPORAL = _keys("relate_temporal")

NUMBER_WORDS: dict[str, int] = {k: int(v) for k, v in table("relate_number_words").items()}
SCALES: dict[str, int] = {k: int(v) for k, v in table("relate_scales").items()}
CURRENCY: dict[str, str] = table("relate_currency")
PERCENT: dict[str, str] = table("relate_percent")
HEDGES: tuple[tuple[str, str], ...] = tuple(table("relate_hedges").items())  # file order: a later match wins
MONTHS: dict[str, int] = {k: int(v) for k, v in table("months").items()}
WEEKDAYS: dict[str, int] = {d: i for i, d in enumerate(entries("weekdays"))}

try:
    from spacy.lang.en.stop_words import STOP_WORDS as STOP
except ImportError:  # pragma: no cover
    STOP = frozenset()
