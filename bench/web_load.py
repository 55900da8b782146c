"""Load benchmark of the web app (issue 5, item 9): requests per second and p50/p99 latency of the
article view and the HTTP API, on a synthetic store of 10,000 articles, against 127.0.0.1.

1. Builds the store quickly without the model: articles are generated from sentence templates
   with their attribution spans known by construction (sources, cues, contents, said_on, speakers
   named and anonymous, unattributed sentences, in-article disputes) and inserted column-wise with
   DuckDB into a store created by ``saidwhat.store.open_store`` (so the schema is the real one).
2. Starts ``saidwhat.web.app.create_app`` under uvicorn in a separate process on 127.0.0.1 (one
   worker, the way ``saidwhat serve`` runs).
3. For each endpoint, runs ``--clients`` client threads for ``--seconds`` seconds, each with its
   own keep-alive HTTP/1.1 connection (``http.client``), requesting random articles/pages, and
   reports requests/s, p50, p90 and p99 latency and errors.

Usage: ``python bench/web_load.py [--articles 10000] [--clients 8] [--seconds 8] [--json OUT]``.
The client and the server share the machine: on a small one the figures are a floor.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FIRST = ["Ana", "Tom", "Jane", "Omar", "Li", "Maria", "Peter", "Aisha", "Kofi", "Elena", "Raj", "Sara",
         "Ivan", "Nina", "Hugo", "Mei", "Carlos", "Fatima", "John", "Yuki"]
LAST = ["Ruiz", "Blake", "Doe", "Haddad", "Wei", "Santos", "Novak", "Khan", "Mensah", "Petrova",
        "Patel", "Cohen", "Ivanov", "Berg", "Moreau", "Chen", "Garcia", "Aziz", "Smith", "Tanaka"]
ROLES = ["spokesman", "spokeswoman", "minister", "mayor", "director", "union leader", "analyst",
         "professor", "chief executive", "senator"]
ORGS = ["the Ministry of Transport", "the Harbour Authority", "the city council", "the union",
        "the central bank", "Acme Shipping", "the World Bank", "the police", "the university",
        "the port workers' association", "the opposition party", "the health agency"]
SITES = [f"{w} {k}" for w in ("Coast", "Harbour", "Daily", "Evening", "Northern") for k in
         ("Herald", "Times", "Post", "News")]
CLAUSES = ["the harbour would reopen next month", "the budget had been cut by a third",
           "the inspectors had found serious safety problems", "the talks would resume on Monday",
           "prices would keep rising through the winter", "the new rules were unnecessary",
           "the workers had been treated unfairly", "the report was based on old figures",
           "the government had ignored the warnings", "the strike was costing millions every day",
           "the bridge was safe to use", "no decision had been taken yet"]
QUOTES = ["We will appeal", "This is about safety", "Nobody was consulted", "We stand by the figures",
          "The decision is final", "We were never told", "It is too early to say",
          "Our members are ready to strike"]
FACTS = ["The strike began in May and has spread to three ports.",
         "The harbour handles about a fifth of the country's exports.",
         "Talks broke down last week after a night of negotiations.",
         "The agency was set up in 2009 to oversee the ports.",
         "Ships have been queuing outside the harbour for days."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


# ------------------------------------------------------------------------------------------------
# The synthetic store


class Text:
    """Builds an article text and remembers where each added piece starts and ends."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0

    def add(self, piece: str) -> tuple[int, int]:
        start = self.n
        self.parts.append(piece)
        self.n += len(piece)
        return start, self.n

    def value(self) -> str:
        return "".join(self.parts)


