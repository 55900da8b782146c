"""Datelines, credit lines and salutations open a paragraph and are never a speaker (issue 11)."""
from __future__ import annotations

import pytest

from saidwhat.text.datelines import opening_marks

MARKED = [
    ("HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper said", "dateline", "HANOI, Vietnam (AP) — "),
    ("SIOUX FALLS, S.D. (AP) - Farmers are talking about it", "dateline", "SIOUX FALLS, S.D. (AP) - "),
    ("HONOLULU, Hawaii (HawaiiNewsNow) - NASA scientists said", "dateline", "HONOLULU, Hawaii (HawaiiNewsNow) - "),
    ("WASHINGTON — The senator said", "dateline", "WASHINGTON — "),
    ("(CNN) President Donald Trump said", "dateline", "(CNN)"),
    ("Hong Kong (CNN Business) A muddled view", "dateline", "Hong Kong (CNN Business)"),
    ("SOURCE: Al Jazeera News", "credit", "SOURCE:"),
    ("DEAR ABBY: My husband bought a boat.", "salutation", "DEAR ABBY:"),
]
UNMARKED = ["TAPPER: Well, I think so.", "Dear Abby is written by Abigail Van Buren, also known as Jeanne", "NEW DELHI: Their dream", "U.S. - China talks went on",
            "The mayor (AP) said", "A US embassy statement said - on Sunday", "I said - no"]


@pytest.mark.parametrize("text,kind,mark", MARKED)
def test_opening_marks_are_found(text, kind, mark):
    [m] = opening_marks(text)
    assert (m.kind, text[m.start:m.end]) == (kind, mark)


@pytest.mark.parametrize("text", UNMARKED)
def test_other_openings_are_not_marks(text):
    assert opening_marks(text) == []


def test_marks_are_found_at_every_paragraph_start():
    text = "Headline here\n\nDEAR ABBY: one.\n\nDEAR FEELING: two."
    assert [text[m.start:m.end] for m in opening_marks(text)] == ["DEAR ABBY:", "DEAR FEELING:"]


def sources(pipeline, text):
    return [a.source.text if a.source else None for a in pipeline.extract(text).attributions]


def test_the_speaker_of_a_lede_is_never_its_dateline(pipeline):
    text = ("HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper on Wednesday accused China of "
            "using coercion and intimidation against smaller nations.")
    record = pipeline.extract(text)
    [att] = [a for a in record.attributions if a.cue and a.cue.text == "accused"]
    assert att.source.text == "U.S. Defense Secretary Mark Esper"
    assert all("HANOI" not in (a.source.text if a.source else "") for a in record.attributions)


def test_a_glued_agency_lede_has_its_real_speaker(pipeline):
    assert sources(pipeline, "(CNN)President Donald Trump said Tuesday that the deal was dead.") == \
        ["President Donald Trump"]


def test_credit_lines_and_salutations_are_not_speakers(pipeline):
    text = ("DEAR ABBY: My husband of more than 20 years just purchased a boat without asking me.\n\n"
            "DEAR FEELING: Of course you should be happy that you will be visiting your family.\n\n"
            "SOURCE: Al Jazeera News")
    assert not any(s and ("DEAR" in s or s == "SOURCE") for s in sources(pipeline, text))


def test_a_transcript_turn_is_still_a_speaker(pipeline):
    text = "BLITZER: The senator is wrong about the budget, and the numbers show it plainly."
    assert "BLITZER" in sources(pipeline, text)
