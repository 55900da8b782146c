"""Spark scaling (issue 6, item 7): documents/s in local[1] vs local[2], and what the Spark path
costs per record against the local batch path, on the same input.

Input: the 84 PolNeAR dev articles (``<shared>/eval/polnear/dev.jsonl``), repeated ``--repeat``
times (each copy with its own id and a one-word change, so every copy is a new article), as JSONL
split over ``--files`` files (a Spark task reads whole files, so local[2] needs at least two).

Measured, each Spark master in a fresh interpreter (so every JVM and worker starts cold):

* ``session_s``: starting the SparkSession (JVM, context);
* ``cold``: the first job - Python workers start and load the model, then extract and write;
* ``warm``: the same job again into a new directory - workers and models already loaded: the
  steady state a long job runs at. documents/s, words/s, and words/s per core;
* ``peak_rss_mb``: the largest Python worker (VmHWM) after the jobs - what one executor core needs;
* CPU seconds of the Python workers, of the JVM (driver and executor: local mode runs both in one
  JVM) and of the driver's Python: unlike wall time, these do not depend on what else the machine
  runs, so words per core-hour come from them;
* ``html``: the CPU cost of reading HTML pages (main text, language) on the real pages of
  ``<shared>/eval/html-articles``, which JSONL input does not pay and WARC input does.

The local batch path, in this process with the model already loaded: ``extract`` (Pipeline.pipe
over the article texts: the ceiling) and ``ingest`` (``saidwhat ingest --workers 0`` into a
DuckDB store: readers, extraction, rows, writes). The Spark per-record overhead is
``(spark local[1] warm - ingest) / documents``.

Usage: ``python bench/spark_scaling.py [--shared DIR] [--repeat N] [--files K]
[--masters local[1] local[2]] [--json OUT]``. Needs pyspark and Java.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
# One BLAS thread, as Spark gives each task (spark.task.cpus=1): the batch path is measured on one
# core too, so that the overhead below is the Spark path's and not a thread count's.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_input(shared: Path, repeat: int, files: int, tmp: Path) -> tuple[list[str], int, int]:
    """JSONL files of the dev articles (``repeat`` copies); returns (paths, documents, words)."""
    articles = [json.loads(line) for line in (shared / "eval" / "polnear" / "dev.jsonl").open(encoding="utf-8")]
    lines, words = [], 0
    for r in range(repeat):
        for a in articles:
            text = a["text"] if r == 0 else a["text"].replace(".", f". Copy{r}.", 1)
            words += len(text.split())
            lines.append(json.dumps({"id": f"{a['id']}#{r}", "text": text, "title": a.get("title"),
                                     "published": a.get("date")}))
    paths = []
    for k in range(files):
        path = tmp / f"part-{k:02}.jsonl"
        path.write_text("".join(line + "\n" for line in lines[k::files]), encoding="utf-8")
        paths.append(str(path))
    return paths, len(lines), words


def batch_path(paths: list[str], tmp: Path) -> dict:
    """The local batch path in this process, the model loaded once beforehand."""
    from saidwhat import Pipeline, readers
    from saidwhat.batch import ingest

    pipeline = Pipeline()
    docs = [d for d in readers.read(paths) if isinstance(d, readers.Doc)]
    list(pipeline.pipe([d.article for d in docs[:4]]))  # warm up
    start, cpu = time.perf_counter(), time.process_time()
    n = sum(1 for _ in pipeline.pipe([d.article for d in docs]))
    extract_s, extract_cpu = time.perf_counter() - start, time.process_time() - cpu
    settings = ingest.Settings(workers=0, progress=False, extractor=lambda: pipeline)
    start, cpu = time.perf_counter(), time.process_time()
    report = ingest.run(paths, str(tmp / "batch.duckdb"), settings)
    ingest_s, ingest_cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"documents": n, "extract_s": round(extract_s, 2), "extract_cpu_s": round(extract_cpu, 2),
            "ingest_s": round(ingest_s, 2), "ingest_cpu_s": round(ingest_cpu, 2), "ingest_ok": report.ok}


def html_cost(shared: Path) -> dict:
    """CPU cost of the reading step for web input (HTML main text, language), which JSONL input
    skips: over the real pages of ``<shared>/eval/html-articles`` (a WARC record costs the same)."""
    from saidwhat import readers

    pages = shared / "eval" / "html-articles" / "html"
    if not pages.is_dir():
        return {}
    units = [u for u in readers.iter_units([str(pages)]) if u.status is None]
    cpu = time.process_time()
    docs = [readers.prepare(u) for u in units]
    cpu = time.process_time() - cpu
    words = sum(len(d.article.text.split()) for d in docs if isinstance(d, readers.Doc))
    return {"pages": len(units), "articles": sum(isinstance(d, readers.Doc) for d in docs),
            "words": words, "cpu_s": round(cpu, 2)}


def spark_child(master: str, paths: list[str], tmp: str) -> dict:
    """One master, in a fresh interpreter: session start, a cold job, a warm job."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from saidwhat.batch import spark as spark_job

    start = time.perf_counter()
    spark = spark_job.session(master)
    session_s = time.perf_counter() - start
    jvm = int(spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid())
    runs = {}
    for name in ("cold", "warm"):
        start, jvm0, me0 = time.perf_counter(), _proc_cpu(jvm), time.process_time()
        report = spark_job.run(paths, os.path.join(tmp, f"out-{name}"), spark=spark)
        jvm_cpu, driver_cpu = _proc_cpu(jvm) - jvm0, time.process_time() - me0
        runs[name] = {"seconds": round(time.perf_counter() - start, 2), "units": report.units,
                      "ok": report.ok, "tasks": report.tasks, "timings": report.timings,
                      "worker_cpu_s": report.worker_cpu_s, "worker_wall_s": report.worker_wall_s,
                      "jvm_cpu_s": round(jvm_cpu, 2), "driver_cpu_s": round(driver_cpu, 2),
                      "total_cpu_s": round(report.worker_cpu_s + jvm_cpu + driver_cpu, 2)}
    cores = spark.sparkContext.defaultParallelism
    stats = (spark.sparkContext.parallelize(range(4 * cores), 4 * cores)
             .map(spark_job.worker_stats).collect())
    spark.stop()
    return {"master": master, "cores": cores, "session_s": round(session_s, 2), **runs,
            "python_workers": len({s["pid"] for s in stats}),
            "peak_rss_mb": max(s["peak_rss_mb"] for s in stats)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--masters", nargs="+", default=["local[1]", "local[2]"])
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "spark_scaling.json"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--paths", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(spark_child(args.child, args.paths, args.tmp)))
        return

    with tempfile.TemporaryDirectory(prefix="saidwhat-spark-bench-") as tmp_name:
        tmp = Path(tmp_name)
        paths, documents, words = make_input(Path(args.shared), args.repeat, args.files, tmp)
        load_before = os.getloadavg()
        batch = batch_path(paths, tmp)
        print(f"batch: {batch}", file=sys.stderr)
        html = html_cost(Path(args.shared))
        print(f"html: {html}", file=sys.stderr)
        spark = {}
        for master in args.masters:
            child_tmp = tmp / master.replace("[", "-").replace("]", "").replace(",", "-")
            child_tmp.mkdir()
            out = subprocess.run([sys.executable, __file__, "--child", master, "--paths", *paths,
                                  "--tmp", str(child_tmp)], capture_output=True, text=True, check=False)
            if out.returncode != 0:
                sys.exit(f"{master} failed:\n{out.stderr[-3000:]}")
            spark[master] = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{master}: {spark[master]}", file=sys.stderr)
        load_after = os.getloadavg()

    for result in spark.values():
        for name in ("cold", "warm"):
            seconds = result[name]["seconds"]
            result[name]["docs_per_s"] = round(documents / seconds, 2)
            result[name]["words_per_s"] = round(words / seconds)
            result[name]["words_per_core_s"] = round(words / seconds / result["cores"])
    results = {
        "input": {"documents": documents, "words": words, "files": args.files, "repeat": args.repeat},
        "batch": {**batch, "docs_per_s": round(documents / batch["ingest_s"], 2),
                  "extract_docs_per_s": round(documents / batch["extract_s"], 2),
                  "words_per_s": round(words / batch["ingest_s"])},
        "spark": spark,
        "machine": {"cpu_count": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before],
                    "loadavg_after": [round(x, 2) for x in load_after], "python": sys.version.split()[0]},
    }
    one, two = spark.get("local[1]"), spark.get("local[2]")
    if one and two:
        results["speedup_local2_vs_local1"] = {
            k: round(one[k]["seconds"] / two[k]["seconds"], 2) for k in ("cold", "warm")}
    if one:
        warm = one["warm"]
        results["spark_overhead"] = {
            # wall clock: what a user waits for; includes Spark's fixed per-job costs
            "wall_ms_per_record_vs_ingest": round(1000 * (warm["seconds"] - batch["ingest_s"]) / documents, 1),
            "wall_percent_vs_ingest": round(100 * (warm["seconds"] / batch["ingest_s"] - 1), 1),
            # CPU seconds: what a cluster pays; the workers' part against the same work in-process
            "cpu_ms_per_record_workers_vs_ingest": round(
                1000 * (warm["worker_cpu_s"] - batch["ingest_cpu_s"]) / documents, 1),
            "cpu_ms_per_record_all_vs_ingest": round(
                1000 * (warm["total_cpu_s"] - batch["ingest_cpu_s"]) / documents, 1),
            "cpu_percent_all_vs_ingest": round(100 * (warm["total_cpu_s"] / batch["ingest_cpu_s"] - 1), 1)}
        results["words_per_core_hour"] = {
            "spark_workers_cpu": int(words / warm["worker_cpu_s"] * 3600),
            "spark_all_cpu": int(words / warm["total_cpu_s"] * 3600),
            "batch_ingest_cpu": int(words / batch["ingest_cpu_s"] * 3600),
            "batch_extract_cpu": int(words / batch["extract_cpu_s"] * 3600)}
    if one and html.get("words"):
        # Web input: reading HTML adds its CPU per word to the extraction's (measured apart).
        per_word = one["warm"]["total_cpu_s"] / words + html["cpu_s"] / html["words"]
        results["html"] = html
        results["words_per_core_hour"]["spark_all_cpu_html_input"] = int(3600 / per_word)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
