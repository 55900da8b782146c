"""The command line: formats, exit codes, one-line errors, per-document failures in batches."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from saidwhat.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "harbour-strike.txt"


def run(args, capsys, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        import io
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_table_shows_speaker_role_and_content(capsys):
    code, out, err = run(["extract", str(EXAMPLE)], capsys)
    assert code == 0, err
    assert "Maria Okafor" in out and "general secretary" in out
    assert "the outlet's own voice" in out


def test_spans_format_is_the_evaluation_format(capsys, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x1", "text": "The mayor said the road would reopen on Monday."}) + "\n")
    code, out, _ = run(["extract", str(src), "--format", "spans"], capsys)
    line = json.loads(out)
    assert code == 0 and line["id"] == "x1"
    text = "The mayor said the road would reopen on Monday."
    att = line["attributions"][0]
    assert text[slice(*att["cue"][0])] == "said"


def test_stdin_and_output_file(capsys, monkeypatch, tmp_path):
    out_file = tmp_path / "out.jsonl"
    code, _, _ = run(["extract", "-", "--format", "jsonl", "-o", str(out_file)], capsys,
                     stdin="Police said two people were arrested.", monkeypatch=monkeypatch)
    rec = json.loads(out_file.read_text())
    assert code == 0 and rec["attributions"][0]["cue"]["text"] == "said"


def test_one_bad_document_among_good_ones_exits_1_and_keeps_the_rest(capsys, tmp_path):
    src = tmp_path / "mixed.jsonl"
    src.write_text(json.dumps({"id": "good", "text": "The mayor said the road would reopen."}) + "\n"
                   + "{not json\n"
                   + json.dumps({"id": "empty", "text": ""}) + "\n")
    code, out, err = run(["extract", str(src), "--format", "jsonl"], capsys)
    assert code == 1
    assert [json.loads(l)["article"]["id"] for l in out.splitlines()] == ["good"]
    assert "E007" in err and "E001" in err and "Traceback" not in err


@pytest.mark.parametrize("content,code_expected,err_code", [
    (b"", 3, "E001"), (b"\x89PNG\r\n\x1a\n\x00\x00binary", 3, "E002"), (b"caf\xe9 au lait " * 20, 3, "E003")])
def test_unusable_single_input_exits_3_with_one_line(capsys, tmp_path, content, code_expected, err_code):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    code, out, err = run(["extract", str(f)], capsys)
    assert code == code_expected
    assert err_code in err and len(err.strip().splitlines()) == 1


def test_missing_file_and_too_large(capsys, tmp_path):
    code, _, err = run(["extract", str(tmp_path / "nope.txt")], capsys)
    assert code == 3 and "E006" in err
    big = tmp_path / "big.txt"
    big.write_text("The mayor said the road would reopen. " * 2000)
    code, _, err = run(["extract", str(big), "--max-chars", "10000"], capsys)
    assert code == 3 and "E004" in err


def test_usage_error_exits_2():
    proc = subprocess.run([sys.executable, "-m", "saidwhat.cli.main", "extract", "--format", "xml", "x"],
                          capture_output=True, text=True)
    assert proc.returncode == 2


def test_eval_agrees_with_its_own_scorer_on_a_tiny_gold(capsys, tmp_path):
    text = "The mayor said the road would reopen on Monday."
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g", "text": text, "attributions": [
        {"source": [[0, 9]], "cue": [[10, 14]], "content": [[15, 46]]}]}) + "\n")
    code, out, _ = run(["eval", "--gold", str(gold), "--json", "--min", "attribution_f1=0.99"], capsys)
    result = json.loads(out)
    assert code == 0 and result["metrics"]["full_f1"] == 1.0


def test_eval_figures_equal_the_reference_scorer_on_dev(capsys, tmp_path, shared):
    """`saidwhat eval` on its own predictions prints what ../shared/eval/score.py prints."""
    gold = shared / "eval" / "polnear" / "dev.jsonl"
    pred = tmp_path / "pred.jsonl"
    code, out, _ = run(["eval", "--gold", str(gold), "--json", "--pred-out", str(pred)], capsys)
    ours = json.loads(out)["metrics"]
    ref = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), "--gold", str(gold),
                          "--pred", str(pred), "--json"], capture_output=True, text=True, check=True)
    theirs = json.loads(ref.stdout)["metrics"]
    assert code == 0 and ours.keys() == theirs.keys()
    assert all(abs(ours[k] - theirs[k]) < 1e-9 for k in ours)


# --- pages and archives: extract reads them through the ingest readers


def test_extract_reads_the_main_text_of_an_html_page(capsys, tmp_path):
    from test_readers import PAGE

    page = tmp_path / "strike.html"
    page.write_text(PAGE, encoding="utf-8")
    code, out, err = run(["extract", str(page), "--format", "json"], capsys)
    assert code == 0, err
    [rec] = json.loads(out)
    text = rec["article"]["text"]
    assert "<p>" not in text and "Copyright" not in text and "Sport" not in text  # markup and chrome gone
    assert rec["article"]["id"] == "strike" and rec["article"]["url"] == "https://news.example/strike"
    assert rec["attributions"], "the page's attribution is found"
    for att in rec["attributions"]:  # offsets are into the extracted main text
        assert text[slice(*att["cue"]["spans"][0])] == att["cue"]["text"]


def test_extract_reads_the_pages_of_a_warc_and_passes_over_other_records(capsys, tmp_path):
    from test_readers import PAGE, _warc

    html = [("Content-Type", "text/html; charset=utf-8")]
    warc = tmp_path / "crawl.warc.gz"
    _warc(warc, [("warcinfo", "info.warc", None, None, b""),
                 ("request", "https://news.example/strike", "GET /strike HTTP/1.1", [], b""),
                 ("response", "https://news.example/strike", "200 OK", html, PAGE.encode()),
                 ("response", "https://news.example/logo.png", "200 OK", [("Content-Type", "image/png")], b"\x89PNG")])
    code, out, err = run(["extract", str(warc), "--format", "jsonl"], capsys)
    assert code == 0 and err == ""  # the request, the warcinfo and the image are not errors
    recs = [json.loads(line) for line in out.splitlines()]
    assert len(recs) == 1 and recs[0]["article"]["url"] == "https://news.example/strike"


def test_extract_over_a_folder_reports_each_bad_file_and_goes_on(capsys, tmp_path):
    (tmp_path / "good.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "empty.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    code, out, err = run(["extract", str(tmp_path), "--format", "jsonl"], capsys)
    assert code == 1  # partial: some inputs failed
    assert len(out.splitlines()) == 1 and "Maria Okafor" in out
    lines = err.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in err
    assert any("E012" in x and "empty.html" in x for x in lines)
    assert any("E002" in x and "scan.txt" in x for x in lines)


def test_csv_has_a_row_per_attribution_with_speaker_and_spans(capsys):
    import csv
    import io

    from saidwhat.cli.formats import CSV_COLUMNS

    code, out, err = run(["extract", str(EXAMPLE), "--format", "csv"], capsys)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and list(rows[0]) == list(CSV_COLUMNS)
    text = EXAMPLE.read_text(encoding="utf-8")
    okafor = next(r for r in rows if r["speaker_name"] == "Maria Okafor")
    assert okafor["speaker_role"] == "general secretary" and okafor["kind"] == "direct"
    assert okafor["speaker_how"].endswith(":name") and 0 < float(okafor["speaker_confidence"]) < 1
    spans = json.loads(okafor["content_spans"])
    assert len(spans) == 2 and " ".join(text[s:e] for s, e in spans) == okafor["content"]
    assert any(r["said_on_text"] == "Tuesday" and r["said_on"] == "" for r in rows)  # no publication date


# --- one options policy, one error printer


def test_a_mistyped_command_gets_a_suggestion(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["extrct", str(EXAMPLE)])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "did you mean 'extract'?" in err and "Traceback" not in err


def test_a_mistyped_flag_shows_the_subcommands_usage_and_a_suggestion(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["extract", str(EXAMPLE), "--formt", "json"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "usage: saidwhat extract" in err and "did you mean '--format'?" in err


def test_an_unknown_flag_far_from_any_gets_no_suggestion(capsys):
    with pytest.raises(SystemExit):
        main(["status", "--zzzzqq"])
    err = capsys.readouterr().err
    assert "usage: saidwhat status" in err and "did you mean" not in err


def test_an_internal_error_is_one_line_and_debug_shows_the_traceback(capsys, monkeypatch):
    from saidwhat.cli import extract as extract_commands

    def broken(args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(extract_commands, "cmd_extract", broken)
    code, _, err = run(["extract", str(EXAMPLE)], capsys)
    assert code == 4 and "internal error: RuntimeError: a bug" in err and len(err.strip().splitlines()) == 1
    for argv in (["--debug", "extract", str(EXAMPLE)], ["extract", str(EXAMPLE), "--debug"]):
        with pytest.raises(RuntimeError, match="a bug"):
            main(argv)


def test_the_store_comes_from_saidwhat_db_when_no_db_is_given(capsys, monkeypatch, tmp_path):
    pytest.importorskip("duckdb", reason="duckdb is not installed (pip install 'saidwhat[store]')")
    target = tmp_path / "from-env.duckdb"
    monkeypatch.setenv("SAIDWHAT_DB", str(target))
    code, _, err = run(["status"], capsys)
    assert code == 2 and "E104" in err and str(target) in err
    code, _, err = run(["status", "--db", str(tmp_path / "given.duckdb")], capsys)
    assert "given.duckdb" in err and "from-env" not in err


def test_a_missing_extra_is_one_line_naming_it_and_exit_3(capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "duckdb" else real(name, *a))
    for argv, extra in ((["status"], "store"), (["ingest", "x"], "ingest"), (["serve"], "web"),
                        (["speakers"], "store")):
        code, _, err = run(argv, capsys)
        assert code == 3, argv
        assert f"pip install 'saidwhat[{extra}]'" in err and len(err.strip().splitlines()) == 1


def test_python_dash_m_saidwhat_is_the_command():
    proc = subprocess.run([sys.executable, "-m", "saidwhat", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("saidwhat ")


# --- the first hour (issue 13): metadata for plain text, piped stdin, spreadsheets


def test_plain_text_gets_title_url_and_date_from_the_command_line(capsys, monkeypatch):
    code, out, err = run(["extract", "--format", "json", "--published", "2024-05-08", "--title", "Road",
                          "--url", "https://x.example/road"], capsys,
                         stdin="The mayor said on Monday that the road would reopen.", monkeypatch=monkeypatch)
    [rec] = json.loads(out)
    assert code == 0, err
    assert (rec["article"]["title"], rec["article"]["url"], rec["article"]["published"]) == \
        ("Road", "https://x.example/road", "2024-05-08")
    assert rec["attributions"][0]["said_on"]["date"] == "2024-05-06"  # Monday before publication


def test_a_date_that_is_not_a_date_is_refused(capsys):
    code, _, err = run(["extract", str(EXAMPLE), "--published", "yesterday"], capsys)
    assert code == 2 and "E015" in err and len(err.strip().splitlines()) == 1
    import saidwhat
    with pytest.raises(saidwhat.SaidwhatError, match="E015"):
        saidwhat.extract("The mayor said the road would reopen.", published="yesterday")
    with pytest.raises(saidwhat.SaidwhatError, match="E015"):
        saidwhat.extract("The mayor said the road would reopen.", published=20240508)


def test_csv_for_a_spreadsheet_has_the_article_columns_true_false_and_a_bom(capsys, tmp_path):
    out_file = tmp_path / "quotes.csv"
    code, _, err = run(["extract", str(EXAMPLE), "--format", "csv", "--bom", "-o", str(out_file)], capsys)
    assert code == 0, err
    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    import csv
    import io
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {"url", "title", "published"} <= set(rows[0]) and {r["anonymous"] for r in rows} <= {"true", "false", ""}


def test_a_file_that_is_not_jsonl_is_one_error_line_not_one_per_line(capsys, tmp_path):
    (tmp_path / "pretty.json").write_text(json.dumps([{"id": "a", "text": "The mayor said so."}] * 20, indent=2))
    (tmp_path / "good.txt").write_text("The mayor said the road would reopen.")
    code, out, err = run(["extract", str(tmp_path), "--format", "jsonl"], capsys)
    lines = err.strip().splitlines()
    assert code == 1 and len(out.splitlines()) == 1
    assert len(lines) == 1 and "pretty.json" in lines[0] and "more lines" in lines[0] and "--help" in lines[0]


def test_dash_capital_v_and_quiet(capsys, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "saidwhat", "-V"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("saidwhat ")
    from saidwhat.batch import ingest
    from test_ingest import settings, story

    (tmp_path / "a.txt").write_text(story(1), encoding="utf-8")
    store = tmp_path / "s.duckdb"
    ingest.run([str(tmp_path / "a.txt")], str(store), settings(workers=0, link=True))
    for argv in (["said", "--db", str(store), "--by", "Nobody Here"],
                 ["-q", "said", "--db", str(store), "--by", "Nobody Here"],
                 ["said", "-q", "--db", str(store), "--by", "Nobody Here"]):
        code, out, err = run(argv, capsys)
        assert code == 0
        assert ("nothing found" in err) == ("-q" not in argv), argv


def test_shell_completion_knows_every_command_and_option(capsys):
    import shutil

    code, out, _ = run(["completion", "bash"], capsys)
    assert code == 0 and "complete -o filenames -F _saidwhat saidwhat" in out
    assert "ingest) opts=" in out and "--workers" in out and "--engine" in out
    code, zsh, _ = run(["completion", "zsh"], capsys)
    assert zsh.startswith("autoload -U +X bashcompinit")
    if shutil.which("bash"):
        done = subprocess.run(["bash", "-c", out + "\nCOMP_WORDS=(saidwhat ingest --wor); COMP_CWORD=2; _saidwhat; "
                                                "echo ${COMPREPLY[@]}"], capture_output=True, text=True)
        assert done.stdout.split() == ["--workers"]
