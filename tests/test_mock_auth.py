"""Auth levels: verified with credentials, shape-checked without, ignored with --no-auth."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mock_client import MockClient

from backup_conformance.contracts import load_catalogue
from backup_conformance.mock import MockApp, MockServer
from backup_conformance.mock.auth import (
    AcceptAll,
    Credentials,
    CredentialsError,
    Verifying,
    WellFormed,
    authenticator_for,
)
from backup_conformance.signing import Acs3Auth, HuaweiAkSkAuth, HuaweiTokenAuth, RpcV1Auth

CATALOGUE = load_catalogue()
ENV = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-test-ak",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "alibaba-secret",
    "HUAWEICLOUD_SDK_AK": "HW-TEST-AK",
    "HUAWEICLOUD_SDK_SK": "huawei-secret",
    "OS_AUTH_TOKEN": "MIIT-token-value",
}


def _serve(authenticator: object) -> Iterator[MockClient]:
    app = MockApp(CATALOGUE, authenticator=authenticator)  # type: ignore[arg-type]
    with MockServer(app) as server:
        yield MockClient(server.url, CATALOGUE)


@pytest.fixture(scope="module")
def verifying() -> Iterator[MockClient]:
    yield from _serve(Verifying(Credentials.from_environment(ENV)))


@pytest.fixture(scope="module")
def shape_only() -> Iterator[MockClient]:
    yield from _serve(WellFormed())


def _job(client: MockClient) -> dict[str, str]:
    return client.setup("hbr: a running backup job")


def test_signed_alibaba_requests_pass_verification(verifying: MockClient) -> None:
    acs3 = verifying.call("hbr.CancelBackupJob", _job(verifying),
                          auth=Acs3Auth(ENV["ALIBABA_CLOUD_ACCESS_KEY_ID"], "alibaba-secret"))
    assert acs3.status_code == 200, acs3.text
    v1 = verifying.call("hbr.CancelBackupJob", _job(verifying),
                        auth=RpcV1Auth(ENV["ALIBABA_CLOUD_ACCESS_KEY_ID"], "alibaba-secret"))
    assert v1.status_code == 200, v1.text


def test_a_wrong_alibaba_secret_is_signature_does_not_match(verifying: MockClient) -> None:
    response = verifying.call("hbr.CancelBackupJob", _job(verifying),
                              auth=Acs3Auth(ENV["ALIBABA_CLOUD_ACCESS_KEY_ID"], "wrong"))
    assert (response.status_code, response.json()["Code"]) == (400, "SignatureDoesNotMatch")
    assert "alibaba-secret" not in response.text


def test_huawei_aksk_and_token_are_verified(verifying: MockClient) -> None:
    backup = verifying.setup("gaussdbfornosql: a manual backup")
    signed = verifying.call("gaussdbfornosql.DeleteBackup", backup,
                            auth=HuaweiAkSkAuth("HW-TEST-AK", "huawei-secret"))
    assert signed.status_code == 202, signed.text
    backup = verifying.setup("gaussdbfornosql: a manual backup")
    token = verifying.call("gaussdbfornosql.DeleteBackup", backup,
                           auth=HuaweiTokenAuth(ENV["OS_AUTH_TOKEN"]))
    assert token.status_code == 202, token.text
    wrong = verifying.call("gaussdbfornosql.DeleteBackup", backup,
                           auth=HuaweiTokenAuth("someone-elses-token"))
    assert (wrong.status_code, wrong.json()["error_code"]) == (401, "APIGW.0301")


def test_without_credentials_auth_must_be_present_and_well_formed(shape_only: MockClient
                                                                  ) -> None:
    unsigned = shape_only.call("hbr.CancelBackupJob", _job(shape_only))
    assert unsigned.status_code == 400 and unsigned.json()["Code"] == "IncompleteSignature"
    any_key = shape_only.call("hbr.CancelBackupJob", _job(shape_only),
                              auth=Acs3Auth("any-ak", "any-secret"))
    assert any_key.status_code == 200, any_key.text
    no_token = shape_only.call("vbs.CancelBackupSharing", {"project_id": "p", "id": "i"})
    assert (no_token.status_code, no_token.json()["error_code"]) == (401, "APIGW.0301")


def test_states_need_no_auth(shape_only: MockClient) -> None:
    assert shape_only.setup("dbs: a running backup plan")["BackupPlanId"]


def test_authenticator_choice_follows_the_design(tmp_path: Path) -> None:
    assert isinstance(authenticator_for(Credentials(), no_auth=True), AcceptAll)
    assert isinstance(authenticator_for(Credentials()), WellFormed)
    assert isinstance(authenticator_for(Credentials.from_mapping(ENV)), Verifying)
    toml = tmp_path / "creds.toml"
    toml.write_text('HUAWEICLOUD_SDK_AK = "ak"\nHUAWEICLOUD_SDK_SK = "sk"\n')
    assert Credentials.from_file(toml).huawei == {"ak": "sk"}
    assert "sk" not in repr(Credentials.from_file(toml))
    bad = tmp_path / "creds.json"
    bad.write_text("{nope")
    with pytest.raises(CredentialsError, match=r"creds\.json"):
        Credentials.from_file(bad)
