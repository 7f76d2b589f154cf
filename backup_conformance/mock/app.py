"""``MockApp``: the WSGI application serving every API of its catalogue and ``/_states``.

The five original APIs have hand-tuned behaviours (``operations.HANDLERS``); any other
operation is served from its contract alone (``generic_operation.py``), with the provider
states of its inferred lifecycle (``generic_state.py``).

One request goes: read (never trusting bytes) -> route -> injected faults -> auth -> contract
validation -> behaviour -> vendor envelope -> record. Any failure inside the mock itself is
logged and answered with the vendor's internal-error envelope, never a bare traceback; client
input alone is always answered with a 2xx or 4xx.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from backup_conformance.contracts import Catalogue, Contract, load_catalogue
from backup_conformance.mock.auth import AcceptAll, Authenticator
from backup_conformance.mock.codes import ErrorCodes, VendorError
from backup_conformance.mock.envelopes import (
    ALIBABA,
    error_response,
    json_response,
    new_request_id,
    success_response,
)
from backup_conformance.mock.faults import FaultInjector
from backup_conformance.mock.generic_operation import GenericOperation
from backup_conformance.mock.generic_state import GenericWorld, inferred_states
from backup_conformance.mock.mutations import behaviour_for
from backup_conformance.mock.operations import HANDLERS, Handler
from backup_conformance.mock.params import Inbound, read_request
from backup_conformance.mock.provider_states import ProviderStates, StateError
from backup_conformance.mock.recorder import Exchanged, Recorder
from backup_conformance.mock.routing import Router, RoutingError
from backup_conformance.mock.state import World
from backup_conformance.mock.variants import (
    AUTH,
    BUSINESS,
    FAULT,
    REJECTED,
    ROUTING,
    SUCCESS,
    Reply,
)
from backup_conformance.validation.rules import RequestValidator, Violation

STATES_PATH = "/_states"


MOCK_BUG = "backup-conformance mock: internal error"  # a crash, never a documented answer


class MockApp:
    """The reference mock. ``states`` serves provider states in-process too.

    ``authenticator`` defaults to accepting everything: embedded use (the pytest fixture)
    exercises behaviour; the ``mock`` command picks verification from the environment.
    ``strict`` rejects tolerated violations (undocumented extra parameters) and names the rule
    and page line in every validation error message.

    ``variant`` (``reference`` | ``relaxed``) and ``mutations`` (names from ``mutations.json``)
    choose a ``Behaviour`` for the mutation self-test; the hooks it gets are marked
    ``# behaviour hook`` below, and the reference behaviour leaves every one a no-op.

    ``project_id`` is the Huawei project provider states are made in (``ProviderStates``;
    ``ValueError`` for a value that is no path segment).
    """

    def __init__(
        self,
        catalogue: Catalogue | None = None,
        *,
        authenticator: Authenticator | None = None,
        strict: bool = False,
        faults: FaultInjector | None = None,
        recorder: Recorder | None = None,
        variant: str = "reference",
        mutations: frozenset[str] = frozenset(),
        project_id: str | None = None,
    ) -> None:
        self.behaviour = behaviour_for(variant, mutations)  # ValueError for an unknown name
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self.authenticator: Authenticator = authenticator or AcceptAll()
        self.strict = strict
        self.faults = faults or FaultInjector()
        self.recorder = recorder or Recorder()
        self.world = World()
        # Operations nobody hand-tuned: served from their contracts and inferred lifecycles.
        self.generic_world = GenericWorld()
        self.states = ProviderStates(self.world, inferred_states(
            self.catalogue, self.generic_world, known=HANDLERS), project_id=project_id)
        self.router = Router(self.catalogue)
        self._validators = {c.api_id: RequestValidator(c) for c in self.catalogue.values()}
        self._errors = {c.api_id: ErrorCodes.of(c) for c in self.catalogue.values()}
        self._handlers: dict[str, Handler] = {c.api_id: HANDLERS.get(c.api_id) or GenericOperation(
            c, self.generic_world) for c in self.catalogue.values()}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        try:
            is_states = request.path == STATES_PATH
            response = self._states(request) if is_states else self._api(request)
        except Exception:  # a mock bug: say so on stderr, answer in the vendor's shape
            print(f"{MOCK_BUG} answering {request.method} {request.path}:", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            response = self._internal_error(request)
        return response(environ, start_response)

    # --- provider states -------------------------------------------------------------------
    def _states(self, request: Request) -> Response:
        if request.method == "GET":
            return json_response(200, {"states": self.states.names})
        if request.method != "POST":
            return json_response(405, {"error": "use POST (or GET to list the states)"},
                                 {"Allow": "GET, POST"})
        try:
            payload = json.loads(request.get_data(cache=False)[: 1 << 16] or b"null")
        except ValueError:
            return json_response(400, {"error": "the body must be JSON"})
        try:
            return json_response(200, self.states.handle(payload))
        except StateError as exc:
            return json_response(400, {"error": str(exc), **exc.extra})

    # --- the five APIs ---------------------------------------------------------------------
    def _api(self, request: Request) -> Response:
        inbound = read_request(request)
        family = Router.family_of(inbound.path)
        request_id = self.behaviour.request_id(family)  # behaviour hook
        try:
            route = self.router.route(inbound)
        except RoutingError as exc:
            violation = Violation(exc.rule, None, exc.error.source, exc.detail)
            response = error_response(exc.family, exc.error, request_id)
            response = self.behaviour.finish(  # behaviour hook
                Reply(None, exc.family, "", ROUTING, request_id, rule=exc.rule, error=exc.error),
                response)
            self._record(inbound, None, response, [violation])
            return response
        contract = route.contract
        errors = self._errors[contract.api_id]
        decision = self.faults.decide(contract.api_id)
        if decision.latency_ms:
            time.sleep(decision.latency_ms / 1000)
        if decision.kind:
            response = self._fault(contract, errors, decision.kind, decision.status, request_id)
            response = self._finish(contract, FAULT, request_id, response)  # behaviour hook
            self._record(inbound, contract, response, [], fault=decision.kind)
            return response
        signable = inbound.signable()
        verdict = self.authenticator.check(signable, family)
        verdict = self.behaviour.auth(contract.api_id, signable, verdict)  # behaviour hook
        if not verdict.ok:
            error = VendorError(verdict.code or "Unauthorized", verdict.status, verdict.message,
                                "backup_conformance.signing")
            violation = Violation("auth", None, "vendor-common authentication", verdict.message)
            response = error_response(family, error, request_id, product=contract.service)
            response = self._finish(contract, AUTH, request_id, response, error=error)
            self._record(inbound, contract, response, [violation])
            return response
        # behaviour hook: validations a mutant skips
        tolerated = self.behaviour.tolerated(contract.api_id)
        checked = self._validators[contract.api_id].check(inbound, route.path_params, tolerated)
        rejecting = checked.rejecting or (list(checked.violations) if self.strict else [])
        if rejecting:
            first = rejecting[0]
            error = errors.get(first.situation, parameter=first.parameter)
            if self.strict:
                error = error.with_detail(f"[{first.citation()}]")
            response = error_response(family, error, request_id, product=contract.service)
            response = self._finish(contract, REJECTED, request_id, response, error=error,
                                    situation=first.situation, rule=first.rule,
                                    parameter=first.parameter)
            self._record(inbound, contract, response, checked.violations)
            return response
        switches = self.behaviour.switches(contract.api_id)  # behaviour hook
        outcome = self._handlers[contract.api_id](self.world, checked.values, route.path_params,
                                            contract.success_status, switches)
        if outcome.error:
            error = errors.get(outcome.error, parameter=outcome.parameter)
            if outcome.detail:
                error = error.with_detail(outcome.detail)
            response = error_response(family, error, request_id, product=contract.service)
            response = self._finish(contract, BUSINESS, request_id, response, error=error,
                                    situation=outcome.error, parameter=outcome.parameter)
        else:
            response = success_response(family, outcome.status, outcome.body, request_id)
            response = self._finish(contract, SUCCESS, request_id, response)
        self._record(inbound, contract, response, checked.violations)
        return response

    def _finish(self, contract: Contract, kind: str, request_id: str, response: Response,
                *, error: VendorError | None = None, situation: str | None = None,
                rule: str | None = None, parameter: str | None = None) -> Response:
        """Behaviour hook: the post-processor of every API reply (a no-op for the reference),
        told why the mock answers what it answers (``Reply``)."""
        reply = Reply(contract.api_id, contract.family, contract.service, kind, request_id,
                      situation, rule, parameter, error)
        return self.behaviour.finish(reply, response)

    def _fault(self, contract: Contract, errors: ErrorCodes, kind: str, status: int,
               request_id: str) -> Response:
        if kind == "throttle":
            error = errors.get("throttled")
            # Retry-After: the generic HTTP convention (RFC 9110 §10.2.3); no vendor page
            # documents a throttling header for these APIs.
            return error_response(contract.family, error, request_id, product=contract.service,
                                  extra_headers={"Retry-After": "1"})
        situation = "unavailable" if status == 503 and contract.family == ALIBABA else \
            "internal-error"
        error = errors.get(situation)
        error = VendorError(error.code, status, error.message, error.source)
        return error_response(contract.family, error, request_id, product=contract.service)

    def _internal_error(self, request: Request) -> Response:
        family = Router.family_of(request.path)
        errors = self.router.errors(family)
        try:
            error = errors.get("internal-error")
        except KeyError:
            error = VendorError("InternalError", 500, "Internal error.", "mock")
        return error_response(family, error, new_request_id(family))

    def _record(self, inbound: Inbound, contract: Contract | None, response: Response,
                violations: list[Violation], *, fault: str | None = None) -> None:
        self.recorder.record(
            api_id=contract.api_id if contract else None,
            method=inbound.method,
            uri=inbound.raw_uri,
            headers=inbound.header_pairs,
            status=response.status_code,
            violations=[v.as_record() for v in violations],
            fault=fault,
            exchange=Exchanged(inbound.host, inbound.body, list(response.headers.items()),
                               response.get_data()) if self.recorder.wants_bodies else None,
        )
