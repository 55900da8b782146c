"""How likely a source's speaker is right, from how it was found (``speakers.resolve``'s paths).

The table (``engine/weights/speaker_confidence.json``) holds, per path ("pronoun:name": a pronoun
resolved to a named speaker; "named:name": the phrase holds the name; "pronoun:none": a pronoun
left unknown …), the share of right speakers on a labelled calibration set of PolNeAR train
sources that the resolution rules were never tuned on (``eval/speakers_eval.py --calibrate``
writes it; Laplace-smoothed, a path with few cases pooled with the others of its ending). A right
speaker is the one the text means, or no name where the text names no one.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).parent / "weights" / "speaker_confidence.json"


@lru_cache(maxsize=4)
def _table(path: str) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def speaker_confidence(how: str | None, path: Path = TABLE) -> float | None:
    """The calibrated chance that the speaker found this way is right (None without a source)."""
    if how is None:
        return None
    table = _table(str(path))
    paths, pooled = table.get("paths", {}), table.get("pooled", {})
    if how in paths:
        return paths[how]
    return pooled.get(how.rsplit(":", 1)[-1], table.get("default", 0.5))
