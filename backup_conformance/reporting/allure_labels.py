"""What a test looks like in allure: labels from the matrix position, attachments from the
exchanges (redacted) or, failing those, from the check failures.

epic = vendor (Alibaba Cloud / Huawei Cloud), feature = API id, story = check column, severity
from the check (allure's five levels; ours are four), tag = the suite. The plugin turns these
into allure markers and attachments; nothing here imports allure.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from backup_conformance.reporting.collect import TestMeta
from backup_conformance.reporting.matrix import column_info, quote_source
from backup_conformance.secrets import scrub_secrets

#: Our severities on allure's scale (blocker, critical, normal, minor, trivial).
SEVERITY = {"critical": "blocker", "high": "critical", "medium": "normal", "low": "minor"}
MAX_ATTACHED = 4  # exchanges attached per test: the failing ones first, then the last ones
MAX_BODY = 16_000


def labels(meta: TestMeta, vendors: Mapping[str, str]) -> list[tuple[str, str]]:
    """(label type, value) pairs for one test."""
    found = [("epic", v) for v in dict.fromkeys(vendors.get(a, "") for a in meta.apis) if v]
    found += [("feature", api) for api in meta.apis]
    info = column_info(meta.check)
    found += [("story", meta.check), ("severity", SEVERITY.get(info["severity"], "normal")),
              ("tag", meta.family)]
    return found


def exchange_texts(exchange: Any) -> list[tuple[str, str]]:
    """(name, text) attachments of one exchange: the request as sent and the answer, both from
    ``Exchange.redacted()``, and the redacted curl command."""
    safe = exchange.redacted()
    request = safe.request
    lines = [f"{request.method} {request.url}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    if request.body:
        lines += ["", _body(request.body)]
    texts = [(f"request {exchange.api_id}", "\n".join(lines))]
    response = safe.response
    if response is not None:
        lines = [f"HTTP {response.status} ({response.elapsed:.3f}s)"]
        lines += [f"{name}: {value}" for name, value in response.headers.items()]
        if response.body:
            lines += ["", _body(response.body)]
        texts.append((f"response {response.status}", "\n".join(lines)))
    texts.append(("curl", exchange.curl()))
    return [(name, scrub_secrets(text)) for name, text in texts]


def _body(body: bytes) -> str:
    text = body[:MAX_BODY].decode("utf-8", "replace")
    with contextlib.suppress(ValueError):  # not JSON: shown as it came
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    return text + (f"\n... ({len(body)} bytes)" if len(body) > MAX_BODY else "")


def chosen(exchanges: Sequence[Any], failures: Sequence[Mapping[str, str]]) -> list[Any]:
    """The exchanges worth attaching: those a failure's repro names, then the last ones."""
    repros = {f.get("repro", "") for f in failures}
    picked = [e for e in exchanges if e.curl() in repros]
    for exchange in reversed(exchanges):
        if len(picked) >= MAX_ATTACHED:
            break
        if exchange not in picked:
            picked.append(exchange)
    return picked[:MAX_ATTACHED]


def failure_text(failure: Mapping[str, str]) -> str:
    """A failure as an attachment when no exchange was captured (the received text and the
    redacted repro are all we have)."""
    lines = [f"[{failure['check']}] {failure['title']}", f"Received: {failure['received']}",
             f"Documented: {failure['documented']}",
             f"Source: {failure['source']} ({failure['layer']})"]
    quote = quote_source(failure["source"])
    if quote:
        lines.append(f"The page says: {quote}")
    if failure.get("repro"):
        lines.append(f"Reproduce: {failure['repro']}")
    return scrub_secrets("\n".join(lines))


def source_links(failures: Sequence[Mapping[str, str]]) -> list[tuple[str, str]]:
    """(url, name) links to the documentation lines behind the failures: the page as shipped in
    ``contracts/sources/``, line anchored."""
    found = []
    for failure in failures:
        source = failure.get("source", "")
        page, _, line = source.partition(":")
        if page.endswith(".txt") and line[:1].isdigit():
            number = "".join(ch for ch in line if ch.isdigit())
            found.append((f"contracts/sources/{page}#L{number}", source))
    return list(dict.fromkeys(found))


def description(doc: str, failures: Sequence[Mapping[str, str]]) -> str:
    """The test's docstring followed by the documentation lines its failures cite."""
    parts = [doc.strip()] if doc.strip() else []
    for failure in failures:
        quote = quote_source(failure["source"])
        line = f"Documented at {failure['source']}"
        parts.append(line + (f": \u201c{quote}\u201d" if quote else ""))
    return "\n\n".join(dict.fromkeys(parts))
