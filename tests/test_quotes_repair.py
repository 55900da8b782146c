"""Quote pairing and offset-preserving repairs (cases in tests/cases/quotes.json)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from saidwhat.text.quotes import find_quotes
from saidwhat.text.repair import repair

CASES = json.loads((Path(__file__).parent / "cases" / "quotes.json").read_text())
ALL = [(bucket, case) for bucket, cases in CASES.items() if bucket != "about" for case in cases]


def quotes_in_original(text: str) -> list[list[str]]:
    r = repair(text)
    return [[text[slice(*r.span_to_original(s, e))] for s, e in q.segments] for q in find_quotes(r.text)]


@pytest.mark.parametrize("bucket,case", ALL, ids=[f"{b}-{i}" for i, (b, _) in enumerate(ALL)])
def test_quote_cases(bucket, case):
    assert quotes_in_original(case["text"]) == case["quotes"]


def test_glued_quotes_get_one_space_on_the_right_side():
    r = repair("a\u201dreal victory\u201d, and to\u201dassist them\u201d.")
    assert r.text == "a \u201dreal victory\u201d, and to \u201dassist them\u201d."
    assert [f.name for f in r.fixes] == ["space-around-quote", "space-around-quote"]


def test_mojibake_is_fixed_on_a_copy_and_offsets_map_back():
    text = "The mayor said \u00e2\u20ac\u0153we will appeal\u00e2\u20ac\u009d on Monday."
    r = repair(text)
    assert "\u201cwe will appeal" in r.text
    start = r.text.index("appeal")
    s, e = r.span_to_original(start, start + len("appeal"))
    assert text[s:e] == "appeal"


QUOTEY = st.lists(st.sampled_from(list("ab c.,\n\"\u201c\u201d\u00ab\u00bb'") + ["\u00e2\u20ac\u0153", "\n\n"]),
                  max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(QUOTEY)
def test_repair_alignment_is_monotone_and_in_range(text):
    r = repair(text)
    prev = 0
    for i in range(len(r.text) + 1):
        o = r.to_original(i)
        assert prev <= o <= len(text)
        prev = o
    for q in find_quotes(r.text):  # never raises, segments in order and inside the text
        for s, e in q.segments:
            assert 0 <= s < e <= len(r.text)


def test_an_agency_bracket_glued_to_the_lede_gets_a_space_on_the_copy_only():
    text = "(CNN)President Donald Trump said the deal was dead. Not (a)Typo here."
    r = repair(text)
    assert r.text.startswith("(CNN) President") and "(a)Typo" in r.text
    assert [f.name for f in r.fixes] == ["space-after-agency"]
    start = r.text.index("President")
    assert text[slice(*r.span_to_original(start, start + len("President")))] == "President"
