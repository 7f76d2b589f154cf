"""The registry of checks: plain functions registered by name, refused when a name repeats.

A check has a *scope*: ``response`` checks judge one response (the judge runs them on every
exchange); ``sequence`` checks judge what a series of calls implies (a second cancel fails,
``is_backup_id=true`` ends every sharing) and are called by the suite that made the calls.

A check belongs to a *layer*: ``page`` (what the API's own page says), ``vendor-common`` (the
vendor's common conventions the page points to) or ``strict`` (sensible expectations no document
states). A run's strictness decides which layers are judged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from backup_conformance.checks.failures import SEVERITIES, CheckFailure, Violation

LAYERS_BY_STRICTNESS: Mapping[str, tuple[str, ...]] = {
    "docs": ("page",),
    "vendor": ("page", "vendor-common"),
    "strict": ("page", "vendor-common", "strict"),
}

CheckFunction = Callable[[Any, Any], None]


SCOPES = ("response", "sequence")


@dataclass(frozen=True)
class CheckSpec:
    name: str
    title: str
    layer: str
    severity: str
    function: CheckFunction
    scope: str = "response"

    def run(self, case: Any, observed: Any) -> None:
        """Call the check; what it observed (a ``Violation``) becomes a ``CheckFailure`` that
        carries this registration's name, layer and severity and the case's API id.

        A ``CheckFailure`` raised by the function itself must already say the same name and
        layer: a check cannot speak for another check or another layer."""
        try:
            self.function(case, observed)
        except Violation as seen:
            raise self.failure(seen, case.contract.api_id) from None
        except CheckFailure as failure:
            if (failure.check, failure.layer) != (self.name, self.layer):
                raise TypeError(
                    f"check {self.name!r} ({self.layer}) raised a failure naming "
                    f"{failure.check!r} ({failure.layer}); raise Violation instead") from None
            raise

    def failure(self, seen: Violation, api_id: str = "") -> CheckFailure:
        """``seen`` as this check's failure."""
        severity = _known_severity(self.name, seen.severity or self.severity)
        return CheckFailure(self.name, seen.title, received=seen.received,
                            documented=seen.documented, source=seen.source, layer=self.layer,
                            severity=severity, api_id=api_id)


_REGISTRY: dict[str, CheckSpec] = {}


def _known_severity(name: str, severity: str) -> str:
    if severity not in SEVERITIES:
        raise ValueError(f"check {name!r}: unknown severity {severity!r}; "
                         f"valid: {', '.join(SEVERITIES)}")
    return severity


def check(name: str, *, title: str, layer: str, severity: str = "high",
          scope: str = "response") -> Callable[[CheckFunction], CheckFunction]:
    """Register ``function(case, observed)`` as check ``name``; it raises ``Violation``, which
    the registry turns into a ``CheckFailure`` carrying this name, layer and severity.

    For ``scope="sequence"`` the second argument is whatever the calling suite observed (its
    docstring says what)."""
    if layer not in LAYERS_BY_STRICTNESS["strict"]:
        raise ValueError(f"check {name!r}: unknown layer {layer!r}")
    _known_severity(name, severity)
    if scope not in SCOPES:
        raise ValueError(f"check {name!r}: unknown scope {scope!r}; valid: {', '.join(SCOPES)}")

    def register(function: CheckFunction) -> CheckFunction:
        if name in _REGISTRY:
            other = _REGISTRY[name].function
            raise ValueError(
                f"check name {name!r} is already registered by "
                f"{other.__module__}.{other.__qualname__}"
            )
        _REGISTRY[name] = CheckSpec(name, title, layer, severity, function, scope)
        return function

    return register


def registered() -> Mapping[str, CheckSpec]:
    """Every registered check by name (importing ``backup_conformance.checks`` registers all)."""
    return dict(_REGISTRY)


def layers_for(strictness: str) -> tuple[str, ...]:
    try:
        return LAYERS_BY_STRICTNESS[strictness]
    except KeyError:
        valid = ", ".join(LAYERS_BY_STRICTNESS)
        raise ValueError(f"unknown strictness {strictness!r}; valid: {valid}") from None
