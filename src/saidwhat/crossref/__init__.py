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

The package by job: :mod:`~saidwhat.crossref.names` (matching keys, titles, acronyms),
:mod:`~saidwhat.crossref.aliases` (the user alias file), :mod:`~saidwhat.crossref.registry` and
:mod:`~saidwhat.crossref.entities` (who is who), :mod:`~saidwhat.crossref.claims` and
:mod:`~saidwhat.crossref.bands` (MinHash-LSH claims), :mod:`~saidwhat.crossref.statements`,
:mod:`~saidwhat.crossref.pairs` and :mod:`~saidwhat.crossref.relations` (who disputes whom),
:mod:`~saidwhat.crossref.tables` (DDL and metadata), :mod:`~saidwhat.crossref.link` (:func:`update`)
and :mod:`~saidwhat.crossref.queries` (reading it back). This module only re-exports the names
other code uses; modules inside the package import each other, never this face.
"""
from __future__ import annotations

from saidwhat.crossref import claims as claims_mod
from saidwhat.crossref.aliases import ENTITY_TYPES, Rules, load_rules, parse_rules
from saidwhat.crossref.entities import link_entities
from saidwhat.crossref.link import CHUNK, Report, update
from saidwhat.crossref.names import (CONNECTORS, HONORIFICS, NOT_FIRST_NAMES, ROLE_TITLES, SUFFIXES,
                                     acronym_fits, find_acronyms, is_acronym, norm, strip_title, surname)
from saidwhat.crossref.pairs import MAX_DF_SHARE, MIN_DF_CAP, MIN_SHARED, TOP_K
from saidwhat.crossref.registry import Ent, Mention, Registry
from saidwhat.crossref.relations import BATCH, MIN_SCORE, default_detector
from saidwhat.crossref.statements import MAX_STATEMENT, STOP, statement_of, terms
from saidwhat.crossref.tables import (CROSS_RELATIONS, DDL, OWN_TABLES, RELATION_COLUMNS, RELATIONS,
                                      ensure_tables, linked, relations_table, unlinked_count)

__all__ = [
    "BATCH", "CHUNK", "CONNECTORS", "CROSS_RELATIONS", "DDL", "ENTITY_TYPES", "Ent", "HONORIFICS", "MAX_DF_SHARE",
    "MAX_STATEMENT", "MIN_DF_CAP", "MIN_SCORE", "MIN_SHARED", "Mention", "NOT_FIRST_NAMES", "OWN_TABLES",
    "RELATIONS", "RELATION_COLUMNS", "ROLE_TITLES", "Registry", "Report", "Rules", "STOP", "SUFFIXES",
    "TOP_K", "acronym_fits", "claims_mod", "default_detector", "ensure_tables", "find_acronyms",
    "is_acronym", "link_entities", "linked", "load_rules", "norm", "parse_rules", "relations_table",
    "statement_of", "strip_title", "surname", "terms", "unlinked_count", "update",
]
