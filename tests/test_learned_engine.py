"""The learned engine: what the tagger reads, how its labels become spans and attributions, and how
it fails (a missing or damaged model is one coded line, never a traceback)."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy
import pytest
from hypothesis import given, strategies as st

from saidwhat.engine.tagging import LABELS, TaggedSpan, spans_of, token_labels, viterbi, windows
from saidwhat.errors import SaidwhatError


@pytest.fixture(scope="module")
def nlp():
    from saidwhat.engine.model import load_base
    from saidwhat.engine import components  # noqa: F401

    nlp = load_base()
    nlp.add_pipe("saidwhat_paragraphs_v1", first=True)
    return nlp


def _spans(doc, tok_spans=None):
    return tok_spans or [(t.idx, t.idx + len(t.text)) for t in doc]


def test_labels_are_bio_and_the_innermost_role_wins(nlp):
    text = "Smith said Jones claimed the vote was rigged."
    doc = nlp(text)
    outer = {"source": [[0, 5]], "cue": [[6, 10]], "content": [[11, 44]]}
    inner = {"source": [[11, 16]], "cue": [[17, 24]], "content": [[25, 44]]}
    labels = token_labels(doc, _spans(doc), [outer, inner])
    assert labels[:5] == ["B-source", "B-cue", "B-source", "B-cue", "B-content"]
    assert labels[5:8] == ["I-content"] * 3
    assert labels[-1] == "O"  # the full stop lies outside every span


def test_two_adjacent_spans_of_one_role_both_begin_with_b(nlp):
    doc = nlp("Alpha beta gamma delta.")
    atts = [{"content": [[0, 10]]}, {"content": [[11, 22]]}]
    assert token_labels(doc, _spans(doc), atts)[:4] == ["B-content", "I-content", "B-content", "I-content"]


@given(st.lists(st.lists(st.floats(-20, 0, allow_nan=False), min_size=len(LABELS), max_size=len(LABELS)),
                min_size=0, max_size=30))
def test_decoding_always_gives_valid_bio(rows):
    path = viterbi(numpy.array(rows, dtype="float32").reshape(len(rows), len(LABELS)))
    assert len(path) == len(rows)
    prev = "O"
    for k in path:
        lab = LABELS[k]
        if lab.startswith("I-"):
            assert prev[2:] == lab[2:], (prev, lab)
        prev = lab


def test_decoding_prefers_the_best_valid_path_over_an_invalid_argmax():
    logp = numpy.log(numpy.full((2, len(LABELS)), 1e-6, dtype="float32"))
    logp[0, LABELS.index("O")] = numpy.log(0.6)
    logp[0, LABELS.index("B-cue")] = numpy.log(0.4)
    logp[1, LABELS.index("I-cue")] = numpy.log(0.9)  # invalid after O: the cue must begin at word 0
    assert [LABELS[k] for k in viterbi(logp)] == ["B-cue", "I-cue"]


def test_spans_of_reads_runs_and_their_mean_probability():
    labels = [LABELS.index(x) for x in ("B-source", "I-source", "O", "B-cue", "B-content", "I-content")]
    probs = numpy.array([0.9, 0.7, 1, 0.8, 0.5, 0.7])
    spans = spans_of([0, 1, 2, 3, 5, 6], labels, probs)
    assert [(s.role, s.start, s.end) for s in spans] == [("source", 0, 2), ("cue", 3, 4), ("content", 5, 7)]
    assert spans[0].prob == pytest.approx(0.8)


@given(st.integers(3, 40), st.integers(0, 2**32 - 1))
def test_windows_cover_every_word_once_in_order_and_respect_the_size(nlp, max_pieces, seed):
    rng = numpy.random.default_rng(seed)
    paras = ["The minister said the plan would work. Critics disagreed strongly with her.",
             "“We will appeal,” she said.", "Short one.", "Another paragraph follows here, and it is long enough."]
    text = "\n\n".join(rng.permutation(paras))
    doc = nlp(text)
    pieces = [[] if t.is_space else [7] * int(rng.integers(1, 4)) for t in doc]
    wins = windows(doc, pieces, max_pieces)
    words = [i for w in wins for i in w.words]
    assert words == [t.i for t in doc if not t.is_space]
    for w in wins:
        assert sum(max(1, len(p)) for p in w.pieces) <= max(max_pieces, max(len(p) for p in w.pieces))


def test_paragraphs_that_fit_are_never_cut(nlp):
    doc = nlp("One two three.\n\nFour five six.\n\nSeven eight nine.")
    pieces = [[] if t.is_space else [1] for t in doc]
    wins = windows(doc, pieces, 8)  # a paragraph is 4 pieces: two fit in a window, never 2.5
    texts = [" ".join(doc[i].text for i in w.words) for w in wins]
    assert texts == ["One two three . Four five six .", "Seven eight nine ."]


def test_the_encoder_reads_each_word_at_its_first_wordpiece_within_the_window_size(nlp):
    from tokenizers import Tokenizer

    from saidwhat.engine.alignment import quotes_mask
    from saidwhat.engine.encoder import DEFAULT_ENCODER
    from saidwhat.engine.tagging import FEATURES, encode

    if not (DEFAULT_ENCODER / "tokenizer.json").exists():
        pytest.skip("the packaged encoder is not built in this checkout")
    tok = Tokenizer.from_file(str(DEFAULT_ENCODER / "tokenizer.json"))
    tok.no_padding()
    doc = nlp("Interior Minister Wolfgang Peschorn said: “Unbelievable!”\n\nThe ministry declined to comment.")
    index = [{"title": 5} if name == "shape" else {} for name in FEATURES]
    rows = encode(doc, quotes_mask(doc), tok, index, max_pieces=12)
    assert [i for r in rows for i in r.words] == [t.i for t in doc if not t.is_space]
    for r in rows:
        assert r.ids[0] == tok.token_to_id("[CLS]") and r.ids[-1] == tok.token_to_id("[SEP]")
        assert len(r.ids) == len(r.feats) <= 12 + 2
        for i, first in zip(r.words, r.firsts):
            assert tok.id_to_token(r.ids[first]) == tok.encode(doc[i].text, add_special_tokens=False).tokens[0]
            assert r.feats[first][FEATURES.index("shape")] == (5 if doc[i].text.istitle() and doc[i].is_alpha else 0)


def _tagged(doc, *marks):
    out = []
    for role, phrase, nth in marks:
        start = [i for i in range(len(doc)) if doc[i:i + len(phrase.split())].text == phrase][nth]
        out.append(TaggedSpan(role, start, start + len(doc[start:start + len(phrase.split())]), 0.9))
    return out


def test_assembly_joins_the_pieces_of_one_quote_to_its_cue_and_subject(nlp):
    from saidwhat.engine.alignment import quotes_mask
    from saidwhat.engine.tagged import assemble

    doc = nlp("“We will appeal,” she said, “and we will win.”")
    spans = [TaggedSpan("content", 0, 6, 0.9), TaggedSpan("source", 6, 7, 0.9),
             TaggedSpan("cue", 7, 8, 0.9), TaggedSpan("content", 9, len(doc), 0.9)]
    found = assemble(doc, quotes_mask(doc), spans)
    assert len(found) == 1
    att = found[0]
    assert doc[att.cue_head].text == "said" and [doc[i].text for i in att.source] == ["she"]
    assert doc[att.content[0]].text == "“" and doc[att.content[-1]].text == "”"  # quote marks kept
    assert att.kind == "direct"


def test_assembly_gives_each_cue_its_own_content_and_drops_a_cue_without_one(nlp):
    from saidwhat.engine.alignment import quotes_mask
    from saidwhat.engine.tagged import assemble

    doc = nlp("Smith said taxes would rise. Jones argued. Lee warned that rates would fall.")
    spans = _tagged(doc, ("source", "Smith", 0), ("cue", "said", 0), ("content", "taxes would rise", 0),
                    ("source", "Jones", 0), ("cue", "argued", 0),
                    ("source", "Lee", 0), ("cue", "warned", 0), ("content", "that rates would fall", 0))
    found = assemble(doc, quotes_mask(doc), spans)
    assert [(doc[a.source[0]].text, doc[a.cue_head].text, doc[a.content[0]].text) for a in found] == \
        [("Smith", "said", "taxes"), ("Lee", "warned", "that")]


def test_a_quote_without_a_cue_goes_on_with_the_previous_speaker(nlp):
    from saidwhat.engine.alignment import quotes_mask
    from saidwhat.engine.tagged import assemble

    doc = nlp("Smith said taxes would rise.\n\n“It is a disgrace for the whole country.”")
    quote = [t.i for t in doc if t.text == "“"][0]
    spans = _tagged(doc, ("source", "Smith", 0), ("cue", "said", 0), ("content", "taxes would rise", 0))
    spans.append(TaggedSpan("content", quote, len(doc), 0.8))
    found = assemble(doc, quotes_mask(doc), spans)
    assert [a.kind for a in found] == ["indirect", "continuation"]
    assert found[1].source == found[0].source


def test_a_missing_model_directory_is_one_coded_error(tmp_path):
    from saidwhat.engine.encoder import Encoder

    with pytest.raises(SaidwhatError) as err:
        Encoder(tmp_path / "nowhere")
    assert err.value.code == "E017" and "--engine fast" in str(err.value)


def test_a_damaged_model_file_is_one_coded_error(tmp_path):
    from saidwhat.engine.encoder import DEFAULT_ENCODER, Encoder

    if not (DEFAULT_ENCODER / "tagger.json").exists():
        pytest.skip("the packaged encoder is not built in this checkout")
    for name in ("tagger.json", "tokenizer.json"):
        (tmp_path / name).write_bytes((DEFAULT_ENCODER / name).read_bytes())
    (tmp_path / "tagger.onnx").write_bytes(b"\x08\x01 not a graph")
    with pytest.raises(SaidwhatError) as err:
        Encoder(tmp_path)
    assert err.value.code == "E017"


def test_an_unknown_engine_is_refused_with_its_code():
    from saidwhat.engine.components import AttributionFinder

    with pytest.raises(SaidwhatError) as err:
        AttributionFinder(engine="slow")
    assert err.value.code == "E018"


def test_cli_reports_a_damaged_model_in_one_line(tmp_path):
    (tmp_path / "a.txt").write_text("The mayor said the bridge would reopen in May.", encoding="utf-8")
    code = ("import sys; from saidwhat.cli.main import main; from saidwhat.engine import encoder; "
            f"encoder.DEFAULT_ENCODER = encoder.Path({str(tmp_path)!r}); sys.exit(main(['extract', "
            f"{str(tmp_path / 'a.txt')!r}, '--engine', 'learned']))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "E017" in proc.stderr and "Traceback" not in proc.stderr


def test_the_learned_engine_runs_where_torch_cannot_be_imported():
    code = ("import sys; sys.modules['torch'] = None; sys.modules['transformers'] = None; import saidwhat; "
            "r = saidwhat.Pipeline(engine='learned').extract('The mayor said the bridge would reopen in May.'); "
            "print(len(r.attributions))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) == 1


def test_saidwhat_extract_never_imports_torch(tmp_path):
    (tmp_path / "a.txt").write_text("The mayor said the bridge would reopen in May.", encoding="utf-8")
    code = ("import sys; from saidwhat.cli.main import main; main(['extract', sys.argv[1], '--engine', 'learned', '-o', sys.argv[2]]); "
            "print(sys.modules.get('torch') is not None, 'transformers' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.txt"), str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "False"]
    assert (tmp_path / "out").read_text(encoding="utf-8").count("said") >= 1


@pytest.mark.parametrize("engine", ["learned", "fast"])
def test_both_engines_give_true_spans_through_the_cli(tmp_path, engine):
    text = ("“We will not back down,” said Maria Okafor, the union's general secretary.\n\n"
            "The harbour authority denied that any bonus had been cut.")
    src = tmp_path / "a.txt"
    src.write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "saidwhat", "extract", str(src), "--engine", engine,
                           "--format", "json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    (record,) = json.loads(proc.stdout)
    assert len(record["attributions"]) == 2
    for att in record["attributions"]:
        for role in ("source", "cue", "content"):
            part = att.get(role) or {}
            for s, e in part.get("spans", []):
                assert 0 <= s < e <= len(text) and text[s:e] in part["text"]
