"""RPC signature V1 (HMAC-SHA1): our signer against alibabacloud-tea-openapi's own.

Drives ``Utils.get_rpcsignature`` — the helper ``Client.do_rpcrequest`` calls with the merged
query and form-body parameters — since the client itself needs a network. The end-to-end check
through the HBR client in V1 mode lives in ``test_signing_verify.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests
from alibabacloud_tea_openapi.utils import Utils
from darabonba.utils.form import Form
from hypothesis import given, settings
from hypothesis import strategies as st

from backup_conformance.signing import (
    RpcV1Auth,
    SignableRequest,
    rpc_v1_signature,
    rpc_v1_string_to_sign,
    sign_rpc_v1,
    verify_rpc_v1,
)

HOST = "dbs-api.cn-hangzhou.aliyuncs.com"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
NONCE = "5e0c9a0e-1f4b-4bb4-9d56-0f4a8b1c2d3e"
BUDGET = settings(max_examples=60, deadline=None, derandomize=True)
RESERVED = {"Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp",
            "AccessKeyId", "SecurityToken"}

_TRICKY = st.sampled_from([" ", "+", "/", "~", "*", "=", "&", "%", "备", "份", "\"", "[", "]"])
_CHARS = st.one_of(_TRICKY, st.characters(min_codepoint=0x21, max_codepoint=0x7E),
                   st.characters(blacklist_categories=("Cs", "Cc")))
NAMES = st.text(_CHARS, min_size=1, max_size=10).filter(lambda n: n not in RESERVED)
VALUES = st.one_of(st.text(_CHARS, max_size=16), st.just(""), st.just('["c-1","c-2"]'),
                   st.just("备份"))
KEYS = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=24)
FORM = "application/x-www-form-urlencoded"


@BUDGET
@given(params=st.dictionaries(NAMES, VALUES, max_size=8), method=st.sampled_from(["GET", "POST"]),
       secret=KEYS)
def test_signature_matches_sdk_get_rpcsignature(params, method, secret):
    ours = rpc_v1_signature(rpc_v1_string_to_sign(method, params), secret)
    assert ours == Utils.get_rpcsignature(params, method, secret)


@BUDGET
@given(query=st.dictionaries(NAMES, VALUES, max_size=5),
       body=st.dictionaries(NAMES, VALUES, max_size=5), ak=KEYS, secret=KEYS)
def test_signer_matches_sdk_for_query_and_form_body(query, body, ak, secret):
    full_query = {"Action": "StopBackupPlan", "Version": "2019-03-06", "Format": "json", **query}
    body_text = Form.to_form_string(body) if body else ""  # what do_rpcrequest sends
    headers = {"content-type": FORM} if body else {}
    request = SignableRequest("POST", f"https://{HOST}/?{urlencode(full_query)}", headers,
                              body_text.encode())
    added = sign_rpc_v1(request, ak, secret, now=NOW, nonce=NONCE)
    sdk_query = {**full_query, **{k: v for k, v in added.items() if k != "Signature"}}
    expected = Utils.get_rpcsignature({**sdk_query, **body}, "POST", secret)
    assert added["Signature"] == expected


def test_added_parameters_have_the_sdk_values():
    request = SignableRequest("GET", f"https://{HOST}/?Action=StopBackupPlan", {}, b"")
    added = sign_rpc_v1(request, "AKID", "secret", now=NOW, nonce=NONCE, security_token="sts")
    assert added["Timestamp"] == "2026-01-02T03:04:05Z"
    assert added["SignatureMethod"] == "HMAC-SHA1"
    assert added["SignatureVersion"] == "1.0"
    assert added["SignatureNonce"] == NONCE
    assert added["AccessKeyId"] == "AKID"
    assert added["SecurityToken"] == "sts"


def test_requests_auth_appends_parameters_to_the_final_url():
    prepared = requests.Session().prepare_request(requests.Request(
        "GET", f"https://{HOST}/",
        params={"Action": "StopBackupPlan", "Version": "2019-03-06", "BackupPlanId": "p 1+2"},
        auth=RpcV1Auth("AKID", "secret", clock=lambda: NOW, nonce=lambda: NONCE),
    ))
    names = [name for name, _ in parse_qsl(urlsplit(prepared.url).query)]
    assert names.count("Signature") == 1
    assert {"AccessKeyId", "Timestamp", "SignatureNonce", "BackupPlanId"} <= set(names)
    verdict = verify_rpc_v1(SignableRequest.from_prepared(prepared), {"AKID": "secret"}.get,
                            now=NOW)
    assert verdict.ok, verdict.code
    assert "secret" not in repr(RpcV1Auth("AKID", "secret"))
