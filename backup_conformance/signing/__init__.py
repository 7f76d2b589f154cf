"""Request signing and signature verification for the vendors' wire protocols.

Used by the suite's HTTP client (``requests`` auth classes) and by the reference mock (the
``verify_*`` and ``check_well_formed_*`` functions), so both speak exactly what the official
SDKs speak. Every signer is pure: clock and nonce are arguments.
"""

from backup_conformance.secrets import MASK, redact_headers, redact_url

from .acs3 import (
    ACS3_ALGORITHM,
    Acs3Auth,
    Acs3Authorization,
    acs3_canonical_request,
    acs3_signature,
    check_well_formed_acs3,
    parse_acs3_authorization,
    sign_acs3,
    verify_acs3,
)
from .auth_base import SigningAuth
from .authorization import AuthorizationFormat, SignedAuthorization
from .errors import AlibabaErrors, HuaweiErrors
from .huawei_aksk import (
    HUAWEI_ALGORITHM,
    HuaweiAkSkAuth,
    HuaweiAuthorization,
    check_well_formed_huawei_aksk,
    huawei_canonical_query,
    huawei_canonical_request,
    huawei_canonical_uri,
    huawei_signature,
    parse_huawei_authorization,
    sign_huawei_aksk,
    verify_huawei_aksk,
)
from .huawei_token import (
    HuaweiTokenAuth,
    check_well_formed_huawei_token,
    huawei_token_headers,
    verify_huawei_token,
)
from .request import SignableRequest, detect_scheme
from .rpc_v1 import (
    RpcV1Auth,
    check_well_formed_rpc_v1,
    rpc_v1_signature,
    rpc_v1_string_to_sign,
    sign_rpc_v1,
    verify_rpc_v1,
)
from .verdict import DEFAULT_MAX_SKEW, OK, NonceCache, SecretFor, Verdict

__all__ = [
    # common types
    "SignableRequest",
    "Verdict",
    "OK",
    "NonceCache",
    "DEFAULT_MAX_SKEW",
    "detect_scheme",
    "AlibabaErrors",
    "HuaweiErrors",
    "SecretFor",
    # shared by the AK/SK schemes: the Authorization header and the requests auth base
    "AuthorizationFormat",
    "SignedAuthorization",
    "SigningAuth",
    # Alibaba ACS3-HMAC-SHA256
    "ACS3_ALGORITHM",
    "Acs3Auth",
    "Acs3Authorization",
    "sign_acs3",
    "verify_acs3",
    "check_well_formed_acs3",
    "parse_acs3_authorization",
    "acs3_canonical_request",
    "acs3_signature",
    # Alibaba RPC V1 (HMAC-SHA1)
    "RpcV1Auth",
    "sign_rpc_v1",
    "verify_rpc_v1",
    "check_well_formed_rpc_v1",
    "rpc_v1_string_to_sign",
    "rpc_v1_signature",
    # Huawei AK/SK (SDK-HMAC-SHA256)
    "HUAWEI_ALGORITHM",
    "HuaweiAkSkAuth",
    "HuaweiAuthorization",
    "sign_huawei_aksk",
    "verify_huawei_aksk",
    "check_well_formed_huawei_aksk",
    "parse_huawei_authorization",
    "huawei_canonical_request",
    "huawei_canonical_uri",
    "huawei_canonical_query",
    "huawei_signature",
    # Huawei token
    "HuaweiTokenAuth",
    "huawei_token_headers",
    "verify_huawei_token",
    "check_well_formed_huawei_token",
    # redaction
    "MASK",
    "redact_headers",
    "redact_url",
]
