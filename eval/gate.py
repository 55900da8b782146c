"""The accuracy gate: score saidwhat on PolNeAR dev and the seed article against pinned floors.

    python eval/gate.py --shared ../shared          # exit 0 if every floor holds, 1 if not
    python eval/gate.py --shared ../shared --write  # also rewrite eval/last-run.json

Floors live in ``eval/floors.json`` and may only go up. Where the shared data is absent the gate
says so and exits 0 (a user's fresh clone has no ``../shared``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from saidwhat.engine.extraction import Pipeline
from saidwhat.record import Article, Record
from saidwhat.learn.scoring import format_table, read_jsonl, score

HERE = Path(__file__).parent


def predict(pipeline: Pipeline, gold: list[dict]) -> tuple[list[dict], list[Record]]:
    articles = [Article.from_json(g) for g in gold]
    records = [r for r in pipeline.pipe(articles) if isinstance(r, Record)]
    return [r.to_spans() for r in records], records


def seed_checks(record: Record, gold: dict) -> list[str]:
    """Behaviour the seed article must show (the seed checks of issue 2); returns failures."""
    problems = []
    ours = [span for u in record.unattributed for span in u.spans]
    for s, e in (span for spans in gold.get("unattributed", []) for span in
                 (spans if isinstance(spans[0], list) else [spans])):
        if not any(min(e, oe) - max(s, os_) >= 0.8 * (e - s) for os_, oe in ours):
            problems.append(f"the outlet's own sentence at {s}-{e} is not in unattributed")

    def att_with_cue(word: str):
        return [a for a in record.attributions if a.cue and word in a.cue.text]

    disputed = att_with_cue("disputed")
    if not disputed or not disputed[0].source or disputed[0].source.text != "An Iraqi official":
        problems.append("the speaker of 'disputed' is not 'An Iraqi official'")
    relayed = [a for a in record.attributions if a.channel and a.channel.text == "IRIB"]
    if not relayed:
        problems.append("no attribution has channel IRIB")
    else:
        sp = record.speaker(relayed[0].source.speaker if relayed[0].source else None)
        if sp is None or not sp.anonymous:
            problems.append("the IRIB-relayed speaker is not anonymous")
    by_id = {a.id: a for a in record.attributions}
    if not any(r.type == "disputes" and "disputed" in (by_id[r.source_id].cue.text if by_id[r.source_id].cue else "")
               and "Benjamin Chang" in (by_id[r.target_id].source.text if by_id[r.target_id].source else "")
               for r in record.relations):
        problems.append("no relation: the Iraqi official's attribution disputes Benjamin Chang's")
    chang = [s for s in record.speakers if s.name == "Benjamin Chang"]
    if not chang or chang[0].role != "spokesman" or chang[0].affiliation != "White House":
        problems.append("Benjamin Chang is not named with role spokesman and affiliation White House")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("SAIDWHAT_SHARED", "../shared"))
    ap.add_argument("--floors", default=str(HERE / "floors.json"))
    ap.add_argument("--write", action="store_true", help="write eval/last-run.json")
    ap.add_argument("--weights", help="score these weights instead of the packaged ones")
    args = ap.parse_args()
    shared = Path(args.shared)
    dev_path = shared / "eval" / "polnear" / "dev.jsonl"
    seed_path = shared / "eval" / "seed" / "mko-camp-ashraf.jsonl"
    if not dev_path.exists():
        print(f"gate skipped: {dev_path} not found (set --shared or SAIDWHAT_SHARED)")
        return 0
    floors = json.loads(Path(args.floors).read_text())
    pipeline = Pipeline(weights=args.weights)
    failures: list[str] = []

    gold = read_jsonl(str(dev_path))
    preds, _ = predict(pipeline, gold)
    dev = score(gold, preds, by="publisher")
    print("PolNeAR dev")
    print(format_table(dev, "publisher"))
    for key, floor in floors["polnear_dev"].items():
        value = dev["metrics"][key]
        status = "ok" if value >= floor else "FAIL"
        print(f"  {status:4} {key} = {value:.4f} (floor {floor})")
        if value < floor:
            failures.append(f"dev {key} {value:.4f} < {floor}")

    seed_result = None
    if seed_path.exists():
        seed_gold = read_jsonl(str(seed_path))
        seed_preds, seed_records = predict(pipeline, seed_gold)
        seed_result = score(seed_gold, seed_preds)
        for key, floor in floors["seed"].items():
            value = seed_result["metrics"][key]
            print(f"  {'ok' if value >= floor else 'FAIL':4} seed {key} = {value:.4f} (floor {floor})")
            if value < floor:
                failures.append(f"seed {key} {value:.4f} < {floor}")
        for problem in seed_checks(seed_records[0], seed_gold[0]):
            print(f"  FAIL seed: {problem}")
            failures.append(problem)

    if args.write:
        out = {"polnear_dev": {k: round(v, 4) for k, v in dev["metrics"].items()},
               "by_publisher": {p: {k: round(m[k], 4) for k in ("attribution_f1", "full_f1")}
                                for p, m in dev.get("by", {}).items()},
               "seed": {k: round(v, 4) for k, v in seed_result["metrics"].items()} if seed_result else None}
        (HERE / "last-run.json").write_text(json.dumps(out, indent=2) + "\n")
    for f in failures:
        print(f"FAIL {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
