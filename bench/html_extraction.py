"""How close is the main text we store to the text people marked? (issue 3, item 11)

Reads ``<shared>/eval/html-articles`` (181 real pages, gzipped, with ``articleBody`` in
``ground-truth.json``), runs each page through the same reader the ingest uses, and prints
token-level precision / recall / F1 (whitespace tokens, bag of words, as in the evaluation of
scrapinghub/article-extraction-benchmark) against ``articleBody``:

* over the pages stored as articles (English, long enough), and
* over every page with the language filter off, so that non-English pages count too.

Every page must end as ok or skipped with a reason; the script prints each skip and exits 1 if a
page ends any other way. Usage: ``python bench/html_extraction.py [--shared DIR] [--worst N]``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from saidwhat import readers  # noqa: E402


def token_prf(pred: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-tokens precision, recall and F1 (1.0 each when both are empty)."""
    p, g = Counter(pred.split()), Counter(gold.split())
    if not p and not g:
        return 1.0, 1.0, 1.0
    if not p or not g:
        return 0.0, 0.0, 0.0
    common = sum((p & g).values())
    precision, recall = common / sum(p.values()), common / sum(g.values())
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def default_shared() -> Path:
    here = Path(__file__).resolve().parents[1]
    return Path(os.environ.get("SAIDWHAT_SHARED", here.parent / "shared"))


def evaluate(root: Path, options: readers.Options) -> list[dict]:
    """One row per page: its status, reason and scores (scores None when nothing was stored)."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    rows = []
    for key in sorted(truth):
        path = root / "html" / f"{key}.html.gz"
        results = [readers.prepare(u, options) for u in readers.iter_units([str(path)], options)]
        result = results[0]
        row = {"key": key, "status": "ok", "reason": None, "p": None, "r": None, "f1": None}
        if isinstance(result, readers.Skip):
            row.update(status=result.status, reason=result.reason)
        else:
            row["p"], row["r"], row["f1"] = token_prf(result.article.text, truth[key]["articleBody"])
        rows.append(row)
    return rows


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=default_shared())
    parser.add_argument("--worst", type=int, default=8, help="list the N lowest-F1 pages")
    args = parser.parse_args(argv)
    root = args.shared / "eval" / "html-articles"
    if not (root / "ground-truth.json").exists():
        print(f"html-articles not found under {args.shared} (set --shared or SAIDWHAT_SHARED)",
              file=sys.stderr)
        return 2
    start = time.perf_counter()
    stored = evaluate(root, readers.Options())
    every = evaluate(root, readers.Options(languages=()))
    seconds = time.perf_counter() - start
    ok = [r for r in stored if r["status"] == "ok"]
    bad = [r for r in stored if r["status"] != "ok" and not (r["status"] == "skipped" and r["reason"])]
    for r in stored:
        if r["status"] != "ok":
            print(f"{r['status']:8} {r['reason']:24} {r['key']}")
    scored = [r for r in every if r["f1"] is not None]
    print(f"pages {len(stored)}: ok {len(ok)}, skipped {sum(r['status'] == 'skipped' for r in stored)},"
          f" failed {sum(r['status'] == 'failed' for r in stored)} ({seconds:.1f} s for both passes)")
    for name, rows in (("stored (English) pages", ok), ("all pages, any language", scored)):
        print(f"{name:26} n={len(rows):3}  P {mean([r['p'] for r in rows]):.3f}"
              f"  R {mean([r['r'] for r in rows]):.3f}  F1 {mean([r['f1'] for r in rows]):.3f}")
    print(f"mean F1 (stored pages): {mean([r['f1'] for r in ok]):.3f}")
    for r in sorted(ok, key=lambda r: r["f1"])[:args.worst]:
        print(f"  low: F1 {r['f1']:.2f} P {r['p']:.2f} R {r['r']:.2f} {r['key']}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
