"""Ingest throughput: HTML pages -> store with 1 and 2 workers, against extraction alone (issue 3, item 13).

Measures, on the real pages of ``<shared>/eval/html-articles`` (repeated ``--repeat`` times):

* extraction only: ``Pipeline.pipe`` over the already extracted article texts, model loaded,
  in this process - the ceiling that ingest overheads (HTML parsing, language detection,
  IPC, DuckDB writes) are compared with;
* ``saidwhat ingest`` with 1 and 2 worker processes, each run in a fresh subprocess from start to
  end (model loads included, as a user sees it): pages/s, articles/s, and the peak RSS of the
  largest process (the parent or any worker);
* the ratio of ingest articles/s to extraction-only articles/s.

Usage: ``python bench/ingest_speed.py [--shared DIR] [--repeat N] [--workers 1 2]``.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def pages_dir(shared: Path, repeat: int, tmp: Path) -> Path:
    """The pages, copied ``repeat`` times (copies of a page are processed fully, stored once)."""
    source = shared / "eval" / "html-articles" / "html"
    if repeat == 1:
        return source
    target = tmp / "pages"
    for r in range(repeat):
        shutil.copytree(source, target / f"copy{r}")
    return target


def extraction_only(pages: Path) -> dict:
    from saidwhat import Pipeline, readers

    articles = [d.article for d in readers.read([str(pages)]) if isinstance(d, readers.Doc)]
    pipeline = Pipeline()
    list(pipeline.pipe(articles[:2]))  # warm up
    start = time.perf_counter()
    n = sum(1 for _ in pipeline.pipe(articles))
    seconds = time.perf_counter() - start
    return {"articles": n, "seconds": seconds, "articles_per_s": n / seconds,
            "chars": sum(len(a.text) for a in articles)}


def one_run(pages: str, db: str, workers: int) -> dict:
    """Runs in a fresh interpreter: one ingest, timed from process start; prints JSON."""
    from saidwhat.batch import ingest

    start = time.perf_counter()
    report = ingest.run([pages], db, ingest.Settings(workers=workers, progress=False))
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # largest waited-for child
    return {"workers": workers, "units": report.units, "ok": report.ok,
            "new_articles": report.new_articles, "seconds": seconds,
            "peak_rss_mb": max(own, children) / 1024, "parent_rss_mb": own / 1024,
            "largest_worker_rss_mb": children / 1024}


def main(argv: list[str] | None = None) -> int:
    here = ROOT
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("SAIDWHAT_SHARED", here.parent / "shared")))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--one", nargs=3, metavar=("PAGES", "DB", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one_run(args.one[0], args.one[1], int(args.one[2]))))
        return 0
    if not (args.shared / "eval" / "html-articles" / "html").is_dir():
        print(f"html-articles not found under {args.shared} (set --shared or SAIDWHAT_SHARED)",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        pages = pages_dir(args.shared, args.repeat, Path(tmp))
        n_pages = sum(1 for _ in pages.rglob("*.html.gz"))
        runs = []
        for workers in args.workers:
            db = str(Path(tmp) / f"w{workers}.duckdb")
            out = subprocess.run([sys.executable, __file__, "--one", str(pages), db, str(workers)],
                                 capture_output=True, text=True, check=True)
            run = json.loads(out.stdout.strip().splitlines()[-1])
            run["pages_per_s"] = n_pages / run["seconds"]
            run["articles_per_s"] = run["ok"] / run["seconds"]
            runs.append(run)
        base = extraction_only(pages)
    print(f"pages: {n_pages} ({args.repeat}x html-articles), of which articles: {base['articles']}")
    print(f"extraction only (Pipeline.pipe on the stored texts, model loaded): "
          f"{base['articles_per_s']:.1f} articles/s ({base['seconds']:.1f} s)")
    for run in runs:
        print(f"ingest --workers {run['workers']}: {run['pages_per_s']:.1f} pages/s, "
              f"{run['articles_per_s']:.1f} articles/s ({run['seconds']:.1f} s incl. start-up); "
              f"peak RSS of the largest process {run['peak_rss_mb']:.0f} MB "
              f"(parent {run['parent_rss_mb']:.0f} MB, largest worker {run['largest_worker_rss_mb']:.0f} MB); "
              f"ratio to extraction only {run['articles_per_s'] / base['articles_per_s']:.2f}")
    print(json.dumps({"extraction_only": base, "ingest": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
