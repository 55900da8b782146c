"""Where the MinHash-LSH bands of the claims live, behind a small interface: signatures are
added, and the candidate pairs of the ones added last are asked for (two signatures that agree
on a whole band). The default keeps them in the store (``claim_bands``), so the next update
finds earlier attributions with one join; :class:`MemoryBands` keeps them in a dict (tests,
one-off runs). Like the storage layer of ``datasketch.MinHashLSH``, it only stores band keys;
what a candidate is worth is decided by the caller.
"""
from __future__ import annotations

import hashlib
from typing import Any, Protocol, Sequence

import numpy as np

from saidwhat.store.sql import temp_table


def band_keys(sig: np.ndarray, b: int, r: int) -> list[int]:
    """A signed 64-bit key per band: the hash of the band's ``r`` values."""
    raw = sig.astype("<u4")
    return [int.from_bytes(hashlib.blake2b(raw[i * r:(i + 1) * r].tobytes(), digest_size=8).digest(),
                           "little", signed=True) for i in range(b)]


def _band_rows(nodes: Sequence[int], sigs: Sequence[np.ndarray], b: int, r: int) -> list[tuple[int, int, int]]:
    """``(band, key, node)`` for every band of every signature."""
    rows: list[tuple[int, int, int]] = []
    for node, sig in zip(nodes, sigs):
        rows.extend((i, k, node) for i, k in enumerate(band_keys(sig, b, r)))
    return rows


class Bands(Protocol):
    """LSH band storage: ``b`` bands of ``r`` values per signature."""

    def add(self, nodes: Sequence[int], sigs: Sequence[np.ndarray]) -> None:
        """Store the bands of these signatures (nodes numbered upwards, never reused)."""

    def candidates(self) -> tuple[np.ndarray, np.ndarray]:
        """``(node, earlier node)`` pairs, each once, sharing a band key, where ``node`` is one
        of those added last (the earlier one is from the store or from the same batch)."""


# Of the earlier signatures sharing a band key, a new one is paired with this many, the earliest
# (a claim's representative is the member that founded it, so the earliest members are the ones
# worth comparing): 20,000 reprints of one paragraph are 20,000 x 64 pairs at most, not 2e8.
MAX_BUCKET = 64


class StoreBands:
    """The bands as rows of the store's ``claim_bands`` table (the default)."""

    def __init__(self, con: Any, b: int, r: int, max_bucket: int = MAX_BUCKET) -> None:
        self.con, self.b, self.r, self.max_bucket = con, b, r, max_bucket

    def add(self, nodes: Sequence[int], sigs: Sequence[np.ndarray]) -> None:
        temp_table(self.con, "_new_bands", [("band", "SMALLINT"), ("key", "BIGINT"), ("node", "BIGINT")],
                   _band_rows(nodes, sigs, self.b, self.r))
        self.con.execute("INSERT INTO claim_bands SELECT * FROM _new_bands")

    def candidates(self) -> tuple[np.ndarray, np.ndarray]:
        found = self.con.execute(
            "WITH first AS (SELECT band, key, node FROM ("
            "  SELECT c.band, c.key, c.node, row_number() OVER (PARTITION BY c.band, c.key ORDER BY c.node) AS k"
            "  FROM claim_bands c SEMI JOIN (SELECT DISTINCT band, key FROM _new_bands) n"
            "  ON c.band = n.band AND c.key = n.key) WHERE k <= ?) "
            "SELECT DISTINCT n.node AS a, f.node AS b FROM _new_bands n "
            "JOIN first f ON f.band = n.band AND f.key = n.key AND f.node < n.node", [self.max_bucket]).fetchnumpy()
        return np.asarray(found["a"], dtype=np.int64), np.asarray(found["b"], dtype=np.int64)


class MemoryBands:
    """The bands in a dict of buckets, for one process's life."""

    def __init__(self, b: int, r: int, max_bucket: int = MAX_BUCKET) -> None:
        self.b, self.r, self.max_bucket = b, r, max_bucket
        self.buckets: dict[tuple[int, int], list[int]] = {}
        self.last: list[tuple[int, int, int]] = []

    def add(self, nodes: Sequence[int], sigs: Sequence[np.ndarray]) -> None:
        self.last = _band_rows(nodes, sigs, self.b, self.r)
        for band, key, node in self.last:
            self.buckets.setdefault((band, key), []).append(node)

    def candidates(self) -> tuple[np.ndarray, np.ndarray]:
        pairs = sorted({(node, other) for band, key, node in self.last
                        for other in self.buckets[(band, key)][:self.max_bucket] if other < node})
        left = np.array([a for a, _ in pairs], dtype=np.int64)
        right = np.array([b for _, b in pairs], dtype=np.int64)
        return left, right
