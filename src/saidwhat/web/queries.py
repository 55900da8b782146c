"""Read-only SQL over a saidwhat store, for the web pages and the HTTP API.

The store is opened with ``read_only=True`` and kept open: DuckDB then holds a shared lock, so no
other process can write the file while it is served, and what was read once (the table list, the
overview) stays true until the server stops. Every request thread gets its own cursor.

Tables of the store (``saidwhat.store.SCHEMA``) are used by name. The cross-article tables
(``entities``, ``attribution_entities``, ``claims``, ``claim_members`` and a cross-article relations
table) are optional: they are looked up in ``information_schema`` when the store is opened, and the
queries that need them return empty lists when they are absent. Their columns are assumed as little
as possible (see docs/web.md, "Cross-article tables"): optional columns are read only if present.
"""
from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
import os
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from saidwhat.errors import SaidwhatError

# The speaker label: a name, else "role, affiliation", else the source as written. Speakers are
# per article in the store; across articles the web app groups them by this label (case-blind)
# unless the cross-article ``entities`` tables say better.
def label_sql(s: str = "s", t: str = "t") -> str:
    return (f"coalesce(nullif(trim({s}.name), ''), nullif(concat_ws(', ', nullif(trim({s}.role), ''), "
            f"nullif(trim({s}.affiliation), '')), ''), nullif(trim({t}.source_text), ''))")


LABEL = label_sql()


def label_of(speaker: dict[str, Any], source_text: str | None) -> str | None:
    """LABEL, in Python: the name, else "role, affiliation", else the source as written."""
    def clean(v: Any) -> str:
        return v.strip() if isinstance(v, str) else ""
    if clean(speaker.get("name")):
        return clean(speaker.get("name"))
    both = ", ".join(x for x in (clean(speaker.get("role")), clean(speaker.get("affiliation"))) if x)
    return both or clean(source_text) or None
# When a statement was made: its resolved said_on date when it is a full date, else publication.
WHEN = "coalesce(try_cast(t.said_on_date AS DATE), a.published)"
ORDER_ATTR = "length(t.id), t.id"
DISPUTE_TYPES = ("disputes", "denies", "contradicts")
CROSS_RELATION_COLUMNS = ("article_id_from", "attribution_from", "article_id_to", "attribution_to")

KEYS = "memory.main.sw_attr"  # the in-memory lookup table of every attribution (see _build_keys)


def literal_pattern(text: str) -> str:
    """A case-blind RE2 pattern matching ``text`` literally (for regexp_matches)."""
    return "(?i)" + "".join(ch if ch.isalnum() or ch == " " else f"\\x{{{ord(ch):x}}}" for ch in text)


@dataclass
class Page:
    """One page of a list: its items, how many there are in all, and where the page starts."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"items": self.items, "total": self.total, "limit": self.limit,
                "offset": self.offset, **self.extra}


def plain(value: Any) -> Any:
    """A DuckDB value as JSON-ready Python: dates as ISO strings, no NaN, lists and dicts deep."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    return str(value)


def natural(key: Any) -> tuple[int, str]:
    """Sort key for ids like a2 < a10."""
    text = "" if key is None else str(key)
    return (len(text), text)


def connect_read_only(path: str) -> Any:
    """Open a store read-only, with the store module's error codes for what can go wrong.

    The connection is to an in-memory database with the store ATTACHed ``READ_ONLY`` as ``store``
    (and made the default with ``USE store``): the file is opened read-only - DuckDB refuses any
    write to it, and no other process can write it meanwhile - while the in-memory side holds
    the small lookup table the list queries use (see :meth:`Queries._build_keys`).
    """
    import duckdb

    if os.path.isdir(path):
        raise SaidwhatError("E102", f"{path}: is a directory")
    if not os.path.exists(path):
        raise SaidwhatError("E104", path)
    con = duckdb.connect()
    try:
        literal = "'" + os.path.abspath(path).replace("'", "''") + "'"
        con.execute(f"ATTACH {literal} AS store (READ_ONLY)")
        con.execute("USE store")
    except duckdb.Error as exc:
        con.close()
        message = " ".join(str(exc).split())
        if "not a valid DuckDB database" in message:
            raise SaidwhatError("E101", path) from None
        if "lock" in message.lower():
            raise SaidwhatError("E103", path) from None
        raise SaidwhatError("E102", f"{path}: {message}") from None
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_catalog = 'store'").fetchall()}
        missing = {"meta", "articles", "attributions", "speakers", "unattributed", "ingest_log"} - tables
        if missing:
            raise SaidwhatError("E105", f"{path} lacks saidwhat's tables ({', '.join(sorted(missing))})")
    except BaseException:
        con.close()
        raise
    return con


