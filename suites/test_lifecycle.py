"""Stateful lifecycles: what the pages imply about a resource over several calls, checked by
hypothesis state machines (docs/design.md section 2 item 3).

A machine obtains resources through provider states, keeps several alive at once and advances
their lifecycles in a generated interleaving; each implication is a registered sequence check
citing its page line (``cases/lifecycles.json``):

- ``repeat-refused``: a second cancel of a job (000:9), of a sharing (002:5) and a second
  delete of a backup (004:3) is refused;
- ``backup-id-cancels-all``: ``is_backup_id=true`` ends every sharing of the backup, false or
  absent only the named one (002:49);
- ``client-token-idempotent``: a repeat with the same ClientToken answers as the first did
  (001:50), also once the plan has been released;
- ``repeat-conforms``: a second DeleteBackupClientResource is refused by no document (the
  clients stay, 003:13), so both answers only have to conform.

The scripts and the machine live in ``backup_conformance/cases/lifecycle_scripts.py`` and
``lifecycle_machine.py``; this module only parametrizes them.
"""

from __future__ import annotations

import pytest

from backup_conformance.cases.lifecycle import Lifecycle, lifecycles
from backup_conformance.cases.lifecycle_machine import run_lifecycles
from backup_conformance.contracts import load_catalogue
from backup_conformance.plugin import catalogue_for
from backup_conformance.runtime import Run


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``lifecycle``: one per API having the test's behaviour (its ``check`` marker);
    ``lifecycle_set``: every lifecycle of the selected APIs, in one machine."""
    catalogue = catalogue_for(metafunc.config)
    if "lifecycle" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("check")
        assert marker is not None, f"{metafunc.definition.name} needs a check marker"
        behaviour = marker.args[0]
        found = lifecycles(catalogue, behaviour)
        applies = ", ".join(life.api_id for life in lifecycles(load_catalogue(), behaviour))
        metafunc.parametrize("lifecycle", [
            pytest.param(life, id=life.api_id, marks=pytest.mark.api(life.api_id))
            for life in found] or [pytest.param(None, id="no-api", marks=pytest.mark.skip(
                reason=f"not run: {behaviour} applies to {applies}, none of them in this "
                       "run (--api / --contracts)"))])
    if "lifecycle_set" in metafunc.fixturenames:
        found = lifecycles(catalogue)
        marks = [pytest.mark.api(a) for a in dict.fromkeys(life.api_id for life in found)]
        marks += [pytest.mark.check(b) for b in dict.fromkeys(life.behaviour for life in found)]
        metafunc.parametrize("lifecycle_set", [
            pytest.param(tuple(found), id="+".join(dict.fromkeys(f.api_id for f in found)),
                         marks=marks)] if found else [pytest.param(
            (), id="no-api", marks=pytest.mark.skip(
                reason="not run: no API of this run (--api / --contracts) has a lifecycle"))])


@pytest.mark.check("repeat-refused")
def test_second_cancel_or_delete_is_refused(bc_run: Run, lifecycle: Lifecycle) -> None:
    """000:9, 002:5, 004:3: the first call ends the resource; the same call again is refused."""
    run_lifecycles(bc_run, (lifecycle,))


@pytest.mark.check("backup-id-cancels-all")
def test_is_backup_id_decides_what_is_cancelled(bc_run: Run, lifecycle: Lifecycle) -> None:
    """002:49: true cancels all sharings of the backup; false or absent only the named one."""
    run_lifecycles(bc_run, (lifecycle,))


@pytest.mark.check("client-token-idempotent")
def test_same_client_token_same_outcome(bc_run: Run, lifecycle: Lifecycle) -> None:
    """001:48-50: a repeat with the same ClientToken has the first request's outcome."""
    run_lifecycles(bc_run, (lifecycle,))


@pytest.mark.check("repeat-conforms")
def test_repeated_client_resource_delete_conforms(bc_run: Run, lifecycle: Lifecycle) -> None:
    """003:13: the clients stay, so a second delete is not refused by any document; both
    answers must still conform."""
    run_lifecycles(bc_run, (lifecycle,))


def test_lifecycles_interleaved(bc_run: Run, lifecycle_set: tuple[Lifecycle, ...]) -> None:
    """Every lifecycle of the selected APIs in one machine: resources of all of them alive at
    once, so one API's call ending another's resource (a cancel by backup id reaching another
    backup's sharings, a token shared across plans) fails here."""
    run_lifecycles(bc_run, lifecycle_set)
