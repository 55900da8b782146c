"""Tests of saidwhat.learn.scoring: hand-made cases with known answers, and agreement with the
reference scorer (shared/eval/score.py) on the PolNeAR dev gold and on random synthetic data."""
from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import saidwhat  # noqa: F401
except ImportError:  # running from a checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from saidwhat.errors import SaidwhatError
from saidwhat.learn.scoring import format_table, read_jsonl, score

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SAIDWHAT_SHARED", str(REPO.parent / "shared")))
REFERENCE = SHARED / "eval" / "score.py"
DEV_GOLD = SHARED / "eval" / "polnear" / "dev.jsonl"

PRF_KEYS = [f"{r}_{k}_{m}" for r in ("source", "cue", "content") for k in ("exact", "partial")
            for m in ("p", "r", "f1")] + [f"{n}_{m}" for n in ("attribution", "full", "full_cue")
                                          for m in ("p", "r", "f1")]

TEXT = ('Flynn said: "He is absolutely right." The plan, according to aides, will fail. '
        'Trump: "We win." alpha beta gamma delta epsilon zeta eta theta')


def sp(sub: str, after: str | None = None) -> list[int]:
    """[start, end] of the first *sub* in TEXT (after the first *after*, if given)."""
    base = TEXT.index(after) if after else 0
    i = TEXT.index(sub, base)
    return [i, i + len(sub)]


def att(content, source=(), cue=()) -> dict:
    return {"source": list(source), "cue": list(cue), "content": list(content)}


def run(gold_atts, pred_atts, **kw):
    gold = [{"id": "d", "text": TEXT, "publisher": "p", "attributions": gold_atts}]
    pred = [{"id": "d", "attributions": pred_atts}]
    return score(gold, pred, **kw)


# ----------------------------------------------------------------------------------------------
# Hand-made cases
# ----------------------------------------------------------------------------------------------
def test_exact_match_ignores_edge_punctuation_and_quotes():
    gold = [att([sp('"He is absolutely right."')], [sp("Flynn")], [sp("said")])]
    res = run(gold, [att([sp("He is absolutely right")], [sp("Flynn ")], [sp(" said:")])])
    c = res["counts"]
    assert (c["content_exact_tp"], c["source_exact_tp"], c["cue_exact_tp"]) == (1, 1, 1)
    assert res["metrics"]["content_exact_f1"] == 1.0
    # One word short: no exact match, but 3 of the 4 content tokens.
    res = run(gold, [att([sp("He is absolutely")], [sp("Flynn")], [sp("said")])])
    m = res["metrics"]
    assert res["counts"]["content_exact_tp"] == 0 and m["content_exact_f1"] == 0.0
    assert m["content_partial_p"] == 1.0 and m["content_partial_r"] == 0.75
    assert m["content_partial_f1"] == pytest.approx(2 * 0.75 / 1.75)


def test_partial_counts_a_token_touched_by_one_character():
    gold = [att([sp("absolutely")])]
    res = run(gold, [att([sp("solut")])])
    assert res["counts"]["content_partial_tp"] == 1
    assert res["metrics"]["content_partial_f1"] == 1.0
    assert res["metrics"]["content_exact_f1"] == 0.0


def test_discontinuous_fragments_merge():
    a, t = sp("according"), sp("to", "according")
    gold = [att([sp("The plan, according to aides")], [sp("aides")], [sp("according to")])]
    # "according" + "to" (only a space between) equals "according to"; "The plan" + ", according
    # to aides" (only ", " between once the comma is trimmed) equals the whole gold content.
    pred = [att([sp("The plan"), sp(", according to aides")], [sp("aides")], [a, t])]
    c = run(gold, pred)["counts"]
    assert c["cue_exact_tp"] == 1 and c["content_exact_tp"] == 1
    # Fragment order in the input does not matter.
    pred = [att([sp(", according to aides"), sp("The plan")], [sp("aides")], [t, a])]
    c = run(gold, pred)["counts"]
    assert c["cue_exact_tp"] == 1 and c["content_exact_tp"] == 1
    # A word between two fragments keeps them apart.
    gold = [att([sp("The plan"), sp("will fail")])]
    c = run(gold, [att([sp("The plan, according to aides, will fail")])])["counts"]
    assert c["content_exact_tp"] == 0
    c = run(gold, [att([sp("will fail."), sp("The plan,")])])["counts"]
    assert c["content_exact_tp"] == 1


