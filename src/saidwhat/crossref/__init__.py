"""The cross-article layer over a store: who is who (entities), which attributions report the same
statement (claims, in :mod:`saidwhat.crossref.claims`), and who disputes or supports whom (relations).

:func:`update` links the articles of a store that are not linked yet, and only those: each new
article's speakers are matched against an in-store index of entity keys, its contents are signed
and looked up in the persisted MinHash-LSH bands (claims), and its statements are compared - with
:func:`saidwhat.relate.relate_many`, the same detector as ``saidwhat relate`` - against the
statements found through a persisted inverted index of content terms (same article: every other
speaker's statement sharing a term; other articles: the top few by shared rare terms). Nothing
already linked is recomputed, except entities when the user alias file changes.

Entities (people, organisations, countries, named groups):

* names are read from the per-article ``speakers`` rows; titles are stripped ("Mr. Chang",
  "President Obama") and kept as the mention's role in ``attribution_entities``;
* aliases are learned from the text: "the Mujahedin Khalq Organization (MKO)" (and "MKO
  (Mujahedin Khalq Organization)") joins the acronym and its expansion, in this article and in
  later ones; "Chang" and "Mr. Chang" after "Benjamin Chang" are that person's aliases; a speaker
  named only "Chang" is Benjamin Chang when the article names him in full, or when exactly one
  person entity has that surname;
* anonymous, unnamed ("an MKO leader", "the minister": no capitalised word) and document
  speakers ("the statement") never become or join an identity;
* a user alias file (TOML, :func:`load_rules`) merges names into one identity or keeps names apart.

Tables written (created when missing; the store's own tables are only read): ``entities``,
``entity_aliases``, ``acronyms``, ``attribution_entities``, ``claims``, ``claim_members``,
``claim_signatures``, ``claim_bands``, ``crossref_statements``, ``relation_terms``, the
cross-article relations table (see :func:`relations_table`), ``crossref_articles`` (what is linked)
and ``crossref_meta``. docs of every column: :data:`DDL` and :data:`saidwhat.crossref.claims.DDL`.

Limits: identity is by name - two people with the same full name are one entity, and a person
first seen by surname only keeps a surname-only entity until a user alias file merges it; the
result of incremental linking can depend on the order articles arrive in (surname uniqueness,
top-k relation candidates, term rarity); ``link --full`` recomputes everything in published order.
"""
from __future__ import annotations

import json
import re
import time
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from saidwhat.crossref import claims as claims_mod
from saidwhat.errors import SaidwhatError

# Cross-article relations: the UI reads `relations`. Schema 1 of the store already has a
# per-article `relations` table (article_id, n, type, from_id, to_id, ...); while it does, the
# cross-article rows go to CROSS_RELATIONS instead (see relations_table()).
RELATIONS = "relations"
CROSS_RELATIONS = "cross_relations"
RELATION_COLUMNS = ("article_id_from VARCHAR NOT NULL, attribution_from VARCHAR NOT NULL, "
                    "article_id_to VARCHAR NOT NULL, attribution_to VARCHAR NOT NULL, "
                    "type VARCHAR NOT NULL, score DOUBLE, evidence_json VARCHAR")

DDL = {
    # One identity. aliases: every other name it was written as or learned under, commonest first.
    # mentions: attributions linked to it; articles: distinct articles those are in.
    "entities": ("id INTEGER NOT NULL, name VARCHAR NOT NULL, type VARCHAR NOT NULL, aliases VARCHAR[], "
                 "mentions INTEGER NOT NULL, articles INTEGER NOT NULL"),
    # The matching index: alias as written, its normalised key, how it was learned
    # (name | acronym | expansion | surname | text | user), and how often.
    "entity_aliases": ("entity_id INTEGER NOT NULL, alias VARCHAR NOT NULL, key VARCHAR NOT NULL, "
                       "kind VARCHAR NOT NULL, n INTEGER NOT NULL"),
    # Acronym definitions read in the text ("Mujahedin Khalq Organization (MKO)").
    "acronyms": ("acronym VARCHAR NOT NULL, expansion VARCHAR NOT NULL, acronym_key VARCHAR NOT NULL, "
                 "expansion_key VARCHAR NOT NULL, n INTEGER NOT NULL"),
    # Every attribution whose speaker has an identity; name: the source as written in this mention,
    # role: its title or role there ("President ...", "a spokesman, ..."), affiliation;
    # how: name | acronym | surname | surname-in-article | user.
    "attribution_entities": ("article_id VARCHAR NOT NULL, attribution_id VARCHAR NOT NULL, "
                             "entity_id INTEGER NOT NULL, speaker_id VARCHAR, name VARCHAR, role VARCHAR, "
                             "affiliation VARCHAR, how VARCHAR"),
    # What the relation detector compares (statement_of: the content of a neutral report, the
    # attribution as written when its cue has a stance), `start` its offset in articles.text
    # (NULL when assembled), when it was said, its speaker and cue.
    "crossref_statements": ("article_id VARCHAR NOT NULL, attribution_id VARCHAR NOT NULL, "
                            "pos INTEGER NOT NULL, start INTEGER, text VARCHAR NOT NULL, when_key VARCHAR, "
                            "speaker_id VARCHAR, source_text VARCHAR, stance VARCHAR, cue_lemma VARCHAR"),
    # Inverted index of content terms (the relation candidates' index).
    "relation_terms": "term VARCHAR NOT NULL, article_id VARCHAR NOT NULL, attribution_id VARCHAR NOT NULL",
    # Linked articles; relations_done is false when the relation detector was not available.
    "crossref_articles": "article_id VARCHAR NOT NULL, relations_done BOOLEAN NOT NULL",
    "crossref_meta": "key VARCHAR NOT NULL, value VARCHAR",
}
OWN_TABLES = tuple(DDL) + tuple(claims_mod.DDL)

