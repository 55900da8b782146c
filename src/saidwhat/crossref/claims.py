"""Claims: the same statement reported by several articles (wire copies, reprints, one quote in
many outlets), grouped with MinHash-LSH, with the first article that carried it.

Each attribution's content becomes a set of word 3-grams ("shingles"); its MinHash signature
(``datasketch.MinHash``, 128 permutations) estimates the Jaccard similarity of two such sets.
LSH cuts a signature into ``b`` bands of ``r`` values (``b`` and ``r`` chosen by
``datasketch.MinHashLSH`` for the threshold); two contents that agree on a whole band are
candidates, and candidates whose estimated Jaccard reaches the threshold are the same claim.

Everything the next run needs is persisted in the store, so adding articles never recomputes the
rest: ``claim_signatures`` (one signature per attribution, 512 bytes) and ``claim_bands`` (one
64-bit key per band, behind :class:`saidwhat.crossref.bands.Bands`). A new attribution finds its candidates with one join on ``claim_bands``;
only those candidates' signatures are read back. It joins the claim whose representative (the
member that founded it) is closest, or founds a claim with its closest unclaimed match in another
article (see :func:`update_claims`): claims do not chain, and claim ids are stable as the store
grows. Attributions of two different speaker entities are never one claim.

Limits: paraphrases that share few word 3-grams ("the US got guarantees" / "Washington was
assured") are not grouped; contents under five words are never grouped (too generic: "that's
right"); which claim an attribution joins can depend on the order articles arrive in.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

from saidwhat.crossref.bands import Bands, StoreBands, band_keys  # noqa: F401 - band_keys: part of this API
from saidwhat.store.sql import insert_rows, temp_table

NUM_PERM = 128
THRESHOLD = 0.5
SHINGLE = 3  # words per shingle
MIN_WORDS = 5  # shorter contents are not grouped
SEED = 1

DDL = {
    # One statement carried by several articles. first_*: the earliest article (published; undated
    # last) and its attribution; text: what it said there; rep_*: the member that founded the claim,
    # which new attributions are compared with.
    "claims": ("id INTEGER NOT NULL, first_article_id VARCHAR NOT NULL, first_published DATE, "
               "text VARCHAR NOT NULL, n_articles INTEGER NOT NULL, "
               "first_attribution_id VARCHAR, n_members INTEGER NOT NULL, "
               "rep_article_id VARCHAR NOT NULL, rep_attribution_id VARCHAR NOT NULL"),
    "claim_members": "claim_id INTEGER NOT NULL, article_id VARCHAR NOT NULL, attribution_id VARCHAR NOT NULL",
    # node: a number per signed attribution, in the order they were signed (bands refer to it).
    "claim_signatures": ("node BIGINT NOT NULL, article_id VARCHAR NOT NULL, attribution_id VARCHAR NOT NULL, "
                         "sig BLOB NOT NULL"),
    "claim_bands": "band SMALLINT NOT NULL, key BIGINT NOT NULL, node BIGINT NOT NULL",
}

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(text: str) -> list[str]:
    """Lower-case words of a content, accents folded, a leading "that" dropped (indirect speech
    and the direct quote it reports then shingle alike)."""
    folded = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    out = _WORD.findall(folded)
    if out and out[0] == "that":
        out = out[1:]
    return out


def shingles(text: str) -> list[bytes]:
    """The word 3-grams of a content (empty when it has fewer than MIN_WORDS words)."""
    w = words(text)
    if len(w) < MIN_WORDS:
        return []
    return sorted({" ".join(w[i:i + SHINGLE]).encode() for i in range(len(w) - SHINGLE + 1)})


@dataclass(frozen=True)
class Params:
    threshold: float = THRESHOLD
    num_perm: int = NUM_PERM

    @property
    def bands(self) -> tuple[int, int]:
        """``(b, r)``: how datasketch's MinHashLSH splits a signature for this threshold."""
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        return lsh.b, lsh.r

    def tag(self) -> str:
        """What the stored signatures depend on; a store signed under another tag is refused
        (``saidwhat link --full`` re-signs it). datasketch's major version is part of it: its
        hash scheme may change between majors."""
        from importlib.metadata import version

        major = version("datasketch").split(".")[0]
        return f"minhash2:{self.num_perm}:{self.threshold}:{SHINGLE}:{MIN_WORDS}:{SEED}:datasketch{major}"


