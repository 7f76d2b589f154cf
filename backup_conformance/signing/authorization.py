"""The ``Authorization`` header both AK/SK schemes send, parsed and written once:
``ALGORITHM <Key>=ID,SignedHeaders=a;b,Signature=hex``. ACS3 names the key ``Credential`` and
writes no space after the commas; Huawei names it ``Access`` and writes one. Everything else
(the algorithm, the signed names, the hex signature) is the same shape. Each vendor's
canonicalisation stays in its own module."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .request import SignableRequest
from .verdict import Verdict


@dataclass(frozen=True)
class SignedAuthorization:
    """A parsed header: the algorithm, the key id, the signed header names, the signature."""

    algorithm: str
    key_id: str
    signed_headers: tuple[str, ...]
    signature: str  # lower-case hex

    @property
    def access_key_id(self) -> str:  # ACS3's word for the key
        return self.key_id

    @property
    def access_key(self) -> str:  # Huawei's
        return self.key_id


@dataclass(frozen=True)
class AuthorizationFormat:
    """One scheme's spelling of the header: the key's field name and the separator."""

    key_field: str
    scheme: str  # named in the parse error
    separator: str
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pattern", re.compile(
            rf"^(?P<alg>\S+)\s+{re.escape(self.key_field)}=(?P<key>[^,\s]+),\s*"
            r"SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<sig>[0-9A-Fa-f]+)\s*$"))

    def parse(self, value: str) -> SignedAuthorization:
        """``ValueError`` when the header is garbled or names an empty signed header."""
        match = self._pattern.match(value.strip())
        if not match:
            raise ValueError(f"garbled {self.scheme} Authorization header")
        signed = tuple(match["signed"].lower().split(";"))
        if any(not name for name in signed):
            raise ValueError("empty name in SignedHeaders")
        return SignedAuthorization(match["alg"], match["key"], signed, match["sig"].lower())

    def write(self, algorithm: str, key_id: str, signed: list[str], signature: str) -> str:
        """The header value as the vendor's SDK writes it."""
        return self.separator.join((f"{algorithm} {self.key_field}={key_id}",
                                    f"SignedHeaders={';'.join(signed)}",
                                    f"Signature={signature}"))


def with_signed_names(request: SignableRequest, added: Mapping[str, str],
                      requested: Iterable[str] | None,
                      default: Callable[[Mapping[str, str]], list[str]],
                      ) -> tuple[SignableRequest, list[str]]:
    """``request`` with the signer's ``added`` headers, and the sorted lower-case names to
    sign: those ``requested`` (else the scheme's ``default`` for the headers now present),
    plus every header the signer adds."""
    full = request.with_headers(dict(added))
    names = list(requested) if requested is not None else default(full.headers)
    return full, sorted({n.lower() for n in names} | {n.lower() for n in added})


def accept_shape(shaped: Verdict | SignedAuthorization) -> Verdict:
    """A shape-only check's verdict (a mock with no credentials): the refusal the shape
    earned, or acceptance of the header's key id."""
    return shaped if isinstance(shaped, Verdict) else Verdict.accept(shaped.key_id)


ACS3_HEADER = AuthorizationFormat("Credential", "ACS3", ",")
HUAWEI_HEADER = AuthorizationFormat("Access", "SDK-HMAC-SHA256", ", ")
