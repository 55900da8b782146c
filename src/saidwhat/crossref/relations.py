"""Cross-article relations: candidate pairs of statements go to the relation detector
(:func:`saidwhat.relate.relate_many`, the same as ``saidwhat relate``), and the disputes, denials
and supports it finds are written with their evidence, spans shifted to article offsets.

Pairs that cannot be a relation are left out before the detector runs: one speaker's statements
in one article, two mentions of one identity, two copies of one claim.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from saidwhat.store.sql import insert_rows, temp_table

MIN_SCORE = 0.5  # relations kept from the detector (its probability of the label)
# A store is mostly statements that neither dispute nor support each other, and a dispute listed
# wrongly costs a reader more than one missed. A dispute is kept only when the detector gives it
# MIN_DISPUTE and it rests on an act of disputing: a contradiction the rule detector found, a
# denial cue ("denied", "ruled out"), or a falsity or denial word in a terse statement ("… is a
# hoax"). Chosen on 120 PolNeAR train articles ingested and linked, every listed pair read: at the
# detector's 0.5, 8 of 98 listed pairs were real disputes; at 0.8, 6 of 28.
MIN_DISPUTE = 0.8
EXPLICIT = frozenset({"rule", "denial cue", "falsity, terse", "denial, terse"})
BATCH = 2000  # pairs per relate_many call


class Tally(Protocol):
    """What :func:`relate_pairs` counts into (the update's report)."""

    pairs: int
    relations: int


@dataclass
class Stmt:
    """One statement of a candidate pair, with its speaker's identity and claim."""

    article_id: str
    attribution_id: str
    pos: int
    start: int | None
    text: str
    when: str
    speaker_id: str | None
    source_text: str | None
    stance: str | None
    lemma: str | None
    published: str
    entity_id: int | None = None
    entity_name: str | None = None
    claim_id: int | None = None
    vector: list | None = None  # its sentence embedding (statement_vectors), for the detector

    def order(self) -> tuple:
        return (self.when or "9999", self.published or "9999", self.article_id, self.pos)

    @property
    def speaker(self) -> str | None:
        return self.entity_name or self.source_text


def default_detector() -> Callable | None:
    """:func:`saidwhat.relate.relate_many`, or None when that package cannot be imported."""
    try:
        from saidwhat.relate import relate_many
    except ImportError:
        return None
    return relate_many


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "to_dict"):
        return _jsonable(x.to_dict())
    if isinstance(x, float):
        return round(x, 4)
    return x


def _shift(spans: Any, offset: int | None) -> Any:
    if offset is None or not isinstance(spans, list):
        return spans
    try:
        return [[int(s) + offset, int(e) + offset] for s, e in spans]
    except (TypeError, ValueError):
        return spans


def _statements(con: Any, pairs: list[tuple]) -> dict[tuple[str, str], Stmt]:
    """The statements of both sides of the pairs (``_rel_nodes`` is left for :func:`_known`)."""
    nodes = sorted({(p[0], p[1]) for p in pairs} | {(p[2], p[3]) for p in pairs})
    temp_table(con, "_rel_nodes", [("article_id", "VARCHAR"), ("attribution_id", "VARCHAR")], nodes)
    stmts: dict[tuple[str, str], Stmt] = {}
    for row in con.execute("""
            SELECT s.article_id, s.attribution_id, s.pos, s.start, s.text, s.when_key, s.speaker_id,
                   s.source_text, s.stance, s.cue_lemma, coalesce(CAST(a.published AS VARCHAR), ''),
                   e.entity_id, en.name, m.claim_id, v.vec
            FROM crossref_statements s JOIN _rel_nodes USING (article_id, attribution_id)
            LEFT JOIN statement_vectors v ON v.article_id = s.article_id AND v.attribution_id = s.attribution_id
            JOIN articles a ON a.id = s.article_id
            LEFT JOIN attribution_entities e ON e.article_id = s.article_id AND e.attribution_id = s.attribution_id
            LEFT JOIN entities en ON en.id = e.entity_id
            LEFT JOIN claim_members m ON m.article_id = s.article_id AND m.attribution_id = s.attribution_id
            """).fetchall():
        st = Stmt(*row[:11])
        st.entity_id, st.entity_name, st.claim_id, st.vector = row[11], row[12], row[13], row[14]
        stmts[(st.article_id, st.attribution_id)] = st
    return stmts


def _known(con: Any, table: str) -> set[tuple]:
    """Pairs among ``_rel_nodes`` already related (an article that waited for the detector)."""
    return {tuple(sorted(((r[0], r[1]), (r[2], r[3])))) for r in con.execute(f"""
        SELECT r.article_id_from, r.attribution_from, r.article_id_to, r.attribution_to FROM {table} r
        JOIN _rel_nodes n ON n.article_id = r.article_id_from AND n.attribution_id = r.attribution_from
        """).fetchall()}


