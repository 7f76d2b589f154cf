"""The extracted facts of one API page, each carrying the page line it came from.

Extractors of every documentation family produce these objects; the contract writer turns them
into OpenAPI and sidecar JSON. Nothing here knows about a vendor's page layout.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, order=True)
class Source:
    """Provenance of a fact: the page file name and the 1-based line number."""

    page: str
    line: int

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


@dataclass
class Parameter:
    """A request parameter as the page documents it.

    ``schema`` is the JSON Schema (2020-12) of the *decoded* value; ``wire`` says how the value
    travels: ``plain`` (as text) or ``json`` (one JSON-encoded string, e.g. Alibaba ``ClientIds``).
    """

    name: str
    location: str  # "query" | "path" | "header" | "body"
    doc_type: str  # the type exactly as written on the page
    required: bool
    description: str
    schema: dict[str, Any]
    source: Source
    example: Any = None
    wire: str = "plain"
    enum_descriptions: dict[str, str] = field(default_factory=dict)


@dataclass
class Field:
    """A documented response field; ``children`` hold nested object properties or array items."""

    name: str
    doc_type: str
    description: str
    schema: dict[str, Any]
    source: Source
    example: Any = None
    required: bool | None = None  # None: the page does not say
    children: list[Field] = field(default_factory=list)


@dataclass
class Response:
    """A documented response: its status and body fields (empty ``fields`` with ``body=False``
    means the page documents no body at all)."""

    status: int
    description: str
    source: Source
    body: bool = True
    fields: list[Field] = field(default_factory=list)


@dataclass
class StatusCode:
    status: int
    kind: str  # "normal" | "abnormal"
    description: str
    source: Source
    phrase: str = ""


@dataclass
class ErrorCode:
    code: str
    message: str
    source: Source
    status: int | None = None
    description: str = ""


@dataclass
class Authorization:
    """RAM / IAM facts: the policy action, its access level and the resources it applies to."""

    action: str
    access_level: str
    source: Source
    resource_types: list[str] = field(default_factory=list)
    resource_patterns: list[str] = field(default_factory=list)
    condition_keys: list[str] = field(default_factory=list)
    associated_operations: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


@dataclass
class Example:
    """A sample request or response exactly as the page shows it, plus what could be parsed."""

    kind: str  # "request" | "response"
    title: str
    source: Source
    end_line: int
    text: str
    status: int | None = None
    method: str | None = None
    target: str | None = None  # URL or path of a request example
    body: Any = None  # parsed JSON body, when there is one


@dataclass
class Anomaly:
    """A place where the page contradicts itself or is ambiguous, and what the contract chose."""

    id: str
    summary: str
    sources: list[Source]
    choice: str


@dataclass
class Gap:
    """A fact the page does not give (a missing section, a row cut short): the contract goes
    without it rather than refusing the page."""

    what: str
    source: Source


@dataclass
class Reference:
    """A pointer the page makes to a shared appendix (error codes, status codes, permissions)."""

    topic: str  # "error-codes" | "status-codes" | "permissions" | ...
    text: str
    source: Source


@dataclass
class Operation:
    """Everything one page says about one API operation."""

    api_id: str
    family: str  # "alibaba-rpc" | "huawei-rest"
    service: str
    title: str
    summary: str
    page: str
    title_source: Source
    method: str | None = None
    path: str | None = None
    action: str | None = None
    version: str | None = None
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    status_codes: list[StatusCode] = field(default_factory=list)
    error_codes: list[ErrorCode] = field(default_factory=list)
    authorization: list[Authorization] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    security: list[str] = field(default_factory=list)  # e.g. ["X-Auth-Token"]
    notes: list[str] = field(default_factory=list)  # identity facts not on the page, labelled
    gaps: list[Gap] = field(default_factory=list)  # facts the page lacks, with where

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data, every ``Source`` rendered as ``{"page", "line"}``."""
        return asdict(self)