def signatures(texts: list[str], params: Params = Params()) -> list[np.ndarray | None]:
    """One MinHash signature (uint32 array) per content, or None for a content too short."""
    from datasketch import MinHash

    sets = [shingles(t) for t in texts]
    todo = [i for i, s in enumerate(sets) if s]
    out: list[np.ndarray | None] = [None] * len(texts)
    if todo:
        for i, m in zip(todo, MinHash.bulk([sets[i] for i in todo], num_perm=params.num_perm, seed=SEED)):
            out[i] = np.asarray(m.hashvalues, dtype=np.uint32)
    return out


def jaccard(x: np.ndarray, y: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal values)."""
    return float(np.count_nonzero(x == y)) / len(x)


# ------------------------------------------------------------------------------------------------
# The store


def ensure_tables(con: Any) -> None:
    for table, columns in DDL.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")


@dataclass
class ClaimStats:
    signed: int = 0  # new attributions with a signature
    candidates: int = 0  # LSH candidate pairs checked
    edges: int = 0  # pairs at or above the threshold
    joined: int = 0  # new attributions that joined a claim
    created: int = 0  # claims founded


def _pairs_at_or_above(sigs: np.ndarray, left: np.ndarray, right: np.ndarray, threshold: float,
                       chunk: int = 100_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs (row indices into ``sigs``) whose estimated Jaccard reaches the
    threshold, and that estimate; vectorised in chunks."""
    keep_l, keep_r, keep_j = [], [], []
    need = int(np.ceil(threshold * sigs.shape[1] - 1e-9))
    for i in range(0, len(left), chunk):
        a, b = left[i:i + chunk], right[i:i + chunk]
        equal = np.count_nonzero(sigs[a] == sigs[b], axis=1)
        ok = equal >= need
        keep_l.append(a[ok])
        keep_r.append(b[ok])
        keep_j.append(equal[ok] / sigs.shape[1])
    if not keep_l:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    return np.concatenate(keep_l), np.concatenate(keep_r), np.concatenate(keep_j)


@dataclass
class _Batch:
    """The attributions signed in one call: node numbers ``first``.. in signing order."""

    first: int
    sigs: list[np.ndarray]
    key_of: dict[int, tuple[str, str]]  # node -> (article_id, attribution_id), old nodes added later

    @property
    def nodes(self) -> list[int]:
        return list(range(self.first, self.first + len(self.sigs)))


@dataclass
class _Known:
    """What assigning needs to know about the nodes with edges: speaker entity, claim, and each
    claim's representative (with its signature)."""

    entity: dict[int, int | None] = field(default_factory=dict)
    claim: dict[int, int | None] = field(default_factory=dict)
    rep: dict[int, int] = field(default_factory=dict)  # claim -> representative node
    rep_sig: dict[int, np.ndarray] = field(default_factory=dict)

    def compatible(self, x: int, y: int) -> bool:
        """Two different speaker entities are never one claim."""
        ex, ey = self.entity.get(x), self.entity.get(y)
        return ex is None or ey is None or ex == ey


@dataclass
class _Assigned:
    members: list[tuple[int, str, str]] = field(default_factory=list)
    created: list[tuple[int, str, str]] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)


def _sign(con: Any, ids: list[str], params: Params) -> _Batch:
    """Step 1: sign the attributions of ``ids`` (article order, then position) and store the
    signatures under new node numbers."""
    temp_table(con, "_claim_articles", [("article_id", "VARCHAR"), ("ord", "INTEGER")],
               [(a, i) for i, a in enumerate(ids)])
    rows = con.execute(
        "SELECT t.article_id, t.id, t.content_text FROM attributions t "
        "JOIN _claim_articles c USING (article_id) "
        "ORDER BY c.ord, coalesce(t.content_spans[1][1], 0), t.id").fetchall()
    first = int(con.execute("SELECT coalesce(max(node), 0) + 1 FROM claim_signatures").fetchone()[0])
    batch = _Batch(first, [], {})
    sig_rows = []
    for (aid, tid, _), sig in zip(rows, signatures([r[2] for r in rows], params)):
        if sig is None:
            continue
        node = first + len(batch.sigs)
        batch.key_of[node] = (aid, tid)
        batch.sigs.append(sig)
        sig_rows.append((node, aid, tid, sig.astype("<u4").tobytes()))
    insert_rows(con, "claim_signatures", ["BIGINT", "VARCHAR", "VARCHAR", "BLOB"], sig_rows)
    return batch


