"""Cost of the cross-article layer: adding 100 articles to a linked store of 10,000, against
recomputing the layer for the whole store (issue 4, item 8).

The articles are synthetic (no spaCy extraction: records are built directly with known spans and
written with the store's own ``rows_for`` + ``Store.write``), but the linking is the real one:
entity matching, MinHash-LSH claims, and the real relation detector (``saidwhat.relate``, which
parses every statement it compares with spaCy) unless ``--detector stub``.

The corpus imitates a news stream: ~5 attributions an article from a pool of named people (full
name first, surname later), organisations (some introduced as "Name (ACR)"), countries and
anonymous officials; statements about a few hundred running stories, with contradicting variants
(negation, opposite verbs, other numbers) and wire copies of earlier quotes (10% of articles).

Steps, each timed: build the base store; link it all (``update(full=True)``, what a recompute
costs at 10,000); write 100 new articles; ``update()`` (incremental); recompute everything at
10,100 (``full=True``); compare the incremental result with the recompute.

Usage: ``python bench/crossref_incremental.py [--articles 10000] [--new 100] [--detector real|stub]
[--out bench/results/crossref_incremental.json]``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FIRST = ("Anna Boris Carla David Elena Farid Grace Hamid Irene Jonas Kemal Laura Marco Nadia Omar "
         "Paula Rashid Sofia Tomas Ursula Victor Wanda Yusuf Zara Alan Beatriz Chen Dmitri Esther "
         "Felix Gustavo Hana Ivan Julia Karim Lena Mateo Nina Oscar Priya").split()
LAST = ("Abbott Bianchi Castro Duval Eriksen Fischer Garcia Haddad Ivanova Jensen Kowalski Lindqvist "
        "Moreau Novak Okafor Petrov Quinn Rossi Schmidt Tanaka Ueda Varga Weber Xu Yilmaz Zhou "
        "Almeida Brennan Costa Dimitrov Ekwueme Ferrari Gruber Horvat Ibrahim Janssen Kaur Larsen "
        "Mendez Nakamura Olsen Pereira Reyes Santos Torres Umar Vogel Walsh Young Ziegler").split()
ROLES = ("spokesman", "spokeswoman", "minister", "senator", "mayor", "director", "governor", "analyst",
         "adviser", "lawyer")
ORG_WORDS = ("National Union Federation Council Alliance Committee Authority Agency Front League Bank "
             "Institute Association Movement Party Commission").split()
ORG_TOPICS = ("Dock Workers", "Farmers", "Teachers", "Energy", "Water", "Railways", "Health", "Ports",
              "Miners", "Nurses", "Pilots", "Journalists", "Steel", "Textiles", "Fisheries")
COUNTRIES = ("Iraq Iran Turkey Egypt Kenya Brazil Chile Norway Poland Japan India Ghana Peru Spain "
             "Greece Jordan Nepal Cuba Mali Oman").split()
PLACES = ("the northern bridge", "the central port", "the old refinery", "the border crossing",
          "the main airport", "the river dam", "the coal mine", "the city hospital", "the state bank",
          "the grain terminal", "the steel plant", "the rail depot", "the power station",
          "the fishing harbour", "the new stadium", "the university campus", "the water plant")
NOUNS = ("workers", "residents", "farmers", "pilots", "nurses", "miners", "students", "teachers",
         "drivers", "fishermen", "doctors", "traders")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


class Story:
    """A running story: a place, who it concerns, a number; statements agree or contradict."""

    def __init__(self, rnd: random.Random, i: int) -> None:
        self.place = rnd.choice(PLACES) + f" of {rnd.choice(COUNTRIES)} district {i}"
        self.noun = rnd.choice(NOUNS)
        self.n = rnd.randint(3, 90)
        self.month = rnd.choice(MONTHS)

    def statement(self, rnd: random.Random) -> str:
        p, g, n, m = self.place, self.noun, self.n, self.month
        return rnd.choice([
            f"{p} will reopen in {m} after the repairs are finished",
            f"{p} will not reopen in {m} because the repairs are not finished",
            f"{p} will close in {m} for at least a year",
            f"the {g} at {p} had been given written guarantees about their jobs",
            f"no guarantees had been given to the {g} at {p}",
            f"{n} {g} were injured in the accident at {p} last week",
            f"{n + rnd.randint(5, 40)} {g} were injured in the accident at {p} last week",
            f"the government approved the plan to expand {p}",
            f"the government rejected the plan to expand {p}",
            f"the {g} at {p} will receive a pay rise of {n} percent",
            f"the strike by the {g} at {p} is over",
            f"the strike by the {g} at {p} will continue until the demands are met",
        ])


class Corpus:
    def __init__(self, seed: int = 7, stories: int = 400) -> None:
        self.rnd = random.Random(seed)
        self.stories = [Story(self.rnd, i) for i in range(stories)]
        self.people = [(f, l) for f in FIRST for l in LAST]
        self.orgs = []
        for w in ORG_WORDS:
            for t in ORG_TOPICS:
                name = f"{w} of {t}" if self.rnd.random() < 0.5 else f"{t} {w}"
                acr = "".join(x[0] for x in name.split() if x[0].isupper())
                self.orgs.append((name, acr))
        self.quotes: list[str] = []  # earlier contents, for wire copies

    def article(self, i: int, day0: dt.date) -> tuple[str, str, list[dict]]:
        """(text, published, attributions as dicts with spans)."""
        rnd = self.rnd
        published = (day0 + dt.timedelta(days=i // 30)).isoformat()
        story = rnd.choice(self.stories)
        parts: list[str] = []
        atts: list[dict] = []
        pos = 0
        seen_people: dict[tuple[str, str], str] = {}
        speakers: list[dict] = []

        def add(sentence: str, source: str, cue: str, content: str, speaker: dict, said: str | None) -> None:
            nonlocal pos
            start = pos
            s = start + sentence.index(source)
            c = start + sentence.index(cue, s - start + len(source))
            b = start + sentence.index(content)
            atts.append({"source": (s, s + len(source)), "cue": (c, c + len(cue)),
                         "content": (b, b + len(content)), "speaker": speaker["id"], "said": said})
            speaker["mentions"].append((s, s + len(source)))
            parts.append(sentence)
            pos += len(sentence) + 1

        for k in range(rnd.randint(3, 7)):
            if self.quotes and rnd.random() < 0.05:
                content = rnd.choice(self.quotes[-3000:])  # a wire copy of an earlier quote
            else:
                content = story.statement(rnd)
                self.quotes.append(content)
            kind = rnd.random()
            said = rnd.choice(WEEKDAYS) if rnd.random() < 0.3 else None
            when = f" on {said}" if said else ""
            if kind < 0.5:
                person = rnd.choice(self.people[:600]) if rnd.random() < 0.7 else rnd.choice(self.people)
                if person in seen_people:
                    sp = next(x for x in speakers if x["id"] == seen_people[person])
                    source = person[1]
                else:
                    role = rnd.choice(ROLES)
                    sp = {"id": f"s{len(speakers) + 1}", "name": f"{person[0]} {person[1]}", "role": role,
                          "type": "person", "anonymous": False, "mentions": []}
                    speakers.append(sp)
                    seen_people[person] = sp["id"]
                    source = f"{person[0]} {person[1]}"
                    if rnd.random() < 0.5:
                        source = f"a {role}, {person[0]} {person[1]}"
                sentence = f"{source[0].upper()}{source[1:]} said{when} that {content}."
            elif kind < 0.7:
                name, acr = rnd.choice(self.orgs)
                source = rnd.choice([f"the {name} ({acr})", f"the {acr}", f"the {name}"])
                shown = name if "(" in source or source == f"the {name}" else acr
                sp = {"id": f"s{len(speakers) + 1}", "name": shown, "role": None, "type": "organization",
                      "anonymous": False, "mentions": []}
                speakers.append(sp)
                sentence = f"{source[0].upper()}{source[1:]} said{when} that {content}."
            elif kind < 0.85:
                source = rnd.choice(["an official", "a senior official", "a source close to the talks"])
                sp = {"id": f"s{len(speakers) + 1}", "name": None, "role": "official", "type": "anonymous",
                      "anonymous": True, "mentions": []}
                speakers.append(sp)
                sentence = (f"{source[0].upper()}{source[1:]}, speaking on condition of anonymity, said"
                            f"{when} that {content}.")
            else:
                country = rnd.choice(COUNTRIES)
                source = country
                sp = {"id": f"s{len(speakers) + 1}", "name": country, "role": None, "type": "country",
                      "anonymous": False, "mentions": []}
                speakers.append(sp)
                sentence = f"{country} said{when} that {content}."
            add(sentence, source if sentence.startswith(source) else source[0].upper() + source[1:],
                "said", content, sp, said)
        return " ".join(parts), published, atts, speakers


def records(corpus: Corpus, start: int, n: int, day0: dt.date):
    """(Doc, Record) pairs built without spaCy."""
    from saidwhat import readers
    from saidwhat.text.dates import parse_published, resolve
    from saidwhat.record import Article, Attribution, Cue, Record, Role, SaidOn, Source, Speaker

    for i in range(start, start + n):
        text, published, atts, speakers = corpus.article(i, day0)
        text = f"Story {i}. " + text
        shift = len(f"Story {i}. ")
        aid = readers.article_id(text, f"https://site{i % 40}.example/{i}")
        article = Article(id=aid, text=text, title=f"Story {i}", url=f"https://site{i % 40}.example/{i}",
                          site=f"site{i % 40}.example", published=published)
        out_atts = []
        for k, a in enumerate(atts):
            s0, s1 = (x + shift for x in a["source"])
            c0, c1 = (x + shift for x in a["cue"])
            b0, b1 = (x + shift for x in a["content"])
            said = None
            if a["said"]:
                j = text.index(a["said"], c0)
                date, certainty = resolve(a["said"], parse_published(published))
                said = SaidOn(a["said"], ((j, j + len(a["said"])),), date, certainty)
            out_atts.append(Attribution(f"a{k + 1}", "indirect", Source(((s0, s1),), text[s0:s1], a["speaker"]),
                                        Cue(((c0, c1),), "said", "say", "neutral"), Role.of(text, [(b0, b1)]),
                                        said_on=said, confidence=0.9))
        sps = tuple(Speaker(s["id"], s["name"], s["role"], None, s["type"], s["anonymous"],
                            tuple((x + shift, y + shift) for x, y in s["mentions"])) for s in speakers)
        unit = readers.Unit(f"synthetic:{i}", "synthetic", "line")
        yield readers.Doc(unit, article, None, None, "input"), Record(article, tuple(out_atts), sps)


def write(db: str, corpus: Corpus, start: int, n: int, day0: dt.date) -> list[str]:
    from saidwhat.store import Outcome, open_store, rows_for

    ids: list[str] = []
    batch: list = []
    with open_store(db) as store:
        for doc, record in records(corpus, start, n, day0):
            ids.append(doc.article.id)
            batch.append(Outcome(doc.unit.id, doc.unit.source, doc.unit.kind, "ok", None, doc.article.id,
                                 rows_for(doc, record)))
            if len(batch) >= 1000:
                store.write(batch)
                batch = []
        store.write(batch)
    return ids


def stub_detector(pairs, nlp=None):
    """A cheap stand-in (negation words differ -> disputes): the layer's own cost without spaCy."""
    from types import SimpleNamespace

    neg = {"not", "no", "never", "rejected"}
    out = []
    for p in pairs:
        a, b = set(p["a"].lower().split()), set(p["b"].lower().split())
        label = "disputes" if bool(a & neg) != bool(b & neg) else "unrelated"
        out.append(SimpleNamespace(label=label, score=0.8, evidence=({"a": [], "b": [], "why": "stub"},)))
    return out