TOP_K = 6  # cross-article candidates per new statement
MIN_SHARED = 2  # content terms a cross-article candidate shares at least
MAX_DF_SHARE = 0.005  # terms in more statements than this share (and MIN_DF_CAP) propose no pair
MIN_DF_CAP = 50
MIN_SCORE = 0.5  # relations kept from the detector
MAX_STATEMENT = 600  # characters; longer source-to-content stretches are assembled from the roles
BATCH = 2000  # pairs per relate_many call
CHUNK = 500  # articles whose relations are looked up together

ENTITY_TYPES = ("person", "organization", "country", "group", "unknown")


def _now() -> float:
    return time.perf_counter()


# ------------------------------------------------------------------------------------------------
# Names


_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "madam",
              "monsieur", "mme", "herr", "messrs"}
ROLE_TITLES = {
    "president", "vice", "prime", "minister", "secretary", "senator", "sen", "rep", "representative",
    "congressman", "congresswoman", "gov", "governor", "mayor", "gen", "general", "col", "colonel",
    "lt", "lieutenant", "maj", "major", "capt", "captain", "adm", "admiral", "sgt", "sergeant", "cmdr",
    "commander", "judge", "justice", "chancellor", "ambassador", "king", "queen", "prince", "princess",
    "sheikh", "ayatollah", "imam", "rabbi", "pope", "cardinal", "bishop", "rev", "reverend", "father",
    "fr", "chairman", "chairwoman", "chair", "ceo", "chief", "spokesman", "spokeswoman",
    "spokesperson", "commissioner", "director", "attorney", "superintendent", "inspector",
    "detective", "deputy", "foreign", "defense", "defence", "interior", "finance", "premier",
    "speaker", "leader", "coach", "prof", "professor", "dean", "supt", "det", "state", "former",
    "acting", "senior", "assistant", "lawmaker", "sec", "treasury", "health", "labor", "labour",
}
SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
CONNECTORS = {"of", "for", "and", "the", "on", "in", "de", "del", "della", "du", "des", "la", "le",
              "al", "el", "y", "&", "e", "against", "to", "da", "von", "van", "der", "at"}
NOT_FIRST_NAMES = {"the", "a", "an", "but", "and", "said", "says", "when", "while", "after", "before",
                   "if", "as", "mr", "mrs", "ms", "dr", "then", "so", "also", "in", "on", "at", "by",
                   "for", "with", "from", "to", "of", "this", "that", "his", "her", "their", "our"}


def norm(name: str) -> str:
    """The matching key of a name: accents folded, lower case, punctuation and "the" dropped."""
    s = unicodedata.normalize("NFKD", name.translate(_QUOTES))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = s.replace(".", "").replace("'", "")
    s = re.sub(r"[^\w&]+", " ", s).strip()
    s = re.sub(r"^the\s+", "", s)
    return " ".join(s.split())


def _tok_key(tok: str) -> str:
    return tok.lower().rstrip(".").replace(".", "")


def strip_title(name: str) -> tuple[str, str | None]:
    """``("Benjamin Chang", "spokesman")`` from "Spokesman Benjamin Chang"; honorifics ("Mr.")
    are dropped without becoming a role; a possessive "'s" and a leading "the" go too."""
    name = " ".join(name.translate(_QUOTES).split())
    name = re.sub(r"'s$", "", name)
    name = re.sub(r"^(?:the|The)\s+", "", name)
    toks = name.split()
    role: list[str] = []
    i = 0
    while i < len(toks) - 1:
        k = _tok_key(toks[i])
        if k in HONORIFICS:
            i += 1
        elif k in ROLE_TITLES:
            role.append(k)
            i += 1
        elif k == "of" and role and _tok_key(toks[i + 1]) in ROLE_TITLES and i + 2 < len(toks):
            role.append("of")
            i += 1
        else:
            break
    core = toks[i:]
    if not core or not core[0][:1].isupper():
        return name, None  # "spokesman for the ministry": not a title before a name
    return " ".join(core), " ".join(role) or None


def surname(core: str) -> str | None:
    toks = [t for t in core.split() if _tok_key(t) not in SUFFIXES]
    return toks[-1].strip(",") if toks else None


def is_acronym(core: str) -> bool:
    letters = core.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 10 and " " not in core and letters.isalnum() and \
        sum(c.isupper() for c in letters) >= 2 and letters.upper() == letters


