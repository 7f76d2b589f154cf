"""Target profiles: the examples load; each bad profile names file, key and valid choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from backup_conformance.targets import ProfileError, load_profile, profile_from_options

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "targets"
ALIBABA_ENV = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIfake",
               "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sekrit-1"}
HUAWEI_ENV = {"HUAWEICLOUD_SDK_AK": "AKfake", "HUAWEICLOUD_SDK_SK": "sk",
              "HUAWEICLOUD_SDK_PROJECT_ID": "proj-1"}
GOOD = """
[services.hbr]
base_url = "http://127.0.0.1:8765"
auth = "acs3"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "target.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["local-mock", "alibaba-sandbox", "huawei-sandbox"])
def test_examples_load(name):
    profile = load_profile(EXAMPLES / f"{name}.toml", env={**ALIBABA_ENV, **HUAWEI_ENV})
    assert profile.services and not profile.allow_remote
    assert all(t.base_url.startswith("http://127.0.0.1") for t in profile.services.values())


def test_example_values_are_read(tmp_path):
    profile = load_profile(EXAMPLES / "alibaba-sandbox.toml", env=ALIBABA_ENV)
    hbr = profile.service("hbr")
    assert (hbr.auth, hbr.rate_limit, hbr.retries, hbr.request_budget) == ("acs3", 5, 3, 200)
    assert (hbr.timeout.connect, hbr.timeout.read) == (5, 30)
    assert hbr.credentials.secret == "sekrit-1"
    assert "sekrit-1" not in repr(hbr) and "LTAIfake" not in repr(hbr)
    assert len(profile.provider.static["hbr: a running backup job"]) == 1
    huawei = load_profile(EXAMPLES / "huawei-sandbox.toml", env=HUAWEI_ENV)
    assert huawei.service("vbs").project_id == "proj-1"
    assert huawei.provider.hook == "my_sandbox.provider_states:provide"


BAD = [
    ("time_limt = 5\n" + GOOD, "time_limt", ["unknown key", "Did you mean 'time_limit'?"]),
    (GOOD.replace("services.hbr", "services.hbrr"), "services.hbrr",
     ["valid: hbr, dbs, vbs, gaussdbfornosql", "Did you mean 'hbr'?"]),
    (GOOD + "base_ur = 'x'\n", "services.hbr.base_ur", ["Did you mean 'base_url'?"]),
    (GOOD.replace('"acs3"', '"acs4"'), "services.hbr.auth",
     ["unknown auth scheme 'acs4'", "valid: acs3, acs-rpc-v1, none", "Did you mean 'acs3'?"]),
    (GOOD.replace("hbr", "vbs"), "services.vbs.auth",
     ["valid: huawei-aksk, huawei-token, none"]),
    (GOOD.replace("http://127.0.0.1:8765", "ftp://127.0.0.1"), "services.hbr.base_url",
     ["http(s) URL"]),
    (GOOD.replace("127.0.0.1", "hbr.cn-hangzhou.aliyuncs.com"), "services.hbr.base_url",
     ["not a loopback address", "allow_remote = true"]),
    (GOOD + "access_key_secret = 'x'\n", "services.hbr.access_key_secret",
     ["credentials never go in a profile"]),
    (GOOD + "timeout = 'soon'\n", "services.hbr.timeout", ["expected a number"]),
    (GOOD + "retries = 99\n", "services.hbr.retries", ["from 0 to 10"]),
    (GOOD + "[provider]\nstate_url = 'http://127.0.0.1:1/_states'\nhook = 'a.b:c'\n",
     "provider", ["valid: state_url, hook, static"]),
    (GOOD + "[provider]\nhook = 'no_colon'\n", "provider.hook", ["package.module:function"]),
    (GOOD + "[provider.static.'hbr: a running job']\nJobId = 'j'\n",
     'provider.static.hbr: a running job', ["Did you mean 'hbr: a running backup job'?"]),
    ("[services]\n", "services", ["at least one service"]),
    ("dry_run = 'yes'\n" + GOOD, "dry_run", ["true or false"]),
]


