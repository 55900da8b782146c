"""What a Spark job reads: its input files listed in ``saidwhat ingest``'s order, and packed.

Local paths are listed through :func:`saidwhat.readers.expand`; ``s3a://``, ``hdfs://``,
``gs://``... through Hadoop's FileSystem, walked the same way, so unit ids are the same.
"""
from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any, Iterator

from saidwhat import readers
from saidwhat.errors import SaidwhatError
from saidwhat.store.parquet import is_uri, normalize_uri

GLOB_SPECIAL = re.compile(r"([\\{}\[\]*?])")  # escaped in the paths handed to binaryFiles


@dataclass(frozen=True)
class Input:
    """One input file of the job, with what the driver found out about it."""

    idx: int
    path: str  # the unit id prefix: an absolute local path or a URI
    size: int = 0
    problem: str | None = None  # not-found ...
    fetch: str = "path"  # path (read it where it lies) | binary (ship the bytes via binaryFiles)
    uri: str | None = None  # what binaryFiles reads (fetch=binary)


def list_inputs(inputs: list[str], spark: Any = None, fetch: str = "auto") -> list[Input]:
    """The files of ``inputs`` in ``saidwhat ingest``'s order, each once; missing paths included
    (with their problem), as the local ingest logs them."""
    if "-" in inputs:
        raise SaidwhatError("E108", "standard input (-) cannot be read by a Spark job; pass files")
    out: list[Input] = []
    seen: set[str] = set()

    def add(path: str, size: int, problem: str | None, how: str, uri: str | None = None) -> None:
        if path in seen:
            return
        seen.add(path)
        out.append(Input(len(out), path, size, problem, how if problem is None else "path", uri))

    for given in inputs:
        local = not is_uri(given) or given.startswith("file:")
        if local:
            path = normalize_uri(given) if given.startswith("file:") else given
            for found, problem in readers.expand([path]):
                size = 0
                if problem is None:
                    try:
                        size = os.path.getsize(found)
                    except OSError:
                        pass
                how = "binary" if fetch == "binary" else "path"
                add(found, size, problem, how, "file://" + urllib.parse.quote(found) if how == "binary" else None)
        else:
            if spark is None:
                raise SaidwhatError("E108", f"{given}: a URI needs a Spark session to be listed")
            for found, size, problem in hadoop_expand(spark, given):
                add(normalize_uri(found), size, problem, "binary", found)
    return out


def hadoop_expand(spark: Any, given: str) -> Iterator[tuple[str, int, str | None]]:
    """Files under a URI (a file, a directory walked like readers.expand, or a glob), sorted."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(given)
    fs = path.getFileSystem(conf)
    statuses = fs.globStatus(path)
    if statuses is None or len(statuses) == 0:
        yield given, 0, ("not-found:no file matches" if any(c in given for c in "*?[{")
                         else "not-found")
        return

    def walk(status: Any) -> Iterator[tuple[str, int, str | None]]:
        if not status.isDirectory():
            yield status.getPath().toString(), int(status.getLen()), None
            return
        children = sorted(fs.listStatus(status.getPath()), key=lambda s: s.getPath().getName())
        children = [c for c in children if not c.getPath().getName().startswith(".")]
        for child in children:
            if not child.isDirectory():
                yield child.getPath().toString(), int(child.getLen()), None
        for child in children:
            if child.isDirectory():
                yield from walk(child)

    for status in sorted(statuses, key=lambda s: s.getPath().toString()):
        yield from walk(status)


def pack(inputs: list[Input], target_bytes: int) -> list[list[Input]]:
    """Consecutive inputs in groups of about ``target_bytes`` (a big file is a group alone)."""
    groups: list[list[Input]] = []
    current: list[Input] = []
    weight = 0
    for item in inputs:
        if current and weight + item.size > target_bytes:
            groups.append(current)
            current, weight = [], 0
        current.append(item)
        weight += max(item.size, 1)
    if current:
        groups.append(current)
    return groups
