"""Claims: near-duplicate attributions across articles grouped with MinHash-LSH (datasketch), the
first article that carried each; no chaining; different speakers, different statements."""
from __future__ import annotations

import numpy as np

from saidwhat.crossref import claims
from test_crossref import by_source, ingest_texts, link, query

# A long statement; quotes are slices of it, so their overlaps are known.
WORDS = ("officials from both countries agreed that the old border crossing near the northern town "
         "would reopen for trucks and buses carrying food medicine fuel and building materials after "
         "engineers finish repairing the damaged bridge and the customs office that was burned "
         "during the riots last summer").split()


def quote(lo: int, hi: int, who: str = "the minister") -> str:
    text = " ".join(WORDS[lo:hi])
    return f"“{text[0].upper()}{text[1:]},” {who} said."


def test_shingles_and_signatures():
    assert claims.words("that the “Camp” will close") == ["the", "camp", "will", "close"]
    assert claims.shingles("too short to group") == []
    a, b, c, short = claims.signatures([
        "the harbour will reopen on Friday after the strike ends",
        "that the harbour will reopen on Friday after the strike ends",  # indirect form: the same
        "cargo ships will return to port once dock workers go back",
        "yes"])
    assert short is None and claims.jaccard(a, b) == 1.0 and claims.jaccard(a, c) < 0.2
    assert a.dtype == np.uint32 and len(a) == claims.NUM_PERM
    b_, r_ = claims.Params().bands
    assert b_ * r_ <= claims.NUM_PERM
    assert claims.band_keys(a, b_, r_) == claims.band_keys(b, b_, r_)  # stable band keys


def test_reprints_are_one_claim_and_the_first_article_is_the_earliest(pipeline, tmp_path):
    db = tmp_path / "s.duckdb"
    story = ("“The harbour will reopen on Friday after the long strike by dock workers ends,” the Port "
             "Authority of Lagos said on Monday.")
    reprint = ("Port news. “The harbour will reopen on Friday after the long strike by the dock workers "
               "ends,” the Port Authority of Lagos said.")
    other = "“Cargo ships will not return before the end of the month,” a shipping agent said."
    late, unrelated = ingest_texts(db, pipeline, [(story, "2009-01-05", "late.example"),
                                                  (other, "2009-01-01", "x.example")])
    link(db)
    assert query(db, "SELECT count(*) FROM claims") == [(0,)]  # one article: no claim yet
    assert query(db, "SELECT count(DISTINCT article_id) FROM claim_signatures") == [(2,)]  # kept for later
    (early,) = ingest_texts(db, pipeline, [(reprint, "2009-01-02", "early.example")])
    report = link(db)
    assert report.claims.edges == 1 and report.claims.created == 1
    rows = query(db, "SELECT id, first_article_id, CAST(first_published AS VARCHAR), n_articles, n_members, text "
                     "FROM claims")
    assert len(rows) == 1
    cid, first, published, n_articles, n_members, text = rows[0]
    assert (first, published, n_articles, n_members) == (early, "2009-01-02", 2, 2)
    assert "dock workers" in text
    members = set(query(db, "SELECT article_id FROM claim_members WHERE claim_id = ?", [cid]))
    assert members == {(early,), (late,)} and (unrelated,) not in members


def test_claims_do_not_chain_through_a_bridging_statement(pipeline, tmp_path):
    db = tmp_path / "s.duckdb"
    ingest_texts(db, pipeline, [(quote(0, 30), "2009-01-01", "a.example"),
                                (quote(0, 30, "a diplomat"), "2009-01-02", "b.example"),
                                (quote(15, 45, "the governor"), "2009-01-03", "c.example"),
                                (quote(15, 45, "an engineer"), "2009-01-04", "d.example")])
    link(db)
    before = dict(query(db, "SELECT id, n_articles FROM claims"))
    assert len(before) == 2 and set(before.values()) == {2}  # the halves overlap too little
    # close to both halves (J ~ 0.6 each): it joins one of them; the two stay apart
    ingest_texts(db, pipeline, [(quote(6, 38, "the ambassador"), "2009-01-05", "e.example")])
    report = link(db)
    assert report.claims.joined == 1 and report.claims.created == 0
    after = dict(query(db, "SELECT id, n_articles FROM claims"))
    assert set(after) == set(before) and sorted(after.values()) == [2, 3]
    # a later claim gets a fresh id
    ingest_texts(db, pipeline, [("“Nobody will be allowed to cross the bridge before the inspectors sign "
                                 "the papers,” the mayor said.", "2009-01-06"),
                                ("“Nobody will be allowed to cross the bridge before the inspectors sign "
                                 "the papers,” a police officer said.", "2009-01-07")])
    link(db)
    assert [r[0] for r in query(db, "SELECT id FROM claims ORDER BY id")] == sorted(before) + [max(before) + 1]


