"""The user alias file: the user's decisions on identity (these names are one entity; these are
never one), read from TOML and kept in the store so that later updates apply them too."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import Any

from saidwhat.crossref.names import norm, strip_title
from saidwhat.errors import SaidwhatError

ENTITY_TYPES = ("person", "organization", "country", "group", "unknown")


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


def _names_of(entry: Any, origin: str, *fields: str) -> list[str]:
    """The names under ``fields`` of one [[merge]] or [[split]] table (a string or a list)."""
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


def _add_merge(rules: Rules, entry: Any, origin: str) -> None:
    names = _names_of(entry, origin, "name", "aliases", "names")
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


def _add_split(rules: Rules, entry: Any, origin: str) -> None:
    names = _names_of(entry, origin, "names", "name")
    keys = sorted({norm(strip_title(n)[0]) for n in names})
    if len(keys) == 1:
        rules.ambiguous.add(keys[0])
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            rules.blocked.add(frozenset((a, b)))


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
    for entry in data.get("merge", []):
        _add_merge(rules, entry, origin)
    for entry in data.get("split", []):
        _add_split(rules, entry, origin)
    return rules


def load_rules(path: str) -> Rules:
    """Rules from an alias file on disk; SaidwhatError E011 when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as f:
            return parse_rules(f.read(), path)
    except OSError as exc:
        raise SaidwhatError("E011", f"{path}: {exc.strerror or exc}") from None
