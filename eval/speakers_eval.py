"""Score speaker resolution on eval/speaker-referents.jsonl: is the speaker the one the text means?

    python eval/speakers_eval.py --shared ../shared            # accuracy by kind, both engines
    python eval/speakers_eval.py --shared ../shared --errors   # also list the wrong ones
    python eval/speakers_eval.py --engine fast --json

The set: every gold source of 36 PolNeAR **train** articles (sampled with a fixed seed outside the
learned engine's held-out slice), 862 sources, each labelled for this project with what it
refers to: ``kind`` (named: the phrase holds the name; pronoun; nominal: a common noun for an
entity the article names, "the senator"; anonymous: never named) and ``referent`` (the fullest
name the article gives, or null where the text names no one) with the article's other spellings
of that name (``aliases``). PolNeAR's texts stay in ``shared/``; only ids, offsets and the labels
are here.

A source is *found* when an attribution's source overlaps the gold source span. A found source is
*right* when its speaker's name is the referent or one of its aliases (case, a leading "the" and a
possessive "'s" aside), or, for a null referent, when the speaker has no name (anonymous or
unknown): naming someone the text does not is wrong. Accuracy is right / found, by kind; the
figures at confidence >= 0.9 check that the speaker confidence means what it says.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from saidwhat.engine.extraction import Pipeline
from saidwhat.engine.speaker_confidence import TABLE
from saidwhat.record import Article, Record

HERE = Path(__file__).parent
KINDS = ("named", "pronoun", "nominal", "anonymous")


def normal(name: str | None) -> str:
    s = (name or "").lower().replace("’", "'")
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"^(the|a|an)\s+", "", s.strip())
    return re.sub(r"[^\w]+", " ", s).strip()


def is_right(case: dict, name: str | None) -> bool:
    if case["referent"] is None:
        return not name
    if not name:
        return False
    wanted = {normal(case["referent"]), *(normal(a) for a in case["aliases"])}
    return normal(name) in wanted


def load_cases(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def predictions(engine: str, gold: dict[str, dict]) -> dict[str, Record]:
    pipeline = Pipeline(engine=engine)
    records = pipeline.pipe([Article.from_json(g) for g in gold.values()])
    return {r.article.id: r for r in records if isinstance(r, Record)}


def calibrate(judged: list[tuple[dict, dict]], min_cases: int = 15) -> dict:
    """The confidence table: per path, (right + 1) / (cases + 2); paths with fewer than
    ``min_cases`` fall back to the pooled figure of their ending (":name" / ":none")."""
    by: dict[str, Counter] = defaultdict(Counter)
    for _case, j in judged:
        if j.get("found") and j.get("how"):
            for key in (j["how"], j["how"].rsplit(":", 1)[-1], "*"):
                by[key]["n"] += 1
                by[key]["right"] += bool(j["right"])

    def p(c: Counter) -> float:
        return round((c["right"] + 1) / (c["n"] + 2), 3)

    return {"made": "eval/speakers_eval.py --calibrate on eval/speaker-referents-calibration.jsonl",
            "paths": {k: p(c) for k, c in sorted(by.items()) if ":" in k and c["n"] >= min_cases},
            "pooled": {k: p(c) for k, c in sorted(by.items()) if k in ("name", "none")},
            "default": p(by["*"]), "cases": {k: by[k]["n"] for k in sorted(by)}}


def judge(case: dict, record: Record) -> dict:
    """What the engine made of one gold source: found?, the speaker's name, right?, confidence."""
    s, e = case["source"]
    best, overlap = None, 0
    for att in record.attributions:
        if att.source is None:
            continue
        o = sum(max(0, min(e, b) - max(s, a)) for a, b in att.source.spans)
        if o > overlap:
            best, overlap = att, o
    if best is None:
        return {"found": False}
    speaker = record.speaker(best.source.speaker)
    name = speaker.name if speaker is not None and not speaker.anonymous else None
    return {"found": True, "name": name, "right": is_right(case, name), "source": best.source.text,
            "confidence": best.source.speaker_confidence, "how": best.source.speaker_how}


