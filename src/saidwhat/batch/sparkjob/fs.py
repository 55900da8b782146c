"""The output directory of a Spark job through Hadoop's FileSystem (local, HDFS, S3 ...).

The driver writes and swaps directories through the JVM so that the same code serves every
filesystem Spark can write to; directory swaps are made crash-safe here.
"""
from __future__ import annotations

import os
from typing import Any

from saidwhat.errors import SaidwhatError
from saidwhat.store.parquet import is_uri


class HadoopFS:
    """The Hadoop FileSystem of the output directory (local, HDFS, S3 ...), from the driver."""

    def __init__(self, spark: Any, root: str) -> None:
        self.jvm = spark.sparkContext._jvm
        self.conf = spark.sparkContext._jsc.hadoopConfiguration()
        self.root = root
        self.fs = self.path(root).getFileSystem(self.conf)

    def path(self, *parts: str) -> Any:
        return self.jvm.org.apache.hadoop.fs.Path("/".join([p.rstrip("/") for p in parts]))

    def exists(self, *parts: str) -> bool:
        return bool(self.fs.exists(self.path(self.root, *parts)))

    def has_data(self, name: str) -> bool:
        """The table directory exists and holds at least one Parquet file."""
        if not self.exists(name):
            return False
        files = self.fs.listFiles(self.path(self.root, name), True)
        while files.hasNext():
            if files.next().getPath().getName().endswith(".parquet"):
                return True
        return False

    def delete(self, *parts: str) -> None:
        self.fs.delete(self.path(self.root, *parts), True)

    def rename(self, a: str, b: str) -> bool:
        return bool(self.fs.rename(self.path(self.root, a), self.path(self.root, b)))

    def write_text(self, name: str, text: str) -> None:
        stream = self.fs.create(self.path(self.root, name), True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()

    def read_text(self, name: str) -> str | None:
        if not self.exists(name):
            return None
        stream = self.fs.open(self.path(self.root, name))
        try:
            reader = self.jvm.java.io.BufferedReader(self.jvm.java.io.InputStreamReader(stream, "UTF-8"))
            lines = []
            while True:
                line = reader.readLine()
                if line is None:
                    return "\n".join(lines)
                lines.append(line)
        finally:
            stream.close()

    def recover(self, name: str) -> None:
        """Finish a directory swap that a crash interrupted (see :meth:`swap`)."""
        if not self.exists(name) and self.exists(f"_{name}.old"):
            self.rename(f"_{name}.old", name)
        self.delete(f"_{name}.old")

    def swap(self, tmp: str, name: str) -> None:
        """Make ``tmp`` the directory ``name``: old aside, new in, old gone."""
        if self.exists(name):
            self.delete(f"_{name}.old")
            self.rename(name, f"_{name}.old")
        if not self.rename(tmp, name):
            raise SaidwhatError("E107", f"could not rename {tmp} to {name} under {self.root}")
        self.delete(f"_{name}.old")


def out_root(out_dir: str, spark: Any) -> str:
    """The output directory as Hadoop names it: a URI as given, a local path made absolute."""
    if is_uri(out_dir):
        return out_dir.rstrip("/")
    default_fs = spark.sparkContext._jsc.hadoopConfiguration().get("fs.defaultFS") or "file:///"
    if default_fs.startswith("file:"):
        return os.path.abspath(out_dir)
    return out_dir.rstrip("/")
