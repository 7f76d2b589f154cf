"""Huawei SDK-HMAC-SHA256: our signer against huaweicloudsdkcore's ``Signer``, byte for byte.

Drives ``huaweicloudsdkcore.signer.signer.Signer.sign`` on an ``SdkRequest`` (what
``Credentials.sign_request`` calls, without the HTTP client), with ``X-Sdk-Date`` preset so the
SDK uses our fixed clock. The end-to-end check through the GeminiDB client lives in
``test_signing_verify.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote, urlencode, urlsplit

import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from hypothesis import given, settings
from hypothesis import strategies as st

from backup_conformance.signing import (
    HuaweiAkSkAuth,
    HuaweiTokenAuth,
    SignableRequest,
    huawei_canonical_uri,
    parse_huawei_authorization,
    sign_huawei_aksk,
    verify_huawei_aksk,
)

HOST = "gaussdb-nosql.cn-north-4.myhuaweicloud.com"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
SDK_DATE = "20260102T030405Z"
BUDGET = settings(max_examples=60, deadline=None, derandomize=True)

_TRICKY = st.sampled_from([" ", "+", "/", "~", "*", "=", "&", "%", "备", "份", "\"", "[", "]"])
_CHARS = st.one_of(_TRICKY, st.characters(min_codepoint=0x21, max_codepoint=0x7E),
                   st.characters(blacklist_categories=("Cs", "Cc")))
SEGMENTS = st.lists(st.text(_CHARS, min_size=1, max_size=10), min_size=1, max_size=4)
NAMES = st.text(_CHARS, min_size=1, max_size=10)
VALUES = st.one_of(st.text(_CHARS, max_size=16), st.just(""), st.just('["c-1","c-2"]'),
                   st.just("备份"))
HEADER_VALUES = st.one_of(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                                  max_size=20), st.just("备份 job"))
CONTENT_TYPES = st.sampled_from([None, "application/json", "application/json;charset=UTF-8",
                                 "application/x-www-form-urlencoded", "text/plain"])
KEYS = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=24)


@BUDGET
@given(segments=SEGMENTS, pairs=st.lists(st.tuples(NAMES, VALUES), max_size=6),
       body=st.binary(max_size=48), content_type=CONTENT_TYPES, extra=HEADER_VALUES,
       method=st.sampled_from(["GET", "DELETE", "POST", "PUT"]), ak=KEYS, sk=KEYS)
def test_signer_matches_sdk_signer(segments, pairs, body, content_type, extra, method, ak, sk):
    path = "/v3/" + "/".join(quote(segment, safe="") for segment in segments)
    headers = {"X-Project-Id": "0bcc05efb100f2a92f53c011f262dfa0", "X-Custom": extra,
               "User-Agent": "huaweicloud-usdk-python/3.0"}
    if content_type:
        headers["Content-Type"] = content_type
    url = f"https://{HOST}{path}" + (f"?{urlencode(pairs)}" if pairs else "")
    request = SignableRequest(method, url, headers, body)
    added = sign_huawei_aksk(request, ak, sk, now=NOW, signed_headers=list(headers))

    sdk_request = SdkRequest(method=method, schema="https", host=HOST, resource_path=path,
                             query_params=list(pairs),
                             header_params={**headers, "X-Sdk-Date": SDK_DATE}, body=body)
    Signer(BasicCredentials(ak, sk)).sign(sdk_request)
    assert added["Authorization"] == sdk_request.header_params["Authorization"]
    assert added["X-Sdk-Date"] == SDK_DATE


def test_canonical_uri_always_ends_in_slash_and_reencodes_segments():
    assert huawei_canonical_uri("/v3/p/backups/b1") == "/v3/p/backups/b1/"
    expected = "/v3/p/backups/bk%20%E5%A4%87%E4%BB%BD/"
    assert huawei_canonical_uri("/v3/p/backups/bk%20备份") == expected
    assert huawei_canonical_uri("") == "/"


def test_added_headers_and_authorization_shape():
    request = SignableRequest("DELETE", f"https://{HOST}/v3/p/backups/b1", {}, b"")
    added = sign_huawei_aksk(request, "HWAK", "sk", now=NOW, project_id="p",
                             security_token="sts")
    assert added["X-Sdk-Date"] == SDK_DATE
    assert added["Host"] == HOST
    assert added["X-Project-Id"] == "p"
    assert added["X-Security-Token"] == "sts"
    assert added["Authorization"].startswith("SDK-HMAC-SHA256 Access=HWAK, SignedHeaders=")
    auth = parse_huawei_authorization(added["Authorization"])
    assert set(auth.signed_headers) == {"host", "x-project-id", "x-sdk-date", "x-security-token"}


def test_requests_auth_canonicalises_the_query_and_verifies():
    prepared = requests.Session().prepare_request(requests.Request(
        "GET", f"https://{HOST}/v3/p/backups", params={"b": "x y", "a": "备份"},
        auth=HuaweiAkSkAuth("HWAK", "sk", project_id="p", clock=lambda: NOW),
    ))
    assert urlsplit(prepared.url).query == "a=%E5%A4%87%E4%BB%BD&b=x%20y"  # as the SDK sends
    verdict = verify_huawei_aksk(SignableRequest.from_prepared(prepared), {"HWAK": "sk"}.get,
                                 now=NOW)
    assert verdict.ok, verdict.code
    assert "'sk'" not in repr(HuaweiAkSkAuth("HWAK", "sk"))


def test_token_auth_adds_the_token_header():
    prepared = requests.Session().prepare_request(requests.Request(
        "DELETE", f"https://{HOST}/v3/p/backups/b1",
        auth=HuaweiTokenAuth("MIItoken", project_id="p"),
    ))
    assert prepared.headers["X-Auth-Token"] == "MIItoken"
    assert prepared.headers["X-Project-Id"] == "p"
    assert "MIItoken" not in repr(HuaweiTokenAuth("MIItoken"))