_WORDS = re.compile(r"[\w’'&.\-]+")
_PAREN_AFTER = re.compile(r"\(\s*([A-Z][A-Za-z0-9&.\-]{1,11})\s*\)")
_PAREN_EXPANSION = re.compile(r"\b([A-Z][A-Z0-9&]{1,9})\s*\(\s*([^()]{3,120}?)\s*\)")


def _units(words: Sequence[str]) -> list[tuple[str, bool]] | None:
    """Initial letters of a name's words: (letter, required). None if a word breaks the name."""
    out: list[tuple[str, bool]] = []
    for w in words:
        low = w.lower().strip(".")
        if low in CONNECTORS:
            out.append((low[0], False))
            continue
        if not w[:1].isupper():
            return None
        parts = [p for p in re.split(r"[-’']", w) if p]
        for j, p in enumerate(parts):
            out.append((p[0].lower(), j == 0))
    return out


def acronym_fits(acronym: str, words: Sequence[str]) -> bool:
    """Whether the acronym's letters are the initials of the words (every capitalised word gives
    its initial; "of", "the", hyphen parts may or may not)."""
    letters = [c.lower() for c in acronym if c.isalnum()]
    units = _units(words)
    if not units or not letters or units[0][0] != letters[0] or not units[0][1]:
        return False
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        if j == len(units):
            return i == len(letters)
        if (i, j) in memo:
            return memo[i, j]
        letter, required = units[j]
        ok = (i < len(letters) and letters[i] == letter and go(i + 1, j + 1)) or (not required and go(i, j + 1))
        memo[i, j] = ok
        return ok

    return go(0, 0)


def find_acronyms(text: str) -> list[tuple[str, str]]:
    """``(acronym, expansion)`` pairs defined in the text: "the Mujahedin Khalq Organization
    (MKO)" and "MKO (Mujahedin Khalq Organization)"."""
    found: list[tuple[str, str]] = []
    for m in _PAREN_AFTER.finditer(text):
        acronym = m.group(1).rstrip(".")
        if not is_acronym(acronym):
            continue
        before = text[max(0, m.start() - 200):m.start()]
        words = list(_WORDS.finditer(before))[-12:]
        # the name is the longest run of words right before "(" whose initials spell the acronym
        for s in range(len(words)):
            tail = [w.group() for w in words[s:]]
            if before[words[-1].end():].strip() or any(
                    re.search(r"[,;:!?\"”“()]", before[words[k].end():words[k + 1].start()])
                    for k in range(s, len(words) - 1)):
                continue
            if acronym_fits(acronym, tail):
                found.append((acronym, before[words[s].start():words[-1].end()].strip(" .")))
                break
    for m in _PAREN_EXPANSION.finditer(text):
        acronym, inside = m.group(1), m.group(2)
        words = [w.group() for w in _WORDS.finditer(inside)]
        if words and words[0].lower() == "the":
            words = words[1:]
        if is_acronym(acronym) and words and acronym_fits(acronym, words):
            found.append((acronym, " ".join(words)))
    return found


# ------------------------------------------------------------------------------------------------
# The user alias file


@dataclass
class Rules:
    """User decisions on identity, read from TOML::

        [[merge]]                       # these names are one identity
        name = "People's Mojahedin Organization of Iran"   # its canonical name
        aliases = ["MKO", "MEK", "PMOI", "Mujahedin Khalq Organization"]
        type = "organization"           # optional

        [[split]]                       # these names are different identities: never merged
        names = ["Benjamin Chang", "Ben Chang"]

        [[split]]                       # one name: too ambiguous to join anything across
        names = ["Smith"]               # articles; each article's Smith is its own identity
    """

    groups: list[dict[str, Any]] = field(default_factory=list)  # {name, keys, type}
    group_of: dict[str, int] = field(default_factory=dict)  # key -> group index
    blocked: set[frozenset[str]] = field(default_factory=set)
    ambiguous: set[str] = field(default_factory=set)
    source: str = ""


def parse_rules(text: str, origin: str = "alias file") -> Rules:
    """Rules from the TOML text of an alias file; SaidwhatError E111 when it is malformed."""
    try:
        data = tomllib.loads(text) if text.strip() else {}
    except tomllib.TOMLDecodeError as exc:
        raise SaidwhatError("E111", f"{origin}: {exc}") from None
    rules = Rules(source=text)
    unknown = set(data) - {"merge", "split"}
    if unknown:
        raise SaidwhatError("E111", f"{origin}: unknown section(s) {', '.join(sorted(unknown))} "
                                    "(expected [[merge]] and [[split]])")

    def names_of(entry: Any, *fields: str) -> list[str]:
        if not isinstance(entry, dict):
            raise SaidwhatError("E111", f"{origin}: each [[merge]]/[[split]] must be a table")
        out: list[str] = []
        for f in fields:
            v = entry.get(f, [])
            v = [v] if isinstance(v, str) else v
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                raise SaidwhatError("E111", f"{origin}: {f} must be a string or a list of strings")
            out.extend(v)
        return out

    for entry in data.get("merge", []):
        names = names_of(entry, "name", "aliases", "names")
        if len(names) < 1:
            raise SaidwhatError("E111", f"{origin}: a [[merge]] needs name and aliases")
        etype = entry.get("type")
        if etype is not None and etype not in ENTITY_TYPES:
            raise SaidwhatError("E111", f"{origin}: type must be one of {', '.join(ENTITY_TYPES)}")
        keys = [norm(strip_title(n)[0]) for n in names]
        g = len(rules.groups)
        rules.groups.append({"name": entry.get("name") or names[0], "keys": keys, "type": etype})
        for k in keys:
            rules.group_of[k] = g
    for entry in data.get("split", []):
        names = names_of(entry, "names", "name")
        keys = sorted({norm(strip_title(n)[0]) for n in names})
        if len(keys) == 1:
            rules.ambiguous.add(keys[0])
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                rules.blocked.add(frozenset((a, b)))
    return rules


