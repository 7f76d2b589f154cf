"""What a Huawei page does not give, recorded as gaps instead of refusing the page.

A page may lack its Status Codes or Error Codes section, or be cut short (the store's excerpt
stopping inside a sample): the contract goes without those facts and says where they are missing.
"""

from __future__ import annotations

from backup_conformance.extract.huawei_sections import Section
from backup_conformance.extract.model import Gap, Operation
from backup_conformance.extract.page import Page

_SECTIONS = {
    "status_codes": "status codes: no 'Status Codes' section; the documented statuses are unknown",
    "error_codes": "error codes: no 'Error Codes' section",
}


def huawei_gaps(page: Page, sections: list[Section], op: Operation) -> list[Gap]:
    """Missing sections and a sample cut off by the end of the page."""
    keys = {section.key for section in sections}
    gaps = [
        Gap(what, page.source(page.last_line()))
        for key, what in _SECTIONS.items()
        if key not in keys
    ]
    for example in op.examples:
        if (
            example.end_line >= len(page)
            and example.body is None
            and example.text.strip()[:1] in "{["
        ):
            gaps.append(
                Gap("sample: the page ends inside it (page cut short); not parsed", example.source)
            )
    return gaps
