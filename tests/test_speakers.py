"""Who the speaker is (issue 11): titles before a name are the speaker's role and affiliation."""
from __future__ import annotations

import pytest

TITLED = [
    ("U.S. Defense Secretary Mark Esper", "Mark Esper", "defense secretary", "U.S."),
    ("White House press secretary Stephanie Grisham", "Stephanie Grisham", "press secretary", "White House"),
    ("Interior Minister Wolfgang Peschorn", "Wolfgang Peschorn", "interior minister", None),
    ("Taliban spokesman Zabihullah Mujahid", "Zabihullah Mujahid", "spokesman", "Taliban"),
    ("Former Vice President Joe Biden", "Joe Biden", "former vice president", None),
    ("Mr. John Smith", "John Smith", None, None),  # an honorific is no role
    ("Tom Blake, the union leader,", "Tom Blake", "union leader", None),  # after the name, as before
]


@pytest.mark.parametrize("phrase,name,role,affiliation", TITLED)
def test_a_title_before_a_name_is_the_role(pipeline, phrase, name, role, affiliation):
    record = pipeline.extract(f"{phrase} said on Monday that the talks had failed.")
    [att] = record.attributions
    speaker = record.speaker(att.source.speaker)
    assert (speaker.name, speaker.role, speaker.affiliation, speaker.type) == (name, role, affiliation, "person")


def speaker_names(pipeline, text):
    record = pipeline.extract(text)
    return [(a.source.text, record.speaker(a.source.speaker).name if a.source.speaker else None)
            for a in record.attributions if a.source]


def test_she_is_never_the_man_named_before(pipeline):
    """The Indiewire case: the actress's "she said" is not her son's."""
    text = ("Her son Charlie McDowell said the film was finished. \"It was hard,\" she said.")
    assert speaker_names(pipeline, text)[1] == ("she", None)  # unknown beats a wrong name
    text = "Mr. Smith said the plan was fine. \"We are ready,\" she said."
    assert speaker_names(pipeline, text)[1] == ("she", None)


def test_she_is_the_woman_named_before(pipeline):
    text = ("Mary Steenburgen, the actress, spoke about her son Charlie McDowell. "
            "\"He was always curious,\" she said.")
    assert speaker_names(pipeline, text)[-1] == ("she", "Mary Steenburgen")


def test_a_relative_or_aide_is_not_the_person_named_as_possessor(pipeline):
    names = speaker_names(pipeline, "Keith Lamont Scott's wife said he had a brain injury.")
    assert names == [("Keith Lamont Scott's wife", None)]
    names = speaker_names(pipeline, "Hillary Clinton's campaign manager Robby Mook said the debate went well.")
    assert names[0][1] == "Robby Mook"


def test_a_persons_tweet_speaks_for_them(pipeline):
    record = pipeline.extract("Donald Trump's tweet said the election was rigged.")
    assert "Trump" in (record.speaker(record.attributions[0].source.speaker).name or "")


CIRCUMSTANCES = [
    ("The Pentagon said in a statement on Wednesday that the helicopter crashed.", "in a statement", None),
    ("The minister said in an interview with CNN that he would resign.", "in an interview with CNN", None),
    ("Trump wrote on Twitter that the deal was dead.", "on Twitter", None),
    ("The mayor told reporters on Friday that the road would reopen.", None, "reporters"),
    ("The senator said to the committee that the budget was sound.", None, "the committee"),
    ("The mayor said on Friday that the road would reopen.", None, None),
]


@pytest.mark.parametrize("text,medium,addressee", CIRCUMSTANCES)
def test_the_medium_and_addressee_of_a_statement(pipeline, text, medium, addressee):
    [att] = pipeline.extract(text).attributions
    assert (att.medium and att.medium.text, att.addressee and att.addressee.text) == (medium, addressee)
    for role in (att.medium, att.addressee):
        if role is not None:
            assert " ".join(text[s:e] for s, e in role.spans) == role.text


def test_the_company_is_the_organisation_named_before(pipeline):
    names = speaker_names(pipeline, "Apple said on Monday that sales rose. The company said it would hire more staff.")
    assert names == [("Apple", "Apple"), ("The company", "Apple")]
    # with no organisation before it, "the company" names no one (not a speaker called "company")
    assert speaker_names(pipeline, "The company said it would hire more staff.") == [("The company", None)]


def test_the_nbc_case_two_juniors_and_the_caller(pipeline):
    """Issue 11: a prosecutor is not the defendant because both are "Jr."; the caller's threat is
    not the staff member's who reported it; "Kennedy" is James P. Kennedy Jr."""
    text = ("Patrick W. Carlineo Jr., 55, pleaded guilty on Monday to threatening to kill a congresswoman. "
            "The staff member recalled that he said, \"I'll put a bullet in her skull.\"\n\n"
            "James P. Kennedy Jr., the U.S. Attorney for the Western District of New York, said the case "
            "highlights the limits of free speech. \"Threats are not protected,\" Kennedy said in a statement.")
    record = pipeline.extract(text)
    by_cue = {a.cue.text: record.speaker(a.source.speaker) for a in record.attributions if a.source and a.cue}
    assert by_cue["recalled"].role == "staff member"
    threat = next(a for a in record.attributions if "bullet" in a.content.text and a.cue.text == "said")
    assert record.speaker(threat.source.speaker).role != "staff member"
    kennedy = [record.speaker(a.source.speaker).name for a in record.attributions
               if a.source and "Kennedy" in a.source.text]
    assert kennedy == ["James P. Kennedy Jr.", "James P. Kennedy Jr."]


