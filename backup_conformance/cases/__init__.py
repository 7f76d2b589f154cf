"""Requests the suites send, derived from the contracts: valid calls bound to live resources,
and the invalid variants each contract implies. Free of pytest and of any target."""
