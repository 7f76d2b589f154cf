"""The reference mock of the five backup APIs (docs/design.md §2-§5).

``MockApp`` is the WSGI application (state, wire protocols, validation from the contracts,
faults, recording); ``MockServer`` serves it on loopback; ``MockApp.states`` sets up and tears
down provider states in-process. The mock imports ``contracts`` and ``signing`` only: it never
judges itself with ``checks`` (ARCHITECTURE.md).
"""

from backup_conformance.mock.app import STATES_PATH, MockApp
from backup_conformance.mock.auth import (
    AcceptAll,
    Authenticator,
    Credentials,
    Verifying,
    WellFormed,
    authenticator_for,
)
from backup_conformance.mock.faults import Fault, FaultInjector
from backup_conformance.mock.provider_states import STATES, ProviderStates, StateError
from backup_conformance.mock.recorder import Recorder
from backup_conformance.mock.server import MockServer

__all__ = [
    "STATES",
    "STATES_PATH",
    "AcceptAll",
    "Authenticator",
    "Credentials",
    "Fault",
    "FaultInjector",
    "MockApp",
    "MockServer",
    "ProviderStates",
    "Recorder",
    "StateError",
    "Verifying",
    "WellFormed",
    "authenticator_for",
]
