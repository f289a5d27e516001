"""周报.html: the week on one A4 landscape page, from the WeekReport alone.

The page is self-contained: its style and its chart (an inline SVG) are inside it, it names no
font file, script, image or address outside itself, so it opens the same from an e-mail, a
USB stick or a machine without a network. Every text from a submission is escaped by jinja2.
Lists are cut to what one page holds, each with the count left out and the workbook that has
them all.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from ledgercli.model.numbers import grouped, signed
from ledgercli.week.report import WeekReport

# How many lines each list may take on the page; the rest is counted and in its workbook.
MAX_RETURNED = 6
MAX_CHANGES = 10
MAX_OVERDUE_UNITS = 4
MAX_CAUTIONS = 6

# The chart's drawing units (the SVG scales to the column it sits in).
BAR_AREA = 118
LABEL_CHARS = 7
TOP = 18


def render(report: WeekReport) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = grouped
    env.filters["signed"] = signed
    env.filters["name"] = lambda p: Path(str(p)).name
    env.filters["trend"] = trend
    return env.get_template("week.html.j2").render(r=report, chart=chart(report), **limits())


def limits() -> dict[str, int]:
    return {
        "max_returned": MAX_RETURNED,
        "max_changes": MAX_CHANGES,
        "max_overdue_units": MAX_OVERDUE_UNITS,
        "max_cautions": MAX_CAUTIONS,
    }


def trend(value: str | None) -> str:
    """The class of a change that is progress (up) or a step back (down)."""
    if value is None:
        return ""
    d = Decimal(str(value))
    return "up" if d > 0 else "down" if d < 0 else ""


def chart(report: WeekReport) -> dict[str, Any]:
    """清偿率 by unit as columns: the geometry the template draws, one column per unit (units
    owing nothing have no rate and no column), the city's rate as a dashed line."""
    units = [u for u in report.units if u.rate is not None]
    n = len(units)
    # Columns spread over the width (no wider than 60 units), or narrower than 9 never: a
    # district of 60 units widens the drawing, which the page then scales down.
    step = min(60.0, max(560.0 / max(n, 1), 9.0))
    width = max(600.0, step * n + 40)
    bar = step * (0.6 if step > 30 else 0.72)
    city = Decimal(report.headline.rate) if report.headline.rate is not None else None
    columns = []
    for k, u in enumerate(units):
        rate = Decimal(str(u.rate))
        h = float(min(rate, Decimal(100))) * BAR_AREA / 100
        x = 30 + k * step + (step - bar) / 2
        name = u.unit if len(u.unit) <= LABEL_CHARS else u.unit[: LABEL_CHARS - 1] + "…"
        columns.append(
            {
                "x": round(x, 1),
                "y": round(TOP + BAR_AREA - h, 1),
                "w": round(bar, 1),
                "h": round(h, 1),
                "cx": round(x + bar / 2, 1),
                "rate": u.rate,
                "unit": u.unit,
                "label": name,
                "low": city is not None and rate < city,
                "show_value": step >= 22,
            }
        )
    line = None
    if city is not None:
        line = round(TOP + BAR_AREA - float(min(city, Decimal(100))) * BAR_AREA / 100, 1)
    return {
        "columns": columns,
        "width": round(width, 1),
        "height": TOP + BAR_AREA + 12 * LABEL_CHARS + 8,
        "base": TOP + BAR_AREA,
        "top": TOP,
        "line": line,
        "grid": [(p, round(TOP + BAR_AREA - p * BAR_AREA / 100, 1)) for p in (0, 50, 100)],
        "label_y": TOP + BAR_AREA + 6,
    }
