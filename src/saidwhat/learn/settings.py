"""How the learned tagger is trained: the defaults ``saidwhat train`` reproduces the shipped model with.

Its own module (no torch, no spaCy) so the command line can show the defaults without loading either.
"""
from __future__ import annotations

from dataclasses import dataclass

MAX_PIECES = 200  # wordpieces per window (whole paragraphs packed up to this)


@dataclass(frozen=True)
class EncoderSettings:
    epochs: int = 5
    batch_size: int = 8  # small batches: more updates for the same compute, which is what CPU training lacks
    lr: float = 1e-4  # the pretrained encoder and the projection of the features into its input
    head_lr: float = 5e-4  # the feature embeddings and the tagging head
    warmup: float = 0.06  # share of the steps with a rising learning rate
    holdout: float = 0.1  # share of the training articles held out to pick the epoch (never dev)
    seed: int = 13
    max_pieces: int = MAX_PIECES
    threads: int = 2
    export_every_epoch: bool = False  # write the model after each improving epoch, not only at the end
