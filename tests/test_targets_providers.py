"""Provider states and the resource ledger: state URL, hook, static values, teardown always."""

from __future__ import annotations

import json
import sys
import types

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from backup_conformance.targets import (
    HookProvider,
    ProviderError,
    ResourceLedger,
    ResourceProvider,
    StateUrlProvider,
    StaticProvider,
    provider_from_profile,
)
from backup_conformance.targets.profile import Profile, ProviderSpec

JOB = "hbr: a running backup job"
CLIENTS = "hbr: backup clients with resources"


@pytest.fixture(scope="module")
def httpserver_module():
    srv = HTTPServer("127.0.0.1", 0)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def states(httpserver_module):
    """A /_states endpoint recording what it was sent."""
    httpserver_module.clear()
    seen: list[dict] = []

    def handle(request: Request) -> Response:
        payload = json.loads(request.data)
        seen.append(payload)
        if payload["action"] == "teardown":
            return Response("{}", content_type="application/json")
        if payload["state"] == JOB:
            return Response(json.dumps({"JobId": "job-1", "VaultId": "v-1"}),
                            content_type="application/json")
        return Response(json.dumps({"ClientIds": ["c-1", "c-2"]}),
                        content_type="application/json")
    httpserver_module.expect_request("/_states", method="POST").respond_with_handler(handle)
    return httpserver_module.url_for("/_states"), seen


def test_state_url_setup_and_teardown_speak_the_documented_protocol(states):
    url, seen = states
    provider = StateUrlProvider(url)
    assert isinstance(provider, ResourceProvider)
    values = provider.setup(CLIENTS, {"count": 2})
    assert values == {"ClientIds": ["c-1", "c-2"]}
    provider.teardown(CLIENTS, {"count": 2}, values)
    assert seen == [
        {"state": CLIENTS, "params": {"count": 2}, "action": "setup"},
        {"state": CLIENTS, "params": {"count": 2, "ClientIds": ["c-1", "c-2"]},
         "action": "teardown"},
    ]


@pytest.mark.parametrize(("status", "body", "phrase"), [
    (500, "kaboom", "answered 500: kaboom"),
    (200, "<html>", "body that is not JSON: <html>"),
    (200, "[1, 2]", "returned list [1, 2], not a JSON object"),
    (200, '{"JobId": "j"}', "returned no 'VaultId' (expected keys: JobId, VaultId; got: JobId)"),
    (200, '{"JobId": "j", "VaultId": 7}', "returned VaultId=7, expected a non-empty string"),
])
def test_state_url_failures_name_the_state_and_what_came_back(httpserver_module, status, body,
                                                              phrase):
    httpserver_module.clear()
    httpserver_module.expect_request("/bad").respond_with_data(body, status=status)
    with pytest.raises(ProviderError) as info:
        StateUrlProvider(httpserver_module.url_for("/bad")).setup(JOB, {})
    message = str(info.value)
    assert f"state {JOB!r}" in message and phrase in message and "\n" not in message


def test_unknown_state_and_unreachable_url():
    with pytest.raises(ProviderError, match="Did you mean 'hbr: a running backup job'"):
        StateUrlProvider("http://127.0.0.1:9/_states").setup("hbr: a running job", {})
    with pytest.raises(ProviderError, match=r"could not be reached \(ConnectionError\)"):
        StateUrlProvider("http://127.0.0.1:9/_states", timeout=2).setup(JOB, {})


@pytest.fixture
def hook_module(monkeypatch):
    module = types.ModuleType("bc_test_hooks")
    calls: list[tuple] = []

    def provide(state, params, action):
        calls.append((state, dict(params), action))
        if params.get("explode"):
            raise RuntimeError("sandbox quota exceeded")
        return {"BackupPlanId": "plan-1"} if action == "setup" else {}
    module.provide = provide
    module.calls = calls
    monkeypatch.setitem(sys.modules, "bc_test_hooks", module)
    return module


def test_hook_provider(hook_module):
    provider = HookProvider("bc_test_hooks:provide")
    values = provider.setup("dbs: a running backup plan", {})
    provider.teardown("dbs: a running backup plan", {}, values)
    assert hook_module.calls == [("dbs: a running backup plan", {}, "setup"),
                                 ("dbs: a running backup plan", {"BackupPlanId": "plan-1"},
                                  "teardown")]
    with pytest.raises(ProviderError, match="hook bc_test_hooks:provide raised RuntimeError: "
                                            "sandbox quota exceeded"):
        provider.setup("dbs: a running backup plan", {"explode": True})
    with pytest.raises(ProviderError, match="returned no 'JobId'"):
        provider.setup(JOB, {})


@pytest.mark.parametrize(("spec", "phrase"), [
    ("no_such_pkg_bc.hooks:provide", "hook 'no_such_pkg_bc.hooks:provide': cannot import "
                                     "'no_such_pkg_bc.hooks' (ModuleNotFoundError"),
    ("json:no_such_function", "'json' has no function 'no_such_function'"),
    ("justamodule", "expected 'package.module:function'"),
])
def test_hook_import_errors_name_the_spec(spec, phrase):
    with pytest.raises(ProviderError) as info:
        HookProvider(spec)
    assert phrase in str(info.value)


