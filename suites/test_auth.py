"""Auth and signing: with credentials configured for a service, an unsigned, a wrongly signed,
an unknown key's and a stale request are each rejected with the vendor's documented code and
status, and a validly signed one is accepted (docs/design.md section 2 item 3, section 3).

Signing is the vendors' common convention, not a page fact, so these are ``vendor-common``
checks; the accepted codes come from ``backup_conformance.signing.errors`` via
``cases/auth.json``. Every request names a live resource obtained for it: a target that lets a
bad request through *acts* on the resource and answers 2xx, which fails here (and a 404 for a
missing resource can never pass for an auth rejection).

Without credentials for a service (the embedded mock, or ``--target-url`` with no vendor
variables set) the tests are reported *not run* with the variables to set.
"""

from __future__ import annotations

import pytest

from backup_conformance.cases.auth import NotApplicable, credentials_gap, variant
from backup_conformance.cases.running import NotRunnable, observe
from backup_conformance.cases.valid import valid_params
from backup_conformance.checks import Case, judge_sequence
from backup_conformance.checks.sequence_checks import AuthAttempt
from backup_conformance.contracts import Contract
from backup_conformance.runtime import Run


def _attempt(run: Run, contract: Contract, name: str) -> None:
    """Send one call on a live resource with ``name`` auth and judge the answer."""
    chosen = variant(name)
    service = run.profile.service(contract.service)
    gap = credentials_gap(service)
    if gap:
        raise NotRunnable(gap)
    try:
        auth = chosen.auth_for(service)
    except NotApplicable as exc:
        raise NotRunnable(str(exc)) from None
    params, _ = valid_params(contract, run.obtain)
    exchange = run.send(contract, params, auth=auth)
    kind = "positive" if name == "valid" else "auth-rejected"
    record = AuthAttempt(name, exchange.scheme, observe(exchange),
                         chosen.source(contract.family),
                         chosen.accepted(contract.family, run.strictness))
    judge_sequence(chosen.check, Case(contract, kind, run.strictness), record,
                   repro=exchange.curl())
    run.judge(contract, kind, exchange)


@pytest.mark.check("auth-unsigned-rejected")
def test_unsigned_request_is_rejected(bc_run: Run, bc_contract: Contract) -> None:
    """No credentials at all: Alibaba IncompleteSignature/MissingParameter 400, Huawei
    APIGW.0301 401."""
    _attempt(bc_run, bc_contract, "unsigned")


@pytest.mark.check("auth-wrong-secret-rejected")
def test_wrong_secret_is_rejected(bc_run: Run, bc_contract: Contract) -> None:
    """The right key id signed with another secret (or another token): Alibaba
    SignatureDoesNotMatch 400, Huawei APIGW.0301 401."""
    _attempt(bc_run, bc_contract, "wrong-secret")


@pytest.mark.check("auth-unknown-key-rejected")
def test_unknown_access_key_is_rejected(bc_run: Run, bc_contract: Contract) -> None:
    """Signed correctly by an access key id the account does not have: Alibaba
    InvalidAccessKeyId.NotFound 404 (400 on another common-error page: both accepted below
    strict), Huawei APIGW.0301 401."""
    _attempt(bc_run, bc_contract, "unknown-key")


@pytest.mark.check("auth-stale-rejected")
def test_stale_request_is_rejected(bc_run: Run, bc_contract: Contract) -> None:
    """Signed beyond the vendors' 15-minute window: Alibaba InvalidTimeStamp.Expired 400,
    Huawei APIGW.0301 401."""
    _attempt(bc_run, bc_contract, "stale")


@pytest.mark.check("auth-valid-accepted")
def test_valid_signature_is_accepted(bc_run: Run, bc_contract: Contract) -> None:
    """The control: the same call, validly signed, is accepted (else the four rejections
    above prove nothing about signing)."""
    _attempt(bc_run, bc_contract, "valid")
