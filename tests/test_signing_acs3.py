"""ACS3-HMAC-SHA256: our signer against alibabacloud-tea-openapi's own, byte for byte.

The SDK's full client needs a network, so the comparison drives its lowest-level helper,
``alibabacloud_tea_openapi.utils.Utils.get_authorization`` (the exact call ``Client.do_request``
makes), with the same method, path, query, headers and payload hash. The end-to-end check
through the real HBR/DBS clients lives in ``test_signing_verify.py``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from urllib.parse import urlencode

import requests
from alibabacloud_tea_openapi.utils import Utils
from darabonba.request import DaraRequest
from hypothesis import given, settings
from hypothesis import strategies as st

from backup_conformance.signing import (
    Acs3Auth,
    SignableRequest,
    parse_acs3_authorization,
    sign_acs3,
    verify_acs3,
)

HOST = "hbr.cn-hangzhou.aliyuncs.com"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
NONCE = "3f1c2b7a9d8e4f60a1b2c3d4e5f60718"
BUDGET = settings(max_examples=60, deadline=None, derandomize=True)

_TRICKY = st.sampled_from([" ", "+", "/", "~", "*", "=", "&", "%", "备", "份", "\"", "[", "]"])
_CHARS = st.one_of(_TRICKY, st.characters(min_codepoint=0x21, max_codepoint=0x7E),
                   st.characters(blacklist_categories=("Cs", "Cc")))
NAMES = st.text(_CHARS, min_size=1, max_size=10)
VALUES = st.one_of(st.text(_CHARS, max_size=16), st.just(""), st.just('["c-1","c-2"]'),
                   st.just("备份"))
HEADER_VALUES = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20)
KEYS = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=24)


def _sdk_authorization(request: SignableRequest, headers: dict[str, str], params: dict[str, str],
                       ak: str, secret: str) -> str:
    dara = DaraRequest()
    dara.method = request.method
    dara.pathname = "/"
    dara.query = dict(params)
    dara.headers = dict(headers)
    payload = hashlib.sha256(request.body).hexdigest()
    return Utils.get_authorization(dara, "ACS3-HMAC-SHA256", payload, ak, secret)


@BUDGET
@given(params=st.dictionaries(NAMES, VALUES, max_size=6), body=st.binary(max_size=48),
       extra=HEADER_VALUES, ak=KEYS, secret=KEYS)
def test_signer_matches_sdk_get_authorization(params, body, extra, ak, secret):
    base = {
        "host": HOST,
        "x-acs-action": "CancelBackupJob",
        "x-acs-version": "2017-09-08",
        "user-agent": "AlibabaCloud (Linux; x86_64) Python/3.11 Core/0.4.3 TeaDSL/2",
        "accept": "application/json",
        "x-acs-extra": extra,
    }
    request = SignableRequest("POST", f"https://{HOST}/?{urlencode(params)}", base, body)
    added = sign_acs3(request, ak, secret, now=NOW, nonce=NONCE, signed_headers=list(base))
    sdk_headers = {**base, **{k: v for k, v in added.items() if k != "Authorization"}}
    expected = _sdk_authorization(request, sdk_headers, params, ak, secret)
    assert added["Authorization"] == expected


def test_added_headers_have_the_sdk_shapes():
    request = SignableRequest("POST", f"https://{HOST}/?JobId=j-1", {}, b"")
    added = sign_acs3(request, "AKID", "secret", now=NOW, nonce=NONCE)
    assert added["x-acs-date"] == "2026-01-02T03:04:05Z"  # Utils.get_timestamp's format
    assert added["x-acs-signature-nonce"] == NONCE
    assert added["x-acs-content-sha256"] == hashlib.sha256(b"").hexdigest()
    assert added["host"] == HOST
    auth = parse_acs3_authorization(added["Authorization"])
    assert auth.algorithm == "ACS3-HMAC-SHA256"
    assert auth.access_key_id == "AKID"
    assert set(auth.signed_headers) == {
        "host", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce"
    }


def test_default_signing_covers_acs_headers_but_not_transport_headers():
    headers = {"x-acs-action": "CancelBackupJob", "x-acs-version": "2017-09-08",
               "User-Agent": "python-requests", "Connection": "keep-alive"}
    request = SignableRequest("POST", f"https://{HOST}/", headers, b"")
    added = sign_acs3(request, "AKID", "secret", now=NOW, nonce=NONCE, security_token="tok")
    signed = parse_acs3_authorization(added["Authorization"]).signed_headers
    assert {"x-acs-action", "x-acs-version", "x-acs-security-token", "x-acs-accesskey-id"} <= set(
        signed
    )
    assert "user-agent" not in signed
    assert "connection" not in signed


def test_sdk_style_raw_names_and_rfc3986_names_both_verify():
    """The SDK leaves query *names* unencoded in the canonical string; the docs encode them.
    The verifier accepts either, so a client following the docs is not rejected."""
    from backup_conformance.signing import acs3_canonical_request, acs3_signature

    params = {"Tag Key": "v", "JobId": "j"}
    url = f"https://{HOST}/?{urlencode(params)}"
    request = SignableRequest("POST", url, {"host": HOST, "x-acs-date": "2026-01-02T03:04:05Z",
                                            "x-acs-signature-nonce": NONCE,
                                            "x-acs-content-sha256": hashlib.sha256().hexdigest()})
    names = ["host", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce"]
    canonical = acs3_canonical_request("POST", "/", request.query_pairs(), request.headers, names,
                                       hashlib.sha256().hexdigest(), encode_names=True)
    signature = acs3_signature(canonical, "secret")
    signed = request.with_headers({"Authorization": (
        f"ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders={';'.join(names)},Signature={signature}"
    )})
    assert verify_acs3(signed, {"AKID": "secret"}.get, now=NOW).ok


def test_requests_auth_signs_the_final_prepared_request():
    session = requests.Session()
    prepared = session.prepare_request(requests.Request(
        "POST", f"https://{HOST}/", params={"JobId": "job 1+备份", "ClientIds": '["c-1","c-2"]'},
        headers={"x-acs-action": "CancelBackupJob", "x-acs-version": "2017-09-08"},
        auth=Acs3Auth("AKID", "secret", clock=lambda: NOW, nonce=lambda: NONCE),
    ))
    assert prepared.headers["host"] == HOST
    assert prepared.headers["Authorization"].startswith("ACS3-HMAC-SHA256 Credential=AKID,")
    verdict = verify_acs3(SignableRequest.from_prepared(prepared), {"AKID": "secret"}.get, now=NOW)
    assert verdict.ok, verdict.code
    assert "secret" not in repr(Acs3Auth("AKID", "secret"))
