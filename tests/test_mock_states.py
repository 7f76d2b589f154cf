"""Provider states (docs/design.md §4): exact keys, teardown, unknown names, in-process use."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from backup_conformance.contracts import load_catalogue
from backup_conformance.mock import STATES, MockApp, MockServer, StateError

CATALOGUE = load_catalogue()
T = 10
KEYS = {
    "hbr: a running backup job": {"JobId", "VaultId"},
    "dbs: a running backup plan": {"BackupPlanId"},
    "vbs: a shared backup": {"project_id", "backup_id", "sharing_ids"},
    "hbr: backup clients with resources": {"ClientIds"},
    "gaussdbfornosql: a manual backup": {"project_id", "backup_id"},
}
ID_SHAPES = {
    "JobId": r"j-[a-z0-9]{20}", "VaultId": r"v-[a-z0-9]{20}", "BackupPlanId": r"dbs[a-z0-9]+",
    "project_id": r"[0-9a-f]{32}",
}


@pytest.fixture(scope="module")
def app() -> MockApp:
    return MockApp(CATALOGUE)


@pytest.fixture(scope="module")
def url(app: MockApp) -> Iterator[str]:
    with MockServer(app) as server:
        yield server.url + "/_states"


def test_the_design_table_and_the_mock_agree() -> None:
    assert set(STATES) == set(KEYS)


@pytest.mark.parametrize("name", list(KEYS))
def test_setup_returns_exactly_the_documented_keys_and_teardown_undoes_it(
    url: str, app: MockApp, name: str
) -> None:
    response = requests.post(url, json={"state": name, "params": {}, "action": "setup"},
                             timeout=T)
    assert response.status_code == 200
    values = response.json()
    assert set(values) == KEYS[name]
    for key, pattern in ID_SHAPES.items():
        if key in values:
            assert re.fullmatch(pattern, values[key]), (key, values[key])
    before = _size(app)
    down = requests.post(url, json={"state": name, "params": values, "action": "teardown"},
                         timeout=T)
    assert (down.status_code, down.json()) == (200, {})
    assert _size(app) == before - 1
    again = requests.post(url, json={"state": name, "params": values, "action": "teardown"},
                          timeout=T)
    assert again.status_code == 200  # teardown is idempotent


def _size(app: MockApp) -> int:
    world = app.world
    clients = 1 if world.clients else 0  # one state = a group of clients
    return (len(world.jobs) + len(world.plans) + len(world.backups) + clients
            + len(world.manual_backups))


def test_counts_shape_lists(url: str) -> None:
    shared = requests.post(url, json={"state": "vbs: a shared backup", "params": {"count": 4}},
                           timeout=T).json()
    assert len(set(shared["sharing_ids"])) == 4
    clients = requests.post(url, json={"state": "hbr: backup clients with resources",
                                       "params": {"count": 5}}, timeout=T).json()
    assert len(clients["ClientIds"]) == 5
    assert all(re.fullmatch(r"c-[a-z0-9]{20}", c) for c in clients["ClientIds"])
    bad = requests.post(url, json={"state": "vbs: a shared backup", "params": {"count": 0}},
                        timeout=T)
    assert bad.status_code == 400 and "count" in bad.json()["error"]


def test_geminidb_backup_ids_look_like_the_page(url: str) -> None:
    backup = requests.post(url, json={"state": "gaussdbfornosql: a manual backup"},
                           timeout=T).json()
    assert re.fullmatch(r"[0-9a-f]{32}br06", backup["backup_id"])  # 004:69


def test_unknown_state_lists_valid_names_and_the_nearest(url: str) -> None:
    response = requests.post(url, json={"state": "hbr: a running job"}, timeout=T)
    assert response.status_code == 400
    body = response.json()
    assert body["valid"] == list(KEYS)
    assert body["did_you_mean"] == "hbr: a running backup job"
    assert "Did you mean" in body["error"]


def test_bad_action_is_400(url: str) -> None:
    response = requests.post(url, json={"state": "dbs: a running backup plan",
                                        "action": "destroy"}, timeout=T)
    assert response.status_code == 400


def test_states_work_in_process(app: MockApp) -> None:
    values = app.states.setup("dbs: a running backup plan")
    assert values["BackupPlanId"] in app.world.plans
    app.states.teardown("dbs: a running backup plan", values)
    assert values["BackupPlanId"] not in app.world.plans
    with pytest.raises(StateError, match="Did you mean"):
        app.states.setup("dbs: a running backup plans")


def test_nothing_is_seeded() -> None:
    world = MockApp(CATALOGUE).world
    assert not (world.jobs or world.plans or world.backups or world.clients
                or world.manual_backups)


def test_the_client_token_memory_is_bounded() -> None:
    """Idempotent replays remember the newest tokens only, so a long run's mock stays flat."""
    from backup_conformance.mock.state import TOKEN_MEMORY, World

    world = World()
    calls: list[int] = []
    for n in range(TOKEN_MEMORY + 10):
        world.once(("dbs.StopBackupPlan", f"t-{n}"), ("plan", "ALL"), lambda n=n: calls.append(n))
    assert len(world.tokens) == TOKEN_MEMORY
    newest = f"t-{TOKEN_MEMORY + 9}"
    world.once(("dbs.StopBackupPlan", newest), ("plan", "ALL"), lambda: calls.append(-1))
    assert calls[-1] != -1  # replayed, not recomputed
    world.once(("dbs.StopBackupPlan", "t-0"), ("plan", "ALL"), lambda: calls.append(-2))
    assert calls[-1] == -2  # forgotten: computed afresh


