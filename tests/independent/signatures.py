"""Signature checks with the vendors' SDK code, so they do not share ``backup_conformance.signing``.

Alibaba ACS3: ``alibabacloud_tea_openapi.utils.Utils.get_authorization`` (what the Alibaba
SDKs sign with) recomputes the ``Authorization`` value from the headers the request says it
signed. Huawei AK/SK: ``huaweicloudsdkcore.signer.signer.Signer.sign`` recomputes it from the
same headers, path, query and body. Only ACS3 is accepted from Alibaba callers (the suites and
the SDKs sign that way); the older RPC ``Signature`` parameter is refused as incomplete.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qsl

from alibabacloud_tea_openapi.utils import Utils
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from werkzeug.wrappers import Request

#: Both vendors refuse a request signed more than 15 minutes away from the server's clock.
WINDOW = timedelta(minutes=15)
NONCES = 4096  # the newest nonces remembered (replays inside the window are refused)
_ACS3 = re.compile(r"ACS3-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]*)"
                   r"\s*,\s*Signature=([0-9a-fA-F]+)\s*")
_SDK = re.compile(r"SDK-HMAC-SHA256\s+Access=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]*)"
                  r"\s*,\s*Signature=([0-9a-fA-F]+)\s*")


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: HTTP status, vendor code, message (never a secret)."""

    status: int
    code: str
    message: str


@dataclass
class Keys:
    """The credentials this server accepts, read from the vendors' own variable names."""

    alibaba: dict[str, str] = field(default_factory=dict)
    huawei: dict[str, str] = field(default_factory=dict)
    tokens: frozenset[str] = frozenset()

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Keys:
        keys = cls()
        ak = env.get("ALIBABA_CLOUD_ACCESS_KEY_ID")
        secret = env.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        if ak and secret:
            keys.alibaba[ak] = secret
        if env.get("HUAWEICLOUD_SDK_AK") and env.get("HUAWEICLOUD_SDK_SK"):
            keys.huawei[env["HUAWEICLOUD_SDK_AK"]] = env["HUAWEICLOUD_SDK_SK"]
        if env.get("OS_AUTH_TOKEN"):
            keys.tokens = frozenset([env["OS_AUTH_TOKEN"]])
        return keys


class Verifier:
    """Checks one request's credentials; remembers ACS3 nonces (replays are refused)."""

    def __init__(self, keys: Keys) -> None:
        self.keys = keys
        self._nonces: deque[str] = deque(maxlen=NONCES)

    def alibaba(self, request: Request, body: bytes) -> Refusal | None:
        header = request.headers.get("Authorization")
        if header is None:
            if "Signature" in request.args:
                return Refusal(400, "IncompleteSignature", "Sign with ACS3-HMAC-SHA256.")
            return Refusal(400, "MissingSignature", "The request carries no signature.")
        found = _ACS3.fullmatch(header.strip())
        if found is None:
            return Refusal(400, "IncompleteSignature", "The Authorization header is malformed.")
        key_id, signed, signature = found.groups()
        secret = self.keys.alibaba.get(key_id)
        if secret is None:  # the DNS common table's status (400) for this code
            return Refusal(400, "InvalidAccessKeyId.NotFound", "The AccessKey ID does not exist.")
        when = _parse(request.headers.get("x-acs-date", ""), "%Y-%m-%dT%H:%M:%SZ")
        if when is None:
            return Refusal(400, "InvalidTimeStamp.Format", "x-acs-date is not ISO 8601 UTC.")
        if abs(datetime.now(UTC) - when) > WINDOW:
            return Refusal(400, "InvalidTimeStamp.Expired", "The x-acs-date is expired.")
        payload = request.headers.get("x-acs-content-sha256", "")
        if payload != hashlib.sha256(body).hexdigest():
            return Refusal(403, "SignatureDoesNotMatch", "The payload hash does not match.")
        names = [n for n in signed.split(";") if n]
        headers = {n: request.headers.get(n) for n in names}
        query = dict(parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True))
        wanted = Utils.get_authorization(
            SimpleNamespace(pathname=request.path, method=request.method, query=query,
                            headers=headers), "ACS3-HMAC-SHA256", payload, key_id, secret)
        expected = wanted.rsplit("Signature=", 1)[1]
        if "host" not in names or not hmac.compare_digest(expected, signature.lower()):
            return Refusal(403, "SignatureDoesNotMatch",
                           "The signature does not match the one calculated.")
        nonce = request.headers.get("x-acs-signature-nonce", "")
        if not nonce or nonce in self._nonces:
            return Refusal(400, "SignatureNonceUsed", "The signature nonce was used already.")
        self._nonces.append(nonce)
        return None

    def huawei(self, request: Request, body: bytes) -> Refusal | None:
        header = request.headers.get("Authorization")
        token = request.headers.get("X-Auth-Token")
        if header is None:
            if token is None:
                return _apigw("no X-Auth-Token and no Authorization header")
            return None if token in self.keys.tokens else _apigw("the token is not valid")
        found = _SDK.fullmatch(header.strip())
        if found is None:
            return _apigw("the Authorization header is malformed")
        key_id, signed, signature = found.groups()
        secret = self.keys.huawei.get(key_id)
        if secret is None:
            return _apigw("the access key does not exist")
        when = _parse(request.headers.get("X-Sdk-Date", ""), "%Y%m%dT%H%M%SZ")
        if when is None or abs(datetime.now(UTC) - when) > WINDOW:
            return _apigw("the signature has expired or carries no valid X-Sdk-Date")
        names = [n for n in signed.split(";") if n]
        sdk_request = SdkRequest(
            method=request.method, schema="http", host=request.host,
            resource_path=request.path,
            query_params=parse_qsl(request.query_string.decode("latin-1"),
                                   keep_blank_values=True),
            header_params={n: request.headers.get(n, "") for n in names}, body=body or None)
        Signer(SimpleNamespace(ak=key_id, sk=secret)).sign(sdk_request)
        expected = sdk_request.header_params["Authorization"].rsplit("Signature=", 1)[1]
        if not hmac.compare_digest(expected, signature.lower()):
            return _apigw("the signature does not match")
        return None


def _apigw(detail: str) -> Refusal:
    """Huawei API Gateway's one IAM code for every authentication failure."""
    return Refusal(401, "APIGW.0301", f"Incorrect IAM authentication information: {detail}.")


def _parse(text: str, form: str) -> datetime | None:
    try:
        return datetime.strptime(text, form).replace(tzinfo=UTC)
    except ValueError:
        return None
