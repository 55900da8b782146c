"""Statements as the relation detector sees them, and their content terms: what is compared for
each attribution (:func:`statement_of`), and the persisted inverted index of terms and sentence
embeddings that proposes which statements to compare (:func:`index_statements`).

Only a statement a reader could check is a candidate (:func:`is_candidate`): it has a speaker
and a few words of prose; a list item, a recipe quantity or a one-word fragment is not.
"""
from __future__ import annotations

import re
from typing import Any, Sequence

from saidwhat.crossref.names import QUOTES
from saidwhat.lexicon import words
from saidwhat.store.sql import insert_rows, temp_table

MAX_STATEMENT = 600  # characters; longer source-to-content stretches are assembled from the roles
STOP = words("crossref_stop_words")
_TERM = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|\d+(?:[.,]\d+)?")


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str, limit: int = 40) -> list[str]:
    """Content terms of a statement for the candidate index: lower-case, stop words out, plural s
    off, numbers kept ("12", "3.5")."""
    out: list[str] = []
    for t in _TERM.findall(text.translate(QUOTES)):
        low = t.lower().replace("’", "'")
        if low in STOP or (len(low) < 3 and not low[0].isdigit()):
            continue
        low = _stem(low.removesuffix("'s"))
        if low not in out:
            out.append(low)
        if len(out) >= limit:
            break
    return out


def statement_of(text: str, roles: Sequence[Sequence[Sequence[int]] | None],
                 parts: Sequence[str | None], stance: str | None = None) -> tuple[str, int | None]:
    """What the relation detector is given for one attribution, and its offset in the article.

    A neutral report ("said", "told", "according to") gives its content: the frame adds nothing
    but words (the speaker goes to the detector separately). A cue with a stance ("disputed",
    "denied", "confirmed", "claimed") is part of what is said, so the statement is given as
    written, source to content ("An Iraqi official, however, disputed the claims, indicating
    that ..."). Offsets are None when the text had to be assembled from the role texts (a
    discontinuous content, or roles far apart).
    """
    roles = [r or () for r in roles]
    content = [(int(s), int(e)) for s, e in roles[2]] if len(roles) > 2 else []
    if (stance or "neutral") == "neutral" and content:
        if len(content) == 1 and 0 <= content[0][0] < content[0][1] <= len(text):
            return text[content[0][0]:content[0][1]], content[0][0]
        return parts[2] or "", None
    spans = [(int(s), int(e)) for role in roles for s, e in role]
    if spans:
        lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
        if 0 <= lo < hi <= len(text) and hi - lo <= MAX_STATEMENT:
            return text[lo:hi], lo
    return " ".join(p for p in parts if p), None


MIN_WORDS = 4  # words of a candidate statement
MAX_NUMBER_SHARE = 0.34  # a statement more than this share numbers is a list, a table or a recipe
_WORD = re.compile(r"[^\W\d_][\w'’\-]*|\d[\d.,/]*")


def is_candidate(text: str, source: str | None) -> bool:
    """Whether a statement may be compared with others: a speaker, prose, not a list item."""
    if not (source or "").strip():
        return False
    found = _WORD.findall(text)
    numbers = sum(1 for w in found if w[0].isdigit())
    if len(found) - numbers < MIN_WORDS or numbers > MAX_NUMBER_SHARE * len(found):
        return False
    return text.count("\n") < 3  # several lines: a list or a table, not one statement


def _vectors(texts: list[str]) -> list | None:
    """Sentence embeddings of the texts, or None when the embedder is not available."""
    from saidwhat.errors import SaidwhatError
    try:
        from saidwhat.relate.embedding import embedder
        return [v.tolist() for v in embedder().embed(texts)]
    except (ImportError, SaidwhatError):
        return None


def index_statements(con: Any, article_ids: list[str]) -> int:
    """Fill crossref_statements, relation_terms and statement_vectors for these articles (terms
    and vectors for the candidate statements only)."""
    temp_table(con, "_link_articles", [("article_id", "VARCHAR")], [(a,) for a in article_ids])
    rows = con.execute("""
        SELECT t.article_id, t.id, a.text, t.source_spans, t.cue_spans, t.content_spans,
               t.source_text, t.cue_text, t.content_text,
               coalesce(t.said_on_date, CAST(a.published AS VARCHAR)), t.speaker_id, t.cue_stance, t.cue_lemma
        FROM attributions t JOIN articles a ON a.id = t.article_id
        JOIN _link_articles l ON l.article_id = t.article_id
        ORDER BY t.article_id, t.id""").fetchall()
    st_rows, term_rows, kept = [], [], []
    for aid, tid, text, src, cue, content, s_text, c_text, body, when, sid, stance, lemma in rows:
        stmt, start = statement_of(text, (src, cue, content), (s_text, c_text, body), stance)
        pos = min((int(s) for s, _ in content), default=0) if content else 0
        st_rows.append((aid, tid, pos, start, stmt, when, sid, s_text, stance, lemma))
        if is_candidate(body or stmt, s_text):
            term_rows.extend((term, aid, tid) for term in terms(body))
            kept.append((aid, tid, stmt))
    vectors = _vectors([t for _, _, t in kept]) if kept else None
    if vectors is not None:
        insert_rows(con, "statement_vectors", ["VARCHAR", "VARCHAR", "FLOAT[384]"],
                    [(aid, tid, vec) for (aid, tid, _), vec in zip(kept, vectors)])
    insert_rows(con, "crossref_statements", ["VARCHAR", "VARCHAR", "INTEGER", "INTEGER", "VARCHAR",
                                             "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"], st_rows)
    insert_rows(con, "relation_terms", ["VARCHAR", "VARCHAR", "VARCHAR"], term_rows)
    return len(st_rows)
