"""Geometry of the overview's SVG charts (numbers only; the templates draw and escape labels).

Each function returns plain dicts of coordinates that ``templates/charts.html`` turns into inline
SVG with presentation attributes (no ``style`` attributes, so the page's CSP needs no
``'unsafe-inline'``). The timeline pages' row of dots (:func:`timeline_figure`) is here too.
"""
from __future__ import annotations

import math
from datetime import date
from typing import Any, Sequence

from .links import quote_path


def _nice(top: float) -> float:
    """A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 2.5, 5, 10):
        if top <= step * power:
            return step * power
    return 10 * power


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def columns(data: Sequence[tuple[str, float]], width: int = 720, height: int = 220,
            label_every: int | None = None) -> dict[str, Any]:
    """Vertical bars (one per label, in order), e.g. articles per month."""
    left, right, top, bottom = 48, 30, 10, 34
    inner_w, inner_h = width - left - right, height - top - bottom
    n = max(1, len(data))
    peak = _nice(max((v for _, v in data), default=0))
    slot = inner_w / n
    bar_w = max(1.0, slot * 0.8)
    every = label_every or max(1, math.ceil(n / 12))
    bars = []
    for i, (label, value) in enumerate(data):
        h = inner_h * (value / peak) if peak else 0
        x = left + i * slot + (slot - bar_w) / 2
        bars.append({"x": round(x, 1), "y": round(top + inner_h - h, 1), "w": round(bar_w, 1),
                     "h": round(h, 1), "label": label, "value": _fmt(value),
                     "tick": i % every == 0, "tx": round(x + bar_w / 2, 1)})
    ticks = [{"y": round(top + inner_h - inner_h * f, 1), "label": _fmt(peak * f)}
             for f in (0, 0.25, 0.5, 0.75, 1)]
    return {"width": width, "height": height, "left": left, "right": width - right,
            "base": top + inner_h, "bars": bars, "ticks": ticks, "label_y": height - 12}


def rows(data: Sequence[dict[str, Any]], value: str, label: str, width: int = 720,
         row_h: int = 22, label_w: int = 220) -> dict[str, Any]:
    """Horizontal bars, one row per item (sites, most quoted speakers); keeps each item's dict."""
    peak = max((float(d[value]) for d in data), default=0) or 1
    inner = width - label_w - 70
    out = []
    for i, d in enumerate(data):
        w = inner * float(d[value]) / peak
        out.append({"item": d, "label": str(d[label]), "y": i * row_h, "w": round(max(w, 1), 1),
                    "value": _fmt(float(d[value])), "vx": round(label_w + w + 6, 1),
                    "ty": i * row_h + row_h * 0.68, "h": row_h - 6})
    return {"width": width, "height": max(row_h, len(data) * row_h), "label_w": label_w,
            "rows": out}


def share_line(data: Sequence[tuple[str, int, int]], width: int = 720, height: int = 200) -> dict[str, Any]:
    """A line of the anonymous share per month: (month, with_speaker, anonymous)."""
    left, right, top, bottom = 48, 30, 10, 34
    inner_w, inner_h = width - left - right, height - top - bottom
    n = len(data)
    step = inner_w / max(1, n - 1)
    every = max(1, math.ceil(n / 12))
    dots = []
    for i, (month, total, anon) in enumerate(data):
        share = anon / total if total else 0.0
        x = left + (i * step if n > 1 else inner_w / 2)
        y = top + inner_h - inner_h * share
        dots.append({"x": round(x, 1), "y": round(y, 1), "month": month,
                     "share": f"{100 * share:.0f}%", "anonymous": anon, "total": total,
                     "tick": i % every == 0})
    ticks = [{"y": round(top + inner_h - inner_h * f, 1), "label": f"{int(f * 100)}%"}
             for f in (0, 0.25, 0.5, 0.75, 1)]
    return {"width": width, "height": height, "left": left, "right": width - right,
            "base": top + inner_h, "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
            "dots": dots, "ticks": ticks, "label_y": height - 12}


def heatmap(sites: Sequence[str], months: Sequence[str], cells: Sequence[dict[str, Any]],
            width: int = 720, label_w: int = 170, cell_h: int = 20) -> dict[str, Any]:
    """Articles per site (rows) and month (columns); opacity follows the count."""
    counts = {(c["site"], c["month"]): int(c["articles"]) for c in cells}
    peak = max(counts.values(), default=0) or 1
    n = max(1, len(months))
    cell_w = (width - label_w - 4) / n
    every = max(1, math.ceil(n / 8))
    grid = []
    for r, site in enumerate(sites):
        for c, month in enumerate(months):
            v = counts.get((site, month), 0)
            grid.append({"x": round(label_w + c * cell_w, 1), "y": r * cell_h, "w": round(cell_w - 1, 1),
                         "h": cell_h - 2, "site": site, "month": month, "value": v,
                         "opacity": round(0.08 + 0.92 * v / peak, 3) if v else 0.03})
    labels = [{"label": s, "y": r * cell_h + cell_h * 0.65} for r, s in enumerate(sites)]
    mlabels = [{"label": m, "x": round(label_w + c * cell_w + cell_w / 2, 1)}
               for c, m in enumerate(months) if c % every == 0]
    h = len(sites) * cell_h
    return {"width": width, "height": h + 24, "grid": grid, "labels": labels, "months": mlabels,
            "month_y": h + 16, "label_w": label_w}


def timeline_figure(items: list[dict[str, Any]], width: int = 720, height: int = 70) -> dict[str, Any] | None:
    """Dots on a time axis, one per statement (dated by said_on, else publication)."""
    dated = [(date.fromisoformat(i["when"][:10]), i) for i in items if i.get("when")]
    if not dated:
        return None
    first, last = min(d for d, _ in dated), max(d for d, _ in dated)
    span = max(1, (last - first).days)
    left, right = 20, width - 20
    dots, stack = [], {}
    for d, item in dated:
        x = left + (right - left) * ((d - first).days / span if last != first else 0.5)
        key = round(x / 6)
        level = stack.get(key, 0)
        stack[key] = level + 1
        dots.append({"x": round(x, 1), "y": 40 - min(level, 5) * 7, "date": d.isoformat(),
                     "href": f"/articles/{quote_path(str(item['article_id']))}#{item['id']}",
                     "text": (item.get("content") or {}).get("text") or ""})
    return {"width": width, "height": height, "dots": dots, "first": first.isoformat(),
            "last": last.isoformat(), "left": left, "right": right}

