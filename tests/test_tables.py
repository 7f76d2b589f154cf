"""Table readers: cells and row lines of each layout, and the line a cut-short table names."""

from __future__ import annotations

from pathlib import Path

import pytest

from backup_conformance.extract.page import Page, PageFormatError
from backup_conformance.extract.rst_tables import read_grid_table, read_simple_table
from backup_conformance.extract.tables import read_line_cells, read_pipe_table

DATA = Path(__file__).parent / "data" / "huawei"
ROOT = Path(__file__).resolve().parents[1]
PAGE_002 = ROOT / "contracts" / "sources" / "002_2942722f5d95fee0.txt"
PAGE_004 = ROOT / "contracts" / "sources" / "004_635508fb7d817dd1.txt"


def test_grid_table_joins_cell_lines_and_keeps_paragraphs() -> None:
    page = Page.read(DATA / "grid_multiline.rst")
    table = read_grid_table(page, 3)
    assert table.header == ["Parameter", "Mandatory", "Description"]
    assert [row.line for row in table.rows] == [6, 10]
    assert table.rows[0].cells == ["limit", "No", "Maximum records.\n\nMinimum value: **1**"]
    assert table.rows[1].cells[2] == (
        "The value can be:\n\n-  **Instance**: an instance\n-  **DatabaseTable**: a table"
    )
    assert (table.line, table.end_line) == (3, 14)


def test_grid_table_without_closing_border_names_the_line() -> None:
    page = Page.read(DATA / "grid_unclosed.rst")
    with pytest.raises(PageFormatError) as caught:
        read_grid_table(page, 1)
    assert caught.value.line == 5
    assert "closing border" in caught.value.expected


def test_grid_table_with_a_missing_cell_boundary() -> None:
    page = Page.from_text("t.rst", "+---+---+\n| a | b |\n+===+===+\n| c   d |\n+---+---+\n")
    with pytest.raises(PageFormatError) as caught:
        read_grid_table(page, 1)
    assert caught.value.line == 4
    assert "cell boundary" in caught.value.expected


def test_simple_table_with_continuation_line() -> None:
    page = Page.read(DATA / "simple_table.rst")
    table = read_simple_table(page, 1)
    assert table.header == ["Parameter", "Mandatory", "Description"]
    assert [(row.cells, row.line) for row in table.rows] == [
        (["project_id", "Yes", "Project ID"], 4),
        (["id", "Yes", "Backup ID or backup sharing ID (continued)"], 5),
    ]
    assert table.end_line == 7


def test_simple_table_cut_short() -> None:
    page = Page.from_text("t.rst", "   ==== ====\n   a    b\n   ==== ====\n   x    y\nnext\n")
    with pytest.raises(PageFormatError) as caught:
        read_simple_table(page, 1)
    assert caught.value.line == 5
    assert "closing border" in caught.value.expected


def test_pipe_table_rows_broken_over_lines_page_004() -> None:
    page = Page.read(PAGE_004)
    table = read_pipe_table(page, 28)
    assert table.header == ["Parameter", "Mandatory", "Type", "Description"]
    assert [(row.cells[:3], row.line) for row in table.rows] == [
        (["project_id", "Yes", "String"], 35),
        (["backup_id", "Yes", "String"], 40),
    ]
    assert table.rows[1].cells[3].startswith("Definition Backup file ID.")
    assert table.end_line == 43


def test_pipe_table_row_with_too_few_cells() -> None:
    page = Page.read(DATA / "pipe_cut_row.txt")
    with pytest.raises(PageFormatError) as caught:
        read_pipe_table(page, 3)
    assert caught.value.line == 11
    assert "3 cells (Parameter, Type, Description)" in caught.value.expected
    assert "found 2" in caught.value.expected


def test_one_cell_per_line_table_page_002() -> None:
    page = Page.read(PAGE_002)
    table = read_line_cells(page, 75, ["Status Code", "Description"], end=134)
    assert len(table.rows) == 14
    assert table.rows[0].cells == ["400 Bad Request", "The server failed to process the request."]
    assert table.rows[0].line == 79
    assert table.rows[-1].cells == ["504 Gateway Timeout", "A gateway timeout error occurred."]
    assert table.end_line == 133


def test_one_cell_per_line_stops_at_the_next_bullet() -> None:
    page = Page.read(PAGE_002)
    table = read_line_cells(page, 15, ["Parameter", "Mandatory", "Description"])
    assert [(row.cells, row.line) for row in table.rows] == [
        (["project_id", "Yes", "Project ID"], 21),
        (["id", "Yes", "Backup ID or backup sharing ID"], 27),
    ]


def test_one_cell_per_line_row_cut_short() -> None:
    page = Page.read(DATA / "line_cells_cut_row.txt")
    with pytest.raises(PageFormatError) as caught:
        read_line_cells(page, 3, ["Parameter", "Mandatory", "Description"])
    assert caught.value.line == 13
    assert "row starting at line 9, found 2" in caught.value.expected


def test_one_cell_per_line_header_mismatch() -> None:
    page = Page.read(PAGE_002)
    with pytest.raises(PageFormatError) as caught:
        read_line_cells(page, 15, ["Parameter", "Type"])
    assert caught.value.line == 17
    assert "header cell 'Type'" in caught.value.expected
