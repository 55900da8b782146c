"""The entity registry: every identity of the store and the keys it is known under, loaded
into memory for one update, matched against each mention, and written back once.

Keys are normalised names (:func:`saidwhat.crossref.names.norm`); "strong" kinds (a name, an
acronym or its expansion, a user rule) join mentions across articles, a surname only when exactly
one person has it. A user rule can keep two names apart (:class:`saidwhat.crossref.aliases.Rules`).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from saidwhat.crossref.aliases import ENTITY_TYPES, Rules
from saidwhat.crossref.names import is_acronym, norm, surname
from saidwhat.crossref.tables import set_meta
from saidwhat.store.sql import insert_rows

STRONG = ("name", "acronym", "expansion", "user")
DISPLAY = ("name", "acronym", "expansion", "text", "user")


def _cls(etype: str) -> str:
    if etype == "person":
        return "person"
    if etype in ("organization", "country", "group"):
        return "org"
    return "any"


@dataclass
class Ent:
    id: int
    name: str
    type: str
    aliases: dict[tuple[str, str], int] = field(default_factory=dict)  # (alias, kind) -> n

    def keys(self, kinds: Iterable[str] = STRONG) -> set[str]:
        kinds = set(kinds)
        return {_alias_key(a, k) for (a, k) in self.aliases if k in kinds}


def _alias_key(alias: str, kind: str) -> str:
    return alias if kind == "user" else norm(alias)


@dataclass
class Mention:
    """One named speaker of one article, ready to be matched."""

    speaker_id: str
    surface: str  # the name as the speaker row has it
    core: str  # titles stripped
    role: str | None
    affiliation: str | None
    type: str
    key: str

    @property
    def single_person(self) -> bool:
        return self.type == "person" and len(self.core.split()) == 1 and not is_acronym(self.core)


class Registry:
    """The entity index, in memory for one update: loaded from the store, written back once."""

    def __init__(self, con: Any, rules: Rules) -> None:
        self.con = con
        self.rules = rules
        self.ents: dict[int, Ent] = {}
        self.by_key: dict[str, set[int]] = {}
        self.by_surname: dict[str, set[int]] = {}
        self.merged: dict[int, int] = {}  # absorbed id -> surviving id
        self.dirty: set[int] = set()
        self.acronyms: dict[tuple[str, str], list] = {}  # (acr key, exp key) -> [acr, exp, n]
        self.exp_of: dict[str, set[str]] = {}  # acronym key -> expansion keys
        self.acr_of: dict[str, set[str]] = {}  # expansion key -> acronym keys
        self.acr_dirty = False
        self.links: list[tuple] = []
        rows = con.execute("SELECT id, name, type FROM entities").fetchall()
        for eid, name, etype in rows:
            self.ents[eid] = Ent(eid, name, etype)
        for eid, alias, key, kind, n in con.execute(
                "SELECT entity_id, alias, key, kind, n FROM entity_aliases").fetchall():
            if eid in self.ents:
                self.ents[eid].aliases[(alias, kind)] = n
                self._index(eid, key, kind)
        for acr, exp, ak, ek, n in con.execute(
                "SELECT acronym, expansion, acronym_key, expansion_key, n FROM acronyms").fetchall():
            self._acronym(ak, ek, acr, exp, n)
        self.next_id = max(self.ents, default=0) + 1
        stored = con.execute("SELECT value FROM crossref_meta WHERE key = 'next_entity_id'").fetchone()
        if stored:
            self.next_id = max(self.next_id, int(stored[0]))

    # -- the index --------------------------------------------------------------------------

    def _index(self, eid: int, key: str, kind: str) -> None:
        if kind in STRONG:
            self.by_key.setdefault(key, set()).add(eid)
        elif kind == "surname":
            self.by_surname.setdefault(key, set()).add(eid)

    def _unindex(self, eid: int) -> None:
        for alias, kind in self.ents[eid].aliases:
            index = self.by_key if kind in STRONG else self.by_surname if kind == "surname" else None
            key = _alias_key(alias, kind)
            if index is not None and key in index:
                index[key].discard(eid)
                if not index[key]:
                    del index[key]

    def _acronym(self, ak: str, ek: str, acronym: str, expansion: str, n: int) -> None:
        entry = self.acronyms.setdefault((ak, ek), [acronym, expansion, 0])
        entry[2] += n
        self.exp_of.setdefault(ak, set()).add(ek)
        self.acr_of.setdefault(ek, set()).add(ak)

    def add_alias(self, eid: int, alias: str, kind: str, n: int = 1) -> None:
        ent = self.ents[eid]
        ent.aliases[(alias, kind)] = ent.aliases.get((alias, kind), 0) + n
        self._index(eid, _alias_key(alias, kind), kind)
        self.dirty.add(eid)

    def new(self, m: Mention) -> int:
        eid = self.next_id
        self.next_id += 1
        self.ents[eid] = Ent(eid, m.core, m.type if m.type in ENTITY_TYPES else "unknown")
        self.dirty.add(eid)
        return eid

    def live(self, eid: int) -> int:
        while eid in self.merged:
            eid = self.merged[eid]
        return eid

    def blocked(self, keys: set[str], eid: int) -> bool:
        if not self.rules.blocked:
            return False
        theirs = self.ents[eid].keys(("name", "acronym", "expansion"))
        return any(frozenset((a, b)) in self.rules.blocked for a in keys for b in theirs if a != b)

    def merge(self, keep: int, gone: int) -> int:
        keep, gone = self.live(keep), self.live(gone)
        if keep == gone:
            return keep
        keep, gone = min(keep, gone), max(keep, gone)
        if self.blocked(self.ents[gone].keys(("name", "acronym", "expansion")), keep):
            return keep
        self._unindex(gone)
        src = self.ents.pop(gone)
        for (alias, kind), n in src.aliases.items():
            self.add_alias(keep, alias, kind, n)
        dst = self.ents[keep]
        if dst.type == "unknown":
            dst.type = src.type
        self.merged[gone] = keep
        self.dirty.update((keep, gone))
        return keep

    # -- matching -------------------------------------------------------------------------------

    def learn_acronym(self, acronym: str, expansion: str) -> None:
        ak, ek = norm(acronym), norm(expansion)
        if not ak or not ek or frozenset((ak, ek)) in self.rules.blocked:
            return
        self._acronym(ak, ek, acronym, expansion, 1)
        self.acr_dirty = True
        # entities already known under either form become one (when the acronym is unambiguous)
        if len(self.expansions(ak)) != 1:
            return
        ids = {i for i in self.by_key.get(ak, set()) | self.by_key.get(ek, set())
               if _cls(self.ents[i].type) != "person"}
        if ids:
            target = min(ids)
            for other in sorted(ids - {target}):
                target = self.merge(target, other)
            if ak not in self.ents[target].keys():
                self.add_alias(target, acronym, "acronym")
            if ek not in self.ents[target].keys():
                self.add_alias(target, expansion, "expansion")

    def expansions(self, acronym_key: str) -> set[str]:
        return self.exp_of.get(acronym_key, set())

    def related_keys(self, key: str) -> list[tuple[str, str, str]]:
        """(key, alias, kind) joined to ``key`` by an unambiguous acronym definition."""
        out = []
        exps = self.expansions(key)
        if len(exps) == 1:
            ek = next(iter(exps))
            out.append((ek, self.acronyms[(key, ek)][1], "expansion"))
        for ak in sorted(self.acr_of.get(key, ())):
            if len(self.expansions(ak)) == 1:
                out.append((ak, self.acronyms[(ak, key)][0], "acronym"))
        return out

    def resolve(self, m: Mention, article_id: str, full_names: dict[str, set[str]]) -> tuple[int, str]:
        """The entity of a mention (created when none fits) and how it was found."""
        rules = self.rules
        if m.key in rules.ambiguous:  # the user says: never join this name across articles
            scoped = f"{m.key}@{article_id}"
            ids = self.by_key.get(scoped)
            if ids:
                return min(ids), "user"
            eid = self.new(m)
            self.add_alias(eid, m.core, "name")
            self.add_alias(eid, scoped, "user")
            return eid, "user"
        keys = {m.key}
        extra = [] if m.type == "person" else self.related_keys(m.key)
        keys.update(k for k, _, _ in extra)
        group = next((rules.group_of[k] for k in keys if k in rules.group_of), None)
        user_key = f"user:{group}" if group is not None else None
        if user_key:
            keys.add(user_key)
        how = "user" if user_key else "name"
        if m.single_person and not user_key:
            full = full_names.get(m.key, set())
            if len(full) == 1:
                ids = [i for i in self.by_key.get(next(iter(full)), ()) if _cls(self.ents[i].type) != "org"]
                if len(ids) == 1 and not self.blocked({m.key}, ids[0]):
                    self._note(ids[0], m, [])
                    return ids[0], "surname-in-article"
            ids = [i for i in self.by_surname.get(m.key, ()) if self.ents[i].type == "person"
                   and not self.blocked({m.key}, i)]
            if len(ids) == 1:
                self._note(ids[0], m, [])
                return ids[0], "surname"
        cands = sorted({i for k in keys for i in self.by_key.get(k, ())})
        mc = _cls(m.type)
        cands = [i for i in cands if (mc == "any" or _cls(self.ents[i].type) in ("any", mc)
                                      or (user_key and user_key in self.ents[i].keys(("user",))))
                 and not self.blocked({m.key}, i)]
        if not cands:
            eid = self.new(m)
        else:
            eid = cands[0]
            for other in cands[1:]:
                eid = self.merge(eid, other)
            if how == "name" and m.key not in self.ents[eid].keys():
                how = "acronym"  # found through "Mujahedin Khalq Organization (MKO)"
        if user_key and user_key not in self.ents[eid].keys(("user",)):
            self.add_alias(eid, user_key, "user")
        self._note(eid, m, extra)
        g = rules.groups[group] if group is not None else None
        if g and g.get("type"):
            self.ents[eid].type = g["type"]
        elif self.ents[eid].type == "unknown" and m.type in ENTITY_TYPES:
            self.ents[eid].type = m.type
        return eid, how

    def _note(self, eid: int, m: Mention, extra: list[tuple[str, str, str]]) -> None:
        """Record the mention's name (and what it brings) as aliases of the entity."""
        self.add_alias(eid, m.core, "name")
        have = self.ents[eid].keys()
        for key, alias, kind in extra:
            if key not in have:
                self.add_alias(eid, alias, kind)
        if m.type == "person" and len(m.core.split()) > 1:
            last = surname(m.core)
            if last and norm(last) not in self.ents[eid].keys(("surname",)):
                self.add_alias(eid, last, "surname")

    # -- writing back ---------------------------------------------------------------------------

    def canonical(self, ent: Ent) -> str:
        users = [a for (a, k) in ent.aliases if k == "user" and a.startswith("user:")]
        if users:
            g = int(users[0].split(":", 1)[1])
            if g < len(self.rules.groups):
                return self.rules.groups[g]["name"]
        names = [(a, n) for (a, k), n in ent.aliases.items() if k in ("name", "expansion")]
        if not names:
            return ent.name
        return max(names, key=lambda an: (len(an[0].split()) > 1, an[1], len(an[0]), an[0]))[0]

    def write(self) -> None:
        con = self.con
        touched = sorted(self.dirty)
        if touched:
            con.execute("DELETE FROM entities WHERE id IN (SELECT unnest(?::INTEGER[]))", [touched])
            con.execute("DELETE FROM entity_aliases WHERE entity_id IN (SELECT unnest(?::INTEGER[]))", [touched])
        ent_rows, alias_rows = [], []
        for eid in touched:
            ent = self.ents.get(eid)
            if ent is None:
                continue
            ent.name = self.canonical(ent)
            seen: Counter = Counter()
            for (alias, kind), n in ent.aliases.items():
                alias_rows.append((eid, alias, _alias_key(alias, kind), kind, n))
                if kind in DISPLAY and not alias.startswith("user:") and "@" not in alias:
                    seen[alias] += n
            shown = [a for a, _ in sorted(seen.items(), key=lambda x: (-x[1], x[0])) if a != ent.name]
            ent_rows.append((eid, ent.name, ent.type, shown, 0, 0))
        insert_rows(con, "entities", ["INTEGER", "VARCHAR", "VARCHAR", "VARCHAR[]", "INTEGER", "INTEGER"], ent_rows)
        insert_rows(con, "entity_aliases", ["INTEGER", "VARCHAR", "VARCHAR", "VARCHAR", "INTEGER"], alias_rows)
        if self.merged:
            old = sorted(self.merged)
            con.execute("UPDATE attribution_entities SET entity_id = m.nid FROM (SELECT unnest(?::INTEGER[]) AS oid, "
                        "unnest(?::INTEGER[]) AS nid) m WHERE attribution_entities.entity_id = m.oid",
                        [old, [self.live(o) for o in old]])
        links = [(a, t, self.live(e), s, n, r, f, h) for a, t, e, s, n, r, f, h in self.links]
        insert_rows(con, "attribution_entities", ["VARCHAR", "VARCHAR", "INTEGER", "VARCHAR", "VARCHAR",
                                              "VARCHAR", "VARCHAR", "VARCHAR"], links)
        counted = sorted(e for e in self.dirty if e in self.ents)
        if counted:
            con.execute("""
                UPDATE entities SET mentions = c.m, articles = c.a
                FROM (SELECT entity_id, count(*) AS m, count(DISTINCT article_id) AS a
                      FROM attribution_entities WHERE entity_id IN (SELECT unnest(?::INTEGER[]))
                      GROUP BY entity_id) c
                WHERE entities.id = c.entity_id""", [counted])
        if self.acr_dirty:
            con.execute("DELETE FROM acronyms")
            insert_rows(con, "acronyms", ["VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "INTEGER"],
                    [(v[0], v[1], ak, ek, v[2]) for (ak, ek), v in sorted(self.acronyms.items())])
        set_meta(con, "next_entity_id", str(self.next_id))