class Queries:
    """The read-only queries of the web app over one store file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.con = connect_read_only(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}
        self.columns: dict[str, dict[str, str]] = {}
        for table, column, dtype in self.con.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'main' AND table_catalog = 'store' "
                "ORDER BY table_name, ordinal_position").fetchall():
            self.columns.setdefault(table, {})[column] = dtype
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        self.schema_version = row[0] if row else None
        # What the store offers beyond the per-article tables.
        self.has_relations = self.has("relations", "article_id", "from_id", "to_id")
        self.cross_tables = [t for t, cols in sorted(self.columns.items())
                             if all(c in cols for c in CROSS_RELATION_COLUMNS)]
        self.has_entities = self.has("entities", "id")
        self.has_links = self.has("attribution_entities", "article_id", "attribution_id", "entity_id")
        self.has_claims = self.has("claims", "id")
        self.has_members = self.has("claim_members", "claim_id", "article_id", "attribution_id")
        self._build_keys()

    # -- plumbing -------------------------------------------------------------------------------

    def has(self, table: str, *columns: str) -> bool:
        cols = self.columns.get(table)
        return cols is not None and all(c in cols for c in columns)

    def features(self) -> dict[str, bool]:
        return {"entities": self.has_entities, "attribution_entities": self.has_links,
                "claims": self.has_claims, "claim_members": self.has_members,
                "relations": self.has_relations, "cross_relations": bool(self.cross_tables)}

    def cursor(self) -> Any:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            with self._lock:
                if self.con is None:
                    raise RuntimeError("the store is closed")
                cur = self.con.cursor()
            cur.execute("USE store")
            self._local.cursor = cur
        return cur

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.cursor()
        cur.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.cursor().execute(sql, list(params)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        with self._lock:
            if self.con is not None:
                self.con.close()
                self.con = None

    def cached(self, key: str, compute: Any) -> Any:
        # The file cannot change while we hold it read-only, so results are good until close.
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    # -- shaping rows ---------------------------------------------------------------------------

    @staticmethod
    def _role(r: dict[str, Any], prefix: str) -> dict[str, Any] | None:
        spans, text = r.get(f"{prefix}_spans"), r.get(f"{prefix}_text")
        if not spans and text is None:
            return None
        return {"spans": plain(spans) or [], "text": text}

    def attribution(self, r: dict[str, Any]) -> dict[str, Any]:
        """An attributions row (plus s_* speaker, a_* article, when_date, entity_* columns when
        known) in the record's attribution shape."""
        source = self._role(r, "source")
        if source is not None:
            source["speaker"] = r.get("speaker_id")
        cue = self._role(r, "cue")
        if cue is not None:
            cue.update(lemma=r.get("cue_lemma"), stance=r.get("cue_stance"))
        said_on = None
        if r.get("said_on_text") is not None or r.get("said_on_date") is not None:
            said_on = {"date": r.get("said_on_date"), "text": r.get("said_on_text"),
                       "spans": plain(r.get("said_on_spans")) or [],
                       "certainty": r.get("said_on_certainty")}
        out = {
            "article_id": r.get("article_id"), "id": r.get("id"), "kind": r.get("kind"),
            "source": source, "cue": cue,
            "content": self._role(r, "content") or {"spans": [], "text": ""},
            "channel": self._role(r, "channel"), "said_on": said_on,
            "confidence": plain(r.get("confidence")),
        }
        if r.get("speaker_id") is not None and "s_type" in r:
            out["speaker"] = {"id": r.get("speaker_id"), "name": r.get("s_name"),
                              "role": r.get("s_role"), "affiliation": r.get("s_affiliation"),
                              "type": r.get("s_type"), "anonymous": r.get("s_anonymous"),
                              "label": r.get("s_label")}
        else:
            out["speaker"] = None
        out["label"] = r.get("s_label")
        if "a_title" in r:
            out["article"] = {"id": r.get("article_id"), "title": r.get("a_title"),
                              "site": r.get("a_site"), "published": plain(r.get("a_published"))}
        if "when_date" in r:
            out["when"] = plain(r.get("when_date"))
        if "entity_id" in r:
            out["entity_id"] = plain(r.get("entity_id"))
            out["entity_name"] = r.get("entity_name")
        return out

    # -- articles -------------------------------------------------------------------------------

    @staticmethod
    def _article_filters(site: str | None, since: Any, until: Any, q: str | None,
                         alias: str = "a") -> tuple[list[str], list[Any]]:
        where, params = [], []
        if site:
            where.append(f"{alias}.site = ?")
            params.append(site)
        if since:
            where.append(f"{alias}.published >= ?")
            params.append(since)
        if until:
            where.append(f"{alias}.published <= ?")
            params.append(until)
        if q:
            pattern = literal_pattern(q)
            where.append(f"(regexp_matches(coalesce({alias}.title, ''), ?) "
                         f"OR regexp_matches({alias}.text, ?))")
            params += [pattern, pattern]
        return where, params

    def articles(self, site: str | None = None, since: Any = None, until: Any = None,
                 q: str | None = None, limit: int = 50, offset: int = 0) -> Page:
        where, params = self._article_filters(site, since, until, q)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        total = self.value(f"SELECT count(*) FROM articles a {clause}", params)
        # The page's ids first (a narrow sort), then their rows.
        ids = [r[0] for r in self.cursor().execute(
            f"SELECT a.id FROM articles a {clause} ORDER BY a.published DESC NULLS LAST, a.id "
            f"LIMIT ? OFFSET ?", params + [limit, offset]).fetchall()]
        if not ids:
            return Page([], total, limit, offset)
        found = {r["id"]: r for r in self.rows(
            "SELECT id, title, site, url, author, published, language, chars, left(text, 240) AS "
            "snippet FROM articles WHERE id IN (SELECT unnest(?))", [ids])}
        counts = {aid: (n, anon) for aid, n, anon in self.cursor().execute(
            f"SELECT article_id, count(*), count(*) FILTER (WHERE anonymous) FROM {KEYS} "
            f"WHERE article_id IN (SELECT unnest(?)) GROUP BY 1", [ids]).fetchall()}
        items = []
        for aid in ids:
            item = {k: plain(v) for k, v in found[aid].items()}
            item["attributions"], item["anonymous"] = counts.get(aid, (0, 0))
            items.append(item)
        return Page(items, total, limit, offset)

    def sites(self) -> list[dict[str, Any]]:
        return self.cached("sites", lambda: [
            {"site": s, "articles": n} for s, n in self.cursor().execute(
                "SELECT site, count(*) FROM articles WHERE site IS NOT NULL GROUP BY 1 "
                "ORDER BY 2 DESC, 1 LIMIT 500").fetchall()])

    def article(self, article_id: str) -> dict[str, Any] | None:
        """The full record of one article, as stored, plus cross-article links when present."""
        found = self.rows("SELECT * FROM articles WHERE id = ?", [article_id])
        if not found:
            return None
        art = {k: plain(v) for k, v in found[0].items()}
        # Separate point queries joined here: cheaper than a SQL join over the speakers table.
        speakers = [{k: plain(v) for k, v in r.items() if k != "article_id"} for r in self.rows(
            "SELECT * FROM speakers WHERE article_id = ?", [article_id])]
        speakers.sort(key=lambda sp: natural(sp.get("id")))
        by_id = {sp.get("id"): sp for sp in speakers}
        links = self._entity_links(article_id)
        attributions = []
        rows = self.rows("SELECT * FROM attributions WHERE article_id = ?", [article_id])
        for r in sorted(rows, key=lambda r: natural(r.get("id"))):
            sp = by_id.get(r.get("speaker_id"))
            if sp is not None:
                r.update(s_name=sp.get("name"), s_role=sp.get("role"), s_affiliation=sp.get("affiliation"),
                         s_type=sp.get("type"), s_anonymous=sp.get("anonymous"))
            r["s_label"] = label_of(sp or {}, r.get("source_text"))
            a = self.attribution(r)
            link = links.get(str(r["id"]))
            a["entity_id"], a["entity_name"] = link if link else (None, None)
            attributions.append(a)
        unattributed = [{k: plain(v) for k, v in r.items() if k != "article_id"} for r in self.rows(
            "SELECT * FROM unattributed WHERE article_id = ?", [article_id])]
        unattributed.sort(key=lambda u: u.get("n") or 0)
        relations = []
        if self.has_relations:
            found_rel = self.rows("SELECT * FROM relations WHERE article_id = ?", [article_id])
            for r in sorted(found_rel, key=lambda r: r.get("n") or 0):
                relations.append({"type": r.get("type"), "from": r.get("from_id"),
                                  "to": r.get("to_id"),
                                  "evidence": {"spans": plain(r.get("evidence_spans")) or []},
                                  "score": plain(r.get("score"))})
        cross = self._cross_for_article(article_id)
        claims = []
        if self.has_members:
            claims = [{k: plain(v) for k, v in r.items()} for r in self.rows(
                "SELECT CAST(claim_id AS VARCHAR) AS claim_id, CAST(attribution_id AS VARCHAR) "
                "AS attribution_id FROM claim_members WHERE article_id = ? ORDER BY 1, 2",
                [article_id])]
        text = art.pop("text")
        art["text"] = text
        return {"article": art, "attributions": attributions, "speakers": speakers,
                "unattributed": unattributed, "relations": relations,
                "cross_relations": cross, "claims": claims}

    def _entity_links(self, article_id: str) -> dict[str, tuple[str, str | None]]:
        return {tid: link for (_, tid), link in self._links_many([article_id]).items()}

    def _links_many(self, article_ids: Sequence[str]) -> dict[tuple[str, str], tuple[str, str | None]]:
        """(article_id, attribution_id) -> (entity_id, entity name) from attribution_entities."""
        if not self.has_links or not article_ids:
            return {}
        if self.has("entities", "id", "name"):
            name, join = "min(e.name)", ("LEFT JOIN entities e ON CAST(e.id AS VARCHAR) = "
                                         "CAST(l.entity_id AS VARCHAR)")
        else:
            name, join = "NULL", ""
        rows = self.cursor().execute(
            f"SELECT l.article_id, CAST(l.attribution_id AS VARCHAR), "
            f"min(CAST(l.entity_id AS VARCHAR)), {name} FROM attribution_entities l {join} "
            f"WHERE l.article_id IN (SELECT unnest(?)) GROUP BY 1, 2",
            [list(article_ids)]).fetchall()
        return {(r[0], r[1]): (r[2], r[3]) for r in rows}

    def _cross_for_article(self, article_id: str) -> list[dict[str, Any]]:
        out = []
        for table in self.cross_tables:
            for r in self.rows(f"SELECT * FROM {table} WHERE article_id_from = ? OR article_id_to = ? "
                               f"LIMIT 200", [article_id, article_id]):
                out.append({k: plain(v) for k, v in r.items()})
        return out

    # -- attributions and speakers --------------------------------------------------------------

    # -- the lookup table, and hydrating its keys -------------------------------------------------

    def _build_keys(self) -> None:
        """One narrow row per attribution, in memory, with what lists filter and sort on (speaker
        label, anonymity, dates, site, kind, stance), in list order. The store cannot change while
        it is served, so this is built once; 56k attributions (10,000 articles) take ~0.1 s."""
        self.con.execute(f"""
            CREATE OR REPLACE TABLE {KEYS} AS
            SELECT row_number() OVER (ORDER BY a.published DESC NULLS LAST, t.article_id,
                                      {ORDER_ATTR}) AS pos,
                   t.article_id, t.id, {LABEL} AS label, lower({LABEL}) AS label_lc,
                   s.id IS NOT NULL AS has_speaker, coalesce(s.anonymous, false) AS anonymous,
                   s.type AS type, s.role AS role, s.affiliation AS affiliation,
                   a.published, a.site, t.kind, t.cue_stance AS stance, {WHEN} AS when_date
            FROM attributions t JOIN articles a ON a.id = t.article_id
            LEFT JOIN speakers s ON s.article_id = t.article_id AND s.id = t.speaker_id
            ORDER BY pos""")

    def _hydrate(self, keys: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Full attributions (with speaker, article and entity) for keys from the lookup table."""
        if not keys:
            return []
        aids = sorted({k["article_id"] for k in keys})
        attrs = {(r["article_id"], r["id"]): r for r in self.rows(
            "SELECT * FROM attributions WHERE article_id IN (SELECT unnest(?))", [aids])}
        speakers = {(r["article_id"], r["id"]): r for r in self.rows(
            "SELECT * FROM speakers WHERE article_id IN (SELECT unnest(?))", [aids])}
        articles = {r["id"]: r for r in self.rows(
            "SELECT id, title, site, published FROM articles WHERE id IN (SELECT unnest(?))", [aids])}
        links = self._links_many(aids)
        out = []
        for k in keys:
            r = attrs.get((k["article_id"], k["id"]))
            if r is None:
                continue
            sp = speakers.get((r["article_id"], r.get("speaker_id")))
            if sp is not None:
                r.update(s_name=sp.get("name"), s_role=sp.get("role"), s_affiliation=sp.get("affiliation"),
                         s_type=sp.get("type"), s_anonymous=sp.get("anonymous"))
            r["s_label"] = label_of(sp or {}, r.get("source_text"))
            art = articles.get(r["article_id"], {})
            r.update(a_title=art.get("title"), a_site=art.get("site"), a_published=art.get("published"),
                     when_date=k.get("when_date"))
            r["entity_id"], r["entity_name"] = links.get((r["article_id"], str(r["id"])), (None, None))
            out.append(self.attribution(r))
        return out

    def _key_page(self, source: str, clause: str, params: list[Any], order: str,
                  limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        total = self.value(f"SELECT count(*) FROM {source} {clause}", params)
        keys = self.rows(f"SELECT k.article_id, k.id, k.when_date FROM {source} {clause} "
                         f"ORDER BY {order} LIMIT ? OFFSET ?", params + [limit, offset])
        return total, self._hydrate(keys)

    # -- attributions and speakers --------------------------------------------------------------

    def attributions(self, speaker: str | None = None, kind: str | None = None,
                     stance: str | None = None, anonymous: bool | None = None,
                     since: Any = None, until: Any = None, site: str | None = None,
                     article_id: str | None = None, q: str | None = None,
                     limit: int = 50, offset: int = 0) -> Page:
        where, params = [], []
        for column, value in (("kind", kind), ("stance", stance), ("site", site),
                              ("article_id", article_id)):
            if value:
                where.append(f"k.{column} = ?")
                params.append(value)
        if speaker:
            where.append("contains(k.label_lc, lower(?))")
            params.append(speaker)
        if anonymous is not None:
            where.append("k.anonymous = ?")
            params.append(anonymous)
        if since:
            where.append("k.published >= ?")
            params.append(since)
        if until:
            where.append("k.published <= ?")
            params.append(until)
        if q:
            where.append("EXISTS (SELECT 1 FROM attributions x WHERE x.article_id = k.article_id "
                         "AND x.id = k.id AND regexp_matches(x.content_text, ?))")
            params.append(literal_pattern(q))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        total, items = self._key_page(f"{KEYS} k", clause, params, "k.pos", limit, offset)
        return Page(items, total, limit, offset)

    def speakers(self, q: str | None = None, anonymous: bool | None = None,
                 limit: int = 50, offset: int = 0) -> Page:
        where, params = ["label IS NOT NULL"], []
        if q:
            where.append("contains(label_lc, lower(?))")
            params.append(q)
        if anonymous is not None:
            where.append("anonymous = ?")
            params.append(anonymous)
        clause = " AND ".join(where)
        total = self.value(f"SELECT count(DISTINCT label_lc) FROM {KEYS} WHERE {clause}", params)
        rows = self.rows(
            f"SELECT min(label) AS label, count(*) AS attributions, count(DISTINCT article_id) "
            f"AS articles, bool_or(anonymous) AS anonymous, mode(type) AS type, min(published) "
            f"AS first, max(published) AS last FROM {KEYS} WHERE {clause} GROUP BY label_lc "
            f"ORDER BY attributions DESC, label LIMIT ? OFFSET ?", params + [limit, offset])
        return Page([{k: plain(v) for k, v in r.items()} for r in rows], total, limit, offset)

    def speaker_timeline(self, name: str, limit: int = 200, offset: int = 0) -> Page:
        """What the speakers labelled ``name`` (case-blind) said, oldest first."""
        total, items = self._key_page(f"{KEYS} k", "WHERE k.label_lc = lower(?)", [name],
                                      "k.when_date NULLS LAST, k.published NULLS LAST, k.pos",
                                      limit, offset)
        summary = self.rows(
            f"SELECT min(label) AS label, count(DISTINCT article_id) AS articles, "
            f"bool_or(anonymous) AS anonymous, mode(type) AS type, mode(role) AS role, "
            f"mode(affiliation) AS affiliation, min(when_date) AS first, max(when_date) AS last "
            f"FROM {KEYS} WHERE label_lc = lower(?)", [name])[0]
        return Page(items, total, limit, offset,
                    {"speaker": {k: plain(v) for k, v in summary.items()}})

    # -- cross-article tables (optional) --------------------------------------------------------

    def _order(self, table: str, preferred: Iterable[tuple[str, str]]) -> str:
        parts = [f"{c} {d}" for c, d in preferred if self.has(table, c)]
        return ", ".join(parts + ["CAST(id AS VARCHAR)"])

    def _is_numeric(self, table: str, column: str) -> bool:
        dtype = self.columns.get(table, {}).get(column, "").upper()
        return any(k in dtype for k in ("INT", "DOUBLE", "FLOAT", "DECIMAL", "REAL", "NUMERIC"))

    def entities(self, q: str | None = None, type: str | None = None,
                 limit: int = 50, offset: int = 0) -> Page:
        if not self.has_entities:
            return Page([], 0, limit, offset)
        where, params = [], []
        if q:
            parts = [f"contains(lower(CAST(e.{c} AS VARCHAR)), lower(?))"
                     for c in ("name", "aliases") if self.has("entities", c)]
            if parts:
                where.append(f"({' OR '.join(parts)})")
                params += [q] * len(parts)
        if type and self.has("entities", "type"):
            where.append("e.type = ?")
            params.append(type)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        count_col, join = "NULL::BIGINT", ""
        if self.has_links:
            count_col = "coalesce(n.attributions, 0)"
            join = ("LEFT JOIN (SELECT CAST(entity_id AS VARCHAR) AS eid, count(*) AS attributions "
                    "FROM attribution_entities GROUP BY 1) n ON n.eid = CAST(e.id AS VARCHAR)")
        order = []
        if self.has_links:
            order.append("attributions DESC")
        if self._is_numeric("entities", "mentions"):
            order.append("e.mentions DESC NULLS LAST")
        if self.has("entities", "name"):
            order.append("e.name")
        order.append("CAST(e.id AS VARCHAR)")
        total = self.value(f"SELECT count(*) FROM entities e {clause}", params)
        rows = self.rows(f"SELECT e.*, CAST(e.id AS VARCHAR) AS id, {count_col} AS attributions "
                         f"FROM entities e {join} {clause} ORDER BY {', '.join(order)} "
                         f"LIMIT ? OFFSET ?", params + [limit, offset])
        return Page([{k: plain(v) for k, v in r.items()} for r in rows], total, limit, offset)

    def entity(self, entity_id: str) -> dict[str, Any] | None:
        if not self.has_entities:
            return None
        rows = self.rows("SELECT e.*, CAST(e.id AS VARCHAR) AS id FROM entities e "
                         "WHERE CAST(e.id AS VARCHAR) = ?", [entity_id])
        return {k: plain(v) for k, v in rows[0].items()} if rows else None

    def entity_timeline(self, entity_id: str, limit: int = 200, offset: int = 0) -> Page:
        if not self.has_links:
            return Page([], 0, limit, offset)
        source = (f"{KEYS} k JOIN (SELECT DISTINCT article_id, CAST(attribution_id AS VARCHAR) AS "
                  f"attribution_id FROM attribution_entities l WHERE CAST(l.entity_id AS VARCHAR) = ? "
                  f") l ON k.article_id = l.article_id "
                  f"AND k.id = l.attribution_id")
        total, items = self._key_page(source, "", [entity_id],
                                      "k.when_date NULLS LAST, k.published NULLS LAST, k.pos",
                                      limit, offset)
        return Page(items, total, limit, offset)

    def claims(self, q: str | None = None, limit: int = 50, offset: int = 0) -> Page:
        if not self.has_claims:
            return Page([], 0, limit, offset)
        where, params = [], []
        if q and self.has("claims", "text"):
            where.append("contains(lower(c.text), lower(?))")
            params.append(q)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        order = self._order("claims", (("n_articles", "DESC NULLS LAST"),
                                       ("first_published", "NULLS LAST")))
        total = self.value(f"SELECT count(*) FROM claims c {clause}", params)
        rows = self.rows(f"SELECT c.*, CAST(c.id AS VARCHAR) AS id FROM claims c {clause} "
                         f"ORDER BY {order} LIMIT ? OFFSET ?", params + [limit, offset])
        return Page([{k: plain(v) for k, v in r.items()} for r in rows], total, limit, offset)

    def claim(self, claim_id: str, limit: int = 200, offset: int = 0) -> dict[str, Any] | None:
        if not self.has_claims:
            return None
        rows = self.rows("SELECT c.*, CAST(c.id AS VARCHAR) AS id FROM claims c "
                         "WHERE CAST(c.id AS VARCHAR) = ?", [claim_id])
        if not rows:
            return None
        claim = {k: plain(v) for k, v in rows[0].items()}
        members = Page([], 0, limit, offset)
        if self.has_members:
            source = (f"{KEYS} k JOIN (SELECT DISTINCT article_id, CAST(attribution_id AS VARCHAR) "
                      f"AS attribution_id FROM claim_members WHERE CAST(claim_id AS VARCHAR) = ?) m "
                      f"ON k.article_id = m.article_id AND k.id = m.attribution_id")
            total, items = self._key_page(source, "", [claim_id], "k.when_date NULLS LAST, k.pos",
                                          limit, offset)
            members = Page(items, total, limit, offset)
        claim["members"] = members.to_dict()
        return claim

    # -- disputes -------------------------------------------------------------------------------

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
        rows = self.rows(f"SELECT pp.*, {', '.join(cols)}, CASE WHEN pp.scope = 'article' "
                         f"AND pp.evidence_spans IS NOT NULL THEN af.text END AS from_text {body} "
                         f"ORDER BY pp.score DESC NULLS LAST, af.published DESC NULLS LAST, "
                         f"pp.a_from, length(pp.t_from), pp.t_from, pp.a_to, pp.t_to "
                         f"LIMIT ? OFFSET ?", params + extra + [limit, offset])
        items = []
        for r in rows:
            item: dict[str, Any] = {"scope": r["scope"], "type": r["type"], "score": plain(r["score"])}
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
                                        r.get("from_text"))
            items.append(item)
        return Page(items, total, limit, offset)

    # -- summaries ------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            cur = self.cursor()
            tables = {t: cur.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                      for t in sorted(self.columns) if t != "meta"}
            units = dict(cur.execute("SELECT status, count(*) FROM ingest_log GROUP BY 1").fetchall())
            kinds = [{"kind": k, "status": s, "units": n} for k, s, n in cur.execute(
                "SELECT kind, status, count(*) FROM ingest_log GROUP BY ALL ORDER BY ALL").fetchall()]
            reasons = {}
            for status in ("skipped", "failed"):
                reasons[status] = [{"reason": tag, "units": n} for tag, n in cur.execute(
                    "SELECT split_part(reason, ':', 1) AS tag, count(*) AS n FROM ingest_log "
                    "WHERE status = ? GROUP BY tag ORDER BY n DESC, tag LIMIT 12", [status]).fetchall()]
            first, last = cur.execute("SELECT min(published), max(published) FROM articles").fetchone()
            return {"db": os.path.basename(self.path), "schema_version": self.schema_version,
                    "tables": tables,
                    "units": {s: units.get(s, 0) for s in ("ok", "skipped", "failed")},
                    "units_by_kind": kinds, "reasons": reasons,
                    "published": [plain(first), plain(last)], "features": self.features()}
        return self.cached("status", compute)

    def ingest_units(self, status: str | None = None, limit: int = 50, offset: int = 0) -> Page:
        where, params = ("WHERE status = ?", [status]) if status else ("", [])
        total = self.value(f"SELECT count(*) FROM ingest_log {where}", params)
        rows = self.rows(f"SELECT unit, kind, status, reason, article_id FROM ingest_log {where} "
                         f"ORDER BY unit LIMIT ? OFFSET ?", params + [limit, offset])
        return Page([{k: plain(v) for k, v in r.items()} for r in rows], total, limit, offset)

    def overview(self) -> dict[str, Any]:
        return self.cached("overview", self._overview)

    def _overview(self) -> dict[str, Any]:
        cur = self.cursor()
        totals = dict(zip(("articles", "sites", "first", "last"), cur.execute(
            "SELECT count(*), count(DISTINCT site), min(published), max(published) FROM articles"
        ).fetchone()))
        totals["attributions"], totals["with_speaker"], totals["anonymous"] = cur.execute(
            f"SELECT count(*), count(*) FILTER (WHERE has_speaker), count(*) FILTER (WHERE anonymous) "
            f"FROM {KEYS}").fetchone()
        totals["unattributed"] = cur.execute("SELECT count(*) FROM unattributed").fetchone()[0]
        months = [{"month": m, "articles": n} for m, n in cur.execute(
            "SELECT strftime(published, '%Y-%m') AS m, count(*) FROM articles "
            "WHERE published IS NOT NULL GROUP BY 1 ORDER BY 1").fetchall()]
        sites = [{"site": s, "articles": n} for s, n in cur.execute(
            "SELECT coalesce(site, '(no site)'), count(*) FROM articles GROUP BY 1 "
            "ORDER BY 2 DESC, 1 LIMIT 15").fetchall()]
        top_sites = [s["site"] for s in sites[:8]]
        recent = [m["month"] for m in months[-24:]]
        cells = []
        if top_sites and recent:
            cells = [{"site": s, "month": m, "articles": n} for s, m, n in cur.execute(
                "SELECT coalesce(site, '(no site)') AS s, strftime(published, '%Y-%m') AS m, count(*) "
                "FROM articles WHERE published IS NOT NULL AND coalesce(site, '(no site)') IN "
                "(SELECT unnest(?)) AND strftime(published, '%Y-%m') IN (SELECT unnest(?)) "
                "GROUP BY ALL", [top_sites, recent]).fetchall()]
        anonymous = [{"month": m, "with_speaker": n, "anonymous": k} for m, n, k in cur.execute(
            f"SELECT strftime(published, '%Y-%m') AS m, count(*) FILTER (WHERE has_speaker), "
            f"count(*) FILTER (WHERE anonymous) FROM {KEYS} WHERE published IS NOT NULL "
            f"GROUP BY 1 ORDER BY 1").fetchall()]
        if self.has_entities and self.has_links and self.has("entities", "name"):
            quoted = [{"label": name, "entity_id": eid, "attributions": n} for eid, name, n in cur.execute(
                "SELECT CAST(e.id AS VARCHAR), e.name, count(*) AS n FROM attribution_entities l "
                "JOIN entities e ON CAST(e.id AS VARCHAR) = CAST(l.entity_id AS VARCHAR) "
                "GROUP BY 1, 2 ORDER BY n DESC, 2 LIMIT 15"
            ).fetchall()]
        else:
            quoted = [{"label": label, "entity_id": None, "attributions": n} for label, n in cur.execute(
                f"SELECT min(label) AS label, count(*) AS n FROM {KEYS} WHERE has_speaker AND NOT "
                f"anonymous AND label IS NOT NULL GROUP BY label_lc ORDER BY n DESC, label LIMIT 15"
            ).fetchall()]
        return {"totals": {k: plain(v) for k, v in totals.items()}, "months": months,
                "sites": sites, "site_months": {"sites": top_sites, "months": recent, "cells": cells},
                "anonymous": anonymous, "most_quoted": quoted, "features": self.features()}


def evidence(spans_json: str | None, evidence_json: str | None, text: str | None,
             context: int = 90) -> dict[str, Any]:
    """The evidence of a relation: for an in-article one, its spans with their text and some
    context on each side (cut from the article text); for a cross-article one, its JSON."""
    out: dict[str, Any] = {"spans": [], "snippets": [], "json": None}
    if spans_json:
        try:
            spans = [(int(s), int(e)) for s, e in json.loads(spans_json) or []]
        except (ValueError, TypeError):
            spans = []
        out["spans"] = [list(s) for s in spans]
        if text:
            n = len(text)
            for s, e in spans:
                s, e = max(0, min(n, s)), max(0, min(n, e))
                if e <= s:
                    continue
                a, b = max(0, s - context), min(n, e + context)
                out["snippets"].append({"before": ("…" if a > 0 else "") + text[a:s],
                                        "text": text[s:e],
                                        "after": text[e:b] + ("…" if b < n else "")})
    if evidence_json:
        try:
            out["json"] = json.loads(evidence_json)
        except ValueError:
            out["json"] = evidence_json
    return out
