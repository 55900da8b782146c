"""Output formats of ``saidwhat extract``: table (for a person), json, jsonl, spans (evaluation)."""
from __future__ import annotations

import json
import shutil
import textwrap
from typing import TextIO

from .record import Record

FORMATS = ("table", "json", "jsonl", "spans")


def _short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def speaker_label(record: Record, att) -> str:
    if att.source is None:
        return "(no source)"
    sp = record.speaker(att.source.speaker)
    label = _short(att.source.text, 40)
    if sp is None:
        return label
    bits = []
    if sp.name and sp.name not in label:
        bits.append(sp.name)
    if sp.role:
        bits.append(sp.role)
    if sp.affiliation:
        bits.append(sp.affiliation)
    if sp.anonymous:
        bits.append("anonymous")
    if bits:
        label += " [" + ", ".join(bits) + "]"
    return label


def table(record: Record) -> str:
    """A readable table: speaker (role, affiliation, anonymous, channel), cue, content, kind."""
    width = max(100, min(shutil.get_terminal_size((140, 20)).columns, 200))
    head = record.article.title or record.article.id
    lines = [f"== {head} — {len(record.attributions)} attributions, "
             f"{len(record.unattributed)} unattributed sentences"]
    sw, cw, kw = 46, 18, 12
    tw = max(30, width - sw - cw - kw - 6)
    lines.append(f"{'SPEAKER':<{sw}} {'CUE':<{cw}} {'KIND':<{kw}} CONTENT")
    for att in record.attributions:
        spk = speaker_label(record, att)
        if att.channel:
            spk += f" via {att.channel.text}"
        cue = att.cue.text if att.cue else "—"
        if att.said_on and att.said_on.date:
            cue += f" ({att.said_on.date})"
        wrapped = textwrap.wrap(_short(spk, 2 * sw), sw) or [""]
        content = _short(att.content.text, tw)
        lines.append(f"{wrapped[0]:<{sw}} {_short(cue, cw):<{cw}} {att.kind:<{kw}} {content}")
        for extra in wrapped[1:]:
            lines.append(extra)
    if record.relations:
        lines.append("-- relations")
        for rel in record.relations:
            lines.append(f"   {rel.source_id} {rel.type} {rel.target_id}")
    if record.unattributed:
        lines.append("-- the outlet's own voice (unattributed)")
        for u in record.unattributed:
            lines.append("   " + _short(u.text, width - 4))
    return "\n".join(lines)


def write(records_iter, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        out.write(json.dumps([r.to_dict() for r in records_iter], ensure_ascii=False, indent=2) + "\n")
        return
    for record in records_iter:
        if fmt == "table":
            out.write(table(record) + "\n\n")
        elif fmt == "jsonl":
            out.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        elif fmt == "spans":
            out.write(json.dumps(record.to_spans(), ensure_ascii=False) + "\n")
        out.flush()
