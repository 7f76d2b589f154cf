"""No secret leaves the process: failing calls with known fake secrets, every output checked."""

from __future__ import annotations

import io
import json
import logging
import socket
from datetime import timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from backup_conformance.contracts import load_catalogue
from backup_conformance.targets import (
    AuthOverride,
    TargetClient,
    TargetError,
    load_profile,
    nonexistent_id,
    profile_from_options,
)

ENV = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIleakAK0001",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "leakSecret0002",
    "ALIBABA_CLOUD_SECURITY_TOKEN": "leakSts0003",
    "HUAWEICLOUD_SDK_AK": "HWleakAK0004",
    "HUAWEICLOUD_SDK_SK": "HWleakSK0005",
    "OS_AUTH_TOKEN": "leakToken0006",
}
WRONG = "leakWrongSecret0007"
SECRETS = [*ENV.values(), WRONG]
CALLS = [
    ("hbr.CancelBackupJob", {"JobId": nonexistent_id(), "VaultId": nonexistent_id()}),
    ("gaussdbfornosql.DeleteBackup", {"project_id": nonexistent_id(),
                                      "backup_id": nonexistent_id()}),
    ("vbs.CancelBackupSharing", {"project_id": nonexistent_id(), "id": nonexistent_id()}),
]
AUTHS = ["acs3", "acs-rpc-v1", "huawei-aksk", "huawei-token"]


def echo(request: Request) -> Response:
    """A careless server echoing the whole request (credentials included) in a 403."""
    body = {"Code": "Forbidden", "Message": f"{request.url} {dict(request.headers)}",
            "Headers": dict(request.headers)}
    return Response(json.dumps(body), 403, content_type="application/json",
                    headers={"X-Echo-Auth": request.headers.get("Authorization", "")})


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"secret {secret[:4]}... leaked"


@pytest.fixture(scope="module")
def echo_server():
    srv = HTTPServer("127.0.0.1", 0)
    srv.expect_request(__import__("re").compile(".*")).respond_with_handler(echo)
    srv.start()
    yield srv
    srv.stop()


def test_failing_calls_leak_nothing(echo_server, caplog):
    caplog.set_level(logging.DEBUG)
    cat = load_catalogue()
    profile = profile_from_options(echo_server.url_for("/"), env=ENV)
    outputs: list[str] = [repr(profile)]
    with TargetClient(profile) as client:
        for api, params in CALLS:
            family = cat[api].family
            for scheme in AUTHS:
                if (family == "alibaba-rpc") != scheme.startswith("acs"):
                    continue
                for auth in (scheme, AuthOverride(scheme=scheme, secret=WRONG),
                             AuthOverride(scheme=scheme, clock_skew=timedelta(hours=-1))):
                    ex = client.call(cat[api], params, auth=auth)
                    assert ex.response.status == 403
                    # the raw exchange does hold the secrets the server echoed...
                    assert any(s in ex.response.body.decode() for s in SECRETS) or \
                        scheme == "acs-rpc-v1"
                    # ...but nothing that is printed does
                    outputs += [repr(ex), str(ex), repr(ex.redacted()), ex.curl(),
                                ex.summary(), repr(auth)]
    for text in outputs:
        assert_clean(text)
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug"))
    assert "urllib3" in {r.name.split(".")[0] for r in caplog.records}  # really captured
    assert_clean(ours)


def test_exception_messages_leak_nothing():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    profile = profile_from_options(f"http://127.0.0.1:{port}", env=ENV)
    cat = load_catalogue()
    api, params = CALLS[0]
    for auth in ("acs3", "acs-rpc-v1", AuthOverride(scheme="acs-rpc-v1", secret=WRONG)):
        with pytest.raises(TargetError) as info:
            TargetClient(profile).call(cat[api], params, auth=auth)
        assert_clean(str(info.value))
        assert_clean(repr(info.value))


def test_dry_run_and_profile_errors_leak_nothing(tmp_path):
    out = io.StringIO()
    path = tmp_path / "p.toml"
    path.write_text('dry_run = true\n[services.vbs]\nbase_url = "http://127.0.0.1:1"\n'
                    'auth = "huawei-token"\n', encoding="utf-8")
    profile = load_profile(path, env=ENV)
    ex = TargetClient(profile, out=out).call(load_catalogue()[CALLS[2][0]], CALLS[2][1])
    assert ex.dry_run
    assert_clean(out.getvalue())
    assert_clean(repr(profile))
    path.write_text('[services.vbs]\nbase_url = "http://127.0.0.1:1"\nauth = "huawei-tokn"\n',
                    encoding="utf-8")
    with pytest.raises(TargetError) as info:
        load_profile(path, env=ENV)
    assert_clean(str(info.value))
