"""Facts of a Huawei page outside its parameter tables: IAM authorization, status codes,
appendix pointers and the operation's identity.

They take the blocks of one section, so the extractor decides which section is which.
"""

from __future__ import annotations

import re

from backup_conformance.extract.huawei_blocks import Block
from backup_conformance.extract.model import Authorization, Operation, Reference, StatusCode
from backup_conformance.extract.page import Page


def dashes(text: str) -> list[str]:
    """Cell values, with Huawei's "-" (nothing) dropped."""
    return [v.strip() for v in re.split(r"[\n,]", text) if v.strip() and v.strip() != "-"]


def authorization(page: Page, blocks: list[Block], op: Operation) -> list[Authorization]:
    found = []
    for block in blocks:
        table = block.table
        if block.kind == "text" and re.search(r"\bsee\b.*\bpermissions\b", block.text, re.I):
            op.references.append(Reference("permissions", block.text, page.source(block.line)))
        if table is None or table.column("action") is None:
            continue
        for row in table.rows:
            found.append(
                Authorization(
                    table.cell(row, table.column("action")),
                    table.cell(row, table.column("access level")),
                    page.source(row.line),
                    resource_types=dashes(table.cell(row, table.column("resource type"))),
                    condition_keys=dashes(table.cell(row, table.column("condition key"))),
                    aliases=dashes(table.cell(row, table.column("alias"))),
                    associated_operations=dashes(table.cell(row, table.column("dependencies"))),
                )
            )
    return found


def pointers(page: Page, blocks: list[Block], topic: str, words: str) -> list[Reference]:
    return [
        Reference(topic, block.text, page.source(block.line))
        for block in blocks
        if block.kind == "text" and re.search(rf"\bsee\b.*{words}", block.text, re.I)
    ]


def status_codes(page: Page, blocks: list[Block], op: Operation) -> list[StatusCode]:
    """The Normal list and Abnormal table; a pointer to the appendix becomes a Reference."""
    codes: list[StatusCode] = []
    mode: str | None = None
    op.references += pointers(page, blocks, "status-codes", r"\bstatus codes?\b")
    for block in blocks:
        if block.kind == "text":
            lowered = block.text.lower()
            mode = (
                "abnormal"
                if lowered.startswith("abnormal")
                else ("normal" if lowered.startswith("normal") else mode)
            )
            stated = re.match(r"^(\d{3})(?:\s+(.*))?$", block.text)
            if stated:
                codes.append(
                    StatusCode(
                        int(stated.group(1)),
                        mode or _kind(stated.group(1)),
                        "",
                        page.source(block.line),
                        stated.group(2) or "",
                    )
                )
        elif block.table is not None:
            codes += _status_table(page, block, mode)
    return codes


def _kind(status: str) -> str:
    return "normal" if int(status) < 400 else "abnormal"


def _status_table(page: Page, block: Block, mode: str | None) -> list[StatusCode]:
    table = block.table
    assert table is not None
    code, phrase = table.column("status code", "http status"), table.column("encoding")
    desc = table.column("description", "state description")
    found = []
    for row in table.rows:
        stated = re.match(r"^(\d{3})\s*(.*)$", table.cell(row, code))
        if stated is None:
            raise page.error(row.line, "a status code such as '400 Bad Request'")
        found.append(
            StatusCode(
                int(stated.group(1)),
                mode or _kind(stated.group(1)),
                table.cell(row, desc),
                page.source(row.line),
                stated.group(2) or table.cell(row, phrase),
            )
        )
    return found


def settle_statuses(op: Operation) -> None:
    """Give unmarked response samples the documented status; derive normal codes if absent."""
    documented = [r.status for r in op.responses]
    for example in op.examples:
        if example.kind == "response" and example.status is None and documented:
            example.status = documented[0]
    for response in op.responses:
        titled = next(
            (
                e.title
                for e in op.examples
                if e.kind == "response"
                and e.status == response.status
                and e.title
                and "example" not in e.title.lower()
            ),
            "",
        )
        response.description = response.description or titled
    if not any(code.kind == "normal" for code in op.status_codes):
        op.status_codes[:0] = [
            StatusCode(r.status, "normal", r.description or "Documented response status", r.source)
            for r in op.responses
        ]


def identify(op: Operation, api_id: str | None, service: str | None) -> None:
    """api_id and service: given, else from the IAM action, else from the title."""
    action = op.authorization[0].action if op.authorization else ""
    segments = action.split(":") if action else []
    name = (
        segments[-1][:1].upper() + segments[-1][1:]
        if segments
        else "".join(
            word[:1].upper() + word[1:]
            for word in re.findall(r"[A-Za-z0-9]+", re.sub(r"\(.*?\)", "", op.title))
        )
    )
    op.service = (
        service
        or (api_id.split(".")[0] if api_id and "." in api_id else "")
        or (segments[0] if segments else "")
    )
    if api_id:
        op.api_id = api_id
        op.notes.append(f"api_id {api_id} was given by the caller; the page does not state it.")
    else:
        op.api_id = f"{op.service}.{name}" if op.service else name
        source = f"the IAM action {action}" if segments else "the page title"
        op.notes.append(f"api_id {op.api_id} was derived from {source}.")
    if not op.service:
        op.notes.append("The page states no service and none was given.")
