"""Output formats of ``saidwhat extract``: table (for a person), json, jsonl, spans (evaluation),
csv (one row per attribution, for a spreadsheet)."""
from __future__ import annotations

import csv
import json
import shutil
from typing import TextIO

from saidwhat.record import Record

PRONOUNS = {"he", "she", "it", "they", "we", "i"}

FORMATS = ("table", "json", "jsonl", "spans", "csv")

# One row per attribution; spans are JSON lists of [start, end] into the article text.
CSV_COLUMNS = ("article_id", "url", "title", "published", "attribution_id", "kind", "speaker_name", "speaker_role", "speaker_affiliation",
               "speaker_type", "anonymous", "speaker_confidence", "speaker_how", "source", "channel", "medium", "addressee", "cue", "cue_lemma",
               "stance", "content", "said_on", "said_on_text", "said_on_certainty", "confidence", "source_spans", "cue_spans", "content_spans")


def csv_rows(record: Record):
    """The CSV rows of one record (dicts keyed by :data:`CSV_COLUMNS`)."""
    for att in record.attributions:
        sp = record.speaker(att.source.speaker) if att.source is not None else None
        yield {
            "article_id": record.article.id, "url": record.article.url, "title": record.article.title,
            "published": record.article.published, "attribution_id": att.id, "kind": att.kind,
            "speaker_name": sp.name if sp else None, "speaker_role": sp.role if sp else None,
            "speaker_affiliation": sp.affiliation if sp else None, "speaker_type": sp.type if sp else None,
            "anonymous": ("true" if sp.anonymous else "false") if sp else None,  # as spreadsheets read it
            "speaker_confidence": (None if att.source is None or att.source.speaker_confidence is None
                                   else round(att.source.speaker_confidence, 3)),
            "speaker_how": att.source.speaker_how if att.source else None,
            "source": att.source.text if att.source else None,
            "channel": att.channel.text if att.channel else None,
            "medium": att.medium.text if att.medium else None,
            "addressee": att.addressee.text if att.addressee else None,
            "cue": att.cue.text if att.cue else None, "cue_lemma": att.cue.lemma if att.cue else None,
            "stance": att.cue.stance if att.cue else None, "content": att.content.text,
            "said_on": att.said_on.date if att.said_on else None,
            "said_on_text": att.said_on.text if att.said_on else None,
            "said_on_certainty": att.said_on.certainty if att.said_on else None,
            "confidence": round(att.confidence, 3),
            "source_spans": json.dumps([list(x) for x in att.source.spans]) if att.source else "[]",
            "cue_spans": json.dumps([list(x) for x in att.cue.spans]) if att.cue else "[]",
            "content_spans": json.dumps([list(x) for x in att.content.spans]),
        }


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
    if att.medium:
        details.append(att.medium.text)
    if att.addressee:
        details.append(f"to {att.addressee.text}")
    return " ".join(who.split()), ", ".join(details)


def table(record: Record) -> str:
    """A readable table: speaker, its role/affiliation/anonymity/channel, cue, kind, content."""
    width = max(100, min(shutil.get_terminal_size((150, 20)).columns, 200))
    head = record.article.title or record.article.id
    lines = [f"== {head} — {len(record.attributions)} attributions, "
             f"{len(record.unattributed)} unattributed sentences"]
    # columns as wide as this article needs, within bounds; the content takes the rest
    cells = [speaker_cells(record, att) for att in record.attributions]
    ww = min(34, max([18] + [len(w) for w, _ in cells]))
    dw = min(40, max([18] + [len(d) for _, d in cells]))
    cw, kw = 22, 12
    tw = max(30, width - ww - dw - cw - kw - 4)
    lines.append(f"{'SPEAKER':<{ww}} {'ROLE / AFFILIATION':<{dw}} {'CUE':<{cw}} {'KIND':<{kw}} CONTENT")
    text = record.article.text
    for att, (who, details) in zip(record.attributions, cells):
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
    if fmt == "json":  # one array, written record by record (a big input is never held whole)
        out.write("[")
        for n, record in enumerate(records_iter):
            body = json.dumps(record.to_dict(), ensure_ascii=False, indent=2)
            out.write(("," if n else "") + "\n  " + body.replace("\n", "\n  "))
            out.flush()
        out.write("\n]\n")
        return
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
    for record in records_iter:
        if writer is not None:
            writer.writerows(csv_rows(record))
        elif fmt == "table":
            out.write(table(record) + "\n\n")
        elif fmt == "jsonl":
            out.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        elif fmt == "spans":
            out.write(json.dumps(record.to_spans(), ensure_ascii=False) + "\n")
        out.flush()