def _to_compare(pairs: list[tuple], stmts: dict[tuple[str, str], Stmt], known: set[tuple]) -> list[tuple]:
    """``(earlier, later, shared, overlap)`` for the pairs that can be a relation; the later
    statement (or the denial) is the one that disputes or supports."""
    todo = []
    for a1, t1, a2, t2, shared, overlap in pairs:
        x, y = stmts.get((a1, t1)), stmts.get((a2, t2))
        if x is None or y is None or ((a1, t1), (a2, t2)) in known:
            continue  # gone, or related already (an article that waited for the detector)
        if x.article_id == y.article_id and x.speaker_id and x.speaker_id == y.speaker_id:
            continue  # one speaker's statements in one article
        if x.entity_id is not None and x.entity_id == y.entity_id:
            continue  # the same identity
        if x.claim_id is not None and x.claim_id == y.claim_id:
            continue  # the same statement reprinted
        earlier, later = sorted((x, y), key=Stmt.order)
        if earlier.stance == "denial" and later.stance != "denial":
            earlier, later = later, earlier  # the denial is the one that disputes
        todo.append((earlier, later, shared, overlap))
    return todo


def _evidence_doc(rel: Any, label: str, fr: Stmt, to: Stmt, shared: list[str], detector: Callable) -> dict:
    """The ``evidence_json`` of a relation: the detector's reasons, spans in article offsets."""
    evidence = []
    for ev in _jsonable(getattr(rel, "evidence", ())) or []:
        if isinstance(ev, dict):
            evidence.append({"why": ev.get("why"), "kind": ev.get("kind", "rule"), "to": _shift(ev.get("a"), to.start),
                             "from": _shift(ev.get("b"), fr.start)})
        else:
            evidence.append(ev)
    return {"origin": "crossref", "detector": getattr(detector, "__module__", "") + "." +
            getattr(detector, "__name__", "relate_many"), "label": label,
            "why": evidence[0].get("why") if evidence and isinstance(evidence[0], dict) else None,
            "evidence": evidence, "spans_in": "article text where start is set, else the statement",
            "from": {"text": fr.text, "start": fr.start, "said_on": fr.when, "speaker": fr.speaker},
            "to": {"text": to.text, "start": to.start, "said_on": to.when, "speaker": to.speaker},
            "shared_terms": shared[:12]}


def _detect(todo: list[tuple], detector: Callable, nlp: Any) -> list[tuple]:
    """``(from, to, kind, score, doc, overlap)`` for the pairs the detector relates."""
    kept: list[tuple] = []
    for i in range(0, len(todo), BATCH):
        chunk = todo[i:i + BATCH]
        results = detector([{"a": to.text, "b": fr.text, "a_speaker": to.speaker, "b_speaker": fr.speaker,
                             "a_cue": to.lemma, "b_cue": fr.lemma, "a_stance": to.stance, "b_stance": fr.stance,
                             "a_vector": to.vector, "b_vector": fr.vector}
                            for to, fr, _, _ in chunk], nlp=nlp)
        for (to, fr, shared, overlap), rel in zip(chunk, results):
            label, score = getattr(rel, "label", None), float(getattr(rel, "score", 0.0))
            if label not in ("disputes", "supports") or score < MIN_SCORE:
                continue
            if label == "disputes" and (score < MIN_DISPUTE or not _explicit(rel)):
                continue
            kind = "denies" if label == "disputes" and (fr.lemma or "").lower() == "deny" else label
            kept.append((fr, to, kind, score, _evidence_doc(rel, label, fr, to, shared, detector), overlap))
    return kept


def _explicit(rel: Any) -> bool:
    """Whether a dispute rests on an act of disputing (:data:`EXPLICIT`). Evidence without a
    ``kind`` comes from a detector of rules only (``relate_many(..., model=None)``, a caller's own)."""
    kinds = [e.get("kind", "rule") for e in getattr(rel, "evidence", ()) or () if isinstance(e, dict)]
    return any(k in EXPLICIT for k in kinds)


def relate_pairs(con: Any, pairs: list[tuple], detector: Callable, nlp: Any, table: str,
                 report: Tally) -> None:
    """Compare candidate pairs with the detector; write the relations it finds to ``table``."""
    if not pairs:
        return
    stmts = _statements(con, pairs)
    todo = _to_compare(pairs, stmts, _known(con, table))
    report.pairs += len(todo)
    kept = _detect(todo, detector, nlp)
    rows = [(fr.article_id, fr.attribution_id, to.article_id, to.attribution_id, kind, round(score, 4),
             json.dumps(doc, ensure_ascii=False)) for fr, to, kind, score, doc, _ in _one_target(kept)]
    insert_rows(con, table, ["VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "VARCHAR"], rows)
    report.relations += len(rows)


def _one_target(kept: list[tuple]) -> list[tuple]:
    """A denial that does not restate what it denies ("disputed the claims") is matched by the
    detector against every earlier statement on the subject, for the same reason each time.
    Of those, it refers to one per article: the one sharing the rarest content terms with it
    (then the nearest before it). Relations for different reasons are all kept."""
    groups: dict[tuple, list[tuple]] = {}
    for item in kept:
        fr, to, kind, _, doc, _ = item
        groups.setdefault((fr.article_id, fr.attribution_id, kind, to.article_id, str(doc["why"])),
                          []).append(item)
    out = []
    for items in groups.values():
        if len(items) == 1:
            out.extend(items)
            continue
        fr = items[0][0]

        def rank(item: tuple) -> tuple:
            to = item[1]
            before = to.article_id != fr.article_id or to.pos < fr.pos
            return (item[5], before, to.pos if before else -to.pos)

        out.append(max(items, key=rank))
    return out
