"""`connector describe`: a module's inputs and outputs as a person reads them, nested fields too."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.conftest import CliResult

Cli = Callable[..., CliResult]


def section(text: str, title: str) -> list[str]:
    """The lines of one section (``inputs:`` or ``outputs:``), up to the next one."""
    lines = text.splitlines()
    start = lines.index(title) + 1
    end = next((at for at in range(start, len(lines)) if not lines[at].startswith(" ")), len(lines))
    return lines[start:end]


def rows_under(lines: list[str], parent: str) -> list[str]:
    """The rows indented under the top-level row named ``parent``."""
    at = next(index for index, line in enumerate(lines) if line.startswith(f"  {parent} "))
    rows = []
    for line in lines[at + 1 :]:
        if not line.startswith("    "):
            break
        rows.append(line)
    return rows


def test_array_inputs_show_their_item_fields_indented_under_them(cli: Cli) -> None:
    result = cli("describe", "update_invoice")
    assert result.code == 0
    items = rows_under(section(result.out, "inputs:"), "line_items")
    assert [row.split()[0] for row in items] == [
        "id",
        "title",
        "quantity",
        "price",
        "taxable",
        "_destroy",
    ]
    assert re.fullmatch(
        r"    _destroy +boolean +optional +Remove\. Removes the item with this ID", items[-1]
    )


def test_required_item_fields_say_so(cli: Cli) -> None:
    items = rows_under(section(cli("describe", "create_invoice").out, "inputs:"), "line_items")
    assert items, "create_invoice's line items show their fields"
    required = {row.split()[0] for row in items if " required " in row}
    assert required == {"title", "quantity", "price"}


def test_array_outputs_show_their_item_fields_indented_under_them(cli: Cli) -> None:
    outputs = section(cli("describe", "update_invoice").out, "outputs:")
    items = rows_under(outputs, "invoice_items")
    assert [row.split()[0] for row in items] == ["id", "title", "quantity", "price", "taxable"]
    assert re.fullmatch(r"    id +integer +Item ID", items[0])
    assert rows_under(outputs, "payments")[0].split()[0] == "id"


def test_top_level_columns_are_aligned_as_before(cli: Cli) -> None:
    """Nested rows are aligned among themselves: they do not widen the top-level columns."""
    inputs = section(cli("describe", "update_invoice").out, "inputs:")
    top = [line for line in inputs if not line.startswith("    ")]
    assert len({line.index(line.split()[1], len(line.split()[0]) + 2) for line in top}) == 1
    assert top[0].startswith("  id             integer (select)         required  Invoice.")
