"""Queries over the cross-article layer, in Python and on the command line: speakers (with the
anonymous share), said --by (a timeline dated by said_on, else publication, saying which),
disputes, claims; --format table|json|csv; link."""
from __future__ import annotations

import csv
import io
import json

import pytest

from saidwhat.cli import main as cli_main
from saidwhat.crossref import queries
from saidwhat.errors import SaidwhatError
from saidwhat.store import open_store
from test_crossref import ingest_texts, link

ARTICLES = [
    # said_on "on Sunday" -> 2008-12-28 (inferred from publication)
    ("A White House spokesman, Benjamin Chang, said on Sunday that the United States had received "
     "written guarantees from Baghdad. An official, speaking on condition of anonymity, said the camp "
     "would be closed by March.", "2008-12-29", "a.example"),
    ("An Iraqi official, however, disputed the claims, indicating that no written guarantees had been "
     "given by Baghdad.", "2008-12-30", "b.example"),
    # no time expression: dated by publication
    ("Benjamin Chang said the guarantees covered every resident of the camp.", "2009-01-05", "c.example"),
    # "on Tuesday" in an article of Friday 2009-01-02 -> 2008-12-30
    ("Mr. Chang said on Tuesday that the talks with Baghdad would continue next month.", "2009-01-02", "d.example"),
    # "last week": kept as text, not resolved -> publication date, and the row says so
    ("Benjamin Chang said last week that the camp would stay open.", "2009-01-07", "e.example"),
    ("“The harbour will reopen on Friday after the long strike by dock workers ends,” the Port "
     "Authority of Lagos said.", "2009-01-03", "f.example"),
    ("“The harbour will reopen on Friday after the long strike by the dock workers ends,” the Port "
     "Authority of Lagos said.", "2009-01-02", "g.example"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory, pipeline):
    path = tmp_path_factory.mktemp("queries") / "q.duckdb"
    ingest_texts(path, pipeline, ARTICLES)
    link(path)
    return str(path)


def test_said_is_a_timeline_dated_by_said_on_else_published(db):
    rows = queries.said(db, by="Chang")
    assert [(r["date"], r["date_basis"]) for r in rows] == [
        ("2008-12-28", "said_on (inferred)"),
        ("2008-12-30", "said_on (inferred)"),
        ("2009-01-05", "published"),
        ("2009-01-07", "published (said_on unresolved)"),
    ]
    assert {r["entity"] for r in rows} == {"Benjamin Chang"}
    assert rows[0]["site"] == "a.example" and rows[3]["said_on_text"] == "last week"
    assert rows[1]["speaker_as_written"] == "Mr. Chang"
    assert [r["date"] for r in queries.said(db, by="Benjamin Chang", about="TALKS baghdad")] == ["2008-12-30"]
    # a name no entity has (an anonymous source) is found in the sources as written
    anonymous = queries.said(db, by="Iraqi official")
    assert len(anonymous) == 1 and anonymous[0]["entity"] is None
    assert queries.said(db, by="Nobody Atall") == []


def test_speakers_counts_and_anonymous_share(db):
    rows = queries.speakers(db)
    by_name = {r["name"]: r for r in rows}
    chang = by_name["Benjamin Chang"]
    assert (chang["attributions"], chang["articles"], chang["type"]) == (4, 4, "person")
    assert (chang["first"], chang["last"]) == ("2008-12-28", "2009-01-07")
    assert "Chang" in chang["aliases"]
    assert rows[0]["name"] == "Benjamin Chang"  # most quoted first
    anonymous = by_name["(anonymous sources)"]
    assert anonymous["attributions"] == 2 and anonymous["id"] is None
    assert abs(sum(r["share"] for r in rows) - 1.0) < 0.01
    assert [r["name"] for r in queries.speakers(db, type="person")] == ["Benjamin Chang"]


def test_disputes_and_claims(db):
    rows = queries.disputes(db, about="guarantees")
    pair = next(r for r in rows if r["to_speaker"] == "Benjamin Chang" and "Iraqi" in r["from_speaker"])
    assert pair["type"] == "disputes" and pair["cross_article"] is True
    assert pair["from_date"] == "2008-12-30" and pair["to_date"] == "2008-12-28"
    assert pair["why"] and pair["evidence"]
    assert queries.disputes(db, about="harbour strike") == []
    (claim,) = queries.claims(db)
    assert claim["n_articles"] == 2 and claim["first_published"] == "2009-01-02"
    assert claim["first_site"] == "g.example" and claim["sites"] == ["f.example", "g.example"]
    assert claim["speakers"] == ["Port Authority of Lagos"]
    members = queries.claim_members(db, claim["id"])
    assert [m["site"] for m in members] == ["g.example", "f.example"]
    assert queries.claims(db, about="baghdad") == []


def test_the_api_takes_a_store_or_a_connection(db):
    with open_store(db, read_only=True) as store:
        assert queries.speakers(store) == queries.speakers(store.con) == queries.speakers(db)
        assert queries.pending(store) == 0


def _cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = cli_main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_formats(db, capsys):
    code, out, _ = _cli(["speakers", "--db", db], capsys)
    assert code == 0 and out.splitlines()[0].split()[:2] == ["name", "type"] and "Benjamin Chang" in out
    code, out, _ = _cli(["said", "--db", db, "--by", "Mr. Chang", "--format", "json"], capsys)
    assert code == 0 and [r["date_basis"] for r in json.loads(out)][0] == "said_on (inferred)"
    code, out, _ = _cli(["disputes", "--db", db, "--about", "guarantees", "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows and rows[0]["to_speaker"] == "Benjamin Chang" and rows[0]["cross_article"] == "yes"
    code, out, _ = _cli(["claims", "--db", db, "--format", "csv"], capsys)
    assert code == 0 and next(csv.DictReader(io.StringIO(out)))["sites"] == "f.example; g.example"
    code, out, err = _cli(["said", "--db", db, "--by", "Nobody Atall"], capsys)
    assert code == 0 and "(nothing)" in out and "nothing found" in err


def test_cli_link_and_errors(pipeline, tmp_path, capsys):
    db = str(tmp_path / "l.duckdb")
    ingest_texts(db, pipeline, ARTICLES[:2])
    code, _, err = _cli(["speakers", "--db", db], capsys)
    assert code == 2 and "E110" in err and "saidwhat link" in err
    with pytest.raises(SaidwhatError):
        queries.speakers(db)
    code, out, _ = _cli(["link", "--db", db, "--json"], capsys)
    assert code == 0 and json.loads(out)["articles"] == 2
    ingest_texts(db, pipeline, ARTICLES[2:3])
    code, _, err = _cli(["speakers", "--db", db], capsys)
    assert code == 0 and "1 stored articles are not linked yet" in err
    code, _, err = _cli(["link", "--db", db], capsys)
    assert code == 0 and "linked 1 articles" in err
    bad = tmp_path / "bad.toml"
    bad.write_text("[[merge]\n", encoding="utf-8")
    code, _, err = _cli(["link", "--db", db, "--aliases", str(bad)], capsys)
    assert code == 2 and "E111" in err
    code, _, err = _cli(["speakers", "--db", str(tmp_path / "missing.duckdb")], capsys)
    assert code == 2 and "E104" in err


def _said_rows(n: int = 2) -> list[dict]:
    return [{"date": "2024-05-0%d" % (k + 1), "date_basis": "published", "entity": "Maria Okafor",
             "role": "general secretary", "cue": "told reporters",
             "content": "We have waited long enough for an answer from the harbour authority " * 3,
             "title": "Dock workers threaten new strike", "url": f"https://example.org/news/{k}"}
            for k in range(n)]


def test_said_table_shows_cue_and_url_and_cuts_long_cells_unless_wide():
    from saidwhat.cli.crossref import write_rows

    out = io.StringIO()
    write_rows(_said_rows(), "table", "said", out)
    header, first = out.getvalue().splitlines()[:2]
    assert header.split()[:6] == ["date", "date_basis", "entity", "role", "cue", "content"]
    assert "url" in header.split() and "told reporters" in first and "…" in first
    wide = io.StringIO()
    write_rows(_said_rows(), "table", "said", wide, wide=True)
    assert "…" not in wide.getvalue()
    full = " ".join(_said_rows()[0]["content"].split())
    assert full in wide.getvalue() and "https://example.org/news/1" in wide.getvalue()


@pytest.mark.parametrize("room", [80, 120, 200])
def test_said_table_fits_the_terminal_it_is_given(room):
    from saidwhat.cli.crossref import write_rows

    out = io.StringIO()
    write_rows(_said_rows(3), "table", "said", out, room=room)
    assert max(len(line) for line in out.getvalue().splitlines()) <= room