def load_rules(path: str) -> Rules:
    try:
        with open(path, encoding="utf-8") as f:
            return parse_rules(f.read(), path)
    except OSError as exc:
        raise SaidwhatError("E011", f"{path}: {exc.strerror or exc}") from None


# ------------------------------------------------------------------------------------------------
# Entities


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
        _insert(con, "entities", ["INTEGER", "VARCHAR", "VARCHAR", "VARCHAR[]", "INTEGER", "INTEGER"], ent_rows)
        _insert(con, "entity_aliases", ["INTEGER", "VARCHAR", "VARCHAR", "VARCHAR", "INTEGER"], alias_rows)
        if self.merged:
            old = sorted(self.merged)
            con.execute("UPDATE attribution_entities SET entity_id = m.nid FROM (SELECT unnest(?::INTEGER[]) AS oid, "
                        "unnest(?::INTEGER[]) AS nid) m WHERE attribution_entities.entity_id = m.oid",
                        [old, [self.live(o) for o in old]])
        links = [(a, t, self.live(e), s, n, r, f, h) for a, t, e, s, n, r, f, h in self.links]
        _insert(con, "attribution_entities", ["VARCHAR", "VARCHAR", "INTEGER", "VARCHAR", "VARCHAR",
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
            _insert(con, "acronyms", ["VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "INTEGER"],
                    [(v[0], v[1], ak, ek, v[2]) for (ak, ek), v in sorted(self.acronyms.items())])
        _set_meta(con, "next_entity_id", str(self.next_id))


_TITLES = "|".join(sorted((re.escape(t.capitalize()) for t in HONORIFICS | ROLE_TITLES), key=len, reverse=True))


def _person_aliases_in_text(text: str, full: str, start_after: int) -> list[str]:
    """"Chang" and "Mr. Chang" written after "Benjamin Chang" (as written, titles included)."""
    last = surname(full)
    first = full.split()[0]
    if not last or last == first:
        return []
    out = []
    for m in re.finditer(rf"(?:\b((?:{_TITLES})\.?)\s+)?\b{re.escape(last)}\b", text[start_after:]):
        at = start_after + m.start()
        before = text[max(0, at - len(first) - 1):at].strip()
        if before.endswith(first) or text[start_after + m.end():].startswith("-"):
            continue
        out.append(f"{m.group(1)} {last}" if m.group(1) else last)
    return out


def link_entities(reg: Registry, article_id: str, text: str, speakers: list[tuple],
                  attributions: list[tuple]) -> None:
    """Match one article's named speakers to entities; queue its attribution links."""
    for acronym, expansion in find_acronyms(text):
        reg.learn_acronym(acronym, expansion)
    mentions: list[Mention] = []
    for sid, name, role, affiliation, stype, anonymous in speakers:
        if anonymous or not name or stype in ("anonymous", "document"):
            continue
        core, title_role = strip_title(name)
        key = norm(core)
        if not key or len(key) < 2 or not any(w[:1].isupper() for w in core.split()):
            continue  # "the minister", "port authority": a description, not a name
        mentions.append(Mention(sid, name, core, role or title_role, affiliation, stype, key))
    # full names of people written in this article, by surname key (for "Chang said")
    full_names: dict[str, set[str]] = {}
    for m in mentions:
        if m.type == "person" and len(m.core.split()) > 1:
            full_names.setdefault(norm(surname(m.core) or ""), set()).add(m.key)
    for m in mentions:
        if m.single_person and m.key not in full_names:
            pat = rf"\b([A-Z][a-z]+(?:\s+[A-Z]\.)?)\s+{re.escape(m.core)}\b"
            firsts = {g for g in re.findall(pat, text) if _tok_key(g.split()[0]) not in
                      NOT_FIRST_NAMES | HONORIFICS | ROLE_TITLES}
            if len(firsts) == 1:
                full_names[m.key] = {norm(f"{next(iter(firsts))} {m.core}")}
    entity_of: dict[str, tuple[int, str, Mention]] = {}
    for m in sorted(mentions, key=lambda m: (m.single_person, -len(m.core))):
        eid, how = reg.resolve(m, article_id, full_names)
        entity_of[m.speaker_id] = (eid, how, m)
    # aliases the text teaches: "Chang", "Mr. Chang" after "Benjamin Chang"
    surnames = Counter(norm(surname(m.core) or "") for m in mentions
                       if m.type == "person" and len(m.core.split()) > 1)
    for eid, _, m in entity_of.values():
        if m.type == "person" and len(m.core.split()) > 1 and surnames[norm(surname(m.core) or "")] == 1:
            at = text.find(m.core)
            if at >= 0:
                for alias in dict.fromkeys(_person_aliases_in_text(text, m.core, at + len(m.core))):
                    reg.add_alias(reg.live(eid), alias, "text")
    for tid, sid, source_text in attributions:
        if sid in entity_of:
            eid, how, m = entity_of[sid]
            # the role of this mention: a title in its source ("President Barack Obama"), else
            # the speaker's role in the article ("a White House spokesman, Benjamin Chang")
            role = strip_title(source_text)[1] if source_text else None
            reg.links.append((article_id, tid, eid, sid, source_text or m.surface, role or m.role,
                              m.affiliation, how))
            reg.dirty.add(reg.live(eid))


# ------------------------------------------------------------------------------------------------
# Relations


STOP = set("""
a about above after again against all also am an and any are aren't around as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does doesn't
doing don't down during each either else ever every few for from further get gets got had hadn't
has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how
how's however i i'd i'll i'm i've if in into is isn't it it's its itself just let's like made make
many may me might more most much must mustn't my myself neither no nor not now of off on once one
only or other ought our ours ourselves out over own per quite rather really said same say says
saying shall she she'd she'll she's should shouldn't since so some still such than that that's the
their theirs them themselves then there there's these they they'd they'll they're they've this
those though through thus to too told under until up upon us very via was wasn't we we'd we'll
we're we've were weren't what what's when when's where where's whether which while who who's whom
whose why why's will with within without won't would wouldn't yet you you'd you'll you're you've
your yours yourself yourselves added adding according told tell tells stated statement believe
believes think thinks going want wants way well year years day days time times new week weeks
mr mrs ms dr people thing things lot lots part
""".split())
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
    for t in _TERM.findall(text.translate(_QUOTES)):
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


def relations_table(con: Any, create: bool = True) -> str | None:
    """Where cross-article relations live: ``relations`` when the store's table has the
    cross-article columns (or there is no such table yet), else ``cross_relations``."""
    cols = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name = ?", [RELATIONS]).fetchall()}
    if "article_id_from" in cols:
        return RELATIONS
    if not cols:
        if create:
            con.execute(f"CREATE TABLE IF NOT EXISTS {RELATIONS} ({RELATION_COLUMNS})")
            return RELATIONS
        return None
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                         "AND table_name = ?", [CROSS_RELATIONS]).fetchone()[0]
    if not exists:
        if not create:
            return None
        con.execute(f"CREATE TABLE IF NOT EXISTS {CROSS_RELATIONS} ({RELATION_COLUMNS})")
    return CROSS_RELATIONS


def _index_statements(con: Any, article_ids: list[str]) -> int:
    """Fill crossref_statements and relation_terms for these articles."""
    _temp(con, "_link_articles", [("article_id", "VARCHAR")], [(a,) for a in article_ids])
    rows = con.execute("""
        SELECT t.article_id, t.id, a.text, t.source_spans, t.cue_spans, t.content_spans,
               t.source_text, t.cue_text, t.content_text,
               coalesce(t.said_on_date, CAST(a.published AS VARCHAR)), t.speaker_id, t.cue_stance, t.cue_lemma
        FROM attributions t JOIN articles a ON a.id = t.article_id
        JOIN _link_articles l ON l.article_id = t.article_id
        ORDER BY t.article_id, t.id""").fetchall()
    st_rows, term_rows = [], []
    for aid, tid, text, src, cue, content, s_text, c_text, body, when, sid, stance, lemma in rows:
        stmt, start = statement_of(text, (src, cue, content), (s_text, c_text, body), stance)
        pos = min((int(s) for s, _ in content), default=0) if content else 0
        st_rows.append((aid, tid, pos, start, stmt, when, sid, s_text, stance, lemma))
        term_rows.extend((term, aid, tid) for term in terms(body))
    _insert(con, "crossref_statements", ["VARCHAR", "VARCHAR", "INTEGER", "INTEGER", "VARCHAR",
                                         "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"], st_rows)
    _insert(con, "relation_terms", ["VARCHAR", "VARCHAR", "VARCHAR"], term_rows)
    return len(st_rows)


def _candidates(con: Any, article_ids: list[str], top_k: int) -> list[tuple]:
    """Pairs to compare: ``(article_id, attribution_id, article_id, attribution_id, shared terms,
    overlap)``, each unordered pair once, at least one side in ``article_ids``.

    Same article: every other statement sharing a content term. Other articles: the ``top_k``
    statements sharing at least MIN_SHARED terms, ranked by the summed rarity (idf) of the shared
    terms; terms in more than MAX_DF_SHARE of all statements are too common to propose a pair
    (they still count in the ranking through the rare ones they come with).
    """
    _temp(con, "_link_articles", [("article_id", "VARCHAR")], [(a,) for a in article_ids])
    total = con.execute("SELECT count(*) FROM crossref_statements").fetchone()[0] or 1
    max_df = max(MIN_DF_CAP, int(MAX_DF_SHARE * total))
    n = float(total + 1)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _nt AS
        SELECT r.term, r.article_id, r.attribution_id, d.df
        FROM relation_terms r JOIN _link_articles USING (article_id)
        JOIN (SELECT term, count(*) AS df FROM relation_terms
              WHERE term IN (SELECT DISTINCT r2.term FROM relation_terms r2 JOIN _link_articles USING (article_id))
              GROUP BY term) d USING (term)""")
    within = con.execute("""
        SELECT nt.article_id, nt.attribution_id, r.article_id, r.attribution_id,
               list(nt.term ORDER BY nt.df, nt.term), sum(ln(? / nt.df))
        FROM _nt nt JOIN relation_terms r
          ON r.term = nt.term AND r.article_id = nt.article_id AND r.attribution_id <> nt.attribution_id
        GROUP BY ALL""", [n]).fetchall()
    across = con.execute("""
        WITH hits AS (
            SELECT nt.article_id AS a1, nt.attribution_id AS t1, r.article_id AS a2, r.attribution_id AS t2,
                   list(nt.term ORDER BY nt.df, nt.term) AS shared_terms, sum(ln(? / nt.df)) AS score,
                   count(*) AS shared
            FROM (SELECT * FROM _nt WHERE df <= ?) nt
            JOIN relation_terms r ON r.term = nt.term AND r.article_id <> nt.article_id
            GROUP BY ALL
            HAVING count(*) >= ?)
        SELECT a1, t1, a2, t2, shared_terms, score FROM (
            SELECT *, row_number() OVER (PARTITION BY a1, t1 ORDER BY score DESC, a2, t2) AS rk FROM hits)
        WHERE rk <= ?""", [n, max_df, MIN_SHARED, top_k]).fetchall()
    seen: dict[tuple, tuple] = {}
    for a1, t1, a2, t2, shared, score in within + across:
        key = tuple(sorted(((a1, t1), (a2, t2))))
        if key not in seen:
            seen[key] = (key[0][0], key[0][1], key[1][0], key[1][1], list(shared), float(score))
    return list(seen.values())


@dataclass
class _Stmt:
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

    def order(self) -> tuple:
        return (self.when or "9999", self.published or "9999", self.article_id, self.pos)

    @property
    def speaker(self) -> str | None:
        return self.entity_name or self.source_text


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


def _relate_pairs(con: Any, pairs: list[tuple], detector: Callable, nlp: Any, table: str,
                  report: "Report") -> None:
    if not pairs:
        return
    nodes = sorted({(p[0], p[1]) for p in pairs} | {(p[2], p[3]) for p in pairs})
    _temp(con, "_rel_nodes", [("article_id", "VARCHAR"), ("attribution_id", "VARCHAR")], nodes)
    stmts: dict[tuple[str, str], _Stmt] = {}
    for row in con.execute("""
            SELECT s.article_id, s.attribution_id, s.pos, s.start, s.text, s.when_key, s.speaker_id,
                   s.source_text, s.stance, s.cue_lemma, coalesce(CAST(a.published AS VARCHAR), ''),
                   e.entity_id, en.name, m.claim_id
            FROM crossref_statements s JOIN _rel_nodes USING (article_id, attribution_id)
            JOIN articles a ON a.id = s.article_id
            LEFT JOIN attribution_entities e ON e.article_id = s.article_id AND e.attribution_id = s.attribution_id
            LEFT JOIN entities en ON en.id = e.entity_id
            LEFT JOIN claim_members m ON m.article_id = s.article_id AND m.attribution_id = s.attribution_id
            """).fetchall():
        st = _Stmt(*row[:11])
        st.entity_id, st.entity_name, st.claim_id = row[11], row[12], row[13]
        stmts[(st.article_id, st.attribution_id)] = st
    known = {tuple(sorted(((r[0], r[1]), (r[2], r[3])))) for r in con.execute(f"""
        SELECT r.article_id_from, r.attribution_from, r.article_id_to, r.attribution_to FROM {table} r
        JOIN _rel_nodes n ON n.article_id = r.article_id_from AND n.attribution_id = r.attribution_from
        """).fetchall()}
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
        earlier, later = sorted((x, y), key=_Stmt.order)
        if earlier.stance == "denial" and later.stance != "denial":
            earlier, later = later, earlier  # the denial is the one that disputes
        todo.append((earlier, later, shared, overlap))
    report.pairs += len(todo)
    kept: list[tuple] = []
    for i in range(0, len(todo), BATCH):
        chunk = todo[i:i + BATCH]
        results = detector([{"a": to.text, "b": fr.text, "a_speaker": to.speaker, "b_speaker": fr.speaker}
                            for to, fr, _, _ in chunk], nlp=nlp)
        for (to, fr, shared, overlap), rel in zip(chunk, results):
            label, score = getattr(rel, "label", None), float(getattr(rel, "score", 0.0))
            if label not in ("disputes", "supports") or score < MIN_SCORE:
                continue
            kind = "denies" if label == "disputes" and (fr.lemma or "").lower() == "deny" else label
            evidence = []
            for ev in _jsonable(getattr(rel, "evidence", ())) or []:
                if isinstance(ev, dict):
                    evidence.append({"why": ev.get("why"), "to": _shift(ev.get("a"), to.start),
                                     "from": _shift(ev.get("b"), fr.start)})
                else:
                    evidence.append(ev)
            doc = {"origin": "crossref", "detector": getattr(detector, "__module__", "") + "." +
                   getattr(detector, "__name__", "relate_many"), "label": label,
                   "why": evidence[0].get("why") if evidence and isinstance(evidence[0], dict) else None,
                   "evidence": evidence, "spans_in": "article text where start is set, else the statement",
                   "from": {"text": fr.text, "start": fr.start, "said_on": fr.when, "speaker": fr.speaker},
                   "to": {"text": to.text, "start": to.start, "said_on": to.when, "speaker": to.speaker},
                   "shared_terms": shared[:12]}
            kept.append((fr, to, kind, score, doc, overlap))
    rows = [(fr.article_id, fr.attribution_id, to.article_id, to.attribution_id, kind, round(score, 4),
             json.dumps(doc, ensure_ascii=False)) for fr, to, kind, score, doc, _ in _one_target(kept)]
    _insert(con, table, ["VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "VARCHAR"], rows)
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


def default_detector() -> Callable | None:
    try:
        from saidwhat.relate import relate_many
    except ImportError:
        return None
    return relate_many


# ------------------------------------------------------------------------------------------------
# Store plumbing


def _insert(con: Any, table: str, types: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    values = [list(col) for col in zip(*rows)]
    select = ", ".join(f"unnest(${i + 1}::{t}[])" for i, t in enumerate(types))
    con.execute(f"INSERT INTO {table} SELECT {select}", values)


_temp = claims_mod._temp


def _set_meta(con: Any, key: str, value: str) -> None:
    con.execute("DELETE FROM crossref_meta WHERE key = ?", [key])
    con.execute("INSERT INTO crossref_meta VALUES (?, ?)", [key, value])


def _meta(con: Any, key: str) -> str | None:
    row = con.execute("SELECT value FROM crossref_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def ensure_tables(con: Any) -> str:
    """Create the cross-article tables that are missing; returns the relations table's name."""
    for table, columns in DDL.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
    claims_mod.ensure_tables(con)
    return relations_table(con)  # type: ignore[return-value]


def _drop_all(con: Any) -> None:
    for table in OWN_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    table = relations_table(con, create=False)
    if table == RELATIONS and table not in _store_tables():
        con.execute(f"DROP TABLE IF EXISTS {table}")
    elif table:
        con.execute(f"DELETE FROM {table} WHERE json_extract_string(evidence_json, '$.origin') = 'crossref'")


def _store_tables() -> set[str]:
    try:
        from saidwhat.store import SCHEMA
        return set(SCHEMA)
    except ImportError:  # pragma: no cover
        return set()


def _con(con_or_store: Any) -> Any:
    return getattr(con_or_store, "con", None) or con_or_store


# ------------------------------------------------------------------------------------------------
# The entry point


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
    con = _con(con)
    say = log or (lambda _m: None)
    report = Report()
    con.execute("BEGIN TRANSACTION")
    try:
        t0 = _now()
        if full:
            rules_text = _meta_safe(con, "alias_rules")
            _drop_all(con)
        table = ensure_tables(con)
        if full and rules_text is not None and aliases is None:
            _set_meta(con, "alias_rules", rules_text)
        if _meta(con, "claim_params") not in (None, claim_params.tag()) and not full:
            raise SaidwhatError("E110", "the store's claims were built with other MinHash settings "
                                        f"({_meta(con, 'claim_params')}); run `saidwhat link --full`")
        _set_meta(con, "claim_params", claim_params.tag())
        # the user's alias rules: given now, or kept from an earlier update
        stored_rules = _meta(con, "alias_rules")
        if aliases is not None:
            text = load_rules(aliases).source if aliases else ""
            rules = parse_rules(text, aliases or "alias file")
            rebuild = (stored_rules or "") != text and not full
            _set_meta(con, "alias_rules", text)
        else:
            rules = parse_rules(stored_rules or "", "stored alias rules")
            rebuild = False
        linked = {r[0] for r in con.execute("SELECT article_id FROM crossref_articles").fetchall()}
        if article_ids is None:
            order = con.execute("SELECT id FROM articles ORDER BY published NULLS LAST, id").fetchall()
            todo = [r[0] for r in order if r[0] not in linked]
        else:
            wanted = list(dict.fromkeys(article_ids))
            known = {r[0] for r in con.execute("SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                                               [wanted]).fetchall()}
            todo = [a for a in wanted if a in known and a not in linked]
        report.articles = len(todo)
        report.seconds["setup"] = _now() - t0
        waiting = con.execute("SELECT count(*) FROM crossref_articles WHERE NOT relations_done").fetchone()[0]
        if not todo and not rebuild and not (waiting and (detector or default_detector())):
            report.entities = con.execute("SELECT count(*) FROM entities").fetchone()[0]
            con.execute("COMMIT")
            return report  # nothing to do

        # 1. entities
        t0 = _now()
        if rebuild:
            report.rebuilt_entities = True
            for t in ("entities", "entity_aliases", "acronyms", "attribution_entities"):
                con.execute(f"DELETE FROM {t}")
            entity_articles = [r[0] for r in con.execute(
                "SELECT a.id FROM articles a JOIN crossref_articles c ON c.article_id = a.id "
                "ORDER BY a.published NULLS LAST, a.id").fetchall()] + todo
        else:
            entity_articles = todo
        reg = Registry(con, rules)
        for chunk in _chunks(entity_articles, 2000):
            _temp(con, "_link_articles", [("article_id", "VARCHAR")], [(a,) for a in chunk])
            texts = dict(con.execute("SELECT a.id, a.text FROM articles a JOIN _link_articles l "
                                     "ON l.article_id = a.id").fetchall())
            speakers: dict[str, list[tuple]] = {}
            for row in con.execute("SELECT s.article_id, s.id, s.name, s.role, s.affiliation, s.type, "
                                   "s.anonymous FROM speakers s JOIN _link_articles USING (article_id) "
                                   "ORDER BY s.article_id, s.id").fetchall():
                speakers.setdefault(row[0], []).append(row[1:])
            atts: dict[str, list[tuple]] = {}
            for row in con.execute("SELECT t.article_id, t.id, t.speaker_id, t.source_text FROM attributions t "
                                   "JOIN _link_articles USING (article_id) WHERE t.speaker_id IS NOT NULL "
                                   "ORDER BY t.article_id, t.id").fetchall():
                atts.setdefault(row[0], []).append(row[1:])
            for aid in chunk:
                link_entities(reg, aid, texts.get(aid, ""), speakers.get(aid, []), atts.get(aid, []))
        report.links = len(reg.links)
        reg.write()
        report.entities = len(reg.ents)
        report.seconds["entities"] = _now() - t0
        say(f"entities: {report.links:,} links, {report.entities:,} entities")

        # 2. claims
        t0 = _now()
        counter = _Counter(con, "next_claim_id",
                           lambda: con.execute("SELECT coalesce(max(id), 0) + 1 FROM claims").fetchone()[0])
        for chunk in _chunks(todo, 5000):
            stats = claims_mod.update_claims(con, chunk, claim_params, next_id=counter)
            for k, v in vars(stats).items():
                setattr(report.claims, k, getattr(report.claims, k) + v)
        counter.save()
        report.seconds["claims"] = _now() - t0
        say(f"claims: {report.claims.created:,} new, {report.claims.joined:,} attributions joined one")

        # 3. relations (statements indexed now; pairs compared where the detector is available)
        t0 = _now()
        detector = detector or default_detector()
        done_flag = detector is not None
        if detector is None:
            report.relations_skipped = "saidwhat.relate is not available"
        else:  # articles that waited for the detector first, then the new ones
            pending = [r[0] for r in con.execute(
                "SELECT article_id FROM crossref_articles WHERE NOT relations_done "
                "ORDER BY article_id").fetchall()]
            for chunk in _chunks(pending, CHUNK):
                _relate_pairs(con, _candidates(con, chunk, top_k), detector, nlp, table, report)
            if pending:
                con.execute("UPDATE crossref_articles SET relations_done = true WHERE NOT relations_done")
        # A chunk is indexed just before its candidates are looked up, so that it meets the
        # earlier chunks (and the store) but not the later ones: each pair is compared once, and
        # a recompute in chunks behaves like a sequence of incremental updates.
        for chunk in _chunks(todo, CHUNK):
            _index_statements(con, chunk)
            if detector is not None:
                _relate_pairs(con, _candidates(con, chunk, top_k), detector, nlp, table, report)
        _insert(con, "crossref_articles", ["VARCHAR", "BOOLEAN"], [(a, done_flag) for a in todo])
        report.seconds["relations"] = _now() - t0
        say(f"relations: {report.pairs:,} pairs compared, {report.relations:,} kept")
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - the connection may be gone
            pass
        raise
    return report


def _meta_safe(con: Any, key: str) -> str | None:
    """_meta, or None when there is no crossref_meta table yet (checked first: a failed statement
    would abort the transaction)."""
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                       "AND table_name = 'crossref_meta'").fetchone()[0]:
        return None
    return _meta(con, key)


class _Counter:
    """A persisted id counter (ids of merged-away claims are never given out again)."""

    def __init__(self, con: Any, key: str, start: Callable[[], int]) -> None:
        self.con, self.key = con, key
        stored = _meta(con, key)
        self.value = max(int(stored) if stored else 1, int(start()))

    def __call__(self) -> int:
        self.value += 1
        return self.value - 1

    def save(self) -> None:
        _set_meta(self.con, self.key, str(self.value))


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def linked(con: Any) -> bool:
    """Whether the store has a cross-article layer (``saidwhat link`` ran at least once)."""
    con = _con(con)
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                            "AND table_name = 'crossref_articles'").fetchone()[0])


def unlinked_count(con: Any) -> int:
    con = _con(con)
    if not linked(con):
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    return con.execute("SELECT count(*) FROM articles WHERE id NOT IN "
                       "(SELECT article_id FROM crossref_articles)").fetchone()[0]
