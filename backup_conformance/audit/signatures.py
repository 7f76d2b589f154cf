"""Verify the signature of each recorded request, as of the time it was recorded.

With the vendors' credential variables set (the names of docs/design.md §4), each signed
request is verified with ``backup_conformance.signing`` (ACS3, RPC v1, Huawei AK/SK; a Huawei
token against ``OS_AUTH_TOKEN``). The clock is the entry's recorded time, so a stale timestamp
is one more than 15 minutes from when the request was sent, never from today; a recording
without times has its timestamps left unjudged. Without credentials, or for a recording whose
auth values were masked, the verdict is "not checked" with the reason. Secrets stay here:
findings carry the vendor's error code and message, never a key, secret or signature.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from backup_conformance import signing
from backup_conformance.audit.entries import Recorded
from backup_conformance.contracts import Contract
from backup_conformance.secrets import (
    ALIBABA_AK,
    ALIBABA_SECRET,
    HUAWEI_AK,
    HUAWEI_SK,
    HUAWEI_TOKEN,
)

_UNJUDGED_SKEW = timedelta(days=36500)  # no recorded time: the timestamp cannot be judged
_SCHEME_KEYS = {"acs3": "acs3", "acs-rpc-v1": "rpc-v1", "huawei-aksk": "aksk",
                "huawei-token": "token"}


@dataclass(frozen=True)
class SignatureVerdict:
    """``passed``, ``failed`` (with the vendor's code and message) or ``not-run`` (why)."""

    outcome: str
    reason: str = ""
    code: str = ""
    source: str = ""


class SignatureJudge:
    """Credentials read once; a nonce seen twice in one audit is a replay, as for a server."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        source = os.environ if env is None else env
        self._alibaba = _pair(source, ALIBABA_AK, ALIBABA_SECRET)
        self._huawei = _pair(source, HUAWEI_AK, HUAWEI_SK)
        token = source.get(HUAWEI_TOKEN) or ""
        self._tokens = frozenset([token] if token else [])
        self._nonces = signing.NonceCache(max_entries=200_000)

    @property
    def configured(self) -> bool:
        return bool(self._alibaba or self._huawei or self._tokens)

    def judge(self, recorded: Recorded, contract: Contract) -> SignatureVerdict:
        request = recorded.signable()
        scheme = signing.detect_scheme(request)
        source = _source(contract, scheme)
        if recorded.masked:
            return SignatureVerdict("not-run", "signatures not checked: the recording's auth "
                                    "values are redacted (record with auth kept to verify)")
        alibaba = contract.family == "alibaba-rpc"
        known = self._alibaba if alibaba else (self._tokens if scheme == "huawei-token"
                                              else self._huawei)
        if not known:
            names = (f"{ALIBABA_AK} and {ALIBABA_SECRET}" if alibaba else
                     (HUAWEI_TOKEN if scheme == "huawei-token" else f"{HUAWEI_AK} and "
                      f"{HUAWEI_SK}"))
            return SignatureVerdict("not-run", f"signatures not checked: set {names}")
        if scheme is None:
            return SignatureVerdict("failed", "the request carries no signature or token",
                                    "unsigned", source)
        if recorded.started is not None:
            now, skew = recorded.started.astimezone(UTC), signing.DEFAULT_MAX_SKEW
        else:
            now, skew = datetime.now(UTC), _UNJUDGED_SKEW
        verdict = self._verify(request, scheme, now, skew)
        if verdict.ok:
            return SignatureVerdict("passed")
        return SignatureVerdict("failed", verdict.message, verdict.code or "rejected", source)

    def _verify(self, request: signing.SignableRequest, scheme: str, now: datetime,
                skew: timedelta) -> signing.Verdict:
        if scheme == "acs-rpc-v1":
            return signing.verify_rpc_v1(request, self._alibaba.get, now=now, max_skew=skew,
                                         nonces=self._nonces)
        if scheme == "acs3":
            return signing.verify_acs3(request, self._alibaba.get, now=now, max_skew=skew,
                                       nonces=self._nonces)
        if scheme == "huawei-aksk":
            return signing.verify_huawei_aksk(request, self._huawei.get, now=now,
                                              max_skew=skew)
        tokens = self._tokens

        def expiry(token: str) -> datetime | None:
            return now + _UNJUDGED_SKEW if token in tokens else None
        return signing.verify_huawei_token(request, expiry, now=now)


def _pair(env: Mapping[str, str], key: str, secret: str) -> dict[str, str]:
    ak, sk = env.get(key) or "", env.get(secret) or ""
    return {ak: sk} if ak and sk else {}


def _source(contract: Contract, scheme: str | None) -> str:
    common = contract.vendor_common
    table = common.get("signatures") or common.get("authentication") or {}
    entry = table.get(_SCHEME_KEYS.get(scheme or "", ""), {}) if isinstance(table, Mapping) \
        else {}
    where = entry.get("source") if isinstance(entry, Mapping) else None
    return str(where or f"vendor-common/{contract.family} signing")
