"""First and second persons: whose "I" and "you" a source is (quotes, interview transcripts)."""
from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from saidwhat.engine.docvalues import entities
from saidwhat.engine.person_names import name_words

FIRST_PERSON = frozenset({"i", "me", "we", "us"})
SECOND_PERSON = frozenset({"you"})


def holder(rng: tuple[int, int], k: int, contents: list[set[int]]) -> int | None:
    """The attribution (other than ``k``) whose content holds the phrase, the innermost."""
    around = [j for j, content in enumerate(contents) if j != k and rng[0] in content]
    return min(around, key=lambda j: len(contents[j])) if around else None


def interview_turns(doc: Doc) -> dict:
    """An interview transcript's turns: token index -> "Q" or "A" for every token of a paragraph
    that opens with "Q:" or "A:", and ``"interviewee"``: the person the text names most often
    before the first question (None where the text is no transcript: fewer than two of each)."""
    opens: list[tuple[int, str]] = []
    start = 0
    for tok in doc:
        if tok.i == start and tok.text in ("Q", "A") and tok.i + 1 < len(doc) and doc[tok.i + 1].text == ":":
            opens.append((tok.i, tok.text))
        if "\n" in tok.text_with_ws:
            start = tok.i + 1
        elif tok.is_space and tok.i == start:
            start = tok.i + 1
    if sum(1 for _, t in opens if t == "Q") < 2 or sum(1 for _, t in opens if t == "A") < 2:
        return {}
    people = [e for e in entities(doc, 0, opens[0][0]) if e.label_ == "PERSON"]
    if not people:
        return {}
    surname = Counter(name_words(e.text)[-1] for e in people if name_words(e.text))
    if not surname:
        return {}
    best = surname.most_common(1)[0][0]
    person = max((e for e in people if name_words(e.text) and name_words(e.text)[-1] == best), key=len)
    turns: dict = {"interviewee": (person.start, person.end)}
    for n, (at, kind) in enumerate(opens):
        end = opens[n + 1][0] if n + 1 < len(opens) else len(doc)
        for i in range(at, end):
            if doc[i].text in ("Q", "A") and i > at and "\n" in doc[i - 1].text_with_ws:
                break
            turns[i] = kind
    return turns