def evaluate(engine: str, shared: Path, cases: list[dict]) -> tuple[dict, list[tuple[dict, dict]]]:
    ids = {c["article"] for c in cases}
    gold = {}
    with (shared / "eval" / "polnear" / "train.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            g = json.loads(line)
            if g["id"] in ids:
                gold[g["id"]] = g
    records = predictions(engine, gold)
    counts: dict[str, Counter] = defaultdict(Counter)
    judged = []
    for case in cases:
        j = judge(case, records[case["article"]])
        judged.append((case, j))
        for key in (case["kind"], "all"):
            c = counts[key]
            c["cases"] += 1
            c["found"] += j["found"]
            c["right"] += bool(j.get("right"))
            if j.get("confidence") is not None and j["confidence"] >= 0.9:
                c["confident"] += 1
                c["confident_right"] += bool(j.get("right"))
    result = {}
    for key in (*KINDS, "all"):
        c = counts[key]
        result[key] = {"cases": c["cases"], "found": c["found"],
                       "accuracy": round(c["right"] / c["found"], 3) if c["found"] else None,
                       "at_0.9": c["confident"],
                       "accuracy_at_0.9": round(c["confident_right"] / c["confident"], 3) if c["confident"] else None}
    return result, judged


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("SAIDWHAT_SHARED", "../shared"))
    ap.add_argument("--engine", choices=("fast", "learned"), action="append")
    ap.add_argument("--errors", action="store_true", help="list the wrong speakers")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--set", choices=("tune", "calibration"), default="tune",
                    help="tune: the set the rules were developed on; calibration: the one they never saw")
    ap.add_argument("--calibrate", action="store_true",
                    help=f"write the speaker confidence table ({TABLE.name}) from the calibration set, fast engine")
    ap.add_argument("--by-how", action="store_true", help="accuracy per resolution path")
    args = ap.parse_args()
    shared = Path(args.shared)
    if not (shared / "eval" / "polnear" / "train.jsonl").exists():
        print(f"speaker evaluation skipped: {shared}/eval/polnear/train.jsonl not found (set --shared)")
        return 0
    name = "speaker-referents.jsonl" if args.set == "tune" and not args.calibrate else \
        "speaker-referents-calibration.jsonl"
    cases = load_cases(HERE / name)
    if args.calibrate:
        _result, judged = evaluate("fast", shared, cases)
        table = calibrate(judged)
        TABLE.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {TABLE}: {json.dumps(table['paths'])}")
        return 0
    out = {}
    for engine in args.engine or ["fast", "learned"]:
        result, judged = evaluate(engine, shared, cases)
        out[engine] = result
        if args.by_how:
            paths: dict[str, Counter] = defaultdict(Counter)
            for _c, j in judged:
                if j.get("found"):
                    paths[j.get("how")]["n"] += 1
                    paths[j.get("how")]["right"] += bool(j["right"])
            for h, c in sorted(paths.items(), key=lambda kv: -kv[1]["n"]):
                print(f"  how {h}: {c['n']} cases, accuracy {c['right'] / c['n']:.3f}")
        if args.json:
            continue
        print(f"{engine}: speaker accuracy on {len(cases)} labelled sources of PolNeAR train")
        print(f"  {'kind':<10} {'cases':>5} {'found':>5} {'accuracy':>8} {'>=0.9':>6} {'acc@0.9':>7}")
        for key, r in result.items():
            acc = "-" if r["accuracy"] is None else f"{r['accuracy']:.3f}"
            acc9 = "-" if r["accuracy_at_0.9"] is None else f"{r['accuracy_at_0.9']:.3f}"
            print(f"  {key:<10} {r['cases']:>5} {r['found']:>5} {acc:>8} {r['at_0.9']:>6} {acc9:>7}")
        if args.errors:
            for case, j in judged:
                if j["found"] and not j["right"]:
                    print(f"    {case['case']} [{case['kind']}] {j['source']!r} -> {j['name']!r}, "
                          f"want {case['referent']!r}")
    if args.json:
        print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