def test_the_same_words_from_two_identified_speakers_are_two_statements(pipeline, tmp_path):
    db = tmp_path / "s.duckdb"
    words = "We will never leave the camp, whatever the government decides to do next"
    ingest_texts(db, pipeline, [(f"“{words},” Benjamin Chang said.", "2009-01-01"),
                                (f"“{words},” Massoud Rajavi said.", "2009-01-02")])
    link(db)
    assert query(db, "SELECT count(*) FROM claims") == [(0,)]
    ingest_texts(db, pipeline, [(f"Camp news. “{words},” Mr. Rajavi said.", "2009-01-03")])
    link(db)
    assert query(db, "SELECT n_articles, CAST(first_published AS VARCHAR) FROM claims") == [(2, "2009-01-02")]


def test_short_statements_are_not_claims(pipeline, tmp_path):
    db = tmp_path / "s.duckdb"
    a, b = ingest_texts(db, pipeline, [("“We will see,” the mayor said.", "2009-01-01"),
                                       ("“We will see,” the governor said.", "2009-01-02")])
    link(db)
    assert by_source(db, a, "mayor") and by_source(db, b, "governor")
    assert query(db, "SELECT count(*) FROM claims") == [(0,)]
    assert query(db, "SELECT count(*) FROM claim_signatures") == [(0,)]


def test_band_storage_behind_one_interface():
    """The store's claim_bands and the in-memory buckets propose the same candidate pairs: new
    signatures meet the earlier ones and each other, never a later one."""
    import duckdb

    from saidwhat.crossref.bands import MemoryBands, StoreBands

    texts = [" ".join(WORDS[lo:lo + 20]) for lo in (0, 1, 2, 20, 21)] + [" ".join(WORDS[5:30])]
    sigs = claims.signatures(texts)
    b, r = claims.Params().bands
    con = duckdb.connect()
    claims.ensure_tables(con)
    store, memory = StoreBands(con, b, r), MemoryBands(b, r)
    found = []
    for nodes in ([1, 2, 3], [4, 5, 6]):
        batch = [sigs[n - 1] for n in nodes]
        pairs = []
        for bands in (store, memory):
            bands.add(nodes, batch)
            left, right = bands.candidates()
            pairs.append(sorted(zip(left.tolist(), right.tolist())))
        assert pairs[0] == pairs[1]
        assert all(a in nodes and b < a for a, b in pairs[0])
        found.extend(pairs[0])
    assert (2, 1) in found and (3, 2) in found  # overlapping slices share bands


def test_reprints_cost_candidates_linear_in_their_number():
    """Many copies of one paragraph: each new copy meets at most ``max_bucket`` earlier ones per
    band key, the earliest (where the claim's representative is), in the store and in memory."""
    import duckdb

    from saidwhat.crossref.bands import MemoryBands, StoreBands

    sig = claims.signatures([" ".join(WORDS[0:25])])[0]
    b, r = claims.Params().bands
    con = duckdb.connect()
    claims.ensure_tables(con)
    store, memory = StoreBands(con, b, r, max_bucket=5), MemoryBands(b, r, max_bucket=5)
    for first in (1, 101):
        nodes = list(range(first, first + 100))
        found = []
        for bands in (store, memory):
            bands.add(nodes, [sig] * len(nodes))
            left, right = bands.candidates()
            found.append(sorted(zip(left.tolist(), right.tolist())))
        assert found[0] == found[1]
        assert len(found[0]) <= 5 * len(nodes)  # all pairs would be thousands
        assert {b for _a, b in found[0]} <= {1, 2, 3, 4, 5}  # the earliest copies
        assert {a for a, _b in found[0]} == set(nodes) - {1}  # every copy still meets one
