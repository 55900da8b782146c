"""What the engine finds, on sentences written for these tests (not from the evaluation data)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from saidwhat import SaidwhatError


def by_cue(record, word):
    return [a for a in record.attributions if a.cue and word in a.cue.text]


def speaker_of(record, word, n=0):
    """The speaker of the ``n``-th attribution whose cue contains ``word``."""
    return record.speaker(by_cue(record, word)[n].source.speaker)


def assert_provenance(record):
    text = record.article.text
    roles = []
    for a in record.attributions:
        roles += [r for r in (a.source, a.cue, a.content, a.channel) if r is not None]
        if a.said_on:
            assert " ".join(text[s:e] for s, e in a.said_on.spans) == a.said_on.text
    roles += list(record.unattributed) + list(record.boilerplate)
    for r in roles:
        assert " ".join(text[s:e] for s, e in r.spans) == r.text
        assert all(0 <= s < e <= len(text) for s, e in r.spans)
    for sp in record.speakers:
        assert all(0 <= s < e <= len(text) for s, e in sp.mentions)


def test_indirect_speech_with_named_role_and_affiliation(pipeline):
    text = ("The council met on Friday.\n\nA Ministry of Health spokeswoman, Laura Kim, said that the "
            "new clinic would open in March.")
    r = pipeline.extract(text)
    att = by_cue(r, "said")[0]
    assert "Laura Kim" in att.source.text
    assert att.content.text.endswith("would open in March")
    sp = r.speaker(att.source.speaker)
    assert sp.name == "Laura Kim" and sp.role == "spokeswoman" and not sp.anonymous
    assert_provenance(r)


def test_a_capital_that_only_opens_the_sentence_is_no_affiliation(pipeline):
    r = pipeline.extract("Bus drivers said on Monday that the new timetable was unworkable.")
    sp = speaker_of(r, "said")
    assert sp.affiliation is None and sp.role == "bus driver" and sp.type == "group"


def test_a_document_source_takes_its_author_as_affiliation(pipeline):
    r = pipeline.extract("According to a report by the Northern Water Board, river levels fell by "
                         "a third over the summer.")
    att = by_cue(r, "According")[0]
    sp = r.speaker(att.source.speaker)
    assert sp.type == "document" and sp.affiliation == "Northern Water Board"


def test_an_untagged_name_headed_by_an_organisation_noun_is_an_organisation(pipeline):
    r = pipeline.extract("The Valley Growers Union said on Tuesday that the harvest would be late.")
    sp = speaker_of(r, "said")
    assert "Valley Growers Union" in sp.name and sp.type == "organization"


def test_a_preposition_that_introduces_the_content_belongs_to_the_cue(pipeline):
    r = pipeline.extract("Environmental groups called for a ban on the pesticide.")
    att = by_cue(r, "called")[0]
    assert att.cue.text == "called for" and att.content.text == "a ban on the pesticide"
    assert_provenance(r)


def test_a_quote_after_a_verb_and_a_colon_is_one_attribution(pipeline):
    r = pipeline.extract('The senator tweeted on Sunday: "The budget is a disaster for working families."')
    assert len(r.attributions) == 1
    att = r.attributions[0]
    assert att.cue.text == "tweeted" and att.kind == "direct"
    assert_provenance(r)


def test_appositive_names_and_roles_and_a_later_surname(pipeline):
    text = ("The mayor's spokeswoman, Ana Ruiz, said on Monday that the harbour would reopen. "
            "\"We will appeal,\" said Tom Blake, the union leader.\n\n"
            "Blake disputed the claim, saying that inspectors had found cracks in the quay.")
    r = pipeline.extract(text)
    ruiz = speaker_of(r, "said")
    assert ruiz.name == "Ana Ruiz" and ruiz.role == "spokeswoman" and not ruiz.anonymous
    blake = speaker_of(r, "said", 1)
    assert blake.name == "Tom Blake" and blake.role == "union leader"
    assert by_cue(r, "disputed")[0].source.speaker == blake.id  # "Blake" is Tom Blake
    assert_provenance(r)


def test_a_relative_pronoun_source_is_the_noun_it_stands_for(pipeline):
    r = pipeline.extract("Bernie Sanders, who claims the primary was rigged, spoke in Ohio on Friday.")
    att = by_cue(r, "claims")[0]
    assert att.source.text == "who"
    sp = r.speaker(att.source.speaker)
    assert sp.name == "Bernie Sanders" and sp.type == "person"
    assert_provenance(r)


def test_a_pronoun_before_any_named_speaker_is_the_person_named_before_it(pipeline):
    r = pipeline.extract('Maria Lopez arrived at the court on Monday.\n\n"I am innocent," she said.')
    sp = speaker_of(r, "said")
    assert sp.name == "Maria Lopez" and sp.type == "person"
    r = pipeline.extract('Yet Hartwell has already changed her account once: "I now remember the call," '
                         'she said on Tuesday.')
    sp = speaker_of(r, "said")
    assert sp.name == "Hartwell" and sp.type == "person"
    assert_provenance(r)


def test_they_with_no_earlier_speaker_is_the_group_named_before_it(pipeline):
    r = pipeline.extract("Farmers blocked the main road into the city on Monday. "
                         "They said fuel prices had doubled since spring.")
    sp = speaker_of(r, "said")
    assert sp.type == "group" and sp.role == "farmer"
    assert_provenance(r)


def test_interrupted_quote_is_one_attribution_with_two_fragments(pipeline):
    text = ("\u201cThe bridge is safe for now,\u201d the chief engineer said, \u201cbut the repairs "
            "cannot wait another winter.\u201d")
    r = pipeline.extract(text)
    atts = by_cue(r, "said")
    assert len(atts) == 1
    assert len(atts[0].content.spans) == 2
    assert atts[0].kind == "direct"
    assert_provenance(r)


def test_follow_on_quote_without_cue_is_a_continuation_of_the_same_speaker(pipeline):
    text = ("\u201cWe did not expect this many visitors,\u201d said Tom Berg, the museum's director.\n\n"
            "\u201cThe queue went around the whole block on Sunday.\u201d")
    r = pipeline.extract(text)
    cont = [a for a in r.attributions if a.kind == "continuation"]
    assert len(cont) == 1 and cont[0].cue is None
    first = by_cue(r, "said")[0]
    assert cont[0].source.speaker == first.source.speaker
    assert_provenance(r)


def test_relayed_speech_keeps_the_channel_and_an_anonymous_speaker(pipeline):
    text = ("\u201cThe talks will resume next week,\u201d Radio Meridian quoted a senior diplomat as "
            "saying on condition of anonymity.")
    r = pipeline.extract(text)
    relayed = [a for a in r.attributions if a.channel]
    assert relayed and relayed[0].channel.text == "Radio Meridian"
    assert "diplomat" in relayed[0].source.text
    assert r.speaker(relayed[0].source.speaker).anonymous
    assert_provenance(r)


def test_pronoun_source_resolves_to_the_earlier_speaker(pipeline):
    text = ("Governor Alice Moreno said the budget would be balanced by June.\n\n"
            "She added that no new taxes were planned.")
    r = pipeline.extract(text)
    first, second = by_cue(r, "said")[0], by_cue(r, "added")[0]
    assert second.source.text == "She"
    assert second.source.speaker == first.source.speaker
    assert r.speaker(first.source.speaker).name == "Alice Moreno"


def test_denial_stance_and_dispute_relation(pipeline):
    text = ("The mayor said the water was safe to drink.\n\n"
            "Local doctors, however, disputed the claim, saying that three patients had fallen ill.")
    r = pipeline.extract(text)
    denial = by_cue(r, "disputed")
    assert denial and denial[0].cue.stance == "denial"
    said = by_cue(r, "said")[0]
    assert any(rel.type == "disputes" and rel.target_id == said.id for rel in r.relations)


def test_a_denial_answers_the_statement_it_shares_words_with_not_the_nearest(pipeline):
    text = ("The airport operator said the new runway would open in May.\n\n"
            "\"We are ready for the summer,\" a spokesman for the airline told reporters.\n\n"
            "Residents' groups, however, denied that the runway had passed its noise review.")
    r = pipeline.extract(text)
    denial = by_cue(r, "denied")[0]
    said = by_cue(r, "said")[0]
    rels = [rel for rel in r.relations if rel.source_id == denial.id]
    assert rels and rels[0].target_id == said.id


def test_a_possessive_source_names_its_owner(pipeline):
    r = pipeline.extract("Governor Helen Park will not seek a second term, her office said on Friday.")
    att = by_cue(r, "said")[0]
    assert att.source.text == "her office"
    assert r.speaker(att.source.speaker).affiliation == "Helen Park"


def test_according_to_and_directive_and_belief(pipeline):
    text = ("According to a new survey, most residents support the plan.\n\n"
            "Environmental groups urged the city to delay the vote. "
            "The deputy mayor believes the plan will pass.")
    r = pipeline.extract(text)
    acc = [a for a in r.attributions if a.cue and a.cue.text.lower().startswith("according")]
    assert acc and "survey" in acc[0].source.text and "residents support" in acc[0].content.text
    urged = by_cue(r, "urged")
    assert urged and urged[0].cue.stance == "directive"
    believes = by_cue(r, "believes")
    assert believes and believes[0].kind == "belief"


def test_said_on_resolves_weekday_against_publication(pipeline):
    text = "The ministry said on Sunday that the border crossing would reopen."
    r = pipeline.extract(text, published="2024-01-03")  # a Wednesday
    att = by_cue(r, "said")[0]
    assert att.said_on.text == "Sunday"
    assert att.said_on.date == "2023-12-31" and att.said_on.certainty == "inferred"


def test_outlet_voice_and_boilerplate_tail(pipeline):
    text = ("Harbour reopens after storm\n\n"
            "The harbour master said the piers had been inspected overnight.\n\n"
            "The harbour was built in 1871 and handles most of the island's fuel imports.\n\n"
            "Related posts\n\nOfficials said the storm was the worst in decades")
    r = pipeline.extract(text)
    voice = [u.text for u in r.unattributed]
    assert voice == ["The harbour was built in 1871 and handles most of the island's fuel imports."]
    tail = text.index("Related posts")
    assert r.boilerplate and r.boilerplate[0].spans[0][0] == tail
    assert all(s < tail for a in r.attributions for s, _ in a.content.spans)


def test_glued_quote_marks_keep_input_offsets(pipeline):
    text = "Union leaders said the deal was a\u201dreal victory\u201d for the workers."
    r = pipeline.extract(text)
    att = by_cue(r, "said")[0]
    assert "real victory" in att.content.text
    assert att.kind == "mixed"
    assert_provenance(r)


@pytest.mark.parametrize("bad,code", [("", "E001"), ("   \n ", "E001"),
                                      ("\x00\x01\x02 binary" * 20, "E002"),
                                      ("Der Bundestag hat am Montag ein neues Gesetz beschlossen, "
                                       "das die Mieten in den großen Städten begrenzen soll und "
                                       "viele Kritiker auf den Plan ruft.", "E005")])
def test_bad_input_is_a_coded_error(pipeline, bad, code):
    with pytest.raises(SaidwhatError) as exc:
        pipeline.extract(bad)
    assert exc.value.code == code
    assert "\n" not in str(exc.value)


def test_batch_reports_failures_in_order_and_keeps_the_rest(pipeline):
    from saidwhat import Article, Failure, Record
    docs = [Article("a", "The mayor said the road would reopen."), Article("b", ""),
            Article("c", "Police said two people were arrested.")]
    out = list(pipeline.pipe(docs))
    assert [type(o) for o in out] == [Record, Failure, Record]
    assert out[1].article_id == "b" and out[1].code == "E001"


MANGLED = st.lists(st.sampled_from([
    "The minister said", " that ", "the plan", " would fail", ".", ", ", "\u201c", "\u201d", '"',
    "\n\n", "\u00e2\u20ac\u0153", " according to officials", " he added", "It", " \u00ab", "\u00bb",
    "Related posts", "\t", "caf\u00e9", "\u2019s", "?", " warned", " denied"]), min_size=3, max_size=40).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(MANGLED)
def test_every_span_is_a_true_range_of_the_input(pipeline, text):
    try:
        r = pipeline.extract(text)
    except SaidwhatError:
        return
    assert r.article.text == text
    assert_provenance(r)


def test_components_work_in_a_users_own_pipeline():
    import spacy

    from saidwhat.engine.model import load_base
    nlp = load_base()  # a plain English pipeline, as a user has one
    for name in ("saidwhat_quotes_v1", "saidwhat_attributions_v1", "saidwhat_speakers_v1"):
        nlp.add_pipe(name)
    doc = nlp("\u201cWe will rebuild the school,\u201d the mayor said on Monday.")
    atts = doc._.saidwhat_attributions
    assert len(atts) == 1 and doc[atts[0]["cue_head"]].text == "said"
    assert " ".join(doc[i].text for i in atts[0]["source"]) == "the mayor"
    assert [s.text for s in doc.spans["saidwhat_source"]] == ["the mayor"]
    speakers = doc._.saidwhat_speakers
    assert atts[0]["speaker"] == speakers[0]["id"] == "s1" and speakers[0]["role"] == "mayor"
    assert isinstance(nlp, spacy.language.Language)