def make_article(rng: random.Random, i: int, start: dt.date) -> dict[str, list[tuple]]:
    """One article's rows for every table, spans correct by construction."""
    aid = f"{i:016x}"
    site = rng.choice(SITES)
    published = start + dt.timedelta(days=rng.randrange(5 * 365))
    t = Text()
    attributions, speakers, unattributed, relations = [], [], [], []

    def speaker(name, role, affiliation, typ, anonymous, span):
        sid = f"s{len(speakers) + 1}"
        speakers.append((aid, sid, name, role, affiliation, typ, anonymous, [list(span)]))
        return sid

    def attribution(kind, src, sid, cue, lemma, stance, content, when=None):
        n = len(attributions) + 1
        said = (published.isoformat(), "on " + when[0], [list(when[1])], "inferred") if when else (None, None, None, None)
        text = t.value()
        attributions.append((aid, f"a{n}", kind, text[src[0]:src[1]] if src else None,
                             [list(src)] if src else None, sid, text[cue[0]:cue[1]], [list(cue)],
                             lemma, stance, text[content[0]:content[1]], [list(content)], None, None,
                             *said, round(rng.uniform(0.6, 0.99), 3)))
        return f"a{n}"

    for _ in range(rng.randint(5, 8)):
        pick = rng.random()
        if pick < 0.3:
            name, role, org = f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(ROLES), rng.choice(ORGS)
            src = t.add(f"{name}, the {role} of {org}")
            t.add(", ")
            cue = t.add("said")
            t.add(" on ")
            day = rng.choice(WEEKDAYS)
            when = (day, t.add(day))
            t.add(" ")
            content = t.add(f"that {rng.choice(CLAUSES)}")
            t.add(". ")
            sid = speaker(name, role, org.replace("the ", ""), "person", False, src)
            attribution("indirect", src, sid, cue, "say", "neutral", content, when)
        elif pick < 0.55:
            t.add("\u201c")
            content = t.add(rng.choice(QUOTES))
            t.add(",\u201d ")
            cue = t.add("said")
            t.add(" ")
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            src = t.add(name)
            t.add(". ")
            sid = speaker(name, None, None, "person", False, src)
            attribution("direct", src, sid, cue, "say", "neutral", content)
        elif pick < 0.75:
            src = t.add("A senior official")
            t.add(", speaking on condition of anonymity, ")
            cue = t.add("said")
            t.add(" ")
            content = t.add(rng.choice(CLAUSES))
            t.add(". ")
            sid = speaker(None, "official", None, "anonymous", True, src)
            attribution("indirect", src, sid, cue, "say", "neutral", content)
        elif pick < 0.9 and attributions:
            org = rng.choice(ORGS)
            src = t.add(org[0].upper() + org[1:])
            t.add(" ")
            cue = t.add("denied")
            t.add(" ")
            content = t.add(f"that {rng.choice(CLAUSES)}")
            t.add(". ")
            sid = speaker(org.replace("the ", ""), None, None, "organization", False, src)
            target = attributions[-1][1]
            new = attribution("indirect", src, sid, cue, "deny", "denial", content)
            relations.append((aid, len(relations), "denies", new, target, [list(cue)], 0.7))
        else:
            span = t.add(rng.choice(FACTS))
            t.add(" ")
            unattributed.append((aid, len(unattributed), t.value()[span[0]:span[1]], [list(span)]))
        if rng.random() < 0.35:
            t.add("\n\n")
    text = t.value()
    title = f"{rng.choice(CLAUSES).capitalize()} ({i})"
    article = (aid, f"https://{site.lower().replace(' ', '')}.example/{i}", title, site, None,
               published, "input", "en", None, f"/bench/{i}.txt", len(text), text)
    log = (f"/bench/{i}.txt", f"/bench/{i}.txt", "file", "ok", None, aid)
    return {"articles": [article], "attributions": attributions, "speakers": speakers,
            "unattributed": unattributed, "relations": relations, "ingest_log": [log]}


def build_store(path: Path, n: int, seed: int = 5) -> dict[str, object]:
    import duckdb

    from saidwhat.store import SCHEMA, open_store

    t0 = time.perf_counter()
    with open_store(str(path)):  # the real schema, meta table included
        pass
    rng = random.Random(seed)
    start = dt.date(2020, 1, 1)
    tables: dict[str, list[tuple]] = {t: [] for t in ("articles", "attributions", "speakers",
                                                      "unattributed", "relations", "ingest_log")}
    for i in range(n):
        for table, rows in make_article(rng, i, start).items():
            tables[table].extend(rows)
    con = duckdb.connect(str(path))
    for table, rows in tables.items():
        columns = SCHEMA[table]
        types = [c[1].replace(" PRIMARY KEY", "").replace(" NOT NULL", "") for c in columns]
        values = [list(col) for col in zip(*rows)]
        select = ", ".join(f"unnest(${k + 1}::{typ}[])" for k, typ in enumerate(types))
        con.execute(f"INSERT INTO {table} SELECT {select}", values)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    con.close()
    names = sorted({r[2] for r in tables["speakers"] if r[2]})
    return {"seconds": round(time.perf_counter() - t0, 2), "counts": counts,
            "ids": [r[0] for r in tables["articles"]], "names": names,
            "bytes": os.path.getsize(path)}


