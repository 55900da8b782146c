"""The entry point: :func:`update` links the articles of a store that are not linked yet, in
stages - setup (tables, settings, alias rules, what to link), entities, claims, relations - all
in one transaction, and says what it did in a :class:`Report`."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from saidwhat.crossref import claims as claims_mod
from saidwhat.crossref import relations
from saidwhat.crossref.aliases import Rules, load_rules, parse_rules
from saidwhat.crossref.entities import link_articles
from saidwhat.crossref.pairs import TOP_K, candidates
from saidwhat.crossref.registry import Registry
from saidwhat.crossref.statements import index_statements
from saidwhat.crossref.tables import Counter, con_of, drop_all, ensure_tables, meta, meta_safe, set_meta
from saidwhat.errors import SaidwhatError
from saidwhat.store.sql import insert_rows

CHUNK = 500  # articles whose relations are looked up together
CLAIM_CHUNK = 5000  # articles signed together


def _now() -> float:
    return time.perf_counter()


@dataclass
class Report:
    """What one :func:`update` did."""

    articles: int = 0
    entities: int = 0  # entities now in the store
    links: int = 0  # attribution -> entity links added
    claims: claims_mod.ClaimStats = field(default_factory=claims_mod.ClaimStats)
    pairs: int = 0  # statement pairs given to the relation detector
    relations: int = 0  # relations added
    relations_skipped: str | None = None
    rebuilt_entities: bool = False
    seconds: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        sec = sum(self.seconds.values())
        extra = f"; relations not computed ({self.relations_skipped})" if self.relations_skipped else ""
        return (f"linked {self.articles:,} articles in {sec:.1f} s: {self.links:,} attribution-entity "
                f"links ({self.entities:,} entities), {self.claims.joined + 2 * self.claims.created:,} "
                f"attributions into claims ({self.claims.created:,} new claims), "
                f"{self.pairs:,} statement pairs compared, {self.relations:,} relations{extra}")

    def to_dict(self) -> dict[str, Any]:
        return {"articles": self.articles, "entities": self.entities, "links": self.links,
                "claims": vars(self.claims), "pairs": self.pairs, "relations": self.relations,
                "relations_skipped": self.relations_skipped, "rebuilt_entities": self.rebuilt_entities,
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}


@dataclass
class _Plan:
    """What the setup stage decided: the relations table, the rules, the articles to link."""

    table: str
    rules: Rules
    rebuild: bool
    todo: list[str]


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _rules(con: Any, aliases: str | None, full: bool) -> tuple[Rules, bool]:
    """The user's alias rules, given now or kept from an earlier update, and whether they changed
    (then the entities of the whole store are rebuilt)."""
    stored_rules = meta(con, "alias_rules")
    if aliases is None:
        return parse_rules(stored_rules or "", "stored alias rules"), False
    text = load_rules(aliases).source if aliases else ""
    rules = parse_rules(text, aliases or "alias file")
    rebuild = (stored_rules or "") != text and not full
    set_meta(con, "alias_rules", text)
    return rules, rebuild


def _todo(con: Any, article_ids: Iterable[str] | None) -> list[str]:
    """The articles to link: those given (or all, in published order) that are stored and not linked."""
    linked = {r[0] for r in con.execute("SELECT article_id FROM crossref_articles").fetchall()}
    if article_ids is None:
        order = con.execute("SELECT id FROM articles ORDER BY published NULLS LAST, id").fetchall()
        return [r[0] for r in order if r[0] not in linked]
    wanted = list(dict.fromkeys(article_ids))
    known = {r[0] for r in con.execute("SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                                       [wanted]).fetchall()}
    return [a for a in wanted if a in known and a not in linked]


def _setup(con: Any, article_ids: Iterable[str] | None, aliases: str | None, full: bool,
           claim_params: claims_mod.Params) -> _Plan:
    """Tables (dropped first for ``full``), the MinHash settings check, the rules, the articles."""
    if full:
        rules_text = meta_safe(con, "alias_rules")
        drop_all(con)
    table = ensure_tables(con)
    if full and rules_text is not None and aliases is None:
        set_meta(con, "alias_rules", rules_text)
    if meta(con, "claim_params") not in (None, claim_params.tag()) and not full:
        raise SaidwhatError("E110", "the store's claims were built with other MinHash settings "
                                    f"({meta(con, 'claim_params')}); run `saidwhat link --full`")
    set_meta(con, "claim_params", claim_params.tag())
    rules, rebuild = _rules(con, aliases, full)
    return _Plan(table, rules, rebuild, _todo(con, article_ids))


def _entities(con: Any, plan: _Plan, report: Report) -> None:
    """Stage 1: link speakers to entities (all linked articles again when the rules changed)."""
    if plan.rebuild:
        report.rebuilt_entities = True
        for t in ("entities", "entity_aliases", "acronyms", "attribution_entities"):
            con.execute(f"DELETE FROM {t}")
        entity_articles = [r[0] for r in con.execute(
            "SELECT a.id FROM articles a JOIN crossref_articles c ON c.article_id = a.id "
            "ORDER BY a.published NULLS LAST, a.id").fetchall()] + plan.todo
    else:
        entity_articles = plan.todo
    reg = Registry(con, plan.rules)
    link_articles(con, reg, entity_articles)
    report.links = len(reg.links)
    reg.write()
    report.entities = len(reg.ents)


def _claims(con: Any, todo: list[str], claim_params: claims_mod.Params, report: Report) -> None:
    """Stage 2: sign the new attributions and fold them into claims; claim ids never reused."""
    counter = Counter(con, "next_claim_id",
                      lambda: con.execute("SELECT coalesce(max(id), 0) + 1 FROM claims").fetchone()[0])
    for chunk in _chunks(todo, CLAIM_CHUNK):
        stats = claims_mod.update_claims(con, chunk, claim_params, next_id=counter)
        for k, v in vars(stats).items():
            setattr(report.claims, k, getattr(report.claims, k) + v)
    counter.save()


def _relations(con: Any, plan: _Plan, detector: Callable | None, nlp: Any, top_k: int,
               report: Report) -> None:
    """Stage 3: index the new statements; compare candidate pairs where the detector is available
    (articles that waited for it first, then the new ones)."""
    detector = detector or relations.default_detector()
    if detector is None:
        report.relations_skipped = "saidwhat.relate is not available"
    else:
        pending = [r[0] for r in con.execute(
            "SELECT article_id FROM crossref_articles WHERE NOT relations_done "
            "ORDER BY article_id").fetchall()]
        for chunk in _chunks(pending, CHUNK):
            relations.relate_pairs(con, candidates(con, chunk, top_k), detector, nlp, plan.table, report)
        if pending:
            con.execute("UPDATE crossref_articles SET relations_done = true WHERE NOT relations_done")
    # A chunk is indexed just before its candidates are looked up, so that it meets the
    # earlier chunks (and the store) but not the later ones: each pair is compared once, and
    # a recompute in chunks behaves like a sequence of incremental updates.
    for chunk in _chunks(plan.todo, CHUNK):
        index_statements(con, chunk)
        if detector is not None:
            relations.relate_pairs(con, candidates(con, chunk, top_k), detector, nlp, plan.table, report)
    insert_rows(con, "crossref_articles", ["VARCHAR", "BOOLEAN"], [(a, detector is not None) for a in plan.todo])


def _nothing_to_do(con: Any, plan: _Plan, detector: Callable | None) -> bool:
    waiting = con.execute("SELECT count(*) FROM crossref_articles WHERE NOT relations_done").fetchone()[0]
    return not plan.todo and not plan.rebuild and not (waiting and (detector or relations.default_detector()))


def _run(con: Any, article_ids: Iterable[str] | None, aliases: str | None, detector: Callable | None,
         nlp: Any, full: bool, top_k: int, claim_params: claims_mod.Params, say: Callable[[str], None]) -> Report:
    """The stages of :func:`update`, inside its transaction."""
    report = Report()
    t0 = _now()
    plan = _setup(con, article_ids, aliases, full, claim_params)
    report.articles = len(plan.todo)
    report.seconds["setup"] = _now() - t0
    if _nothing_to_do(con, plan, detector):
        report.entities = con.execute("SELECT count(*) FROM entities").fetchone()[0]
        return report
    t0 = _now()
    _entities(con, plan, report)
    report.seconds["entities"] = _now() - t0
    say(f"entities: {report.links:,} links, {report.entities:,} entities")
    t0 = _now()
    _claims(con, plan.todo, claim_params, report)
    report.seconds["claims"] = _now() - t0
    say(f"claims: {report.claims.created:,} new, {report.claims.joined:,} attributions joined one")
    t0 = _now()
    _relations(con, plan, detector, nlp, top_k, report)
    report.seconds["relations"] = _now() - t0
    say(f"relations: {report.pairs:,} pairs compared, {report.relations:,} kept")
    return report


def update(con: Any, article_ids: Iterable[str] | None = None, *, aliases: str | None = None,
           detector: Callable | None = None, nlp: Any = None, full: bool = False,
           top_k: int = TOP_K, claim_params: claims_mod.Params = claims_mod.Params(),
           log: Callable[[str], None] | None = None) -> Report:
    """Link articles of the store into the cross-article layer, incrementally.

    ``con``: an open read-write DuckDB connection (or :class:`saidwhat.store.Store`).
    ``article_ids``: the articles just stored; ``None`` links every article not linked yet.
    Articles already linked are skipped (articles never change: their id is a hash of the text).
    ``aliases``: path of a user alias file (TOML, see :class:`Rules`); its rules are kept in the
    store and apply to later updates; a changed file relinks the entities of the whole store
    (not claims or relations); ``""`` removes the rules. ``detector``: ``relate_many``-compatible
    callable (default :func:`saidwhat.relate.relate_many`). ``full``: drop the cross-article layer
    and link everything again. Runs in its own transaction (call it outside one, as after
    :meth:`saidwhat.store.Store.write`): on error, nothing is changed.
    """
    con = con_of(con)
    con.execute("BEGIN TRANSACTION")
    try:
        report = _run(con, article_ids, aliases, detector, nlp, full, top_k, claim_params,
                      log or (lambda _m: None))
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - the connection may be gone
            pass
        raise
    return report