@pytest.mark.parametrize(("text", "key", "phrases"), BAD, ids=[case[1] for case in BAD])
def test_bad_profiles_name_file_key_and_choices(tmp_path, text, key, phrases):
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as info:
        load_profile(path, env=ALIBABA_ENV)
    message = str(info.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert "\n" not in message
    for phrase in phrases:
        assert phrase in message


def test_missing_environment_variable_is_named(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(ProfileError, match=r"services\.hbr\.auth: .*ALIBABA_CLOUD_ACCESS_KEY_ID"):
        load_profile(path, env={})


def test_syntax_error_and_missing_file(tmp_path):
    with pytest.raises(ProfileError, match=r"target\.toml: not valid TOML \(.*line 1"):
        load_profile(write(tmp_path, "[services.hbr\n"), env={})
    with pytest.raises(ProfileError, match="no such file"):
        load_profile(tmp_path / "absent.toml", env={})


def test_remote_urls_need_allow_remote(tmp_path):
    text = "allow_remote = true\n" + GOOD.replace("127.0.0.1:8765", "hbr.cn-hangzhou.aliyuncs.com")
    profile = load_profile(write(tmp_path, text), env=ALIBABA_ENV)
    assert profile.service("hbr").base_url == "http://hbr.cn-hangzhou.aliyuncs.com"


def test_undefined_service_is_a_readable_error(tmp_path):
    profile = load_profile(write(tmp_path, GOOD), env=ALIBABA_ENV)
    with pytest.raises(ProfileError, match=r"services\.dbs: this profile does not define"):
        profile.service("dbs")


def test_options_switch_signing_on_with_credentials():
    plain = profile_from_options("http://127.0.0.1:9000", None, env={})
    assert {t.auth for t in plain.services.values()} == {"none"}
    assert plain.provider.state_url is None
    signed = profile_from_options("http://127.0.0.1:9000/", "http://127.0.0.1:9000/_states",
                                  env={**ALIBABA_ENV, "OS_AUTH_TOKEN": "tok"})
    assert signed.service("hbr").auth == "acs3" and signed.service("dbs").auth == "acs3"
    assert signed.service("vbs").auth == "huawei-token"
    assert signed.service("vbs").base_url == "http://127.0.0.1:9000"
    assert signed.provider.state_url == "http://127.0.0.1:9000/_states"
    aksk = profile_from_options("http://localhost:9000", env={**HUAWEI_ENV, "OS_AUTH_TOKEN": "t"})
    assert aksk.service("gaussdbfornosql").auth == "huawei-aksk"


def test_options_refuse_remote_without_opt_in():
    with pytest.raises(ProfileError, match=r"^--target-url: services\.hbr\.base_url: .*loopback"):
        profile_from_options("https://example.com", env={})
    assert profile_from_options("https://example.com", env={}, allow_remote=True).allow_remote


def test_one_service_name_under_two_vendor_families_is_refused_naming_both() -> None:
    """A service signs one way: Alibaba RDS and Huawei RDS both named ``rds`` would sign one
    vendor's calls the other's way, so the catalogue is refused, naming both operations."""
    import dataclasses

    from backup_conformance.contracts import ContractError, load_catalogue
    from backup_conformance.targets.data import register_catalogue

    catalogue = load_catalogue()
    alibaba = catalogue["hbr.CancelBackupJob"]
    huawei = dataclasses.replace(catalogue["vbs.CancelBackupSharing"], service="hbr",
                                 api_id="hbr.CancelBackupSharing")
    with pytest.raises(ContractError) as refused:
        register_catalogue([alibaba, huawei])
    message = str(refused.value)
    assert "service 'hbr' is alibaba-rpc in hbr.CancelBackupJob and huawei-rest in " \
           "hbr.CancelBackupSharing" in message
    assert "--api-id" in message
    register_catalogue(catalogue.values())  # the real catalogue passes (and is restored)