def test_static_values_are_used_once():
    provider = StaticProvider({JOB: [{"JobId": "j1", "VaultId": "v"},
                                     {"JobId": "j2", "VaultId": "v"}]})
    assert provider.setup(JOB, {})["JobId"] == "j1"
    assert provider.setup(JOB, {})["JobId"] == "j2"
    with pytest.raises(ProviderError, match=f"no more static values for state {JOB!r}"):
        provider.setup(JOB, {})
    with pytest.raises(ProviderError, match="no more static values"):
        provider.setup("dbs: a running backup plan", {})
    with pytest.raises(ProviderError, match="returned no 'VaultId'"):
        StaticProvider({JOB: {"JobId": "j"}})


def test_provider_from_profile(states):
    url, _ = states
    assert isinstance(provider_from_profile(Profile("p", {}, ProviderSpec(state_url=url))),
                      StateUrlProvider)
    static = Profile("p", {}, ProviderSpec(static={JOB: ({"JobId": "j", "VaultId": "v"},)}))
    assert isinstance(provider_from_profile(static), StaticProvider)
    assert provider_from_profile(Profile("p", {})) is None


class Recording:
    """A provider keeping count; teardown of ``fail_on`` raises."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.torn: list[str] = []
        self.fail_on = fail_on
        self.n = 0

    def setup(self, state, params):
        self.n += 1
        return {"JobId": f"job-{self.n}", "VaultId": "v-1"}

    def teardown(self, state, params, values):
        if values["JobId"] == self.fail_on:
            raise ProviderError("teardown refused")
        self.torn.append(values["JobId"])


def test_teardown_runs_when_the_test_body_raises():
    provider = Recording()
    with pytest.raises(RuntimeError), ResourceLedger(provider, register_atexit=False) as ledger:
        ledger.obtain(JOB)
        raise RuntimeError("test body failed")
    assert provider.torn == ["job-1"]
    with pytest.raises(RuntimeError), ledger.resource(JOB) as values:
        assert values["JobId"] == "job-2"
        raise RuntimeError("again")
    assert provider.torn == ["job-1", "job-2"]


def test_teardown_all_collects_failures_and_is_idempotent():
    provider = Recording(fail_on="job-2")
    ledger = ResourceLedger(provider, clock=lambda: 0.0)
    for _ in range(3):
        ledger.obtain(JOB, {"VaultId": "v-1"})
    failures = ledger.teardown_all()
    assert provider.torn == ["job-3", "job-1"]  # newest first, past the failure
    assert failures == ["teardown of 'hbr: a running backup job' ['job-2', 'v-1'] failed: "
                        "ProviderError: teardown refused"]
    assert ledger.teardown_all() == [] and provider.torn == ["job-3", "job-1"]
    report = ledger.report()
    assert [r["values"]["JobId"] for r in report] == ["job-1", "job-2", "job-3"]
    assert report[1]["torn_down"] is False and "teardown refused" in report[1]["teardown_error"]
    assert report[0] == {"state": JOB, "params": {"VaultId": "v-1"},
                         "values": {"JobId": "job-1", "VaultId": "v-1"},
                         "obtained_at": "1970-01-01T00:00:00Z", "provider": repr(provider),
                         "torn_down": True, "teardown_error": None}
    assert ledger.owns("job-2") and ledger.owns("v-1") and not ledger.owns("job-9")


def test_ledger_registers_with_atexit(monkeypatch):
    registered, unregistered = [], []
    monkeypatch.setattr("atexit.register", registered.append)
    monkeypatch.setattr("atexit.unregister", unregistered.append)
    ledger = ResourceLedger(Recording())
    ledger.obtain(JOB)
    ledger.obtain(JOB)
    assert registered == [ledger.teardown_all]
    ledger.teardown_all()
    assert unregistered == [ledger.teardown_all]


def test_ids_stay_owned_until_their_scope_is_released():
    """A test may call on a resource it handed back early (``resource``); once its scope is
    released (``teardown_from``), a later test may not name it."""
    ledger = ResourceLedger(Recording(), register_atexit=False)
    mark = ledger.obtained
    with ledger.resource(JOB) as values:
        assert ledger.owns(values["JobId"])
    assert ledger.owns("job-1") and ledger.live == []  # torn down, scope still open
    ledger.obtain(JOB)
    assert ledger.teardown_from(mark) == []
    assert not ledger.owns("job-1") and not ledger.owns("job-2") and not ledger.owns("v-1")


def test_a_failed_teardown_keeps_its_ids_owned():
    ledger = ResourceLedger(Recording(fail_on="job-1"), register_atexit=False)
    ledger.obtain(JOB)
    ledger.obtain(JOB)
    assert len(ledger.teardown_all()) == 1
    assert ledger.owns("job-1") and not ledger.owns("job-2")
    assert ledger.owns("v-1")  # the stuck job still names its vault


def test_released_records_leave_memory_but_not_the_report():
    """Flat memory: after release nothing per resource is held in memory, yet the report
    still lists every resource, oldest first, with its outcome."""
    ledger = ResourceLedger(Recording(fail_on="job-3"), clock=lambda: 0.0,
                            register_atexit=False)
    for _ in range(50):
        mark = ledger.obtained
        ledger.obtain(JOB)
        ledger.teardown_from(mark)
    ledger.obtain(JOB)  # one still live
    assert [r.values["JobId"] for r in ledger.live] == ["job-51"]
    assert ledger._retired == {} and set(ledger._owned) == {"job-3", "job-51", "v-1"}
    report = ledger.report()
    assert [r["values"]["JobId"] for r in report] == [f"job-{n}" for n in range(1, 52)]
    assert [r["torn_down"] for r in report] == [n not in (3, 51) for n in range(1, 52)]
    assert "teardown refused" in report[2]["teardown_error"]
    assert ledger.obtained == 51 and ledger.obtained_by_state == {JOB: 51}
