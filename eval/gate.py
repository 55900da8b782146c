"""The accuracy gate: score saidwhat on PolNeAR dev and the seed article against pinned floors.

    python eval/gate.py --shared ../shared          # exit 0 if every floor holds, 1 if not
    python eval/gate.py --shared ../shared --write  # also rewrite eval/last-run.json

Both engines are scored (``--engine`` picks one): ``score.py``'s document metrics on dev, the
published per-paragraph exact protocol of ``shared/eval/cofenet`` on dev, and the seed article;
and (unless ``--engine`` is given) the relation detector on its held-out pair sets.
Floors live in ``eval/floors.json``, per engine, and may only go up. Where the shared data is absent the gate
says so and exits 0 (a user's fresh clone has no ``../shared``).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from saidwhat.engine.components import DEFAULT_ENGINE
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


def cofenet(shared: Path, gold_path: Path, preds: list[dict]) -> dict[str, float] | None:
    """Exact per-role F1 (x100) under the published protocol (``shared/eval/cofenet``), or None
    where that scorer is absent. It runs as its own process: it is shared data, not our code."""
    script = shared / "eval" / "cofenet" / "cofenet_protocol.py"
    instances = shared / "eval" / "cofenet" / "valid.txt"
    if not script.exists() or not instances.exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        pred_file, out_file = Path(tmp) / "pred.jsonl", Path(tmp) / "result.json"
        pred_file.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
        subprocess.run([sys.executable, str(script), "--gold-docs", str(gold_path), "--instances",
                        str(instances), "--pred", str(pred_file), "--json-out", str(out_file)],
                       check=True, stdout=subprocess.DEVNULL)
        result = json.loads(out_file.read_text())["all"]
    return {f"{role}_exact_f1": round(100 * result[role]["exact_match"]["f1"], 2)
            for role in ("source", "cue", "content")}


def check(name: str, values: dict[str, float], floors: dict[str, float], failures: list[str]) -> None:
    for key, floor in floors.items():
        value = values[key]
        status = "ok" if value >= floor else "FAIL"
        print(f"  {status:4} {name} {key} = {value:.4f} (floor {floor})")
        if value < floor:
            failures.append(f"{name} {key} {value:.4f} < {floor}")


def gate_engine(engine: str, floors: dict, shared: Path, args, failures: list[str]) -> dict:
    """Score one engine on dev (both protocols) and the seed article; returns the figures."""
    dev_path = shared / "eval" / "polnear" / "dev.jsonl"
    seed_path = shared / "eval" / "seed" / "mko-camp-ashraf.jsonl"
    pipeline = Pipeline(weights=args.weights, engine=engine)
    gold = read_jsonl(str(dev_path))
    preds, _ = predict(pipeline, gold)
    dev = score(gold, preds, by="publisher")
    print(f"PolNeAR dev, engine {engine}")
    print(format_table(dev, "publisher"))
    check(f"{engine} dev", dev["metrics"], floors.get("polnear_dev", {}), failures)
    out = {"polnear_dev": {k: round(v, 4) for k, v in dev["metrics"].items()},
           "by_publisher": {p: {k: round(m[k], 4) for k in ("attribution_f1", "full_f1")}
                            for p, m in dev.get("by", {}).items()}}
    protocol = cofenet(shared, dev_path, preds)
    if protocol is None:
        print("  CofeNet protocol skipped: shared/eval/cofenet not found")
    else:
        print(f"  CofeNet protocol (exact F1, dev): {protocol}")
        check(f"{engine} cofenet", protocol, floors.get("cofenet_dev", {}), failures)
        out["cofenet_dev"] = protocol
    if seed_path.exists():
        seed_gold = read_jsonl(str(seed_path))
        seed_preds, seed_records = predict(pipeline, seed_gold)
        seed_result = score(seed_gold, seed_preds)
        check(f"{engine} seed", seed_result["metrics"], floors.get("seed", {}), failures)
        checks = seed_checks(seed_records[0], seed_gold[0]) if engine == DEFAULT_ENGINE else []
        if engine != DEFAULT_ENGINE:
            print(f"  (seed behaviour checks apply to the default engine, {DEFAULT_ENGINE})")
        for problem in checks:
            print(f"  FAIL {engine} seed: {problem}")
            failures.append(f"{engine} seed: {problem}")
        out["seed"] = {k: round(v, 4) for k, v in seed_result["metrics"].items()}
    return out


def gate_relate(floors: dict, shared: Path, failures: list[str]) -> dict:
    """Score the relation detector (``eval/relate_eval.py``): the held-out halves of the written
    pairs and the held-out real pairs (PolNeAR dev)."""
    sys.path.insert(0, str(HERE))
    from relate_eval import DEFAULT, _score, split_of
    from saidwhat.engine.model import load_base
    from saidwhat.learn.pairs import real_pairs
    from saidwhat.relate import relate_many

    rows = [json.loads(line) for line in DEFAULT.read_text(encoding="utf-8").splitlines() if line.strip()]
    sets = {part: [r for r in rows if split_of(r["id"]) == part] for part in ("test", "holdout", "news")}
    sets["real_heldout"] = real_pairs(HERE / "relate-real.jsonl", shared, "heldout")
    nlp, cache, out = load_base(), {}, {}
    print("Relation detector (disputes / supports / unrelated)")
    for name, pairs in sets.items():
        res = _score(pairs, relate_many(pairs, nlp=nlp, cache=cache))["relate"]
        out[name] = {"disputes_f1": res["disputes"]["f1"], "disputes_precision": res["disputes"]["precision"],
                     "disputes_recall": res["disputes"]["recall"], "accuracy": res["accuracy"]}
        check(f"relate {name}", out[name], floors.get(name, {}), failures)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("SAIDWHAT_SHARED", "../shared"))
    ap.add_argument("--floors", default=str(HERE / "floors.json"))
    ap.add_argument("--write", action="store_true", help="write eval/last-run.json")
    ap.add_argument("--weights", help="score these linear weights instead of the packaged ones")
    ap.add_argument("--engine", action="append", choices=("learned", "fast"),
                    help="score only this engine (repeatable; default both)")
    args = ap.parse_args()
    shared = Path(args.shared)
    dev_path = shared / "eval" / "polnear" / "dev.jsonl"
    if not dev_path.exists():
        print(f"gate skipped: {dev_path} not found (set --shared or SAIDWHAT_SHARED)")
        return 0
    floors = json.loads(Path(args.floors).read_text())
    failures: list[str] = []
    results = {engine: gate_engine(engine, floors[engine], shared, args, failures)
               for engine in (args.engine or ("learned", "fast"))}
    if not args.engine:
        results["relate"] = gate_relate(floors["relate"], shared, failures)
    if args.write:
        (HERE / "last-run.json").write_text(json.dumps(results, indent=2) + "\n")
    for f in failures:
        print(f"FAIL {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
