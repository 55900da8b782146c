"""Words per second of the whole saidwhat pipeline against the bare spaCy parse, same texts, one run.

    python bench/speed.py --shared ../shared [--rounds 2] [--limit 84]

Both are measured in this process, after a warm-up, alternating rounds so that machine noise hits
both alike; the figure reported is each side's best round. Peak memory is the process's maximum
resident set size at the end. Results go to stdout and bench/results/speed.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import sys
import time
from pathlib import Path

from saidwhat.engine.extraction import Article, Pipeline
from saidwhat.engine.model import load_base


def words(texts: list[str]) -> int:
    return sum(len(re.findall(r"\S+", t)) for t in texts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("SAIDWHAT_SHARED", "../shared"))
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--limit", type=int, default=84)
    args = ap.parse_args()
    dev = Path(args.shared) / "eval" / "polnear" / "dev.jsonl"
    if not dev.exists():
        print(f"benchmark skipped: {dev} not found (set --shared or SAIDWHAT_SHARED)")
        return 0
    texts = [json.loads(l)["text"] for l in dev.open(encoding="utf-8")][: args.limit]
    n_words = words(texts)
    bare = load_base()
    full = Pipeline()
    articles = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    for doc in bare.pipe(texts[:5]):  # warm-up
        pass
    list(full.pipe(articles[:5]))
    best = {"bare": 0.0, "saidwhat": 0.0}
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for _doc in bare.pipe(texts, batch_size=16):
            pass
        best["bare"] = max(best["bare"], n_words / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        for _rec in full.pipe(articles):
            pass
        best["saidwhat"] = max(best["saidwhat"], n_words / (time.perf_counter() - t0))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "texts": len(texts), "words": n_words,
        "bare_spacy_words_per_s": round(best["bare"]), "saidwhat_words_per_s": round(best["saidwhat"]),
        "ratio": round(best["saidwhat"] / best["bare"], 3), "peak_rss_mb": round(peak_mb),
        "python": platform.python_version(), "cpu_count": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / "speed.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