def test_content_f1_threshold_is_inclusive_at_one_half():
    gold = [att([sp("alpha beta gamma delta")], [sp("Flynn")])]
    # 2 shared of 4 + 4 tokens: F1 = 0.5 exactly -> matched.
    res = run(gold, [att([sp("gamma delta epsilon zeta")], [sp("Flynn")])])
    assert res["counts"]["attribution_tp"] == 1
    assert res["metrics"]["attribution_f1"] == 1.0 and res["metrics"]["full_f1"] == 1.0
    # 2 shared of 4 + 5 tokens: F1 = 4/9 < 0.5 -> not matched.
    res = run(gold, [att([sp("gamma delta epsilon zeta eta")], [sp("Flynn")])])
    assert res["counts"]["attribution_tp"] == 0
    m = res["metrics"]
    assert m["attribution_p"] == m["attribution_r"] == m["attribution_f1"] == 0.0
    assert m["source_acc"] == 0.0 and m["cue_acc"] == 0.0  # nothing matched
    # 3 shared of 4 + 5: F1 = 2/3 -> matched.
    res = run(gold, [att([sp("beta gamma delta epsilon zeta")])])
    assert res["counts"]["attribution_tp"] == 1


def test_alignment_is_greedy_one_to_one_with_gold_order_ties():
    gold = [att([sp("alpha beta gamma delta")], [sp("Flynn")]),
            att([sp("gamma delta epsilon zeta")], [sp("Trump")])]
    # Equal F1 (0.75) with both gold attributions: the first gold one wins.
    res = run(gold, [att([sp("beta gamma delta epsilon")], [sp("Flynn")])])
    assert res["counts"]["attribution_tp"] == 1 and res["counts"]["full_tp"] == 1
    res = run(gold, [att([sp("beta gamma delta epsilon")], [sp("Trump")])])
    assert res["counts"]["attribution_tp"] == 1 and res["counts"]["full_tp"] == 0
    # Higher F1 beats gold order: the prediction goes to the second gold attribution.
    res = run(gold, [att([sp("gamma delta epsilon zeta")], [sp("Trump")])])
    assert res["counts"]["full_tp"] == 1
    # Two identical predictions cannot both take the one gold attribution.
    pred = [att([sp("alpha beta gamma delta")])] * 2
    res = run(gold[:1], pred)
    m = res["metrics"]
    assert res["counts"]["attribution_tp"] == 1
    assert (m["attribution_p"], m["attribution_r"]) == (0.5, 1.0)
    assert m["attribution_f1"] == pytest.approx(2 / 3)
    # ... but the greedy choice lets a later gold attribution take the second one.
    gold = [att([sp("alpha beta gamma delta")]), att([sp("alpha beta gamma")])]
    res = run(gold, [att([sp("alpha beta gamma delta")]), att([sp("alpha beta gamma")])])
    assert res["counts"]["attribution_tp"] == 2


def test_source_empty_on_both_sides_is_correct():
    gold = [att([sp('"We win."')], [], [sp("Trump")])]
    m = run(gold, [att([sp("We win")], [], [sp("Trump")])])["metrics"]
    assert m["source_acc"] == 1.0 and m["full_f1"] == 1.0 and m["full_cue_f1"] == 1.0
    # Source role with no spans = empty; only one side empty = wrong.
    m = run(gold, [att([sp("We win")], [sp("Trump")], [sp("Trump")])])["metrics"]
    assert m["source_acc"] == 0.0 and m["full_f1"] == 0.0 and m["attribution_f1"] == 1.0
    gold = [att([sp('"We win."')], [sp("Trump")])]
    m = run(gold, [{"content": [sp("We win")]}])["metrics"]  # missing role key = []
    assert m["source_acc"] == 0.0 and m["full_p"] == 0.0
    # Any shared token is enough.
    gold = [att([sp("The plan")], [sp("according to aides")])]
    m = run(gold, [att([sp("The plan")], [sp("aides")])])["metrics"]
    assert m["source_acc"] == 1.0


