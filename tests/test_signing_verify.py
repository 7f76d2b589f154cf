"""Verification: round trips, every documented failure, replay, shape-only checks, redaction,
and the requests the official SDKs really send, captured on a local server (127.0.0.1 only)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from pytest_httpserver import HTTPServer

from backup_conformance.signing import (
    NonceCache,
    SignableRequest,
    check_well_formed_acs3,
    check_well_formed_huawei_aksk,
    check_well_formed_huawei_token,
    check_well_formed_rpc_v1,
    detect_scheme,
    redact_headers,
    redact_url,
    sign_acs3,
    sign_huawei_aksk,
    sign_rpc_v1,
    verify_acs3,
    verify_huawei_aksk,
    verify_huawei_token,
    verify_rpc_v1,
)

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
AK, SECRET = "AKIDtest", "right-secret-value"
SECRETS = {AK: SECRET}.get
WRONG = {AK: "wrong-secret-value"}.get
UNKNOWN = {}.get
ALI_HOST, HW_HOST = "hbr.cn-hangzhou.aliyuncs.com", "gaussdb-nosql.cn-north-4.myhuaweicloud.com"
FORM = "application/x-www-form-urlencoded"
TIMEOUT_MS = 5000


def _acs3(query: str = "JobId=job-1&VaultId=v-1", body: bytes = b"", nonce: str = "n-1",
          now: datetime = NOW) -> SignableRequest:
    base = SignableRequest("POST", f"https://{ALI_HOST}/?{query}",
                           {"x-acs-action": "CancelBackupJob", "x-acs-version": "2017-09-08"}, body)
    return base.with_headers(sign_acs3(base, AK, SECRET, now=now, nonce=nonce))


def _rpc(form: bool = False, nonce: str = "n-1") -> SignableRequest:
    query = {"Action": "StopBackupPlan", "Version": "2019-03-06", "Format": "json"}
    body = {"BackupPlanId": "plan 1+备份", "ClientIds": '["c-1","c-2"]'}
    if form:
        base = SignableRequest("POST", f"https://{ALI_HOST}/?{urlencode(query)}",
                               {"Content-Type": FORM}, urlencode(body).encode())
    else:
        base = SignableRequest("POST", f"https://{ALI_HOST}/?{urlencode({**query, **body})}")
    added = sign_rpc_v1(base, AK, SECRET, now=NOW, nonce=nonce)
    return base.with_url(f"{base.url}&{urlencode(added)}")


def _huawei(body: bytes = b"", content_type: str | None = None,
            extra: dict[str, str] | None = None) -> SignableRequest:
    headers = {"Content-Type": content_type} if content_type else {}
    base = SignableRequest("DELETE", f"https://{HW_HOST}/v3/proj/backups/bk-1?force=true",
                           {**headers, **(extra or {})}, body)
    return base.with_headers(sign_huawei_aksk(base, AK, SECRET, now=NOW, project_id="proj"))


def _set(request: SignableRequest, name: str, value: str) -> SignableRequest:
    return request.with_headers({name: value})


def _drop(request: SignableRequest, name: str) -> SignableRequest:
    headers = {k: v for k, v in request.headers.items() if k.lower() != name.lower()}
    return SignableRequest(request.method, request.url, headers, request.body)


def _assert_rejected(verdict, code: str, status: int) -> None:
    assert not verdict.ok
    assert (verdict.code, verdict.status) == (code, status)
    assert SECRET not in verdict.message  # messages never carry a secret


# --- ACS3 -------------------------------------------------------------------------------------

def test_acs3_round_trip():
    verdict = verify_acs3(_acs3(), SECRETS, now=NOW, nonces=NonceCache())
    assert verdict.ok
    assert verdict.access_key_id == AK


ACS3_FAILURES = {
    "wrong secret": (lambda r: r, WRONG, NOW, "SignatureDoesNotMatch", 400),
    "unknown key": (lambda r: r, UNKNOWN, NOW, "InvalidAccessKeyId.NotFound", 404),
    "stale date": (lambda r: r, SECRETS, NOW + timedelta(minutes=16), "InvalidTimeStamp.Expired",
                   400),
    "future date": (lambda r: r, SECRETS, NOW - timedelta(minutes=16),
                    "InvalidTimeStamp.Expired", 400),
    "tampered query": (lambda r: r.with_url(r.url.replace("job-1", "job-2")), SECRETS, NOW,
                       "SignatureDoesNotMatch", 400),
    "tampered body": (lambda r: SignableRequest(r.method, r.url, r.headers, b"x"), SECRETS, NOW,
                      "SignatureDoesNotMatch", 400),
    "tampered signed header": (lambda r: _set(r, "x-acs-action", "DeleteVault"), SECRETS, NOW,
                               "SignatureDoesNotMatch", 400),
    "missing Authorization": (lambda r: _drop(r, "Authorization"), SECRETS, NOW,
                              "IncompleteSignature", 400),
    "malformed Authorization": (lambda r: _set(r, "Authorization", "ACS3-HMAC-SHA256 garbage"),
                                SECRETS, NOW, "IncompleteSignature", 400),
    "unsupported algorithm": (
        lambda r: _set(r, "Authorization", r.header("Authorization").replace(
            "ACS3-HMAC-SHA256", "ACS3-HMAC-SM3")), SECRETS, NOW, "InvalidSignatureMethod", 400),
    "garbled date": (lambda r: _set(r, "x-acs-date", "yesterday"), SECRETS, NOW,
                     "InvalidTimeStamp.Format", 400),
    "date not signed": (
        lambda r: _set(r, "Authorization", r.header("Authorization").replace(
            "x-acs-date;", "")), SECRETS, NOW, "IncompleteSignature", 400),
}


@pytest.mark.parametrize("case", list(ACS3_FAILURES))
def test_acs3_failures(case):
    mutate, secret_for, now, code, status = ACS3_FAILURES[case]
    _assert_rejected(verify_acs3(mutate(_acs3()), secret_for, now=now), code, status)


def test_acs3_replayed_nonce_and_failed_attempts_do_not_burn_it():
    cache = NonceCache()
    request = _acs3(nonce="once")
    _assert_rejected(verify_acs3(request, WRONG, now=NOW, nonces=cache),
                     "SignatureDoesNotMatch", 400)
    assert verify_acs3(request, SECRETS, now=NOW, nonces=cache).ok
    _assert_rejected(verify_acs3(request, SECRETS, now=NOW, nonces=cache),
                     "SignatureNonceUsed", 400)
    assert verify_acs3(_acs3(nonce="other"), SECRETS, now=NOW, nonces=cache).ok


def test_acs3_well_formed_only():
    assert check_well_formed_acs3(_acs3()).ok
    _assert_rejected(check_well_formed_acs3(_drop(_acs3(), "Authorization")),
                     "IncompleteSignature", 400)
    _assert_rejected(check_well_formed_acs3(_drop(_acs3(), "x-acs-signature-nonce")),
                     "MissingParameter", 400)


# --- RPC V1 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("form", [False, True], ids=["query", "form-body"])
def test_rpc_v1_round_trip(form):
    assert verify_rpc_v1(_rpc(form), SECRETS, now=NOW, nonces=NonceCache()).ok


def _replace_param(request: SignableRequest, name: str, value: str | None) -> SignableRequest:
    pairs = [(k, v) for k, v in request.query_pairs() if k != name]
    if value is not None:
        pairs.append((name, value))
    return request.with_url(request.url.split("?")[0] + "?" + urlencode(pairs))


RPC_FAILURES = {
    "wrong secret": (lambda r: r, WRONG, NOW, "SignatureDoesNotMatch", 400),
    "unknown key": (lambda r: r, UNKNOWN, NOW, "InvalidAccessKeyId.NotFound", 404),
    "stale timestamp": (lambda r: r, SECRETS, NOW + timedelta(minutes=16),
                        "InvalidTimeStamp.Expired", 400),
    "tampered query": (lambda r: _replace_param(r, "BackupPlanId", "plan-2"), SECRETS, NOW,
                       "SignatureDoesNotMatch", 400),
    "missing Signature": (lambda r: _replace_param(r, "Signature", None), SECRETS, NOW,
                          "MissingParameter", 400),
    "missing Timestamp": (lambda r: _replace_param(r, "Timestamp", None), SECRETS, NOW,
                          "IllegalTimestamp", 400),
    "garbled Timestamp": (lambda r: _replace_param(r, "Timestamp", "2026-01-02 03:04"), SECRETS,
                          NOW, "InvalidTimeStamp.Format", 400),
    "other method": (lambda r: _replace_param(r, "SignatureMethod", "HMAC-SHA256"), SECRETS, NOW,
                     "InvalidSignatureMethod", 400),
}


@pytest.mark.parametrize("case", list(RPC_FAILURES))
def test_rpc_v1_failures(case):
    mutate, secret_for, now, code, status = RPC_FAILURES[case]
    _assert_rejected(verify_rpc_v1(mutate(_rpc()), secret_for, now=now), code, status)


def test_rpc_v1_tampered_form_body():
    request = _rpc(form=True)
    tampered = SignableRequest(request.method, request.url, request.headers,
                               request.body.replace(b"plan", b"PLAN"))
    _assert_rejected(verify_rpc_v1(tampered, SECRETS, now=NOW), "SignatureDoesNotMatch", 400)


def test_rpc_v1_replayed_nonce():
    cache = NonceCache()
    assert verify_rpc_v1(_rpc(nonce="once"), SECRETS, now=NOW, nonces=cache).ok
    _assert_rejected(verify_rpc_v1(_rpc(nonce="once"), SECRETS, now=NOW, nonces=cache),
                     "SignatureNonceUsed", 400)


def test_rpc_v1_well_formed_only():
    assert check_well_formed_rpc_v1(_rpc()).ok
    _assert_rejected(check_well_formed_rpc_v1(_replace_param(_rpc(), "AccessKeyId", None)),
                     "MissingParameter", 400)


# --- Huawei AK/SK -----------------------------------------------------------------------------

def test_huawei_round_trip_including_non_ascii_header_as_received():
    request = _huawei(b'{"a": 1}', "application/json;charset=UTF-8", {"X-Client-Tag": "备份"})
    assert verify_huawei_aksk(request, SECRETS, now=NOW).ok
    # on the wire the SDK sends UTF-8 bytes, which a WSGI server hands over as Latin-1 text
    as_received = _set(request, "X-Client-Tag", "备份".encode().decode("latin-1"))
    assert verify_huawei_aksk(as_received, SECRETS, now=NOW).ok


HW = ("APIGW.0301", 401)
HUAWEI_FAILURES = {
    "wrong secret": (lambda r: r, WRONG, NOW, "verify aksk signature fail"),
    "unknown key": (lambda r: r, UNKNOWN, NOW, "ak not exist"),
    "stale date": (lambda r: r, SECRETS, NOW + timedelta(minutes=16), "signature expired"),
    "tampered query": (lambda r: r.with_url(r.url.replace("force=true", "force=false")), SECRETS,
                       NOW, "verify aksk signature fail"),
    "tampered path": (lambda r: r.with_url(r.url.replace("bk-1", "bk-2")), SECRETS, NOW,
                      "verify aksk signature fail"),
    "tampered body": (lambda r: SignableRequest(r.method, r.url, r.headers, b'{"a": 2}'), SECRETS,
                      NOW, "verify aksk signature fail"),
    "tampered signed header": (lambda r: _set(r, "X-Project-Id", "other"), SECRETS, NOW,
                               "verify aksk signature fail"),
    "missing Authorization": (lambda r: _drop(r, "Authorization"), SECRETS, NOW,
                              "x-auth-token not found"),
    "malformed Authorization": (lambda r: _set(r, "Authorization", "SDK-HMAC-SHA256 nonsense"),
                                SECRETS, NOW, "invalid authorization header"),
    "unsupported algorithm": (
        lambda r: _set(r, "Authorization", r.header("Authorization").replace(
            "SDK-HMAC-SHA256", "SDK-HMAC-SM3")), SECRETS, NOW, "unsupported signing algorithm"),
    "garbled date": (lambda r: _set(r, "X-Sdk-Date", "2026-01-02"), SECRETS, NOW,
                     "invalid x-sdk-date"),
}


@pytest.mark.parametrize("case", list(HUAWEI_FAILURES))
def test_huawei_failures(case):
    mutate, secret_for, now, fragment = HUAWEI_FAILURES[case]
    request = _huawei(b'{"a": 1}', "application/json")
    verdict = verify_huawei_aksk(mutate(request), secret_for, now=now)
    _assert_rejected(verdict, *HW)
    assert verdict.message.startswith("Incorrect IAM authentication information: ")
    assert fragment in verdict.message


def test_huawei_declared_payload_hash_must_match_body():
    request = _set(_huawei(b'{"a": 1}', "application/json"), "X-Sdk-Content-Sha256", "ab" * 32)
    _assert_rejected(verify_huawei_aksk(request, SECRETS, now=NOW), *HW)


def test_huawei_well_formed_only():
    assert check_well_formed_huawei_aksk(_huawei()).ok
    _assert_rejected(check_well_formed_huawei_aksk(_drop(_huawei(), "X-Sdk-Date")), *HW)


# --- Huawei token -----------------------------------------------------------------------------

def _token_request(token: str | None) -> SignableRequest:
    headers = {"X-Auth-Token": token} if token is not None else {}
    return SignableRequest("DELETE", f"https://{HW_HOST}/v3/proj/backups/bk-1", headers)


@pytest.mark.parametrize(
    ("token", "fragment"),
    [(None, "x-auth-token not found"), ("", "x-auth-token not found"),
     ("MII unknown", "decrypt token fail"), ("MIIunknown", "decrypt token fail"),
     ("MIIexpired", "token expires")],
)
def test_huawei_token_failures(token, fragment):
    expiries = {"MIIgood": NOW + timedelta(hours=1), "MIIexpired": NOW - timedelta(seconds=1)}
    verdict = verify_huawei_token(_token_request(token), expiries.get, now=NOW)
    _assert_rejected(verdict, *HW)
    assert fragment in verdict.message


def test_huawei_token_ok_and_well_formed():
    expiries = {"MIIgood": NOW + timedelta(hours=1)}
    assert verify_huawei_token(_token_request("MIIgood"), expiries.get, now=NOW).ok
    assert check_well_formed_huawei_token(_token_request("MIIanything")).ok


# --- shared pieces ----------------------------------------------------------------------------

def test_detect_scheme():
    assert detect_scheme(_acs3()) == "acs3"
    assert detect_scheme(_rpc()) == "acs-rpc-v1"
    assert detect_scheme(_rpc(form=True)) == "acs-rpc-v1"
    assert detect_scheme(_huawei()) == "huawei-aksk"
    assert detect_scheme(_token_request("MIIx")) == "huawei-token"
    assert detect_scheme(SignableRequest("GET", "https://example.com/")) is None


def test_nonce_cache_expires_and_stays_bounded():
    cache = NonceCache(ttl=timedelta(minutes=30), max_entries=3)
    assert cache.check_and_add("a", NOW)
    assert not cache.check_and_add("a", NOW + timedelta(minutes=29))
    assert cache.check_and_add("a", NOW + timedelta(minutes=31))  # expired, so new again
    for name in "bcdef":
        cache.check_and_add(name, NOW + timedelta(minutes=32))
    assert len(cache) == 3


def test_nonce_cache_is_thread_safe():
    cache = NonceCache()
    wins: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for i in range(200):
            result = cache.check_and_add(f"n-{i}", NOW)
            with lock:
                wins.append(result)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sum(wins) == 200  # each nonce accepted exactly once


def test_redaction():
    headers = redact_headers({"Authorization": "ACS3-HMAC-SHA256 Credential=AK,...",
                              "X-Auth-Token": "MIItok", "x-acs-security-token": "sts",
                              "X-Security-Token": "sts2", "Content-Type": "application/json"})
    assert headers == {"Authorization": "***", "X-Auth-Token": "***",
                       "x-acs-security-token": "***", "X-Security-Token": "***",
                       "Content-Type": "application/json"}
    url = ("https://hbr.aliyuncs.com/?Action=CancelBackupJob&AccessKeyId=AKIDx&JobId=j%201"
           "&Signature=abc%3D&SecurityToken=sts")
    assert redact_url(url) == ("https://hbr.aliyuncs.com/?Action=CancelBackupJob&AccessKeyId=***"
                               "&JobId=j%201&Signature=***&SecurityToken=***")
    assert redact_url("https://u:p@h/x") == "https://***@h/x"


# --- what the official SDKs really send ---------------------------------------------------------

@pytest.fixture(scope="module")
def local_server():
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


def _captured(server: HTTPServer) -> SignableRequest:
    request, _ = server.log[-1]
    return SignableRequest.from_werkzeug(request)


def _alibaba_config(server: HTTPServer, **extra):
    from alibabacloud_tea_openapi.models import Config

    return Config(access_key_id=AK, access_key_secret=SECRET, protocol="http",
                  endpoint=f"127.0.0.1:{server.port}", read_timeout=TIMEOUT_MS,
                  connect_timeout=TIMEOUT_MS, **extra)


@pytest.mark.parametrize("algorithm", [None, "v2"], ids=["acs3", "rpc-v1"])
def test_hbr_client_cancel_backup_job(local_server, algorithm):
    from alibabacloud_hbr20170908 import models
    from alibabacloud_hbr20170908.client import Client

    local_server.clear()
    local_server.expect_request("/").respond_with_json({"RequestId": "r-1", "Success": True})
    config = _alibaba_config(local_server, **({"signature_algorithm": algorithm}
                                              if algorithm else {}))
    Client(config).cancel_backup_job(models.CancelBackupJobRequest(job_id="job 1+备份",
                                                                   vault_id="v-1"))
    sent, now = _captured(local_server), datetime.now(UTC)
    verify = verify_acs3 if algorithm is None else verify_rpc_v1
    assert detect_scheme(sent) == ("acs3" if algorithm is None else "acs-rpc-v1")
    assert verify(sent, SECRETS, now=now, nonces=NonceCache()).ok
    _assert_rejected(verify(sent, WRONG, now=now), "SignatureDoesNotMatch", 400)


def test_dbs_client_stop_backup_plan(local_server):
    from alibabacloud_dbs20190306 import models
    from alibabacloud_dbs20190306.client import Client

    local_server.clear()
    local_server.expect_request("/").respond_with_json({"RequestId": "r-1", "Success": True})
    Client(_alibaba_config(local_server)).stop_backup_plan(
        models.StopBackupPlanRequest(backup_plan_id="plan 1", stop_method="ALL"))
    sent, now = _captured(local_server), datetime.now(UTC)
    assert sent.header("x-acs-action") == "StopBackupPlan"
    assert verify_acs3(sent, SECRETS, now=now).ok
    _assert_rejected(verify_acs3(sent, WRONG, now=now), "SignatureDoesNotMatch", 400)


def test_geminidb_client_delete_backup(local_server):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkgaussdbfornosql.v3 import DeleteBackupRequest, GaussDBforNoSQLClient

    local_server.clear()
    local_server.expect_request("/v3/proj-1/backups/bk 备份", method="DELETE").respond_with_data(
        json.dumps({"job_id": "j-1"}), status=202, content_type="application/json")
    config = HttpConfig.get_default_config()
    config.timeout = (5, 5)
    client = (GaussDBforNoSQLClient.new_builder().with_http_config(config)
              .with_credentials(BasicCredentials(AK, SECRET, "proj-1"))
              .with_endpoints([f"http://127.0.0.1:{local_server.port}"]).build())
    client.delete_backup(DeleteBackupRequest(backup_id="bk 备份"))
    sent, now = _captured(local_server), datetime.now(UTC)
    assert sent.header("X-Project-Id") == "proj-1"
    assert verify_huawei_aksk(sent, SECRETS, now=now).ok
    _assert_rejected(verify_huawei_aksk(sent, WRONG, now=now), *HW)


@pytest.mark.parametrize("fmt, written", [
    ("ACS3", "ACS3-HMAC-SHA256 Credential=AK1,SignedHeaders=host;x-acs-date,Signature=ABCDEF"),
    ("SDK-HMAC-SHA256",
     "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-acs-date, Signature=ABCDEF"),
])
def test_one_authorization_parser_reads_and_writes_both_ak_sk_schemes(fmt: str,
                                                                       written: str) -> None:
    """ACS3 and Huawei AK/SK share the parser; only the key's field name and the separator
    differ, and writing back gives the vendor SDK's exact spelling."""
    from backup_conformance.signing.authorization import ACS3_HEADER, HUAWEI_HEADER

    header = ACS3_HEADER if fmt == "ACS3" else HUAWEI_HEADER
    other = HUAWEI_HEADER if header is ACS3_HEADER else ACS3_HEADER
    auth = header.parse(written)
    assert (auth.key_id, auth.signed_headers, auth.signature) == (
        "AK1", ("host", "x-acs-date"), "abcdef")
    assert header.write(auth.algorithm, auth.key_id, list(auth.signed_headers),
                        "ABCDEF") == written
    with pytest.raises(ValueError, match=f"garbled {other.scheme} Authorization"):
        other.parse(written)
