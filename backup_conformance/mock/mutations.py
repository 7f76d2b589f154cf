"""The mutation bank: faulty variants of the reference mock, each breaking one documented point.

A suite whose checks never fail proves nothing, so ``tests/test_mutations.py`` runs the suites
against every mutant here and expects them to fail with the named check. The bank is data
(``mutations.json``: name, API, killing check, strictness, the documented point with its page or
appendix line, the suite file and ``-k`` selection that kills it, and an *effect*); this module
turns effects into a ``Behaviour`` through the hooks ``MockApp`` already consults (``variants``):

- ``reply``: post-process a reply (``when`` kind/rule/situation; ``status``, ``content_type``,
  ``drop_headers``, ``drop``, ``set``, ``body``, ``wrap``);
- ``validation``: let one rule on one parameter through (``ignore_rule``, ``parameter``;
  ``substitute``: the value to work with, else the decoded one);
- ``switch``: a named switch the handlers in ``operations.py`` consult (another hook's effect
  may name one too, when letting a parameter through needs the handler to do without it);
- ``auth``: accept a kind of bad auth (``accept``: unsigned, bad-signature, unknown-key,
  stale) or refuse valid auth (``refuse``: valid).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from werkzeug.wrappers import Response

from backup_conformance import signing
from backup_conformance.mock.envelopes import ALIBABA, HUAWEI
from backup_conformance.mock.operations import SWITCHES
from backup_conformance.mock.variants import ROUTING, VARIANTS, Behaviour, Reply, reply_json
from backup_conformance.signing import SignableRequest, Verdict
from backup_conformance.validation.rules import KEEP

BANK = Path(__file__).with_name("mutations.json")
HOOKS = ("reply", "validation", "switch", "auth")
_FAMILY = {"hbr": ALIBABA, "dbs": ALIBABA, "vbs": HUAWEI, "gaussdbfornosql": HUAWEI}
#: OpenStack's fault names by status, for the ``wrap`` effect (Nova/Cinder error bodies).
_OPENSTACK_FAULTS = {400: "badRequest", 401: "unauthorized", 403: "forbidden",
                     404: "itemNotFound", 405: "badMethod", 409: "conflictingRequest"}
_STALE_CODES = frozenset({"InvalidTimeStamp.Expired"})
_BAD_SIGNATURE_CODES = frozenset({"SignatureDoesNotMatch", "IncompleteSignature"})
_UNKNOWN_KEY_CODES = frozenset({"InvalidAccessKeyId.NotFound"})


@dataclass(frozen=True)
class Mutation:
    """One mutant: the point it breaks and how the suites are expected to catch it."""

    name: str
    api_id: str
    check: str
    strictness: str
    point: str
    source: str
    suite: str
    select: str
    effect: Mapping[str, Any]
    auth: bool = False  # needs a verifying mock and signing credentials to be caught
    known_survivor: str | None = None  # why today's suites miss it (a suite weakness)

    @property
    def family(self) -> str:
        return _FAMILY[self.api_id.split(".", 1)[0]]


@cache
def bank() -> dict[str, Mutation]:
    """Every mutant of ``mutations.json`` by name (validated once)."""
    data = json.loads(BANK.read_text(encoding="utf-8"))
    found: dict[str, Mutation] = {}
    for raw in data["mutations"]:
        mutation = Mutation(**raw)
        if mutation.name in found:
            raise ValueError(f"mutations.json: {mutation.name!r} appears twice")
        hook = mutation.effect.get("hook")
        if hook not in HOOKS:
            raise ValueError(f"mutations.json: {mutation.name}: unknown hook {hook!r}")
        if (hook == "switch" or "switch" in mutation.effect) and \
                mutation.effect["switch"] not in SWITCHES:
            raise ValueError(f"mutations.json: {mutation.name}: unknown switch "
                             f"{mutation.effect['switch']!r}; valid: {', '.join(SWITCHES)}")
        found[mutation.name] = mutation
    return found


def resolve(names: Iterable[str]) -> tuple[Mutation, ...]:
    """The mutants named; ``ValueError`` naming the valid names (and the nearest) otherwise."""
    known = bank()
    chosen = []
    for name in sorted(set(names)):
        if name not in known:
            raise ValueError(_unknown("mutation", name, list(known)))
        chosen.append(known[name])
    return tuple(chosen)


def behaviour_for(variant: str = "reference", mutations: Iterable[str] = ()) -> Behaviour:
    """The behaviour ``MockApp(variant=..., mutations=...)`` asks for."""
    if variant not in VARIANTS:
        raise ValueError(_unknown("variant", variant, list(VARIANTS)))
    base = VARIANTS[variant]()
    chosen = resolve(mutations)
    return Mutated(base, chosen) if chosen else base


def _unknown(what: str, name: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.3)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"unknown mock {what} {name!r}.{hint} Valid: {', '.join(valid)}"


class Mutated(Behaviour):
    """A base behaviour with mutants applied at the same hooks (each only to its own API)."""

    def __init__(self, base: Behaviour, mutations: tuple[Mutation, ...]) -> None:
        self.base = base
        self.mutations = mutations
        self.name = f"{base.name}+{','.join(m.name for m in mutations)}"

    def _of(self, hook: str, api_id: str | None, family: str | None = None) -> list[Mutation]:
        return [m for m in self.mutations if m.effect["hook"] == hook and (
            m.api_id == api_id or (api_id is None and m.family == family))]

    def request_id(self, family: str) -> str:
        return self.base.request_id(family)

    def switches(self, api_id: str) -> frozenset[str]:
        own = {str(m.effect["switch"]) for m in self.mutations
               if m.api_id == api_id and "switch" in m.effect}
        return self.base.switches(api_id) | own

    def tolerated(self, api_id: str) -> Mapping[tuple[str, str], Any]:
        tolerated = dict(self.base.tolerated(api_id))
        for mutation in self._of("validation", api_id):
            effect = mutation.effect
            rules = effect["ignore_rule"]
            for rule in [rules] if isinstance(rules, str) else rules:
                tolerated[(rule, effect["parameter"])] = effect.get("substitute", KEEP)
        return tolerated

    def auth(self, api_id: str, request: SignableRequest, verdict: Verdict) -> Verdict:
        verdict = self.base.auth(api_id, request, verdict)
        for mutation in self._of("auth", api_id):
            verdict = _auth(mutation.effect, request, verdict)
        return verdict

    def finish(self, reply: Reply, response: Response) -> Response:
        response = self.base.finish(reply, response)
        family = reply.family if reply.kind == ROUTING else None
        for mutation in self._of("reply", reply.api_id, family):
            if _matches(mutation.effect.get("when", {}), reply):
                response = _edit(mutation.effect, reply, response)
        return response


# --- effects -------------------------------------------------------------------------------

def _auth(effect: Mapping[str, Any], request: SignableRequest, verdict: Verdict) -> Verdict:
    if "refuse" in effect:
        if verdict.ok and _has_auth(request):
            return Verdict.reject(str(effect.get("code", "SignatureDoesNotMatch")),
                                  int(effect.get("status", 400)),
                                  "Specified signature is not matched with our calculation.")
        return verdict
    if verdict.ok:
        return verdict
    kind = effect["accept"]
    if kind == "unsigned" and not _has_auth(request):
        return signing.OK
    text = f"{verdict.code} {verdict.message}".lower()
    if kind == "stale" and (verdict.code in _STALE_CODES or "expired" in text):
        return signing.OK
    if kind == "unknown-key" and (verdict.code in _UNKNOWN_KEY_CODES or "ak not exist" in text):
        return signing.OK
    if kind == "bad-signature" and _has_auth(request) and "expired" not in text and (
            verdict.code in _BAD_SIGNATURE_CODES or "signature" in text):
        return signing.OK
    return verdict


def _has_auth(request: SignableRequest) -> bool:
    """Any credential at all: an Authorization or X-Auth-Token header, or an RPC v1 signature."""
    headers = {k.lower() for k in request.headers}
    query = parse_qs(urlsplit(request.url).query, keep_blank_values=True)
    return bool({"authorization", "x-auth-token"} & headers or "Signature" in query)


def _matches(when: Mapping[str, Any], reply: Reply) -> bool:
    for key in ("kind", "rule", "situation"):
        wanted = when.get(key)
        if wanted is None:
            continue
        allowed = {wanted} if isinstance(wanted, str) else set(wanted)
        if getattr(reply, key) not in allowed:
            return False
    return True


def _edit(effect: Mapping[str, Any], reply: Reply, response: Response) -> Response:
    """Apply one ``reply`` effect to the response on the wire."""
    if "status" in effect:
        response.status_code = int(effect["status"])
    body = reply_json(response)
    if "body" in effect:
        body = dict(effect["body"])
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in set(effect.get("drop", []))}
        body.update(effect.get("set", {}))
        if "wrap" in effect:
            fault = _OPENSTACK_FAULTS.get(response.status_code, "computeFault")
            body = {fault: {"code": response.status_code,
                            "message": body.get("error_msg", body.get("Message", ""))}}
        response.set_data(json.dumps(body, ensure_ascii=False).encode("utf-8"))
        response.headers["Content-Type"] = "application/json"
    for name in effect.get("drop_headers", []):
        response.headers.pop(name, None)
    if "content_type" in effect:
        response.headers["Content-Type"] = str(effect["content_type"])
    return response
