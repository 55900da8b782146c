"""Are two predications about the same participants, and the same occasion?

A contradiction signal counts only between predications about the same thing: subjects (and
objects) not both present and different, told apart by their modifiers too ("Democratic" /
"Republican claims"), some argument shared, and not dated to different times.
"""
from __future__ import annotations

from typing import Iterable

from saidwhat.relate.keys import same
from saidwhat.relate.parts import Item, Pred
from saidwhat.relate.words import LIGHT_NOUNS


def overlaps(xs: Iterable[Item], ys: Iterable[Item]) -> list[tuple[Item, Item]]:
    """Every pair of items with the same key (or stem)."""
    ys = list(ys)
    return [(x, y) for x in xs for y in ys if same(x.key, y.key)]


def same_referent(x: Item, y: Item) -> bool:
    """The same noun, not told apart by its modifiers ("Democratic claims" / "Republican claims",
    "Bill Clinton" / "Hillary Clinton"; "the new vaccine" / "the vaccine" may be the same)."""
    if not same(x.key, y.key):
        return False
    return not x.mods or not y.mods or any(same(m, n) for m in x.mods for n in y.mods)


def arg_overlaps(xs: Iterable[Item], ys: Iterable[Item]) -> list[tuple[Item, Item]]:
    """Every pair of items that may be the same thing."""
    ys = list(ys)
    return [(x, y) for x in xs for y in ys if same_referent(x, y)]


def compatible(xs: list[Item], ys: list[Item]) -> bool | None:
    """True if the two argument lists share a referent, None if either has none (unknown),
    False if both name things and none is shared (different things). Generic nouns ("people",
    "majority") name nothing in particular."""
    xs_n = [x for x in xs if x.pos in ("NOUN", "PROPN") and x.key not in LIGHT_NOUNS]
    ys_n = [y for y in ys if y.pos in ("NOUN", "PROPN") and y.key not in LIGHT_NOUNS]
    if not xs_n or not ys_n:
        return None
    return bool(arg_overlaps(xs_n, ys_n))


def same_thing(pa: Pred, pb: Pred) -> tuple[bool, bool]:
    """Are two predications about the same participants? (ok, only through a paraphrased agent)"""
    if (pa.item.pos == "VERB") != (pb.item.pos == "VERB"):
        # a state ("the journalist [is] not guilty") against an act ("acquitted the journalist"):
        # the state's subject is the act's object (its theme), or its subject when intransitive
        state, act = (pb, pa) if pa.item.pos == "VERB" else (pa, pb)
        theme = act.obj or act.subj
        same_theme = compatible(state.subj, theme)
        if same_theme is not None:
            return same_theme, False
    subj = compatible(pa.subj, pb.subj)
    obj = compatible(pa.obj, pb.obj)
    # a passive subject is the object of the active: compare across where one side lacks a role
    if subj is None and obj is None:
        cross = compatible(pa.subj + pa.obj, pb.subj + pb.obj)
        if cross is False:
            return False, False
    if obj is False:
        return False, False
    if subj is False:
        # a paraphrased agent ("the army" / "government troops") of the same act on the same thing;
        # the thing must be specific ("people" is shared by any two disasters); two different names
        # are two agents ("Smith won the vote" / "Jones won the vote")
        named = [x for x in pa.subj if x.pos == "PROPN"] and [y for y in pb.subj if y.pos == "PROPN"]
        if obj and not named and arg_overlaps([x for x in pa.obj if x.key not in LIGHT_NOUNS],
                                              [y for y in pb.obj if y.key not in LIGHT_NOUNS]):
            return True, True
        return False, False
    anchored = bool(arg_overlaps([x for x in pa.args if x.pos in ("NOUN", "PROPN", "ADJ")],
                                 [y for y in pb.args if y.pos in ("NOUN", "PROPN", "ADJ")]))
    return anchored, False


def other_occasion(pa: Pred, pb: Pred) -> bool:
    """Both predications are dated, and not to the same time: "close for the winter" / "open in
    September" do not contradict each other."""
    if not pa.when or not pb.when:
        return False
    return not any(x <= y or y <= x for x in pa.when for y in pb.when)
