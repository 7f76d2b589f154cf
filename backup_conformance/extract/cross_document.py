"""Contradictions between a page and the vendor appendix it points to.

The page stays the source of truth for its API; the contradiction is recorded so a user can
see it and pick the strictness that treats it the way they need.
"""

from __future__ import annotations

import re
from typing import Any

from backup_conformance.extract.model import Operation


def cross_document_anomalies(ops: list[Operation], huawei: dict[str, Any]) -> list[dict[str, Any]]:
    """Huawei appendix rows naming a method's normal status that the page does not document."""
    found = []
    for op in ops:
        if op.family != "huawei-rest" or not op.method:
            continue
        normal = {s.status: s for s in op.status_codes if s.kind == "normal"}
        mention = re.compile(rf"\b{re.escape(op.method.upper())}\b")
        for row in huawei.get("status_codes", {}).get(op.service, []):
            if row["kind"] != "normal" or not mention.search(row["description"]):
                continue
            if row["status"] in normal or not normal:
                continue
            page_status = min(normal)
            found.append({
                "id": f"appendix-normal-status-{row['status']}",
                "api_id": op.api_id,
                "summary": (
                    f"The page documents {page_status} as the normal status of this "
                    f"{op.method.upper()}, while the service's status-code appendix says "
                    f"{row['status']} {row['phrase']}: {row['description']}"
                ),
                "sources": [f"{op.page}:{normal[page_status].source.line}", row["source"]],
                "choice": (
                    f"every level accepts only the page's {page_status}: a service-wide "
                    f"appendix does not widen the operation's own page"
                ),
            })
    return found