class _Signatures:
    """The signatures a batch's candidates involve, one matrix: the new ones first, then the
    earlier ones read back from the store (and representatives, added by :func:`_known`)."""

    def __init__(self, con: Any, batch: _Batch, right: np.ndarray) -> None:
        self.row_of = {n: i for i, n in enumerate(batch.nodes)}
        self.extra: dict[int, np.ndarray] = {}
        matrix = [np.stack(batch.sigs)]
        old_nodes = np.unique(right[right < batch.first])
        if len(old_nodes):
            temp_table(con, "_claim_old", [("node", "BIGINT")], [(int(n),) for n in old_nodes])
            old = con.execute("SELECT s.node, s.article_id, s.attribution_id, s.sig FROM claim_signatures s "
                              "JOIN _claim_old USING (node) ORDER BY s.node").fetchall()
            for node, aid, tid, _ in old:
                self.row_of[node] = len(self.row_of)
                batch.key_of[node] = (aid, tid)
            matrix.append(np.stack([np.frombuffer(bytes(blob), dtype="<u4") for *_, blob in old]))
        self.matrix = np.concatenate(matrix)

    def of(self, node: int) -> np.ndarray:
        return self.matrix[self.row_of[node]] if node in self.row_of else self.extra[node]


def _edges(sigs: _Signatures, left: np.ndarray, right: np.ndarray,
           threshold: float) -> dict[int, list[tuple[float, int]]]:
    """Step 2b: the candidate pairs whose estimated Jaccard reaches the threshold, by new node."""
    lookup = np.vectorize(sigs.row_of.__getitem__, otypes=[np.int64])
    li, ri, js = _pairs_at_or_above(sigs.matrix, lookup(left), lookup(right), threshold)
    rows_node = np.empty(len(sigs.row_of), dtype=np.int64)
    for n, i in sigs.row_of.items():
        rows_node[i] = n
    edges: dict[int, list[tuple[float, int]]] = {}
    for a, b, j in zip(rows_node[li].tolist(), rows_node[ri].tolist(), js.tolist()):
        edges.setdefault(a, []).append((j, b))
    return edges


def _known(con: Any, edges: dict[int, list[tuple[float, int]]], sigs: _Signatures) -> _Known:
    """Entities, claims and claim representatives of the nodes with edges."""
    known = _Known()
    involved = sorted({n for lst in edges.values() for _, n in lst} | set(edges))
    temp_table(con, "_claim_nodes", [("node", "BIGINT")], [(n,) for n in involved])
    for node, eid, cid in con.execute(
            "SELECT s.node, x.entity_id, m.claim_id FROM claim_signatures s JOIN _claim_nodes USING (node) "
            "LEFT JOIN attribution_entities x ON x.article_id = s.article_id AND x.attribution_id = s.attribution_id "
            "LEFT JOIN claim_members m ON m.article_id = s.article_id AND m.attribution_id = s.attribution_id"
            ).fetchall():
        known.entity[node], known.claim[node] = eid, cid
    claim_ids = sorted({c for c in known.claim.values() if c is not None})
    if claim_ids:
        for cid, node, blob, eid in con.execute(
                "SELECT c.id, s.node, s.sig, x.entity_id FROM claims c JOIN claim_signatures s "
                "ON s.article_id = c.rep_article_id AND s.attribution_id = c.rep_attribution_id "
                "LEFT JOIN attribution_entities x "
                "ON x.article_id = s.article_id AND x.attribution_id = s.attribution_id "
                "WHERE c.id IN (SELECT unnest(?::INTEGER[]))", [claim_ids]).fetchall():
            known.rep[cid] = node
            known.rep_sig[node] = np.frombuffer(bytes(blob), dtype="<u4")
            known.entity.setdefault(node, eid)
    sigs.extra = known.rep_sig
    return known


def _assign(edges: dict[int, list[tuple[float, int]]], known: _Known, sigs: _Signatures,
            key_of: dict[int, tuple[str, str]], threshold: float, next_id: Callable[[], int],
            stats: ClaimStats) -> _Assigned:
    """Step 3: each new node, in order, joins the claim with the closest representative, or
    founds one with its closest unclaimed match in another article."""
    out = _Assigned()
    for node in sorted(edges):
        near = [(j, other) for j, other in edges[node] if known.compatible(node, other)]
        stats.edges += len(near)
        # 1. the claim whose representative is closest
        best = None
        for cid in sorted({known.claim.get(o) for _, o in near} - {None}):
            head = known.rep[cid]
            j = jaccard(sigs.of(node), sigs.of(head))
            if j >= threshold and known.compatible(node, head) and (best is None or j > best[0]):
                best = (j, cid)
        if best is not None:
            known.claim[node] = best[1]
            out.members.append((best[1], *key_of[node]))
            out.touched.add(best[1])
            stats.joined += 1
            continue
        # 2. found a claim with the closest unclaimed attribution of another article
        free = [(j, o) for j, o in near if known.claim.get(o) is None and key_of[o][0] != key_of[node][0]]
        if not free:
            continue
        _, other = max(free, key=lambda t: (t[0], -t[1]))
        cid = next_id()
        known.claim[node] = known.claim[other] = cid
        known.rep[cid] = other
        out.created.append((cid, *key_of[other]))
        out.members.extend([(cid, *key_of[other]), (cid, *key_of[node])])
        out.touched.add(cid)
        stats.created += 1
    return out


