"""TargetClient against local servers (127.0.0.1 only): real signatures, throttling, limits,
timeouts, broken bodies, dry run."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from backup_conformance.contracts import load_catalogue
from backup_conformance.signing import (
    SignableRequest,
    detect_scheme,
    verify_acs3,
    verify_huawei_aksk,
    verify_huawei_token,
    verify_rpc_v1,
)
from backup_conformance.targets import (
    AuthOverride,
    BudgetExhausted,
    Credentials,
    Profile,
    ServiceTarget,
    TargetClient,
    TargetTimeout,
    TargetUnreachable,
    TimeLimitExceeded,
    Timeout,
    nonexistent_id,
)

AK, SECRET, TOKEN = "LTAI-test-key", "test-secret-value", "test-token-value"
KEYS = {AK: SECRET}
HBR = {"JobId": nonexistent_id(), "VaultId": nonexistent_id()}
GAUSS = {"project_id": nonexistent_id(), "backup_id": nonexistent_id()}


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.fixture(scope="module")
def running_server():
    srv = HTTPServer("127.0.0.1", 0, threaded=True)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def server(running_server):
    running_server.clear()
    yield running_server
    running_server.clear()


def profile(url: str, service: str = "hbr", *, auth: str = "none", dry_run: bool = False,
            time_limit: float | None = None, **settings) -> Profile:
    family = "alibaba-rpc" if service in ("hbr", "dbs") else "huawei-rest"
    creds = Credentials(AK, SECRET, token=TOKEN)
    target = ServiceTarget(service, family, url, auth, creds, **settings)
    return Profile("test", {service: target}, dry_run=dry_run, time_limit=time_limit)


def verifying(request: Request) -> Response:
    """Answer 200 only to a request carrying a valid signature or token, as a gateway would."""
    signable = SignableRequest.from_werkzeug(request)
    now = datetime.now(UTC)
    scheme = detect_scheme(signable)
    if scheme == "acs3":
        verdict = verify_acs3(signable, KEYS.get, now=now)
    elif scheme == "acs-rpc-v1":
        verdict = verify_rpc_v1(signable, KEYS.get, now=now)
    elif scheme == "huawei-aksk":
        verdict = verify_huawei_aksk(signable, KEYS.get, now=now)
    elif scheme == "huawei-token":
        verdict = verify_huawei_token(
            signable, lambda t: now + timedelta(hours=1) if t == TOKEN else None, now=now)
    else:
        return Response(json.dumps({"Code": "MissingAuth"}), 401, content_type="application/json")
    body = {"RequestId": "r-1", "scheme": scheme} if verdict.ok else {"Code": verdict.code}
    return Response(json.dumps(body), verdict.status, content_type="application/json")


@pytest.mark.parametrize(("service", "api", "params", "auth"), [
    ("hbr", "hbr.CancelBackupJob", HBR, "acs3"),
    ("hbr", "hbr.CancelBackupJob", HBR, "acs-rpc-v1"),
    ("gaussdbfornosql", "gaussdbfornosql.DeleteBackup", GAUSS, "huawei-aksk"),
    ("vbs", "vbs.CancelBackupSharing",
     {"project_id": nonexistent_id(), "id": nonexistent_id(), "is_backup_id": False},
     "huawei-token"),
])
def test_each_scheme_is_accepted_by_a_verifying_server(server, cat, service, api, params, auth):
    server.expect_request("/", method="POST").respond_with_handler(verifying)
    server.expect_request(
        __import__("re").compile("/v[23]/.*")).respond_with_handler(verifying)
    with TargetClient(profile(server.url_for("/"), service, auth=auth)) as client:
        good = client.call(cat[api], params)
        assert good.response.status == 200, good.response.json
        assert good.response.json["scheme"] == auth and good.scheme == auth
        assert good.response.request_id == "r-1"
        bad = client.call(cat[api], params, auth=AuthOverride(secret="wrong-secret",
                                                              token="wrong-token"))
        assert bad.response.status in (400, 401, 403, 404)
        unsigned = client.call(cat[api], params, auth="none")
        assert unsigned.response.status == 401 and "Authorization" not in unsigned.request.headers


def test_stale_clock_is_rejected_as_expired(server, cat):
    server.expect_request("/").respond_with_handler(verifying)
    with TargetClient(profile(server.url_for("/"), auth="acs3")) as client:
        stale = client.call(cat["hbr.CancelBackupJob"], HBR,
                            auth=AuthOverride(clock_skew=timedelta(minutes=-30)))
    assert stale.response.json["Code"] == "InvalidTimeStamp.Expired"


def test_rpc_v1_sends_action_in_the_query(server, cat):
    server.expect_request("/").respond_with_handler(verifying)
    with TargetClient(profile(server.url_for("/"), auth="acs-rpc-v1")) as client:
        ex = client.call(cat["hbr.CancelBackupJob"], HBR)
    assert "Action=CancelBackupJob" in ex.request.url and "Signature=" in ex.request.url
    assert "x-acs-action" not in ex.request.headers


def sequence(*responses: Response):
    """A handler giving ``responses`` in order, then repeating the last."""
    answers = list(responses)

    def handle(_request: Request) -> Response:
        return answers.pop(0) if len(answers) > 1 else answers[0]
    return handle


def test_throttling_is_retried_with_capped_backoff(server, cat):
    throttled = Response(json.dumps({"Code": "Throttling.User"}), 400,
                         content_type="application/json")
    server.expect_request("/").respond_with_handler(sequence(
        Response("busy", 503, headers={"Retry-After": "100"}),
        Response("slow down", 429), throttled, Response(json.dumps({"RequestId": "ok"}), 200)))
    slept: list[float] = []
    client = TargetClient(profile(server.url_for("/"), retries=3, max_backoff=2.0),
                          sleep=slept.append, backoff_base=0.5)
    ex = client.call(cat["hbr.CancelBackupJob"], HBR)
    assert ex.response.status == 200 and ex.attempts == 4
    assert slept == [2.0, 1.0, 2.0]  # Retry-After 100 capped; 0.5*2; 0.5*4 capped
    assert len(server.log) == 4


def test_retries_exhausted_return_the_throttled_answer(server, cat):
    server.expect_request("/").respond_with_data("", status=429)
    client = TargetClient(profile(server.url_for("/"), retries=1), sleep=lambda _s: None)
    ex = client.call(cat["hbr.CancelBackupJob"], HBR)
    assert (ex.response.status, ex.attempts, len(server.log)) == (429, 2, 2)


def test_503_without_retry_after_is_not_retried(server, cat):
    server.expect_request("/").respond_with_data("down", status=503)
    ex = TargetClient(profile(server.url_for("/"))).call(cat["hbr.CancelBackupJob"], HBR)
    assert ex.attempts == 1 and ex.response.json_error.startswith("not JSON")


def test_rate_limit_spaces_requests(server, cat):
    server.expect_request("/").respond_with_json({})
    client = TargetClient(profile(server.url_for("/"), rate_limit=40.0))
    started = time.monotonic()
    for _ in range(5):
        client.call(cat["hbr.CancelBackupJob"], HBR)
    assert time.monotonic() - started >= 4 / 40 - 0.01


def test_budget_counts_every_attempt(server, cat):
    server.expect_request("/").respond_with_data("", status=429)
    client = TargetClient(profile(server.url_for("/"), request_budget=3, retries=5),
                          sleep=lambda _s: None)
    first = client.call(cat["hbr.CancelBackupJob"], HBR)
    assert first.attempts == 3  # retries stopped by the budget, the answer is kept
    with pytest.raises(BudgetExhausted, match="hbr: request budget of 3 spent"):
        client.call(cat["hbr.CancelBackupJob"], HBR)
    assert len(server.log) == 3


def test_time_limit(server, cat):
    now = [0.0]
    client = TargetClient(profile(server.url_for("/"), time_limit=10), clock=lambda: now[0])
    now[0] = 11.0
    with pytest.raises(TimeLimitExceeded, match="time_limit of 10s"):
        client.call(cat["hbr.CancelBackupJob"], HBR)


def test_read_timeout(server, cat):
    def slow(_request: Request) -> Response:
        time.sleep(0.5)
        return Response("{}")
    server.expect_request("/").respond_with_handler(slow)
    client = TargetClient(profile(server.url_for("/"), timeout=Timeout(1.0, 0.1)))
    with pytest.raises(TargetTimeout, match=r"hbr.CancelBackupJob: http://127.0.0.1:\d+/\?"):
        client.call(cat["hbr.CancelBackupJob"], HBR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_names_url_and_cause(cat):
    port = free_port()
    client = TargetClient(profile(f"http://127.0.0.1:{port}"))
    with pytest.raises(TargetUnreachable) as info:
        client.call(cat["hbr.CancelBackupJob"], HBR)
    message = str(info.value)
    assert f"http://127.0.0.1:{port}/?JobId=" in message and "refused" in message.lower()
    assert "\n" not in message


def test_oversized_bodies_are_reported_not_read(server, cat):
    server.expect_request("/declared/").respond_with_data("x" * 5000)
    server.expect_request("/chunked/").respond_with_response(
        Response(iter([b"y" * 1000] * 5), direct_passthrough=True))
    client = TargetClient(profile(server.url_for("/declared")), max_body=2048)
    ex = client.call(cat["hbr.CancelBackupJob"], HBR)
    assert ex.failure == "body of 5000 bytes exceeds the 2048-byte cap; not read"
    assert ex.response.body == b""
    chunked = TargetClient(profile(server.url_for("/chunked")), max_body=2048)
    ex = chunked.call(cat["hbr.CancelBackupJob"], HBR)
    assert "exceeds the 2048-byte cap" in ex.failure and len(ex.response.body) <= 2048


def test_non_json_and_empty_bodies(server, cat):
    server.expect_request("/html/").respond_with_data("<html>", content_type="text/html")
    server.expect_request("/empty/").respond_with_data("", status=200)
    html = TargetClient(profile(server.url_for("/html"))).call(cat["hbr.CancelBackupJob"], HBR)
    assert html.response.json is None and "not JSON" in html.response.json_error
    assert html.failure is None
    empty = TargetClient(profile(server.url_for("/empty"))).call(cat["hbr.CancelBackupJob"], HBR)
    assert empty.response.json is None and empty.response.json_error is None


def test_truncated_body_is_reported():
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"RequestId\": ")
        conn.close()
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    ex = TargetClient(profile(url)).call(load_catalogue()["hbr.CancelBackupJob"], HBR)
    thread.join(5)
    listener.close()
    assert ex.response.status == 200 and ex.failure.startswith("body cut short (IncompleteRead")
    assert ex.response.json_error is not None


def test_redirects_are_not_followed(server, cat):
    server.expect_request("/").respond_with_data("", status=302,
                                                 headers={"Location": "http://example.com/"})
    ex = TargetClient(profile(server.url_for("/"))).call(cat["hbr.CancelBackupJob"], HBR)
    assert ex.response.status == 302 and len(server.log) == 1


def test_dry_run_sends_nothing_and_prints_no_secret(server, cat):
    out = io.StringIO()
    client = TargetClient(profile(server.url_for("/"), auth="acs3", dry_run=True), out=out)
    ex = client.call(cat["hbr.CancelBackupJob"], HBR)
    assert ex.dry_run and ex.response is None and len(server.log) == 0
    printed = out.getvalue()
    assert printed.startswith("[dry-run] curl") and "JobId=" in printed
    assert SECRET not in printed and AK not in printed and "***" in printed


def test_one_session_per_service(server, cat):
    server.expect_request("/").respond_with_json({})
    client = TargetClient(profile(server.url_for("/")))
    client.call(cat["hbr.CancelBackupJob"], HBR)
    first = client._sessions["hbr"]
    client.call(cat["hbr.CancelBackupJob"], HBR)
    assert client._sessions == {"hbr": first}
    client.close()
    assert client._sessions == {}
