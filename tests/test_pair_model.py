"""The learned side of ``saidwhat.relate``: statement embeddings, surface words, the pair model,
its reasons in words, and the store's rule for which disputes to list."""
from __future__ import annotations

import json

import numpy
import pytest

from saidwhat.errors import SaidwhatError
from saidwhat.relate import relate, relate_many
from saidwhat.relate.embedding import Embedder, embedder
from saidwhat.relate.pair_features import NAMES
from saidwhat.relate.pair_model import PairModel, fit
from saidwhat.relate.relation import LABELS
from saidwhat.relate.surface import surface


@pytest.fixture(scope="module")
def nlp():
    from saidwhat.engine.model import load_base
    return load_base()


def test_embeddings_are_unit_vectors_that_put_the_same_event_closer_than_another():
    vecs = embedder().embed(["The helicopter was shot down by the Taliban.",
                             "Taliban fighters downed the US helicopter.",
                             "The central bank left interest rates unchanged.", "   "])
    assert vecs.shape == (4, 384) and vecs.dtype == numpy.float32
    assert numpy.allclose(numpy.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.3


def test_a_vector_does_not_depend_on_the_other_texts_of_the_call():
    alone = embedder().embed(["Rain is expected on Sunday."])[0]
    among = embedder().embed(["A much longer statement about the budget, the schools and the harbour "
                              "that makes any batch wider.", "Rain is expected on Sunday."])[1]
    assert numpy.array_equal(alone, among)


def test_a_damaged_embedder_is_a_one_line_error(tmp_path):
    (tmp_path / "embedder.json").write_text("{}")
    (tmp_path / "embedder.onnx").write_bytes(b"not a graph")
    with pytest.raises(SaidwhatError) as exc:
        Embedder(tmp_path)
    assert exc.value.code == "E020" and "\n" not in str(exc.value)


def test_surface_words_are_found_with_their_spans(nlp):
    text = "Hefner Death Rumours Not True, Durex Denies Report, Police Ruled Out Foul Play"
    s = surface(nlp(text))
    assert [text[a:b] for a, b in s.falsity] == ["True"]
    assert "Denies" in [text[a:b] for a, b in s.denial] and "Ruled Out" in [text[a:b] for a, b in s.denial]
    assert [text[a:b] for a, b in s.unverified] == ["Rumours"]
    assert not surface(nlp("The minister said the report was accurate.")).falsity


def test_the_pair_model_reads_debunks(nlp):
    claim = "The singer Mara Quell has died at the age of 52."
    for headline in ("Mara Quell death rumours are a hoax, her publicist says",
                     "Mara Quell is alive and well: death report was fake"):
        r = relate(claim, headline, nlp=nlp)
        assert r.label == "disputes", headline
        assert any(e.get("kind", "").startswith("falsity") for e in r.evidence)
        for e in r.evidence:  # every span is a slice of its own text
            assert all(0 <= s < t <= len(claim) for s, t in e["a"])
            assert all(0 <= s < t <= len(headline) for s, t in e["b"])


def test_reasons_name_the_speaker_and_quote_the_words(nlp):
    r = relate("The Taliban claimed responsibility for shooting down the helicopter.",
               "The Afghan government has ruled out Taliban involvement in the crash.",
               a_speaker="the Taliban", b_speaker="the Afghan government", nlp=nlp)
    why = [e["why"] for e in r.evidence]
    assert "the Afghan government denies it: 'ruled out'" in why, why
    assert any("similarity" in w for w in why)


def test_a_negation_on_one_side_is_never_a_support(nlp):
    r = relate("Officials confirmed that the bridge had collapsed.",
               "Officials would not confirm that the bridge had collapsed.", nlp=nlp)
    assert r.label != "supports"


def test_the_model_saves_and_loads_and_refuses_another_feature_set(tmp_path):
    rng = numpy.random.default_rng(0)
    X = rng.normal(size=(300, len(NAMES))).astype(numpy.float32)
    X[:, 0] = 1.0
    y = (X[:, 1] > 0).astype(int) * 2  # disputes when feature 1 is negative, unrelated otherwise
    model = PairModel(fit(X, y, steps=400), {"made_by": "a test"})
    assert (model.probabilities(X).argmax(1) == y).mean() > 0.95
    path = tmp_path / "pairs.json"
    model.save(path)
    again = PairModel.load(path)
    assert numpy.allclose(again.probabilities(X), model.probabilities(X), atol=1e-4)
    assert again.meta["made_by"] == "a test"
    doc = json.loads(path.read_text())
    doc["features"] = doc["features"][:-1]
    path.write_text(json.dumps(doc))
    with pytest.raises(SaidwhatError) as exc:
        PairModel.load(path)
    assert exc.value.code == "E020"


def test_the_packaged_model_says_how_it_was_made():
    meta = PairModel.load().meta
    assert meta["made_by"] == "saidwhat train --model pairs" and "Perspectrum" in meta["data"]
    assert set(meta["labels"]) == set(LABELS)


def test_relate_many_takes_cue_stances_and_matches_relate(nlp):
    pairs = [{"a": "The ministry said the dam was safe.", "b": "the dam was safe", "b_stance": "denial",
              "b_speaker": "engineers"},
             {"a": "The ministry said the dam was safe.", "b": "the dam was safe", "b_cue": "denied",
              "b_speaker": "engineers"}]
    many = relate_many(pairs, nlp=nlp)
    assert many[0] == many[1]  # the stance of "denied" is "denial"
    assert many[0] == relate_many(pairs[:1], nlp=nlp)[0]
