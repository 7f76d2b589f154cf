"""The generated contracts are valid OpenAPI 3.1, load in schemathesis, and cite real lines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from backup_conformance.contracts import Contract, load_catalogue

CATALOGUE = load_catalogue()
API_IDS = list(CATALOGUE)


def test_the_catalogue_holds_the_five_apis_of_the_design() -> None:
    assert API_IDS == [
        "dbs.StopBackupPlan",
        "gaussdbfornosql.DeleteBackup",
        "hbr.CancelBackupJob",
        "hbr.DeleteBackupClientResource",
        "vbs.CancelBackupSharing",
    ]


@pytest.mark.parametrize("api_id", API_IDS)
def test_openapi_document_is_valid(api_id: str) -> None:
    validate(dict(CATALOGUE[api_id].openapi))


@pytest.mark.parametrize("api_id", API_IDS)
def test_schemathesis_loads_the_document_and_finds_one_operation(api_id: str) -> None:
    schema = schemathesis.openapi.from_dict(dict(CATALOGUE[api_id].openapi))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 1
    contract = CATALOGUE[api_id]
    assert operations[0].method.upper() == contract.method
    assert operations[0].path == contract.path


def _sources(node: Any) -> Iterator[tuple[str, str]]:
    """Every (x-source, name-ish text) pair found in a contract document."""
    if isinstance(node, dict):
        source = node.get("x-source")
        if isinstance(source, str) and ".txt:" in source:
            yield source, str(node.get("name") or node.get("code") or "")
        for value in node.values():
            yield from _sources(value)
    elif isinstance(node, list):
        for value in node:
            yield from _sources(value)


@pytest.mark.parametrize("api_id", API_IDS)
def test_every_cited_line_exists_and_names_what_it_is_cited_for(api_id: str) -> None:
    contract = CATALOGUE[api_id]
    page = (CATALOGUE.root / "sources" / contract.page).read_text().splitlines()
    cited = list(_sources(contract.openapi))
    assert cited, "a contract without provenance"
    for source, name in cited:
        file, line = source.rsplit(":", 1)
        assert file == contract.page
        assert 1 <= int(line) <= len(page), source
        if name:
            assert name in page[int(line) - 1], f"{source} does not mention {name!r}"


@pytest.mark.parametrize("api_id", API_IDS)
def test_parameter_and_response_schemas_are_valid_json_schema(api_id: str) -> None:
    contract: Contract = CATALOGUE[api_id]
    for spec in contract.parameters:
        Draft202012Validator.check_schema(dict(spec.schema))
    for status in contract.responses:
        schema = contract.response_schema(int(status))
        if schema is not None:
            Draft202012Validator.check_schema(dict(schema))


@pytest.mark.parametrize("api_id", API_IDS)
def test_every_page_example_response_validates_or_is_tied_to_an_anomaly(api_id: str) -> None:
    contract = CATALOGUE[api_id]
    responses = [e for e in contract.examples if e["kind"] == "response" and e["body"] is not None]
    # The sharing page documents no response body and shows no sample response (002:59-65).
    assert bool(responses) == (api_id != "vbs.CancelBackupSharing")
    for example in responses:
        schema = contract.response_schema(example["status"])
        assert schema is not None, f"{api_id}: no schema for status {example['status']}"
        errors = list(Draft202012Validator(dict(schema)).iter_errors(example["body"]))
        lines = range(example["source"]["line"], example["end_line"] + 1)
        explained = [a["id"] for a in contract.anomalies
                     if any(s["line"] in lines for s in a["sources"])]
        assert not errors or explained, [e.message for e in errors]


def test_the_sharing_page_conflicts_with_the_vbs_status_appendix_and_is_recorded() -> None:
    conflicts = CATALOGUE["vbs.CancelBackupSharing"].vendor_common["page_conflicts"]
    assert [(c["api_id"], c["id"], c["sources"]) for c in conflicts] == [(
        "vbs.CancelBackupSharing",
        "appendix-normal-status-204",
        ["002_2942722f5d95fee0.txt:71", "huawei_vbs_status_codes_otc.txt:20"],
    )]


def test_error_tables_say_whether_they_are_complete() -> None:
    def complete(family_api: str) -> dict[str, bool]:
        tables = CATALOGUE[family_api].vendor_common["error_tables"]
        return {t["file"]: t["complete"] for t in tables}

    # Every Alibaba table in the sources is cut short (their own source lines say so).
    assert set(complete("hbr.CancelBackupJob").values()) == {False}
    assert complete("gaussdbfornosql.DeleteBackup") == {
        "huawei_geminidb_error_codes_otc.txt": True,
        "huawei_vbs_error_codes_otc.txt": True,
    }