def test_punctuation_only_cue_is_compared_by_characters():
    colon = sp(":", "Trump")
    gold = [att([sp('"We win."')], [sp("Trump")], [colon])]
    res = run(gold, [att([sp("We win")], [sp("Trump")], [colon])])
    m, c = res["metrics"], res["counts"]
    assert m["cue_acc"] == 1.0 and m["full_cue_f1"] == 1.0
    assert c["cue_exact_tp"] == 1 and m["cue_exact_f1"] == 1.0  # ':' survives trimming
    # No \w token on either side: the partial metric sees nothing -> 1.0 by convention.
    assert (c["cue_partial_gold"], c["cue_partial_pred"]) == (0, 0)
    assert m["cue_partial_f1"] == 1.0
    # Whitespace around the colon does not matter.
    m = run(gold, [att([sp("We win")], [sp("Trump")], [[colon[0], colon[1] + 1]])])["metrics"]
    assert m["cue_acc"] == 1.0 and m["cue_exact_f1"] == 1.0
    # Another colon (after "said") is a different character: wrong cue.
    m = run(gold, [att([sp("We win")], [sp("Trump")], [sp(":")])])["metrics"]
    assert m["cue_acc"] == 0.0 and m["full_cue_f1"] == 0.0 and m["full_f1"] == 1.0
    # A word cue against a punctuation cue never agrees.
    m = run(gold, [att([sp("We win")], [sp("Trump")], [sp("Trump")])])["metrics"]
    assert m["cue_acc"] == 0.0


def test_everything_empty_is_a_perfect_score():
    gold = [{"id": "a", "text": "Nothing here.", "attributions": []},
            {"id": "b", "text": "", "attributions": []}]
    for pred in ([], [{"id": "a", "attributions": []}]):
        res = score(gold, pred)
        for key in PRF_KEYS:
            assert res["metrics"][key] == 1.0, key
        assert res["metrics"]["source_acc"] == 0.0 and res["metrics"]["cue_acc"] == 0.0
    assert score(gold, [])["counts"]["n_docs_without_pred"] == 2


def test_no_predictions_and_no_gold():
    gold = [{"id": "a", "text": TEXT, "attributions": [att([sp("The plan")], [sp("aides")])]}]
    m = score(gold, [])["metrics"]
    assert all(m[k] == 0.0 for k in PRF_KEYS if not k.startswith("cue")), m
    assert m["cue_exact_f1"] == 1.0  # no cue anywhere
    gold[0]["attributions"] = []
    m = score(gold, [{"id": "a", "attributions": [att([sp("The plan")])]}])["metrics"]
    assert (m["attribution_p"], m["attribution_r"], m["attribution_f1"]) == (0.0, 0.0, 0.0)


def test_role_mentions_are_deduplicated_per_document():
    gold = [att([sp("The plan")], [sp("Trump")]), att([sp("will fail")], [sp("Trump")])]
    res = run(gold, [att([sp("The plan")], [sp("Trump")])])
    c = res["counts"]
    assert (c["source_exact_gold"], c["source_exact_pred"], c["source_exact_tp"]) == (1, 1, 1)
    assert (c["attribution_gold"], c["attribution_tp"]) == (2, 1)


def test_counts_are_micro_averaged_over_documents():
    gold = [{"id": "a", "text": TEXT, "attributions": [att([sp("The plan")])] * 1},
            {"id": "b", "text": TEXT, "attributions": [att([sp("will fail")]),
                                                       att([sp("We win")])]}]
    pred = [{"id": "a", "attributions": [att([sp("The plan")])]},
            {"id": "b", "attributions": [att([sp("alpha")])]}]
    m = score(gold, pred)["metrics"]
    assert (m["attribution_p"], m["attribution_r"]) == (0.5, pytest.approx(1 / 3))


