"""What a file or a payload is: its format from its name and first bytes, its declared charset.

Every reader asks the same questions (is this a page, a binary, JSON lines?), so the answers
live in one place and give the same verdict for a file, a WARC record and standard input.
"""
from __future__ import annotations

import codecs
import re

HTML_EXT = (".html", ".htm", ".xhtml", ".shtml")
WARC_EXT = (".warc", ".arc")
JSONL_EXT = (".jsonl", ".ndjson", ".json")
TEXT_EXT = (".txt", ".text", ".md")

# File signatures of formats we never take as text.
MAGIC = (
    (b"%PDF", "pdf"), (b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF8", "gif"),
    (b"PK\x03\x04", "zip"), (b"RIFF", "riff"), (b"\x7fELF", "elf"), (b"BZh", "bzip2"),
    (b"\xfd7zXZ", "xz"), (b"\x28\xb5\x2f\xfd", "zstd"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"),
    (b"\x00\x00\x01\x00", "ico"), (b"OggS", "ogg"), (b"ID3", "mp3"), (b"\x1aE\xdf\xa3", "webm"),
    (b"wOFF", "woff"), (b"wOF2", "woff2"),
)
HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")


def sniff(data: bytes, name: str = "") -> str:
    """The format of a document's bytes: html | text | jsonl | binary:<what>.

    The extension decides between HTML and text when the bytes are plausible for it; signatures
    and NUL bytes mark binaries whatever the name says.
    """
    head = data[:4096]
    for magic, what in MAGIC:
        if head.startswith(magic):
            return f"binary:{what}"
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary"
    if name.endswith(HTML_EXT):
        return "html"
    if name.endswith(TEXT_EXT):
        return "text"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"<!--")) or (
            b"<html" in lowered[:1024] and b"</" in head):
        return "html"
    if lowered.startswith(b"{"):
        return "jsonl"
    return "text"


def format_of(name: str, head: bytes) -> str:
    """html | text | jsonl | binary:<what>: the extension first, the bytes when it says nothing."""
    if name.endswith(JSONL_EXT):
        return "jsonl"
    return sniff(head, name)


def charset_of(content_type: str | None) -> str | None:
    """The ``charset=`` of a Content-Type header, if it names one."""
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
    return match.group(1) if match else None
