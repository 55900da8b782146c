"""Words per second of both saidwhat engines against the bare spaCy parse, same texts, one run.

    python bench/speed.py --shared ../shared [--rounds 2] [--limit 84]

All three (bare parse, ``--engine learned``, ``--engine fast``) are measured in this process,
after a warm-up, alternating rounds so that machine noise hits them alike; the figure reported is
each one's best round. Floors (issue 10): learned ≥ 0.5× bare, fast ≥ 0.85×, peak ≤ 1.5 GB. Peak memory is the process's maximum
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

from saidwhat.cli.main import keep_torch_out  # noqa: E402

keep_torch_out()  # as the command line does: what a user's `saidwhat extract` loads

from saidwhat.engine.extraction import Article, Pipeline  # noqa: E402
from saidwhat.engine.model import load_base  # noqa: E402


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
    engines = {name: Pipeline(engine=name) for name in ("learned", "fast")}
    articles = [Article(id=str(i), text=t) for i, t in enumerate(texts)]
    for doc in bare.pipe(texts[:5]):  # warm-up
        pass
    for pipeline in engines.values():
        list(pipeline.pipe(articles[:5]))
    best = {"bare": 0.0, **{name: 0.0 for name in engines}}
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for _doc in bare.pipe(texts, batch_size=16):
            pass
        best["bare"] = max(best["bare"], n_words / (time.perf_counter() - t0))
        for name, pipeline in engines.items():
            t0 = time.perf_counter()
            for _rec in pipeline.pipe(articles):
                pass
            best[name] = max(best[name], n_words / (time.perf_counter() - t0))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "texts": len(texts), "words": n_words, "bare_spacy_words_per_s": round(best["bare"]),
        **{f"{name}_words_per_s": round(best[name]) for name in engines},
        **{f"{name}_ratio": round(best[name] / best["bare"], 3) for name in engines},
        "peak_rss_mb": round(peak_mb), "torch_imported": sys.modules.get("torch") is not None,
        "python": platform.python_version(), "cpu_count": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / "speed.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