def layer(db: str) -> dict:
    from saidwhat.crossref import relations_table
    from saidwhat.store import open_store

    with open_store(db, read_only=True) as s:
        c = s.con
        table = relations_table(c, create=False)
        return {
            "entity_links": set(c.execute("SELECT e.name, x.article_id, x.attribution_id FROM attribution_entities x "
                                          "JOIN entities e ON e.id = x.entity_id").fetchall()),
            "claims": {frozenset(map(tuple, m)) for (m,) in c.execute(
                "SELECT list([article_id, attribution_id]) FROM claim_members GROUP BY claim_id").fetchall()},
            "relations": set(c.execute(f"SELECT article_id_from, attribution_from, article_id_to, attribution_to, "
                                       f"type FROM {table}").fetchall()),
            "counts": {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                       for t in ("entities", "attribution_entities", "claims", "claim_members", table)},
        }


def agreement(a: set, b: set) -> dict:
    union = a | b
    return {"incremental": len(a), "recompute": len(b), "common": len(a & b),
            "jaccard": round(len(a & b) / len(union), 4) if union else 1.0}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--new", type=int, default=100)
    ap.add_argument("--detector", choices=("real", "stub"), default="real")
    ap.add_argument("--skip-final-recompute", action="store_true",
                    help="do not recompute the whole store after the increment (saves time)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "crossref_incremental.json"))
    args = ap.parse_args()

    from saidwhat import crossref
    from saidwhat.store import open_store

    def log(message: str) -> None:
        print(f"  {message}", file=sys.stderr, flush=True)

    detector = stub_detector if args.detector == "stub" else None
    nlp = None
    if detector is None:
        from saidwhat.engine.model import load_base
        nlp = load_base()
        list(nlp.pipe(["Warm up the parser."]))
    corpus = Corpus()
    day0 = dt.date(2015, 1, 1)
    result: dict = {"articles": args.articles, "new": args.new, "detector": args.detector,
                    "python": platform.python_version(), "cpus": os.cpu_count(),
                    "duckdb": __import__("duckdb").__version__}
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.duckdb")
        t = time.perf_counter()
        write(db, corpus, 0, args.articles, day0)
        result["build_base_s"] = round(time.perf_counter() - t, 2)
        with open_store(db) as s:
            result["base_attributions"] = s.con.execute("SELECT count(*) FROM attributions").fetchone()[0]
            t, cpu = time.perf_counter(), time.process_time()
            rep = crossref.update(s.con, full=True, detector=detector, nlp=nlp, log=log)
            result["recompute_base_s"] = round(time.perf_counter() - t, 2)
            result["recompute_base_cpu_s"] = round(time.process_time() - cpu, 2)
            result["recompute_base"] = rep.to_dict()
        print(f"base {args.articles:,} articles linked from scratch in {result['recompute_base_s']} s",
              file=sys.stderr)
        t = time.perf_counter()
        write(db, corpus, args.articles, args.new, day0)
        result["write_new_s"] = round(time.perf_counter() - t, 2)
        with open_store(db) as s:
            t, cpu = time.perf_counter(), time.process_time()
            rep = crossref.update(s.con, detector=detector, nlp=nlp, log=log)
            result["incremental_s"] = round(time.perf_counter() - t, 2)
            result["incremental_cpu_s"] = round(time.process_time() - cpu, 2)
            result["incremental"] = rep.to_dict()
        print(f"+{args.new} articles linked incrementally in {result['incremental_s']} s", file=sys.stderr)
        if not args.skip_final_recompute:
            incremental = layer(db)
            with open_store(db) as s:
                t, cpu = time.perf_counter(), time.process_time()
                rep = crossref.update(s.con, full=True, detector=detector, nlp=nlp, log=log)
                result["recompute_all_s"] = round(time.perf_counter() - t, 2)
                result["recompute_all_cpu_s"] = round(time.process_time() - cpu, 2)
                result["recompute_all"] = rep.to_dict()
            recomputed = layer(db)
            result["agreement"] = {k: agreement(incremental[k], recomputed[k])
                                   for k in ("entity_links", "claims", "relations")}
            result["counts"] = recomputed["counts"]
            result["speedup"] = round(result["recompute_all_s"] / max(result["incremental_s"], 1e-9), 1)
            result["speedup_cpu"] = round(result["recompute_all_cpu_s"] / max(result["incremental_cpu_s"], 1e-9), 1)
            print(f"recompute of all {args.articles + args.new:,}: {result['recompute_all_s']} s "
                  f"(incremental is {result['speedup']}x faster)", file=sys.stderr)
        result["db_mb"] = round(os.path.getsize(db) / 1e6, 1)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