def test_breakdown_by_field():
    gold = [{"id": "a", "text": TEXT, "publisher": "x", "attributions": [att([sp("The plan")])]},
            {"id": "b", "text": TEXT, "publisher": "y", "attributions": [att([sp("We win")])]},
            {"id": "c", "text": TEXT, "attributions": [att([sp("alpha")])]},
            {"id": "d", "text": TEXT, "publisher": 7, "attributions": []}]
    pred = [{"id": "a", "attributions": [att([sp("The plan")])]}]
    res = score(gold, pred, by="publisher")
    by = res["by"]
    assert list(by) == ["(none)", "7", "x", "y"]
    assert by["x"]["attribution_f1"] == 1.0 and by["y"]["attribution_r"] == 0.0
    assert (by["x"]["docs"], by["x"]["gold"], by["x"]["pred"]) == (1, 1, 1)
    assert by["7"]["attribution_f1"] == 1.0  # nothing on either side
    assert "by" not in score(gold, pred)
    with pytest.raises(SaidwhatError) as exc:
        score(gold, pred, by="no_such_field")
    assert exc.value.code == "E009"


def test_metric_names_and_order():
    m = run([], [])["metrics"]
    assert list(m) == PRF_KEYS + ["source_acc", "cue_acc"]


def test_format_table():
    gold = [{"id": "a", "text": TEXT, "publisher": "nyt",
             "attributions": [att([sp("The plan")], [sp("aides")])]}]
    res = score(gold, [{"id": "a", "attributions": [att([sp("The plan")])]}], by="publisher")
    table = format_table(res, "publisher")
    for needle in ("attribution", "full", "source accuracy", "cue accuracy",
                   "content exact F1", "content partial F1", "publisher", "nyt", "1.000", "0.000"):
        assert needle in table, needle
    assert "nyt" not in format_table(score(gold, []))


# ----------------------------------------------------------------------------------------------
# Input errors
# ----------------------------------------------------------------------------------------------
def _write(path: Path, rows) -> str:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows),
                    encoding="utf-8")
    return str(path)


@pytest.fixture
def gold_file(tmp_path):
    return read_jsonl(_write(tmp_path / "gold.jsonl", [
        {"id": "a", "text": "Ann said hi.", "attributions": []},
        "",
        {"id": "b", "text": "Bob said bye.", "attributions": [{"content": [[9, 12]]}]}]))


def test_read_jsonl_keeps_line_numbers(gold_file):
    assert [d["id"] for d in gold_file] == ["a", "b"]
    assert gold_file.lines == [1, 3]
    assert score(gold_file, [])["counts"]["attribution_gold"] == 1


@pytest.mark.parametrize("row, reason", [
    ({"id": "zz", "attributions": []}, "not in the gold"),
    ({"id": "a", "attributions": [{"content": [[0, 13]]}]}, "text length"),
    ({"id": "a", "attributions": [{"content": [[5, 3]]}]}, "start <= end"),
    ({"id": "a", "attributions": [{"content": [[-1, 3]]}]}, "start <= end"),
    ({"id": "a", "attributions": [{"content": [[True, 3]]}]}, "two integers"),
    ({"id": "a", "attributions": [{"content": [[0.0, 3]]}]}, "two integers"),
    ({"id": "a", "attributions": [{"content": [[0, 1, 2]]}]}, "two integers"),
    ({"id": "a", "attributions": [{"content": [0, 1]}]}, "two integers"),
    ({"id": "a", "attributions": [{"content": "0-1"}]}, "must be a list"),
    ({"id": "a"}, "attributions"),
    ({"attributions": []}, "'id'"),
    ("[1, 2]", "JSON object"),
    ('{"id": "a", "attributions": [}', "invalid JSON"),
])
def test_bad_prediction_line_is_reported_with_file_and_line(tmp_path, gold_file, row, reason):
    path = _write(tmp_path / "pred.jsonl", [{"id": "b", "attributions": []}, row])
    with pytest.raises(SaidwhatError) as exc:
        score(gold_file, read_jsonl(path))
    assert exc.value.code == "E009"
    assert f"{path}:2: " in str(exc.value) and reason in str(exc.value), str(exc.value)


def test_duplicate_ids(tmp_path, gold_file):
    path = _write(tmp_path / "pred.jsonl", [{"id": "a", "attributions": []}] * 2)
    with pytest.raises(SaidwhatError, match=r"pred\.jsonl:2: duplicate id 'a'"):
        score(gold_file, read_jsonl(path))
    path = _write(tmp_path / "g2.jsonl", [{"id": "a", "text": "", "attributions": []}] * 3)
    with pytest.raises(SaidwhatError, match=r"g2\.jsonl:2: duplicate id 'a'") as exc:
        score(read_jsonl(path), [])
    assert exc.value.code == "E009"


