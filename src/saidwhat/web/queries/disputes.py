"""Queries about pairs of statements that dispute each other: in-article relations and any
cross-article relations table, side by side, with their evidence."""
from __future__ import annotations

import json
import re
from typing import Any, Sequence

from .connection import StoreReader
from .sql import Page, label_sql, plain

# The relation types the pipeline and saidwhat.crossref produce that set two statements against
# each other ("supports" is the other kind, and not a dispute).
DISPUTE_TYPES = ("disputes", "denies")


class DisputeQueries(StoreReader):
    """Disputing pairs within and across articles."""

    def _pairs_sql(self, types: Sequence[str]) -> tuple[str, list[Any]]:
        parts, params = [], []
        marks = ", ".join("?" for _ in types)
        if self.has_relations:
            score = "r.score" if self.has("relations", "score") else "NULL::DOUBLE"
            spans = ("to_json(r.evidence_spans)::VARCHAR" if self.has("relations", "evidence_spans")
                     else "NULL::VARCHAR")
            parts.append(f"SELECT 'article' AS scope, r.article_id AS a_from, "
                         f"CAST(r.from_id AS VARCHAR) AS t_from, r.article_id AS a_to, "
                         f"CAST(r.to_id AS VARCHAR) AS t_to, r.type AS type, {score} AS score, "
                         f"{spans} AS evidence_spans, NULL::VARCHAR AS evidence_json "
                         f"FROM relations r WHERE lower(r.type) IN ({marks})")
            params += list(types)
        for table in self.cross_tables:
            typ = "x.type" if self.has(table, "type") else "'disputes'"
            score = "x.score" if self.has(table, "score") else "NULL::DOUBLE"
            evidence = ("CAST(x.evidence_json AS VARCHAR)" if self.has(table, "evidence_json")
                        else "NULL::VARCHAR")
            parts.append(f"SELECT 'cross' AS scope, CAST(x.article_id_from AS VARCHAR), "
                         f"CAST(x.attribution_from AS VARCHAR), CAST(x.article_id_to AS VARCHAR), "
                         f"CAST(x.attribution_to AS VARCHAR), {typ}, {score}, NULL::VARCHAR, "
                         f"{evidence} FROM {table} x WHERE lower({typ}) IN ({marks})")
            params += list(types)
        return " UNION ALL ".join(parts), params

    def disputes(self, type: str | None = None, q: str | None = None,
                 limit: int = 50, offset: int = 0) -> Page:
        types = [type.lower()] if type else list(DISPUTE_TYPES)
        pairs, params = self._pairs_sql(types)
        if not pairs:
            return Page([], 0, limit, offset)

        def side(p: str, art: str, ref: str) -> str:
            return (f"LEFT JOIN attributions {p} ON {p}.article_id = pp.a_{ref} AND {p}.id = pp.t_{ref} "
                    f"LEFT JOIN speakers {p}s ON {p}s.article_id = {p}.article_id AND "
                    f"{p}s.id = {p}.speaker_id LEFT JOIN articles {art} ON {art}.id = pp.a_{ref} ")

        where, extra = "", []
        if q:
            where = ("WHERE contains(lower(coalesce(f.content_text, '') || ' ' || "
                     "coalesce(g.content_text, '')), lower(?))")
            extra = [q]
        body = (f"FROM ({pairs}) pp {side('f', 'af', 'from')} {side('g', 'ag', 'to')} {where}")
        total = self.value(f"SELECT count(*) {body}", params + extra)
        cols = []
        for p, art in (("f", "af"), ("g", "ag")):
            cols.append(f"{p}.kind AS {p}_kind, {p}.source_text AS {p}_source_text, "
                        f"{p}.cue_text AS {p}_cue_text, {p}.cue_stance AS {p}_cue_stance, "
                        f"{p}.content_text AS {p}_content_text, {p}.content_spans AS "
                        f"{p}_content_spans, {p}.speaker_id AS {p}_speaker_id, "
                        f"{p}s.anonymous AS {p}_anonymous, {label_sql(p + 's', p)} AS {p}_label, "
                        f"{art}.title AS {p}_title, {art}.site AS {p}_site, "
                        f"{art}.published AS {p}_published")
        rows = self.rows(f"SELECT pp.*, {', '.join(cols)}, CASE WHEN pp.evidence_spans IS NOT NULL "
                         f"OR pp.evidence_json IS NOT NULL THEN af.text END AS from_text, "
                         f"CASE WHEN pp.evidence_json IS NOT NULL THEN ag.text END AS to_text {body} "
                         f"ORDER BY pp.score DESC NULLS LAST, af.published DESC NULLS LAST, "
                         f"pp.a_from, length(pp.t_from), pp.t_from, pp.a_to, pp.t_to "
                         f"LIMIT ? OFFSET ?", params + extra + [limit, offset])
        items = []
        for r in rows:
            # where the two statements are, whichever table holds the pair
            scope = "article" if r["a_from"] == r["a_to"] else "cross"
            item: dict[str, Any] = {"scope": scope, "type": r["type"], "score": plain(r["score"])}
            for p, ref in (("f", "from"), ("g", "to")):
                item[ref] = {
                    "article_id": r[f"a_{ref}"], "attribution_id": r[f"t_{ref}"],
                    "kind": r[f"{p}_kind"], "source_text": r[f"{p}_source_text"],
                    "label": r[f"{p}_label"], "anonymous": r[f"{p}_anonymous"],
                    "cue_text": r[f"{p}_cue_text"], "stance": r[f"{p}_cue_stance"],
                    "content_text": r[f"{p}_content_text"],
                    "article": {"id": r[f"a_{ref}"], "title": r[f"{p}_title"],
                                "site": r[f"{p}_site"], "published": plain(r[f"{p}_published"])},
                }
            item["evidence"] = evidence(r.get("evidence_spans"), r.get("evidence_json"),
                                        r.get("from_text"), to_text=r.get("to_text"))
            item["reason"] = reason(item)
            items.append(item)
        return Page(items, total, limit, offset)


