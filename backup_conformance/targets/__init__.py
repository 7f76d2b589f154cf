"""Targets: where the suites send their requests, and how they get resources to destroy.

- ``profile`` / ``options``: TOML profiles and ``--target-url`` options (``ProfileError``);
- ``wire``: a contract plus parameters becomes the exact HTTP request (``build_request``);
- ``client``: ``TargetClient.call`` sends it (auth, limits, retries, dry run) -> ``Exchange``;
- ``providers`` / ``ledger``: provider states and the record that guarantees teardown;
- ``safety``: destructive calls only name ids the run owns, allowlisted or reserved ones.

This package may import ``contracts`` and ``signing``, never ``mock`` or ``checks``.
"""

from backup_conformance.secrets import Credentials
from backup_conformance.targets.auth import AuthOverride, resolve_auth
from backup_conformance.targets.client import MAX_BODY, TargetClient
from backup_conformance.targets.errors import (
    BudgetExhausted,
    ProfileError,
    ProviderError,
    SafetyError,
    TargetError,
    TargetTimeout,
    TargetUnreachable,
    TimeLimitExceeded,
)
from backup_conformance.targets.exchange import Exchange, Received, SentRequest
from backup_conformance.targets.ledger import LedgerRecord, ResourceLedger
from backup_conformance.targets.options import profile_from_options
from backup_conformance.targets.profile import (
    Profile,
    ProviderSpec,
    ServiceTarget,
    Timeout,
    load_profile,
)
from backup_conformance.targets.providers import (
    HookProvider,
    ResourceProvider,
    StateUrlProvider,
    StaticProvider,
    provider_from_profile,
)
from backup_conformance.targets.safety import SafetyGuard, is_reserved, nonexistent_id
from backup_conformance.targets.wire import OMIT, At, Raw, WireRequest, build_request

__all__ = [
    "MAX_BODY",
    "OMIT",
    "At",
    "AuthOverride",
    "BudgetExhausted",
    "Credentials",
    "Exchange",
    "HookProvider",
    "LedgerRecord",
    "Profile",
    "ProfileError",
    "ProviderError",
    "ProviderSpec",
    "Raw",
    "Received",
    "ResourceLedger",
    "ResourceProvider",
    "SafetyError",
    "SafetyGuard",
    "SentRequest",
    "ServiceTarget",
    "StateUrlProvider",
    "StaticProvider",
    "TargetClient",
    "TargetError",
    "TargetTimeout",
    "TargetUnreachable",
    "TimeLimitExceeded",
    "Timeout",
    "WireRequest",
    "build_request",
    "is_reserved",
    "load_profile",
    "nonexistent_id",
    "profile_from_options",
    "provider_from_profile",
    "resolve_auth",
]
