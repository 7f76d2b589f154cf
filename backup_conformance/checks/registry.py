"""The registry of checks: plain functions registered by name, refused when a name repeats.

A check belongs to a *layer*: ``page`` (what the API's own page says), ``vendor-common`` (the
vendor's common conventions the page points to) or ``strict`` (sensible expectations no document
states). A run's strictness decides which layers are judged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

LAYERS_BY_STRICTNESS: Mapping[str, tuple[str, ...]] = {
    "docs": ("page",),
    "vendor": ("page", "vendor-common"),
    "strict": ("page", "vendor-common", "strict"),
}

CheckFunction = Callable[[Any, Any], None]


@dataclass(frozen=True)
class CheckSpec:
    name: str
    title: str
    layer: str
    severity: str
    function: CheckFunction


_REGISTRY: dict[str, CheckSpec] = {}


def check(name: str, *, title: str, layer: str, severity: str = "high") -> Callable[
    [CheckFunction], CheckFunction
]:
    """Register ``function(case, observed)`` as check ``name``; it raises ``CheckFailure``."""
    if layer not in LAYERS_BY_STRICTNESS["strict"]:
        raise ValueError(f"check {name!r}: unknown layer {layer!r}")

    def register(function: CheckFunction) -> CheckFunction:
        if name in _REGISTRY:
            other = _REGISTRY[name].function
            raise ValueError(
                f"check name {name!r} is already registered by "
                f"{other.__module__}.{other.__qualname__}"
            )
        _REGISTRY[name] = CheckSpec(name, title, layer, severity, function)
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
