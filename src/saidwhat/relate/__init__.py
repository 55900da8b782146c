"""Does statement B dispute, support, or have nothing to do with statement A?

``relate(a, b)`` compares two short statements (typically the contents of two attributions, from
one article or from two) and returns a :class:`Relation`: ``disputes``, ``supports`` or
``unrelated``, a score in [0, 1] (the pair model's probability of that label) and the evidence
(character spans in ``a`` and ``b`` and a reason in words). The rule scorer reads the dependency
parse; the pair model (a softmax regression over named features, ``weights/pairs.json``) weighs
the rule signals with the surface words of each side and the sentence embeddings of both
(``weights/embedder``, int8 ONNX); ``model=None`` gives the rule scorer alone. The word lists are
data (``lexicon/data/relate_*``, ``pronouns_anaphoric``, ``months``, ``weekdays``).

This module is the face; the work is done by modules with one job each (they import each other,
never this face):

- ``words``: the word lists, loaded; ``keys``: the key a word matches on, same and opposite keys.
- ``parts``: Item, Pred, Quantity, Statement; ``statements``: the analysis of one parsed text
  (frame and content, predications), with ``polarity`` (is a clause asserted, true or false),
  ``quantities`` (numbers and hedges), ``dates`` and ``tokens`` (negation words, for/against).
- ``participants``: are two predications about the same things, at the same time?
- ``signals``: one function per signal (negation, for/against, antonym, number, date, role swap,
  denial; and the agreements); ``scoring``: ``compare``, which combines them into a label under
  the tuned numbers of ``thresholds.Thresholds``; ``relation``: Relation, LABELS.
- ``embedding``: the statement embedder; ``surface``: falsity, denial, negation and hedge words;
  ``pair_features``: the named features of a pair; ``pair_model``: the learned weights and their fit;
  ``reasons``: the decision in words.
- ``api``: ``relate``, ``relate_many`` and the model; ``pairs``: pair shapes, ``read_pairs``.

Limits: English; statements of a sentence or a few; world knowledge beyond the word lists is
absent (a ceasefire that "held" vs one that "collapsed", "released" vs "in custody"); pronouns are
not resolved ("it" is compatible with anything); a change over time ("refused to endorse" in July,
"has endorsed" now) reads as a contradiction unless both are dated; two polls with different
figures read as a dispute.

The loaded pipeline (``api._NLP``, None until first use) is shared by every call; tests set it.
"""
from __future__ import annotations

from saidwhat.relate.api import relate, relate_many
from saidwhat.relate.pairs import read_pairs
from saidwhat.relate.parts import Item, Pred, Quantity, Statement
from saidwhat.relate.relation import LABELS, Relation
from saidwhat.relate.scoring import compare
from saidwhat.relate.statements import analyse
from saidwhat.relate.thresholds import Thresholds

__all__ = ["LABELS", "Item", "Pred", "Quantity", "Relation", "Statement", "Thresholds", "analyse", "compare",
           "read_pairs", "relate", "relate_many"]
