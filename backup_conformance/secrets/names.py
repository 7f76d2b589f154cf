"""Which names carry a secret: the vendors' credential variables (docs/design.md §4), the headers
and the query parameters whose values are credentials. Everything that reads credentials or
masks them takes the names from here."""

from __future__ import annotations

ALIBABA_AK = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ALIBABA_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
ALIBABA_STS = "ALIBABA_CLOUD_SECURITY_TOKEN"
HUAWEI_AK = "HUAWEICLOUD_SDK_AK"
HUAWEI_SK = "HUAWEICLOUD_SDK_SK"
HUAWEI_PROJECT = "HUAWEICLOUD_SDK_PROJECT_ID"  # not a secret: read beside them
HUAWEI_TOKEN = "OS_AUTH_TOKEN"

#: The variables whose values are secrets (the project id is not one).
SECRET_VARIABLES = (ALIBABA_AK, ALIBABA_SECRET, ALIBABA_STS, HUAWEI_AK, HUAWEI_SK, HUAWEI_TOKEN)

#: The variables each auth scheme needs (optional ones are read when present).
REQUIRED = {
    "acs3": (ALIBABA_AK, ALIBABA_SECRET),
    "acs-rpc-v1": (ALIBABA_AK, ALIBABA_SECRET),
    "huawei-aksk": (HUAWEI_AK, HUAWEI_SK),
    "huawei-token": (HUAWEI_TOKEN,),
    "none": (),
}

#: Headers whose values are credentials (lower case).
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-auth-token",
        "x-subject-token",
        "x-security-token",
        "x-acs-security-token",
        "x-acs-accesskey-id",
        "x-acs-bearer-token",
        "cookie",
        "set-cookie",
    }
)

#: Query parameters whose values are credentials (lower case; RPC v1 signs in the query).
SECRET_QUERY_PARAMS = frozenset(
    {"signature", "accesskeyid", "securitytoken", "bearertoken", "x-auth-token", "token"}
)
