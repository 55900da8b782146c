"""Output formats of ``saidwhat extract``: table (for a person), json, jsonl, spans (evaluation)."""
from __future__ import annotations

import json
import shutil
from typing import TextIO

from .record import Record

PRONOUNS = {"he", "she", "it", "they", "we", "i"}

FORMATS = ("table", "json", "jsonl", "spans")


def _short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def speaker_cells(record: Record, att) -> tuple[str, str]:
    """(who, details) for the table: the speaker's name or phrase, and role/affiliation/flags."""
    if att.source is None:
        return "(no source)", ""
    sp = record.speaker(att.source.speaker)
    who = att.source.text
    details = []
    if sp is not None:
        if sp.name:
            who = sp.name if sp.name in who or who.lower() in PRONOUNS else f"{sp.name} ({who})"
        details += [x for x in (sp.role, sp.affiliation) if x]
        if sp.anonymous:
            details.append("anonymous")
    if att.channel:
        details.append(f"via {att.channel.text}")
    return " ".join(who.split()), ", ".join(details)


def table(record: Record) -> str:
    """A readable table: speaker, its role/affiliation/anonymity/channel, cue, kind, content."""
    width = max(100, min(shutil.get_terminal_size((150, 20)).columns, 200))
    head = record.article.title or record.article.id
    lines = [f"== {head} — {len(record.attributions)} attributions, "
             f"{len(record.unattributed)} unattributed sentences"]
    ww, dw, cw, kw = 30, 26, 18, 12
    tw = max(30, width - ww - dw - cw - kw - 4)
    lines.append(f"{'SPEAKER':<{ww}} {'ROLE / AFFILIATION':<{dw}} {'CUE':<{cw}} {'KIND':<{kw}} CONTENT")
    text = record.article.text
    for att in record.attributions:
        who, details = speaker_cells(record, att)
        content = " … ".join(text[s:e] for s, e in att.content.spans)  # a quote broken by its cue
        cue = att.cue.text if att.cue else "—"
        if att.said_on:
            cue += f" ({att.said_on.date or att.said_on.text})"
        lines.append(f"{_short(who, ww):<{ww}} {_short(details, dw):<{dw}} {_short(cue, cw):<{cw}} "
                     f"{att.kind:<{kw}} {_short(content, tw)}")
    if record.relations:
        lines.append("-- relations")
        by_id = {att.id: att for att in record.attributions}
        for rel in record.relations:
            ends = [f"{i} ({speaker_cells(record, by_id[i])[0]})" if i in by_id else i
                    for i in (rel.source_id, rel.target_id)]
            lines.append(f"   {ends[0]} {rel.type} {ends[1]}")
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
