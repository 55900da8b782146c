"""Linking one article's speakers to entities: its acronym definitions are learned, its named
speakers become mentions (titles stripped, descriptions and anonymous sources left out), each is
resolved in the registry, and the aliases the text teaches ("Chang" after "Benjamin Chang") are
recorded. :func:`link_articles` does it for stored articles, a chunk of rows at a time.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, Sequence

from saidwhat.crossref.names import (HONORIFICS, NOT_FIRST_NAMES, ROLE_TITLES, TITLES_PATTERN, find_acronyms,
                                     norm, strip_title, surname, tok_key)
from saidwhat.crossref.registry import Mention, Registry
from saidwhat.store.sql import temp_table

CHUNK = 2000  # articles whose rows are read together


def _person_aliases_in_text(text: str, full: str, start_after: int) -> list[str]:
    """"Chang" and "Mr. Chang" written after "Benjamin Chang" (as written, titles included)."""
    last = surname(full)
    first = full.split()[0]
    if not last or last == first:
        return []
    out = []
    for m in re.finditer(rf"(?:\b((?:{TITLES_PATTERN})\.?)\s+)?\b{re.escape(last)}\b", text[start_after:]):
        at = start_after + m.start()
        before = text[max(0, at - len(first) - 1):at].strip()
        if before.endswith(first) or text[start_after + m.end():].startswith("-"):
            continue
        out.append(f"{m.group(1)} {last}" if m.group(1) else last)
    return out


def _mentions(speakers: list[tuple]) -> list[Mention]:
    """The named speakers of an article; anonymous, document and description-only speakers
    ("the minister", "port authority") are not names and never become an identity."""
    mentions: list[Mention] = []
    for sid, name, role, affiliation, stype, anonymous in speakers:
        if anonymous or not name or stype in ("anonymous", "document"):
            continue
        core, title_role = strip_title(name)
        key = norm(core)
        if not key or len(key) < 2 or not any(w[:1].isupper() for w in core.split()):
            continue  # "the minister", "port authority": a description, not a name
        mentions.append(Mention(sid, name, core, role or title_role, affiliation, stype, key))
    return mentions


def _full_names(mentions: list[Mention], text: str) -> dict[str, set[str]]:
    """Full names of people written in this article, by surname key (for "Chang said"): from the
    speakers, else from a single "Benjamin Chang" in the text."""
    full_names: dict[str, set[str]] = {}
    for m in mentions:
        if m.type == "person" and len(m.core.split()) > 1:
            full_names.setdefault(norm(surname(m.core) or ""), set()).add(m.key)
    for m in mentions:
        if m.single_person and m.key not in full_names:
            pat = rf"\b([A-Z][a-z]+(?:\s+[A-Z]\.)?)\s+{re.escape(m.core)}\b"
            firsts = {g for g in re.findall(pat, text) if tok_key(g.split()[0]) not in
                      NOT_FIRST_NAMES | HONORIFICS | ROLE_TITLES}
            if len(firsts) == 1:
                full_names[m.key] = {norm(f"{next(iter(firsts))} {m.core}")}
    return full_names


def _learn_text_aliases(reg: Registry, text: str, mentions: list[Mention],
                        entity_of: dict[str, tuple[int, str, Mention]]) -> None:
    """Aliases the text teaches: "Chang", "Mr. Chang" after "Benjamin Chang" (when no other
    speaker of the article shares the surname)."""
    surnames = Counter(norm(surname(m.core) or "") for m in mentions
                       if m.type == "person" and len(m.core.split()) > 1)
    for eid, _, m in entity_of.values():
        if m.type == "person" and len(m.core.split()) > 1 and surnames[norm(surname(m.core) or "")] == 1:
            at = text.find(m.core)
            if at >= 0:
                for alias in dict.fromkeys(_person_aliases_in_text(text, m.core, at + len(m.core))):
                    reg.add_alias(reg.live(eid), alias, "text")


def link_entities(reg: Registry, article_id: str, text: str, speakers: list[tuple],
                  attributions: list[tuple]) -> None:
    """Match one article's named speakers to entities; queue its attribution links."""
    for acronym, expansion in find_acronyms(text):
        reg.learn_acronym(acronym, expansion)
    mentions = _mentions(speakers)
    full_names = _full_names(mentions, text)
    entity_of: dict[str, tuple[int, str, Mention]] = {}
    for m in sorted(mentions, key=lambda m: (m.single_person, -len(m.core))):
        eid, how = reg.resolve(m, article_id, full_names)
        entity_of[m.speaker_id] = (eid, how, m)
    _learn_text_aliases(reg, text, mentions, entity_of)
    for tid, sid, source_text in attributions:
        if sid in entity_of:
            eid, how, m = entity_of[sid]
            # the role of this mention: a title in its source ("President Barack Obama"), else
            # the speaker's role in the article ("a White House spokesman, Benjamin Chang")
            role = strip_title(source_text)[1] if source_text else None
            reg.links.append((article_id, tid, eid, sid, source_text or m.surface, role or m.role,
                              m.affiliation, how))
            reg.dirty.add(reg.live(eid))


def _by_article(rows: list[tuple]) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for row in rows:
        out.setdefault(row[0], []).append(row[1:])
    return out


def link_articles(con: Any, reg: Registry, article_ids: Sequence[str]) -> None:
    """Link stored articles, in the order given: text, speakers and attributions are read from
    the store for a chunk of articles at a time."""
    for i in range(0, len(article_ids), CHUNK):
        chunk = article_ids[i:i + CHUNK]
        temp_table(con, "_link_articles", [("article_id", "VARCHAR")], [(a,) for a in chunk])
        texts = dict(con.execute("SELECT a.id, a.text FROM articles a JOIN _link_articles l "
                                 "ON l.article_id = a.id").fetchall())
        speakers = _by_article(con.execute(
            "SELECT s.article_id, s.id, s.name, s.role, s.affiliation, s.type, "
            "s.anonymous FROM speakers s JOIN _link_articles USING (article_id) "
            "ORDER BY s.article_id, s.id").fetchall())
        atts = _by_article(con.execute(
            "SELECT t.article_id, t.id, t.speaker_id, t.source_text FROM attributions t "
            "JOIN _link_articles USING (article_id) WHERE t.speaker_id IS NOT NULL "
            "ORDER BY t.article_id, t.id").fetchall())
        for aid in chunk:
            link_entities(reg, aid, texts.get(aid, ""), speakers.get(aid, []), atts.get(aid, []))