# ------------------------------------------------------------------------------------------------
# Server and clients


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    code = ("import sys, uvicorn; from saidwhat.web.app import create_app; "
            "uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]), "
            "log_level='warning', access_log=False)")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), str(port)], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/status")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
    proc.kill()
    raise SystemExit("the server did not start within 60 s")


def run_load(port: int, paths, clients: int, seconds: float, warmup: float = 1.0) -> dict[str, object]:
    """``clients`` threads, each on its own keep-alive connection, for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    nbytes = [0] * clients
    start_at = time.monotonic() + warmup
    stop_at = start_at + seconds

    def worker(k: int) -> None:
        rng = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            now = time.monotonic()
            if now >= stop_at:
                break
            path = paths(rng)
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "text/html,application/json"})
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok, body = False, b""
            elapsed = time.perf_counter() - t0
            if now >= start_at:  # requests during the warm-up are not counted
                latencies[k].append(elapsed)
                nbytes[k] += len(body)
                if not ok:
                    errors[k] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    lat = sorted(x for per in latencies for x in per)
    n = len(lat)

    def pct(q: float) -> float:
        return round(1000 * lat[min(n - 1, int(q * (n - 1) + 0.5))], 2) if n else float("nan")

    return {"requests": n, "errors": sum(errors), "rps": round(n / seconds, 1),
            "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99),
            "mean_ms": round(1000 * sum(lat) / n, 2) if n else float("nan"),
            "kb_per_response": round(sum(nbytes) / max(1, n) / 1024, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent client connections")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per endpoint")
    parser.add_argument("--db", help="keep the synthetic store at this path (default: a temp dir)")
    parser.add_argument("--json", help="also write the results as JSON to this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "bench.duckdb"
        if db.exists():
            db.unlink()
        built = build_store(db, args.articles)
        ids, names = built.pop("ids"), built.pop("names")
        print(f"store: {args.articles:,} articles, {built['counts']['attributions']:,} attributions, "
              f"{built['bytes'] / 1e6:.1f} MB, built in {built['seconds']} s", file=sys.stderr)
        port = free_port()
        server = start_server(db, port)
        try:
            pages = max(1, args.articles // 50)
            scenarios = {
                "article view (HTML) /articles/{id}": lambda r: f"/articles/{r.choice(ids)}",
                "API article /api/articles/{id}": lambda r: f"/api/articles/{r.choice(ids)}",
                "API list /api/articles?limit=50&offset=N": lambda r: "/api/articles?" + urlencode(
                    {"limit": 50, "offset": 50 * r.randrange(pages)}),
                "API attributions ?speaker=NAME&limit=20": lambda r: "/api/attributions?" + urlencode(
                    {"speaker": r.choice(names), "limit": 20}),
                "API search /api/articles?q=WORD&limit=20": lambda r: "/api/articles?" + urlencode(
                    {"q": r.choice(LAST), "limit": 20}),
                "overview (HTML, cached) /": lambda r: "/",
            }
            results = {}
            for name, paths in scenarios.items():
                results[name] = run_load(port, paths, args.clients, args.seconds)
                res = results[name]
                print(f"{name:45s} {res['rps']:8.1f} req/s  p50 {res['p50_ms']:7.2f} ms  "
                      f"p90 {res['p90_ms']:7.2f} ms  p99 {res['p99_ms']:7.2f} ms  "
                      f"errors {res['errors']}  {res['kb_per_response']} KB", file=sys.stderr)
        finally:
            server.terminate()
            server.wait(10)
        out = {"articles": args.articles, "clients": args.clients, "seconds": args.seconds,
               "cpus": os.cpu_count(), "python": sys.version.split()[0], "store": built,
               "results": results}
        print(json.dumps(out, indent=2))
        if args.json:
            Path(args.json).write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
