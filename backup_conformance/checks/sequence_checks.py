"""Checks on what a series of calls implies (``scope="sequence"``), each citing its page line.

The calling suite makes the calls, builds one of the observation records below and passes it
to ``judge_sequence(name, case, record)``. The records carry the page line (or vendor source)
behind the expectation, because which line implies a lifecycle rule is a fact about the API,
kept as data beside the suite that exercises it (``cases/lifecycles.json``, ``cases/auth.json``).

Layers: the lifecycle checks read the API's own page (``page``); the auth checks read the
vendors' common signing conventions, which the pages only point to (``vendor-common``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backup_conformance.checks.case import Case, Observed
from backup_conformance.checks.expectations import (
    business_failure,
    error_code_of,
    success_statuses,
)
from backup_conformance.checks.failures import Violation
from backup_conformance.checks.registry import check

# --- what the suites observed ------------------------------------------------------------


@dataclass(frozen=True)
class Repeat:
    """The same call twice on one resource obtained for it: ``first``, then ``second``."""

    first: Observed
    second: Observed
    source: str


@dataclass(frozen=True)
class ScopedCancel:
    """A sharing cancel and the cancels of every former sharing id that followed it.

    ``mode`` is how ``is_backup_id`` was sent (``"true"``, ``"false"`` or ``"absent"``);
    ``named`` is the id in the URL of the first cancel (the backup id when ``mode == "true"``);
    ``followups`` maps each sharing id of the backup to the answer of cancelling it afterwards.
    """

    mode: str
    named: str
    first: Observed
    followups: Mapping[str, Observed]
    source: str


@dataclass(frozen=True)
class TokenRepeat:
    """A call repeated with the same idempotency token; ``between`` says what happened in
    between; ``fields`` are the body fields the outcome is compared on."""

    first: Observed
    again: Observed
    between: str
    fields: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class AuthAttempt:
    """A call whose auth was deliberately ``variant`` (unsigned, wrong-secret, unknown-key, stale,
    valid).

    ``accepted`` maps each vendor code documented for that failure to the HTTP statuses it
    comes with (empty for ``valid``); ``source`` names the documents behind them.
    """

    variant: str
    scheme: str
    observed: Observed
    source: str
    accepted: Mapping[str, frozenset[int]] = field(default_factory=dict)


# --- shared readings ---------------------------------------------------------------------


def succeeded(case: Case, observed: Observed) -> bool:
    """A documented success status, and no ``Success=false`` on an Alibaba answer."""
    allowed = success_statuses(case.contract).values
    return observed.status in allowed and not business_failure(case.contract, observed)


def refused(case: Case, observed: Observed) -> bool:
    """A 4xx, or an Alibaba HTTP 200 with ``Success=false``."""
    return 400 <= observed.status < 500 or business_failure(case.contract, observed)


def _shown(observed: Observed) -> str:
    return f"{observed.status} {observed.excerpt(160)}"


def _success_documented(case: Case) -> str:
    allowed = sorted(success_statuses(case.contract).values)
    extra = " with Success=true" if case.contract.family == "alibaba-rpc" else ""
    return f"a {' or '.join(map(str, allowed))}{extra}"


def _refusal_documented(case: Case) -> str:
    extra = " or HTTP 200 with Success=false" if case.contract.family == "alibaba-rpc" else ""
    return "a 4xx status" + extra


# --- lifecycles (page layer) -------------------------------------------------------------


@check("repeat-refused", title="A second cancel or delete of the same resource is refused",
       layer="page", scope="sequence")
def repeat_refused(case: Case, seen: Repeat) -> None:
    """The first call ends the resource (a job is cancelled, a sharing cancelled, a backup
    deleted), so the same call again names something that no longer is what it needs."""
    if not succeeded(case, seen.first):
        raise Violation("The first call on a live resource did not succeed",
                        received=_shown(seen.first), documented=_success_documented(case),
                        source=seen.source)
    if not refused(case, seen.second):
        raise Violation("A second call on an ended resource was not refused",
                        received=_shown(seen.second), documented=_refusal_documented(case),
                        source=seen.source, severity="critical")


@check("backup-id-cancels-all", title="is_backup_id=true cancels every sharing of the backup; "
       "otherwise only the named sharing ends", layer="page", scope="sequence")
def backup_id_cancels_all(case: Case, seen: ScopedCancel) -> None:
    """Page 002 line 49: true means the id is a backup and all its sharings are cancelled;
    false (the default) means the id is one sharing."""
    if not succeeded(case, seen.first):
        raise Violation(f"The cancel with is_backup_id {seen.mode} did not succeed",
                        received=_shown(seen.first), documented=_success_documented(case),
                        source=seen.source)
    for sharing_id, answer in seen.followups.items():
        ended = seen.mode == "true" or sharing_id == seen.named
        if ended and not refused(case, answer):
            what = ("every sharing of the backup is cancelled, so cancelling one again is "
                    "refused" if seen.mode == "true" else
                    "the named sharing is cancelled, so cancelling it again is refused")
            raise Violation(f"A sharing still existed after is_backup_id {seen.mode} cancelled it",
                            received=f"sharing {sharing_id}: {_shown(answer)}", documented=what,
                            source=seen.source, severity="critical")
        if not ended and not succeeded(case, answer):
            raise Violation(f"is_backup_id {seen.mode} ended more than the named sharing",
                            received=f"sharing {sharing_id}: {_shown(answer)}",
                            documented=f"only sharing {seen.named} ends; cancelling the "
                            f"others succeeds ({_success_documented(case)})",
                            source=seen.source, severity="critical")


def _outcome(observed: Observed, fields: tuple[str, ...]) -> dict[str, Any]:
    body = None if observed.json_error else observed.json
    values = {name: body.get(name) if isinstance(body, dict) else None for name in fields}
    return {"status": observed.status, **values}


@check("client-token-idempotent", title="A request repeated with the same ClientToken has "
       "the first request's outcome", layer="page", scope="sequence")
def client_token_idempotent(case: Case, seen: TokenRepeat) -> None:
    """Page 001 lines 48-50: the token ensures the idempotence of the request, so the repeat
    answers as the first did (status and outcome fields; the RequestId names each request
    and may differ: no page says it repeats)."""
    first, again = _outcome(seen.first, seen.fields), _outcome(seen.again, seen.fields)
    if first != again:
        raise Violation(f"The same ClientToken gave another outcome ({seen.between})",
                        received=f"{again} ({seen.again.excerpt(120)})",
                        documented=f"the first outcome {first}", source=seen.source,
                        severity="critical")


# --- auth (vendor-common layer) ----------------------------------------------------------


def _rejected_with_documented_code(case: Case, seen: AuthAttempt) -> None:
    observed = seen.observed
    codes = ", ".join(f"{code} ({'/'.join(map(str, sorted(statuses)))})"
                      for code, statuses in sorted(seen.accepted.items()))
    if not 400 <= observed.status < 500:
        raise Violation(f"A request with {seen.variant} auth ({seen.scheme}) was accepted",
                        received=_shown(observed), documented=codes, source=seen.source,
                        severity="critical")
    if "*" in seen.accepted:  # codes judged at 'strict' only: a documented status suffices
        if observed.status not in seen.accepted["*"]:
            raise Violation(f"A request with {seen.variant} auth was rejected with an "
                            "undocumented status", received=f"{observed.status}", documented=codes,
                            source=seen.source)
        return
    body = None if observed.json_error else observed.json
    code = error_code_of(case.contract, body)
    if code is None or code not in seen.accepted or observed.status not in seen.accepted[code]:
        raise Violation(f"A request with {seen.variant} auth was rejected with another "
                        "code or status than the vendor's", received=f"{observed.status} {code!r}",
                        documented=codes, source=seen.source)


#: One judgement, four failures: what each variant sends differs, not how its answer is read.
_AUTH_REJECTIONS = {
    "auth-unsigned-rejected": "A request without credentials",
    "auth-wrong-secret-rejected": "A request signed with a wrong secret",
    "auth-unknown-key-rejected": "A request signed by an access key id that does not exist",
    "auth-stale-rejected": "A request signed more than 15 minutes ago",
}
for _name, _request in _AUTH_REJECTIONS.items():
    check(_name, title=f"{_request} is rejected as the vendor documents (its code is judged at "
          "strict)", layer="vendor-common", scope="sequence")(_rejected_with_documented_code)


@check("auth-valid-accepted", title="A validly signed request on a live resource is accepted",
       layer="vendor-common", scope="sequence")
def auth_valid_accepted(case: Case, seen: AuthAttempt) -> None:
    if not succeeded(case, seen.observed):
        raise Violation(f"A validly signed request ({seen.scheme}) was not accepted",
                        received=_shown(seen.observed), documented=_success_documented(case),
                        source=seen.source, severity="critical")
