"""Last week (`--last`): its output folder, its city workbook or its inbox, read for the units
expected this week and the cases this week is compared with."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from ledgercli.compare.diff import Side, load_side
from ledgercli.model.errors import LedgerError
from ledgercli.model.forms import input_forms
from ledgercli.model.options import Options
from ledgercli.model.units import Roster, unit_key
from ledgercli.week.outdir import CITY, read_marker


def last_inputs(last: Path) -> tuple[Path, list[str] | None, str | None]:
    """What to read of --last: last week's OUTDIR gives its city workbook (and the units its
    marker lists, so they need no reading); a workbook or an inbox folder is read as it is."""
    if not last.exists():
        raise LedgerError("week-last-missing", path=str(last))
    marker = read_marker(last) if last.is_dir() else {}
    if marker:
        city = last / str(marker.get("city", CITY))
        if not city.exists():
            raise LedgerError("week-last-no-city", path=str(last), city=city.name)
        units, form = marker.get("units"), marker.get("form")
        form = str(form) if isinstance(form, str) else None
        if isinstance(units, list) and all(isinstance(u, str) for u in units):
            return city, [str(u) for u in units], form
        return city, None, form
    return last, None, None


def roster_of_last_week(units: list[str], path: Path) -> Roster | None:
    """Last week's units as the roster (no --units): its names stay the names, and a unit
    that reported then and sends nothing now is 未报送. A unit written several ways goes by
    its most frequent spelling."""
    counts = Counter(units)
    names: dict[str, str] = {}
    for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        names.setdefault(unit_key(name), name)
    return Roster(path, sorted(names.values())) if names else None


class LastWeek:
    """Last week's cases, read in two steps: its units first (they are this week's roster and
    who is expected), the whole later, while the city workbook is being written."""

    def __init__(self, last: Path, options: Options) -> None:
        self.path, units, self.form = last_inputs(last)
        self.options = options
        self._units = units  # from last week's marker, when --last is its OUTDIR
        self._side: Side | None = None

    def _read(self, columns: frozenset[str] | None) -> Side:
        # A merged workbook is read by columns, without the checks of a submission (last
        # week's findings were last week's); a folder of submissions is validated in full.
        opts = replace(self.options, units=None, summary_columns=columns)
        return load_side([self.path], opts, units=False)

    def units(self) -> list[str]:
        """Every row's unit name (as last week wrote it)."""
        if self._units is None:
            side = self._side
            if side is None and self.path.is_file():
                side = self._read(_form_keys(units_only=True))
            elif side is None:
                side = self._side = self._read(None)
            self._units = [u for lg in side.ledgers for u in lg.units() if u]
            self.form = side.form.id
        return self._units

    def side(self) -> Side:
        if self._side is None:
            self._side = self._read(_form_keys(units_only=False) if self.path.is_file() else None)
        return self._side


def _form_keys(units_only: bool) -> frozenset[str]:
    """The columns of last week's city workbook to read: its units, or every column a
    comparison shows."""
    keys: set[str] = {"source_file", "source_row", "source_sheet"}
    for form in input_forms():
        if units_only:
            keys.update(k for k in (form.unit_column,) if k)
        else:
            # Every column a comparison shows, but numbering and dates: Excel stores those as
            # numbers, which would send the whole workbook to the slow reader for nothing.
            keys.update(c.key for c in form.columns if c.kind not in ("integer", "date"))
    return frozenset(keys)