def test_errors_on_plain_lists_name_the_item(gold_file):
    with pytest.raises(SaidwhatError, match=r"pred:2: id 'q' is not in the gold"):
        score(gold_file, [{"id": "a", "attributions": []}, {"id": "q", "attributions": []}])
    with pytest.raises(SaidwhatError, match=r"gold:1: a gold record needs a string 'text'"):
        score([{"id": "a", "attributions": []}], [])
    with pytest.raises(SaidwhatError, match="no gold documents"):
        score([], [])


def test_missing_file_and_bad_encoding(tmp_path):
    with pytest.raises(SaidwhatError) as exc:
        read_jsonl(tmp_path / "absent.jsonl")
    assert exc.value.code == "E006"
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "a"}\n\xff\xfe\n')
    with pytest.raises(SaidwhatError, match=r"bad\.jsonl:2: not valid UTF-8"):
        read_jsonl(bad)
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes('\ufeff{"id": "a"}\r\n'.encode("utf-8"))
    assert read_jsonl(bom) == [{"id": "a"}]


# ----------------------------------------------------------------------------------------------
# Agreement with the reference scorer
# ----------------------------------------------------------------------------------------------
def _need_reference(*paths: Path) -> None:
    for path in (REFERENCE, *paths):
        if not path.is_file():
            pytest.skip(f"reference data not found: {path} (set SAIDWHAT_SHARED to the shared "
                        f"directory holding eval/score.py and eval/polnear/dev.jsonl)")