def reason(item: dict[str, Any]) -> str:
    """The pair in words, for a person: who says what against whom, and the detector's why."""
    def who(side: dict[str, Any]) -> str:
        return side.get("label") or side.get("source_text") or "the outlet"

    def said(side: dict[str, Any]) -> str:
        text = " ".join((side.get("content_text") or "").split())
        if not text:
            return "(statement not in the store)"
        short = text[:140] + ("…" if len(text) > 140 else "")
        return short if text[0] in "\"“'‘" else f"“{short}”"  # a direct quote has its own marks

    verb = "denies" if item.get("type") == "denies" else "disputes"
    words = f"{who(item['from'])} {verb} what {who(item['to'])} said: {said(item['to'])}"
    why = item["evidence"].get("why")
    return f"{words} (why: {why})" if why else words


def _why(doc: Any) -> str | None:
    """The detector's first reason, without its internal scores ("… (overlap 0.42)")."""
    if not isinstance(doc, dict):
        return None
    why = doc.get("why") or next((e.get("why") for e in doc.get("evidence") or [] if isinstance(e, dict)), None)
    return re.sub(r"\s*\((?:content )?overlap [0-9.]+\)|\s*content overlap [0-9.]+", "", str(why)).strip() or None \
        if why else None


def _snippet(text: str, s: int, e: int, context: int) -> dict[str, str] | None:
    n = len(text)
    s, e = max(0, min(n, s)), max(0, min(n, e))
    if e <= s:
        return None
    a, b = max(0, s - context), min(n, e + context)
    return {"before": ("…" if a > 0 else "") + text[a:s], "text": text[s:e],
            "after": text[e:b] + ("…" if b < n else "")}


def evidence(spans_json: str | None, evidence_json: str | None, text: str | None,
             context: int = 90, to_text: str | None = None) -> dict[str, Any]:
    """The evidence of a relation: its spans with their text and some context on each side, cut
    from the article texts (an in-article relation's spans; a cross-article one's evidence items,
    which give spans in each article where the statement's start is known), the detector's reason
    in words (``why``), and its raw JSON (for the API; the page never prints it)."""
    out: dict[str, Any] = {"spans": [], "snippets": [], "json": None, "why": None}
    if spans_json:
        try:
            spans = [(int(s), int(e)) for s, e in json.loads(spans_json) or []]
        except (ValueError, TypeError):
            spans = []
        out["spans"] = [list(s) for s in spans]
        for s, e in spans if text else ():
            snip = _snippet(text, s, e, context)
            if snip is not None:
                out["snippets"].append(snip)
    if evidence_json:
        try:
            out["json"] = json.loads(evidence_json)
        except ValueError:
            out["json"] = evidence_json
        out["why"] = _why(out["json"])
        doc = out["json"] if isinstance(out["json"], dict) else {}
        # spans are in article offsets only where the statement's start was known
        placed = {key: isinstance(doc.get(key), dict) and doc[key].get("start") is not None for key in ("from", "to")}
        for ev in doc.get("evidence") or []:
            if not isinstance(ev, dict):
                continue
            for key, source in (("from", text if placed["from"] else None), ("to", to_text if placed["to"] else None)):
                for pair in ev.get(key) or []:
                    if source and isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, int) for v in pair):
                        snip = _snippet(source, pair[0], pair[1], context)
                        if snip is not None and snip not in out["snippets"]:
                            out["snippets"].append(snip)
    return out