def test_the_ap_case_the_headline_surname_takes_the_full_name(pipeline):
    text = ("Esper accuses China of intimidating smaller nations\n\n"
            "HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper on Wednesday accused China of "
            "intimidation. \"We will not accept it,\" Esper said.")
    record = pipeline.extract(text)
    names = {record.speaker(a.source.speaker).name for a in record.attributions if a.source}
    assert names == {"Mark Esper"}


def test_a_first_name_says_whom_a_she_can_stand_for(pipeline):
    """The Indiewire case without a helping word: only the first names tell the two apart."""
    text = ("Mary Steenburgen said the shoot had been long. Charlie McDowell said the crew stayed. "
            "\"We finished on time,\" she said.")
    assert speaker_names(pipeline, text)[-1] == ("she", "Mary Steenburgen")
    text = ("Charlie McDowell said the crew stayed. Mary Steenburgen said the shoot had been long. "
            "\"We finished on time,\" he said.")
    assert speaker_names(pipeline, text)[-1] == ("he", "Charlie McDowell")


def test_first_name_gender_reads_the_dictionary_and_never_guesses():
    from saidwhat.engine.first_names import first_name_gender

    assert first_name_gender("Mary") == "f" and first_name_gender("mark") == "m"
    assert first_name_gender("Kim") is None  # borne by women and men alike
    assert first_name_gender("J.") is None and first_name_gender("") is None


def test_an_i_inside_a_quote_is_its_speaker_and_the_writers_i_is_no_one(pipeline):
    from saidwhat.engine.speakers import resolve

    doc = pipeline.nlp("\"I said the bill would fail,\" Senator Ann Kowalski said.\n\nI think she is right.")
    words = [t.text for t in doc]
    quote_i, writer_i, name = words.index("I"), len(words) - 1 - words[::-1].index("I"), words.index("Ann")
    content = set(range(0, words.index("Senator")))
    clusters, assignment, how = resolve(doc, [(quote_i, quote_i + 1), (name, name + 2), (writer_i, writer_i + 1)],
                                        [set(range(quote_i + 2, quote_i + 6)), content, {writer_i + 2}])
    assert assignment[0] == assignment[1] and clusters[assignment[1]].info.name == "Ann Kowalski"
    assert how[0] == "in_quote:name"
    assert clusters[assignment[2]].info.name is None and how[2] == "writer:none"


def test_an_interviews_answers_belong_to_the_interviewee(pipeline):
    text = ("Q&A with Governor Ruth Okafor\n\nGovernor Ruth Okafor spoke with reporters on Friday. "
            "Okafor was in Lagos.\n\nQ: You said the budget is too small.\n\nA: I said it is too small "
            "for the schools.\n\nQ: What comes next?\n\nA: We will ask again, and I believe they will listen.")
    record = pipeline.extract(text)
    answers = [a for a in record.attributions if a.source and a.source.text in ("I", "A", "You")]
    assert answers
    for att in answers:
        assert record.speaker(att.source.speaker).name == "Ruth Okafor", att.source.text
    assert all(s.name != "Q" for s in record.speakers)


def test_a_surname_takes_the_full_name_the_text_gives(pipeline):
    text = ("Bob Vander Plaats, a conservative leader, drove to Des Moines in December. "
            "Mr. Vander Plaats said the race was open.")
    assert speaker_names(pipeline, text)[-1] == ("Mr. Vander Plaats", "Bob Vander Plaats")


def test_speaker_confidence_comes_with_how_the_speaker_was_found(pipeline):
    record = pipeline.extract("Mayor Ana Ruiz said the bridge would close. \"It is unsafe,\" she said.")
    first, second = record.attributions
    assert first.source.speaker_how == "named_person:name" and second.source.speaker_how == "pronoun:name"
    assert 0 < second.source.speaker_confidence < 1 and 0 < first.source.speaker_confidence < 1


def test_a_role_and_the_named_holder_of_that_role_are_one_speaker(pipeline):
    text = ("Austria's interior minister said the border would stay open. Interior Minister Wolfgang "
            "Peschorn said on Monday that more police would be sent.")
    assert [n for _s, n in speaker_names(pipeline, text)] == ["Wolfgang Peschorn"] * 2
    text = "A minister said the border would stay open. Defense Minister Ana Ruiz said the army would help."
    assert speaker_names(pipeline, text)[0][1] is None  # "a minister" is not necessarily her


def test_the_governor_is_the_governor_the_text_named(pipeline):
    text = ("Indiana Gov. Mike Pence spoke in Indianapolis on Friday. Voters there were divided. "
            "The governor said the state would vote for Cruz.")
    assert speaker_names(pipeline, text)[-1] == ("The governor", "Mike Pence")
    text = ("Gov. Mike Pence met Gov. John Kasich in Ohio on Friday. Voters there were divided. "
            "The governor said the state would vote for Cruz.")
    assert speaker_names(pipeline, text)[-1] == ("The governor", None)  # which one: the text cannot tell
