"""Tests of the Customizations for Control Tower manifest.yaml loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from scplint.loaders import ParsedFile, cfct, load_file, parse_structured
from scplint.model import LoadResult, Placeholder, PolicyKind, PolicyReference

FIXTURES = Path(__file__).parent / "fixtures" / "cfct"
V2_MANIFEST = FIXTURES / "v2" / "manifest.yaml"
V1_MANIFEST = FIXTURES / "v1" / "manifest.yaml"


def load_fixture(name: str) -> LoadResult:
    return load_file(FIXTURES / name / "manifest.yaml", f"{name}/manifest.yaml")


def parse_text(tmp_path: Path, text: str, name: str = "manifest.yaml") -> ParsedFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_structured(path, name, text)


def load_text(tmp_path: Path, text: str) -> LoadResult:
    parsed = parse_text(tmp_path, text)
    assert cfct.detect(parsed)
    return cfct.load(parsed, PolicyKind.SCP)


def reference_to(result: LoadResult, fixture: str, relative: str) -> PolicyReference:
    target = str(FIXTURES / fixture / relative)
    matches = [reference for reference in result.references if reference.path == target]
    assert len(matches) == 1, f"expected one reference to {relative}, got {result.references}"
    return matches[0]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def write_policy(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"Version": "2012-10-17", "Statement": []}', encoding="utf-8")


# Detection


def test_detect_v2_manifest():
    parsed = parse_structured(V2_MANIFEST, "manifest.yaml", V2_MANIFEST.read_text())
    assert cfct.detect(parsed)


def test_detect_v1_manifest():
    parsed = parse_structured(V1_MANIFEST, "manifest.yaml", V1_MANIFEST.read_text())
    assert cfct.detect(parsed)


def test_detect_default_empty_manifest(tmp_path):
    parsed = parse_text(tmp_path, "---\nregion: us-east-1\nversion: 2021-03-15\nresources: []\n")
    assert cfct.detect(parsed)


def test_detect_quoted_version(tmp_path):
    parsed = parse_text(tmp_path, "region: us-east-1\nversion: '2021-03-15'\nresources: []\n")
    assert cfct.detect(parsed)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Version: '2012-10-17'\nStatement:\n  - Effect: Deny\n    Action: '*'\n    Resource: '*'\n",
            id="policy",
        ),
        pytest.param("version: '3'\nservices:\n  web:\n    image: nginx\n", id="compose"),
        pytest.param(
            "region: us-east-1\nresources:\n  - name: bucket\n    type: s3\n", id="resources-without-deploy-method"
        ),
        pytest.param("version: 1.0\nresources: []\n", id="other-version"),
        pytest.param(
            "resources:\n  - name: x\n    deploy_method: scp\n    resource_file: x.json\n",
            id="no-region-or-version",
        ),
        pytest.param("serviceControlPolicies: []\n", id="lza-config"),
    ],
)
def test_detect_rejects_other_yaml(tmp_path, text):
    assert not cfct.detect(parse_text(tmp_path, text, "other.yaml"))


# Version 2021-03-15


def test_v2_returns_no_documents():
    assert load_fixture("v2").documents == []


def test_v2_reference_count():
    # The stack_set is not a policy, the S3 file is remote and not-there.json is missing.
    assert len(load_fixture("v2").references) == 2


def test_v2_scp_kind():
    reference = reference_to(load_fixture("v2"), "v2", "policies/preventive-guardrails.json")
    assert reference.kind is PolicyKind.SCP


def test_v2_rcp_kind():
    reference = reference_to(load_fixture("v2"), "v2", "policies/data-perimeter.json")
    assert reference.kind is PolicyKind.RCP


def test_v2_nested_ou_attachment():
    reference = reference_to(load_fixture("v2"), "v2", "policies/preventive-guardrails.json")
    assert reference.attachments == ("ou:Root", "ou:Workloads/Dev")


def test_v2_accounts_not_attached():
    result = load_fixture("v2")
    reference = reference_to(result, "v2", "policies/preventive-guardrails.json")
    assert not any(attachment.startswith("account:") for attachment in reference.attachments)
    assert "'preventive-guardrails' lists accounts" in (result.skipped or "")


def test_v2_s3_file_note():
    result = load_fixture("v2")
    assert "s3://example-bucket/policies/remote.json, which is not linted" in (result.skipped or "")


def test_v2_missing_file_problem():
    result = load_fixture("v2")
    assert [problem.message for problem in result.problems] == [
        "policy file not found: v2/policies/not-there.json (referenced as policies/not-there.json)"
    ]
    assert result.problems[0].code == "SCP001"


def test_v2_missing_file_line():
    result = load_fixture("v2")
    expected = line_of(V2_MANIFEST, "resource_file: policies/not-there.json")
    assert result.problems[0].span is not None
    assert result.problems[0].span.line == expected


def test_v2_reference_span_line():
    reference = reference_to(load_fixture("v2"), "v2", "policies/data-perimeter.json")
    expected = line_of(V2_MANIFEST, "resource_file: policies/data-perimeter.json")
    assert reference.span is not None
    assert reference.span.line == expected


def test_v2_reference_source_file():
    reference = reference_to(load_fixture("v2"), "v2", "policies/data-perimeter.json")
    assert reference.source_file == "v2/manifest.yaml"


def test_v2_kind_argument_ignored():
    parsed = parse_structured(V2_MANIFEST, "manifest.yaml", V2_MANIFEST.read_text())
    result = cfct.load(parsed, PolicyKind.RCP)
    kinds = sorted(reference.kind.value for reference in result.references)
    assert kinds == ["RCP", "SCP"]


def test_v2_only_stack_sets_skipped(tmp_path):
    text = (
        "region: us-west-2\nversion: 2021-03-15\nresources:\n"
        "  - name: network\n    resource_file: network.yaml\n    deploy_method: stack_set\n"
    )
    result = load_text(tmp_path, text)
    assert result.references == []
    assert result.skipped == "CfCT manifest deploys no SCP or RCP files"


def test_v2_http_url_note(tmp_path):
    text = (
        "region: us-east-1\nversion: 2021-03-15\nresources:\n"
        "  - name: remote\n    resource_file: https://bucket.s3.amazonaws.com/deny.json\n"
        "    deploy_method: scp\n"
    )
    result = load_text(tmp_path, text)
    assert result.problems == []
    assert "https://bucket.s3.amazonaws.com/deny.json" in (result.skipped or "")


def test_v2_template_ou_placeholder(tmp_path):
    write_policy(tmp_path / "deny.json")
    text = (
        "region: us-east-1\nversion: 2021-03-15\nresources:\n"
        "  - name: deny\n    resource_file: deny.json\n    deploy_method: scp\n"
        "    deployment_targets:\n      organizational_units:\n        - '{{ ou_name }}'\n"
    )
    result = load_text(tmp_path, text)
    attachment = result.references[0].attachments[0]
    assert attachment == "ou:{{ ou_name }}"
    assert isinstance(attachment, Placeholder)


def test_v2_missing_resource_file(tmp_path):
    text = "region: us-east-1\nversion: 2021-03-15\nresources:\n  - name: deny\n    deploy_method: scp\n"
    result = load_text(tmp_path, text)
    assert [problem.message for problem in result.problems] == [
        "resources entry 'deny' has no policy file path"
    ]


def test_v2_entry_not_mapping(tmp_path):
    text = (
        "region: us-east-1\nversion: 2021-03-15\nresources:\n"
        "  - name: deny\n    resource_file: deny.json\n    deploy_method: scp\n  - stray\n"
    )
    write_policy(tmp_path / "deny.json")
    result = load_text(tmp_path, text)
    messages = [problem.message for problem in result.problems]
    assert len(messages) == 1
    assert messages[0].startswith("resources entry 2 is not a mapping")


# Version 2020-01-01


def test_v1_reference():
    result = load_fixture("v1")
    reference = reference_to(result, "v1", "policies/instance-types.json")
    assert reference.kind is PolicyKind.SCP


def test_v1_attachments_keep_colon():
    reference = reference_to(load_fixture("v1"), "v1", "policies/instance-types.json")
    assert reference.attachments == ("ou:developers", "ou:Core:Legacy")


def test_v1_reference_count():
    # cloudformation_resources hold stack sets only.
    assert len(load_fixture("v1").references) == 1


def test_v1_ignores_resources_section(tmp_path):
    write_policy(tmp_path / "deny.json")
    text = (
        "region: us-east-1\nversion: 2020-01-01\norganization_policies: []\nresources:\n"
        "  - name: deny\n    resource_file: deny.json\n    deploy_method: scp\n"
    )
    result = load_text(tmp_path, text)
    assert result.references == []


def test_unknown_version_reads_both(tmp_path):
    write_policy(tmp_path / "a.json")
    write_policy(tmp_path / "b.json")
    text = (
        "region: us-east-1\nversion: 2022-01-01\n"
        "resources:\n  - name: a\n    resource_file: a.json\n    deploy_method: scp\n"
        "organization_policies:\n  - name: b\n    policy_file: b.json\n"
    )
    result = load_text(tmp_path, text)
    names = sorted(Path(reference.path).name for reference in result.references)
    assert names == ["a.json", "b.json"]
    assert "manifest version '2022-01-01' is not one CfCT reads" in (result.skipped or "")


def test_load_file_routes_to_cfct():
    assert load_fixture("v2").references, "load_file did not route manifest.yaml to the CfCT loader"
