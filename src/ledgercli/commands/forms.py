"""`ledger forms`: the forms this tool knows."""

from __future__ import annotations

import json

import click

from ..options import format_option


@click.command()
@click.option("-v", "--verbose", is_flag=True, help="Also list every column and check.")
@format_option
def forms(verbose: bool, fmt: str) -> None:
    """List the forms (schemas) this tool knows."""
    from ..forms import builtin_forms
    from ..rules import REGISTRY, get_rules

    known = builtin_forms()
    if fmt == "json":
        data = [
            {
                "id": f.id,
                "kind": f.kind,
                "title": f.title,
                "title_en": f.title_en,
                "source": f.source,
                "columns": [c.header for c in f.columns],
                "checks": f.checks,
            }
            for f in known.values()
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    from ..console import out

    table = Table(box=None, header_style="bold")
    for col in ("id", "kind", "title", "columns", "source"):
        table.add_column(col)
    for f in known.values():
        n = len(f.columns) or len(f.fields)
        table.add_row(f.id, f.kind, f"{f.title}\n{f.title_en}", str(n), f.source)
    out.print(table)
    if verbose:
        for f in known.values():
            out.print(f"\n[bold]{f.id}[/bold]")
            for c in f.columns:
                req = (
                    "required"
                    if c.required is True
                    else (
                        "warn if blank"
                        if c.required == "warning"
                        else ("required when " + c.required_when.column if c.required_when else "")
                    )
                )
                out.print(f"  {c.label:<24} {c.kind:<12} {req}")
            for r in get_rules(f.checks):
                out.print(f"  check {r.code}: {r.doc}")
        out.print("\n[bold]all checks[/bold]")
        for code in sorted(REGISTRY):
            out.print(f"  {code}: {REGISTRY[code].doc}")


command = forms