def _reference(gold_path: str, pred_path: str, by: str) -> dict:
    proc = subprocess.run([sys.executable, str(REFERENCE), "--gold", gold_path,
                           "--pred", pred_path, "--json", "--by", by],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _assert_agree(ours: dict, ref: dict, by: str) -> None:
    assert list(ours["metrics"]) == list(ref["metrics"])
    for key, value in ref["metrics"].items():
        assert ours["metrics"][key] == pytest.approx(value, abs=1e-9, rel=0), key
    for key, value in ref["counts"].items():
        assert ours["counts"][key] == value, key
    for key in ("n_docs_gold", "n_docs_pred", "n_docs_without_pred"):
        assert ours["counts"][key] == ref[key], key
    ref_by = ref["by_" + by]
    assert list(ours["by"]) == list(ref_by)
    for value, ref_row in ref_by.items():
        for key, number in ref_row.items():
            assert ours["by"][value][key] == pytest.approx(number, abs=1e-9, rel=0), (value, key)


def _shift(frags, text_len, rng, most):
    out = []
    for s, e in frags:
        s = min(max(0, s + rng.randint(-most, most)), text_len)
        e = min(max(s, e + rng.randint(-most, most)), text_len)
        out.append([s, e])
    return out


def _perturb(name: str, gold: list[dict]) -> list[dict]:
    rng = random.Random(name)
    preds, k = [], 0
    for doc in gold:
        n = len(doc["text"])
        atts = copy.deepcopy(doc["attributions"])
        if name == "dropped":
            kept = []
            for a in atts:
                k += 1
                if k % 3:
                    kept.append(a)
            atts = kept
        elif name == "content_shifted":
            for a in atts:
                a["content"] = _shift(a.get("content", []), n, rng, 4)
        elif name == "content_shrunk":
            for a in atts:
                a["content"] = [[s + (e - s) // 3, e - (e - s) // 4] for s, e in a["content"]]
        elif name == "sources_blanked":
            for i, a in enumerate(atts):
                if i % 2:
                    a["source"] = []
        elif name == "cues_moved":
            for a in atts:
                a["cue"] = _shift(a.get("cue", []), n, rng, 12)
        elif name == "mixed":
            if rng.random() < 0.15:
                continue  # no prediction line for this document
            out = []
            for a in atts:
                r = rng.random()
                if r < 0.15:
                    continue
                for role, most in (("content", 25), ("source", 6), ("cue", 6)):
                    if rng.random() < 0.5:
                        a[role] = _shift(a.get(role, []), n, rng, most)
                if rng.random() < 0.2 and a.get("content"):  # split a fragment in two
                    s, e = a["content"][0]
                    if e - s > 4:
                        mid = rng.randint(s + 1, e - 1)
                        a["content"][0:1] = [[mid, e], [s, mid - 1]]
                out.append(a)
                if r > 0.9:  # a near-duplicate competing for the same gold attribution
                    out.append({"content": _shift(a.get("content", []), n, rng, 10)})
            for _ in range(rng.randint(0, 2)):  # spurious attributions
                s = rng.randrange(n) if n else 0
                out.append({"content": [[s, min(n, s + rng.randint(0, 120))]],
                            "source": [], "cue": [[s, s]]})
            atts = out
        elif name != "gold":
            raise ValueError(name)
        preds.append({"id": doc["id"], "attributions": atts})
    return preds


@pytest.fixture(scope="module")
def dev_gold():
    _need_reference(DEV_GOLD)
    return read_jsonl(DEV_GOLD)


@pytest.mark.parametrize("name", ["gold", "dropped", "content_shifted", "content_shrunk",
                                  "sources_blanked", "cues_moved", "mixed", "empty"])
def test_agrees_with_reference_on_dev(tmp_path, dev_gold, name):
    preds = [] if name == "empty" else _perturb(name, dev_gold)
    pred_path = _write(tmp_path / "pred.jsonl", preds)
    ours = score(dev_gold, read_jsonl(pred_path), by="publisher")
    _assert_agree(ours, _reference(str(DEV_GOLD), pred_path, "publisher"), "publisher")
    if name == "gold":
        assert all(v == 1.0 for v in ours["metrics"].values())


_PIECES = ["Ann", "said", "told", "that", "the", "plan", "won't", "fail", "x_1", "42", "café",
           ":", "--", '"', "\u201c", "\u201d", "'", "`", "\u00b4", ",", ".", "(", ")", "\u2014",
           " ", " ", " ", "\n", "\t", "\u00a0", "\u200b", "\u00ad"]  # last two: format chars (Cf)


def _random_role(rng, n, gold_like):
    frags = []
    for _ in range(rng.choice([0, 1, 1, 1, 2, 3]) if gold_like else rng.randint(0, 3)):
        s = rng.randint(0, n)
        frags.append([s, min(n, s + rng.choice([0, 1, 2, 3, 6, 15, 40]))])
    return frags


def test_agrees_with_reference_on_random_documents(tmp_path):
    _need_reference()
    rng = random.Random(20240601)
    gold, pred = [], []
    for i in range(250):
        text = "".join(rng.choice(_PIECES) + rng.choice(["", " "])
                       for _ in range(rng.randint(0, 60)))
        n = len(text)
        g_atts = [{r: _random_role(rng, n, True) for r in ("source", "cue", "content")}
                  for _ in range(rng.randint(0, 5))]
        record = {"id": f"doc{i}", "text": text, "attributions": g_atts}
        choice = rng.random()
        if choice < 0.8:
            record["publisher"] = rng.choice(["a", "b", "c"])
        elif choice < 0.9:
            record["publisher"] = rng.choice([None, 3])
        gold.append(record)
        if rng.random() < 0.1:
            continue
        p_atts = []
        for a in g_atts:
            if rng.random() < 0.8:
                p_atts.append({r: (_shift(f, n, rng, 3) if rng.random() < 0.4 else f)
                               for r, f in a.items()})
        p_atts += [{r: _random_role(rng, n, False) for r in ("source", "cue", "content")}
                   for _ in range(rng.randint(0, 2))]
        rng.shuffle(p_atts)
        pred.append({"id": f"doc{i}", "attributions": p_atts})
    rng.shuffle(pred)
    gold_path = _write(tmp_path / "gold.jsonl", gold)
    pred_path = _write(tmp_path / "pred.jsonl", pred)
    ours = score(read_jsonl(gold_path), read_jsonl(pred_path), by="publisher")
    ref = _reference(gold_path, pred_path, "publisher")
    assert 0 < ref["counts"]["attribution_tp"] < ref["counts"]["attribution_gold"]
    _assert_agree(ours, ref, "publisher")