def _write(con: Any, assigned: _Assigned) -> None:
    """Step 4: new claims (their first article etc. filled by :func:`refresh`) and members."""
    insert_rows(con, "claims", ["INTEGER", "VARCHAR", "DATE", "VARCHAR", "INTEGER", "VARCHAR", "INTEGER",
                                "VARCHAR", "VARCHAR"],
                [(cid, aid, None, "", 0, None, 0, aid, tid) for cid, aid, tid in assigned.created])
    insert_rows(con, "claim_members", ["INTEGER", "VARCHAR", "VARCHAR"], assigned.members)
    refresh(con, sorted(assigned.touched))


def update_claims(con: Any, article_ids: Iterable[str], params: Params = Params(),
                  next_id: Any = None, bands: Bands | None = None) -> ClaimStats:
    """Sign the attributions of ``article_ids`` and fold them into the claims of the store.

    Each new attribution, in article order, joins the claim whose *representative* (the member
    that founded it) is most similar to it, at or above the threshold; failing that, it founds a
    claim with its most similar unclaimed attribution from another article, which becomes the
    representative. Comparing with the representative, not with any member, keeps claims from
    drifting: a chain of small edits never joins two different statements. Two attributions whose
    speakers are two different entities are never the same claim ("we will not resign" said by
    two people is two statements).

    ``next_id()`` gives a fresh claim id (the caller keeps the counter, so ids are never reused);
    without it, max(id) + 1. ``bands``: where the LSH bands live (default: the store's
    ``claim_bands``). Call inside the caller's transaction, for articles not signed yet.
    """
    ensure_tables(con)
    stats = ClaimStats()
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return stats
    batch = _sign(con, ids, params)
    stats.signed = len(batch.sigs)
    if not batch.sigs:
        return stats
    bands = bands if bands is not None else StoreBands(con, *params.bands)
    bands.add(batch.nodes, batch.sigs)
    # LSH candidates: earlier attributions (the store's, then this batch's) sharing a band key.
    left, right = bands.candidates()
    stats.candidates = len(left)
    if not len(left):
        return stats
    sigs = _Signatures(con, batch, right)
    edges = _edges(sigs, left, right, params.threshold)
    if not edges:
        return stats
    known = _known(con, edges, sigs)
    if next_id is None:
        next_id = iter(range(_max_id(con) + 1, 1 << 31)).__next__
    assigned = _assign(edges, known, sigs, batch.key_of, params.threshold, next_id, stats)
    _write(con, assigned)
    return stats


def _max_id(con: Any) -> int:
    return int(con.execute("SELECT coalesce(max(id), 0) FROM claims").fetchone()[0])


def refresh(con: Any, claim_ids: list[int]) -> None:
    """Recompute the claims rows of ``claim_ids`` from their members: the first article (earliest
    published, undated last, then article id and position), its text, the counts."""
    if not claim_ids:
        return
    con.execute("""
        UPDATE claims SET first_article_id = f.article_id, first_published = f.published,
                          text = f.content_text, n_articles = f.n_articles,
                          first_attribution_id = f.attribution_id, n_members = f.n_members
        FROM (
            SELECT claim_id,
                   arg_min(article_id, ord) AS article_id, arg_min(published, ord) AS published,
                   arg_min(content_text, ord) AS content_text, count(DISTINCT article_id) AS n_articles,
                   arg_min(attribution_id, ord) AS attribution_id, count(*) AS n_members
            FROM (
                SELECT m.claim_id, m.article_id, m.attribution_id, a.published, t.content_text,
                       row_number() OVER (PARTITION BY m.claim_id
                                          ORDER BY a.published NULLS LAST, m.article_id,
                                                   coalesce(t.content_spans[1][1], 0), m.attribution_id) AS ord
                FROM claim_members m
                JOIN articles a ON a.id = m.article_id
                JOIN attributions t ON t.article_id = m.article_id AND t.id = m.attribution_id
                WHERE m.claim_id IN (SELECT unnest(?::INTEGER[])))
            GROUP BY claim_id) f
        WHERE claims.id = f.claim_id""", [claim_ids])
