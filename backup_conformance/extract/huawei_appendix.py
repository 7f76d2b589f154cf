"""Readers for Huawei's vendor-common appendices: status codes, error codes, error envelope.

Every service's pages point at these instead of repeating them, so the contract's common layer
(what any call may answer with) comes from here, each row citing its file and line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from backup_conformance.extract.huawei_blocks import Block, scan
from backup_conformance.extract.model import ErrorCode, Field, Source, StatusCode
from backup_conformance.extract.page import Page
from backup_conformance.extract.tables import Table


def _blocks(path: Path) -> tuple[Page, list[Block]]:
    page = Page.read(path)
    return page, scan(page, 1, len(page))


def read_status_codes(path: Path) -> list[StatusCode]:
    """The Normal and Abnormal tables of a status-code appendix."""
    page, blocks = _blocks(path)
    codes: list[StatusCode] = []
    mode: str | None = None
    for block in blocks:
        if block.kind == "text" and block.text.lower() in ("normal", "abnormal"):
            mode = block.text.lower()
        table = block.table
        if table is None or table.column("status code") is None:
            continue
        code, phrase = table.column("status code"), table.column("encoding")
        desc = table.column("description", "state description")
        for row in table.rows:
            stated = re.match(r"^(\d{3})\s*(.*)$", table.cell(row, code))
            if stated is None:
                raise page.error(row.line, "a status code such as '200 OK'")
            status = int(stated.group(1))
            kind = mode or ("normal" if status < 400 else "abnormal")
            codes.append(
                StatusCode(
                    status,
                    kind,
                    table.cell(row, desc),
                    page.source(row.line),
                    stated.group(2) or table.cell(row, phrase),
                )
            )
    if not codes:
        raise page.error(1, "a status code table")
    return codes


def error_codes_from_table(page: Page, table: Table) -> list[ErrorCode]:
    """Error-code rows; a blank Module cell continues the module of the row above."""
    code = table.column("error code")
    if code is None:
        return []
    status, message = table.column("http status", "status code"), table.column("error message")
    desc, module_col = table.column("description"), table.column("module")
    found, module = [], ""
    for row in table.rows:
        module = table.cell(row, module_col) or module
        stated = table.cell(row, status)
        if stated and not stated.isdigit():
            raise page.error(row.line, "an HTTP status code such as 400")
        text = table.cell(row, desc)
        found.append(
            ErrorCode(
                table.cell(row, code),
                table.cell(row, message) or text,
                page.source(row.line),
                status=int(stated) if stated else None,
                description=text if message is not None else f"Module: {module}" if module else "",
            )
        )
    return found


def read_error_codes(path: Path) -> list[ErrorCode]:
    """Every row of the error-code tables of an appendix."""
    page, blocks = _blocks(path)
    codes = [c for b in blocks if b.table for c in error_codes_from_table(page, b.table)]
    if not codes:
        raise page.error(1, "an error code table with an 'Error Code' column")
    return codes


def read_error_envelope(path: Path) -> list[Field]:
    """The fields of the abnormal-response body, each with its value in the sample."""
    page, blocks = _blocks(path)
    table = next(
        (b.table for b in blocks if b.table and b.table.column("parameter") is not None), None
    )
    if table is None:
        raise page.error(1, "a parameter table of the abnormal response")
    sample_block = next((b for b in blocks if b.kind == "json"), None)
    sample = json.loads(sample_block.text) if sample_block else {}
    name, kind = table.column("parameter"), table.column("type")
    mandatory, desc = table.column("mandatory"), table.column("description")
    fields = []
    for row in table.rows:
        doc_type = table.cell(row, kind)
        fields.append(
            Field(
                table.cell(row, name),
                doc_type,
                table.cell(row, desc),
                {"type": "string"} if doc_type.lower() == "string" else {},
                Source(page.name, row.line),
                example=sample.get(table.cell(row, name)),
                required=table.cell(row, mandatory).lower() == "yes"
                if mandatory is not None
                else None,
            )
        )
    return fields
