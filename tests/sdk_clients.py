"""The official SDKs as the tests drive them: stock clients configured only with an endpoint
override (the mock on 127.0.0.1), test credentials and 5 s timeouts, with proxies out of the
way. Shared by the SDK gate (``test_mock_sdks.py``) and the audit of SDK traffic
(``test_audit_sdk.py``), so both speak to the mock exactly as an SDK team's CI would.
"""

from __future__ import annotations

from typing import Any

import pytest

ALI_AK, ALI_SECRET = "LTAI-sdk-test-ak", "alibaba-sdk-secret"
HW_AK, HW_SK = "HWSDKTESTAK0000000001", "huawei-sdk-secret"
HW_PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
#: The vendors' credential variables, as a mock or an audit reads them.
ENV = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": ALI_AK,
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ALI_SECRET,
    "HUAWEICLOUD_SDK_AK": HW_AK,
    "HUAWEICLOUD_SDK_SK": HW_SK,
    "HUAWEICLOUD_SDK_PROJECT_ID": HW_PROJECT,
}
TIMEOUT_MS = 5000
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def without_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI proxy must never see these calls. Deleting is what counts: darabonba-core (Alibaba)
    passes HTTP(S)_PROXY straight to ``requests`` and ignores NO_PROXY; Huawei honours it."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")


def alibaba(client_type: Any, port: int, secret: str = ALI_SECRET, **extra: Any) -> Any:
    """An Alibaba tea-openapi client of ``client_type`` aimed at 127.0.0.1:``port``."""
    from alibabacloud_tea_openapi.models import Config

    return client_type(Config(access_key_id=ALI_AK, access_key_secret=secret, protocol="http",
                              endpoint=f"127.0.0.1:{port}", read_timeout=TIMEOUT_MS,
                              connect_timeout=TIMEOUT_MS, **extra))


def huawei(builder: Any, url: str, secret: str = HW_SK) -> Any:
    """A Huawei SDK client from ``builder`` aimed at ``url``, AK/SK-signed for HW_PROJECT."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig

    config = HttpConfig.get_default_config()
    config.timeout = (TIMEOUT_MS / 1000, TIMEOUT_MS / 1000)
    return (builder.with_http_config(config)
            .with_credentials(BasicCredentials(HW_AK, secret, HW_PROJECT))
            .with_endpoints([url]).build())