# --- one Huawei project (issue 12 item 4): --project-id / HUAWEICLOUD_SDK_PROJECT_ID -------------

PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
HUAWEI_STATES = ("vbs: a shared backup", "gaussdbfornosql: a manual backup")


def _command_app(monkeypatch: pytest.MonkeyPatch, argv: list[str],
                 env: dict[str, str]) -> MockApp:
    """The app ``backup-conformance mock ARGV`` would serve with ``env`` (nothing bound)."""
    import argparse

    from backup_conformance.commands import mock as command
    from backup_conformance.secrets import HUAWEI_PROJECT

    monkeypatch.delenv(HUAWEI_PROJECT, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers(dest="command"))
    return command._build_app(parser.parse_args(["mock", "--no-auth", *argv]))


@pytest.mark.parametrize("name", HUAWEI_STATES)
def test_with_a_project_id_every_state_is_made_in_it_unless_its_params_say_otherwise(
        name: str) -> None:
    app = MockApp(CATALOGUE, project_id=PROJECT)
    assert app.states.setup(name)["project_id"] == PROJECT
    assert app.states.setup(name, {"project_id": "elsewhere"})["project_id"] == "elsewhere"
    invented = MockApp(CATALOGUE).states.setup(name)["project_id"]
    assert invented != PROJECT and re.fullmatch(ID_SHAPES["project_id"], invented)


def test_resources_are_project_scoped_not_found_under_another_project() -> None:
    """Asked for under another project, the backup is the page's not-found (GeminiDB's
    documented ``DBS.201214`` is a 400, not a 404)."""
    from backup_conformance.mock.codes import ErrorCodes

    missing = ErrorCodes.of(CATALOGUE["gaussdbfornosql.DeleteBackup"]).get("not-found")
    app = MockApp(CATALOGUE, project_id=PROJECT)
    with MockServer(app) as server:
        backup = app.states.setup("gaussdbfornosql: a manual backup")
        other = requests.delete(f"{server.url}/v3/{'f' * 32}/backups/{backup['backup_id']}",
                                headers={"X-Auth-Token": "t"}, timeout=T)
        own = requests.delete(f"{server.url}/v3/{PROJECT}/backups/{backup['backup_id']}",
                              headers={"X-Auth-Token": "t"}, timeout=T)
    assert (other.status_code, other.json()["error_code"]) == (missing.status, missing.code)
    assert own.status_code == 202


@pytest.mark.parametrize("how", ["flag", "variable", "flag-over-variable"])
def test_the_command_takes_the_project_from_the_flag_or_the_variable(
        monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    from backup_conformance.secrets import HUAWEI_PROJECT

    argv = [] if how == "variable" else ["--project-id", PROJECT]
    env = {} if how == "flag" else {HUAWEI_PROJECT: PROJECT if how == "variable" else "other"}
    app = _command_app(monkeypatch, argv, env)
    assert app.states.project_id == PROJECT
    assert app.states.setup("vbs: a shared backup")["project_id"] == PROJECT
    assert _command_app(monkeypatch, [], {}).states.project_id is None


@pytest.mark.parametrize(("argv", "env", "named"), [
    (["--project-id", "a/b"], {}, "--project-id"),
    (["--project-id", ""], {}, "--project-id"),
    ([], {"HUAWEICLOUD_SDK_PROJECT_ID": "has space"}, "HUAWEICLOUD_SDK_PROJECT_ID"),
])
def test_a_bad_project_id_is_a_one_line_error_exit_2(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        argv: list[str], env: dict[str, str], named: str) -> None:
    from backup_conformance.commands import mock as command

    monkeypatch.delenv("HUAWEICLOUD_SDK_PROJECT_ID", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert command.main(["--no-auth", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err and "project id" in err, err
    with pytest.raises(ValueError, match="path segment"):
        MockApp(CATALOGUE, project_id="a/b")
