"""Tests of the Landing Zone Accelerator organization-config.yaml loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from scplint.loaders import ParsedFile, load_file, lza, parse_structured
from scplint.model import LoadResult, Placeholder, PolicyKind, PolicyReference

FIXTURES = Path(__file__).parent / "fixtures" / "lza"
FULL_CONFIG = FIXTURES / "full" / "organization-config.yaml"


def load_fixture(name: str) -> LoadResult:
    return load_file(FIXTURES / name / "organization-config.yaml", f"{name}/organization-config.yaml")


def parse_text(tmp_path: Path, text: str, name: str = "organization-config.yaml") -> ParsedFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_structured(path, name, text)


def load_text(tmp_path: Path, text: str) -> LoadResult:
    parsed = parse_text(tmp_path, text)
    assert lza.detect(parsed)
    return lza.load(parsed, PolicyKind.SCP)


def reference_to(result: LoadResult, relative: str) -> PolicyReference:
    target = str(FIXTURES / "full" / relative)
    matches = [reference for reference in result.references if reference.path == target]
    assert len(matches) == 1, f"expected one reference to {relative}, got {result.references}"
    return matches[0]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# Detection


def test_detect_full_config():
    parsed = parse_structured(FULL_CONFIG, "organization-config.yaml", FULL_CONFIG.read_text())
    assert lza.detect(parsed)


def test_detect_empty_policy_list(tmp_path):
    parsed = parse_text(tmp_path, "enable: true\nserviceControlPolicies: []\n")
    assert lza.detect(parsed)


def test_detect_rcp_section_only(tmp_path):
    text = "resourceControlPolicies:\n  - name: Perimeter\n    policy: rcp.json\n"
    assert lza.detect(parse_text(tmp_path, text))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Version: '2012-10-17'\nStatement:\n  - Effect: Deny\n    Action: '*'\n    Resource: '*'\n",
            id="policy",
        ),
        pytest.param(
            "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n", id="workflow"
        ),
        pytest.param("services:\n  web:\n    image: nginx\n", id="compose"),
        pytest.param("serviceControlPolicies: deny-all.json\n", id="scalar-section"),
        pytest.param("serviceControlPolicies:\n  - a.json\n  - b.json\n", id="list-of-strings"),
        pytest.param("- serviceControlPolicies: []\n", id="top-level-list"),
        pytest.param(
            "region: us-east-1\nversion: 2021-03-15\nresources: []\n", id="cfct-manifest"
        ),
    ],
)
def test_detect_rejects_other_yaml(tmp_path, text):
    assert not lza.detect(parse_text(tmp_path, text, "other.yaml"))


# References from the full fixture


def test_load_returns_no_documents():
    result = load_fixture("full")
    assert result.documents == []


def test_load_reference_count():
    # Guardrails, AllowList and DataPerimeter exist; FullAWSAccess is AWS managed,
    # quarantine.json is missing and Regional names its file by an expression.
    result = load_fixture("full")
    assert len(result.references) == 3


def test_reference_paths_absolute():
    result = load_fixture("full")
    for reference in result.references:
        assert Path(reference.path).is_absolute(), reference.path


def test_scp_reference_kind():
    result = load_fixture("full")
    reference = reference_to(result, "service-control-policies/guardrails.json")
    assert reference.kind is PolicyKind.SCP


def test_rcp_reference_kind():
    result = load_fixture("full")
    reference = reference_to(result, "resource-control-policies/data-perimeter.json")
    assert reference.kind is PolicyKind.RCP


def test_kind_argument_ignored(tmp_path):
    parsed = parse_structured(FULL_CONFIG, "organization-config.yaml", FULL_CONFIG.read_text())
    result = lza.load(parsed, PolicyKind.RCP)
    kinds = sorted(reference.kind.value for reference in result.references)
    assert kinds == ["RCP", "SCP", "SCP"]


def test_attachments_ou_and_account():
    result = load_fixture("full")
    reference = reference_to(result, "service-control-policies/guardrails.json")
    assert reference.attachments == ("ou:Security", "ou:Workloads/Dev", "account:Management")


def test_excluded_accounts_not_attached():
    result = load_fixture("full")
    reference = reference_to(result, "service-control-policies/guardrails.json")
    assert "account:LogArchive" not in reference.attachments


def test_root_attachment():
    result = load_fixture("full")
    reference = reference_to(result, "resource-control-policies/data-perimeter.json")
    assert reference.attachments == ("ou:Root",)


def test_template_target_is_placeholder():
    result = load_fixture("full")
    reference = reference_to(result, "service-control-policies/allow-ec2-only.json")
    assert reference.attachments == ("ou:{{ SandboxOu }}",)
    assert isinstance(reference.attachments[0], Placeholder)


def test_reference_source_file():
    result = load_fixture("full")
    reference = reference_to(result, "service-control-policies/guardrails.json")
    assert reference.source_file == "full/organization-config.yaml"


def test_reference_span_line():
    result = load_fixture("full")
    reference = reference_to(result, "service-control-policies/guardrails.json")
    expected = line_of(FULL_CONFIG, "policy: service-control-policies/guardrails.json")
    assert reference.span is not None
    assert reference.span.line == expected


def test_reference_span_column():
    result = load_fixture("full")
    reference = reference_to(result, "service-control-policies/guardrails.json")
    line = FULL_CONFIG.read_text().splitlines()[reference.span.line - 1]
    assert reference.span.column == line.index("service-control-policies/") + 1


def test_tagging_policies_ignored():
    result = load_fixture("full")
    paths = [reference.path for reference in result.references]
    assert not any("tagging-policies" in path for path in paths)


# Problems and notes


def test_missing_file_problem():
    result = load_fixture("full")
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.code == "SCP001"
    assert problem.message == (
        "policy file not found: full/service-control-policies/quarantine.json "
        "(referenced as service-control-policies/quarantine.json)"
    )


def test_missing_file_problem_line():
    result = load_fixture("full")
    expected = line_of(FULL_CONFIG, "policy: service-control-policies/quarantine.json")
    assert result.problems[0].span is not None
    assert result.problems[0].span.line == expected


def test_aws_managed_note():
    result = load_fixture("full")
    assert "'FullAWSAccess' is AWS managed" in (result.skipped or "")


def test_template_path_note():
    result = load_fixture("full")
    assert "${ACCEL_LOOKUP::CUSTOM:region}" in (result.skipped or "")


def test_empty_config_skipped():
    result = load_fixture("empty")
    assert result.references == []
    assert result.problems == []
    assert result.skipped == "LZA organization configuration lists no customer-managed SCP or RCP files"


def test_entry_not_mapping(tmp_path):
    text = "serviceControlPolicies:\n  - name: Good\n    policy: good.json\n  - just-a-string\n"
    result = load_text(tmp_path, text)
    messages = [problem.message for problem in result.problems]
    assert any(message.startswith("serviceControlPolicies entry 2 is not a mapping") for message in messages)


def test_invalid_type(tmp_path):
    text = "serviceControlPolicies:\n  - name: Odd\n    policy: odd.json\n    type: selfManaged\n"
    result = load_text(tmp_path, text)
    assert [problem.message for problem in result.problems] == [
        "serviceControlPolicies entry 'Odd' has invalid type 'selfManaged'; "
        "expected customerManaged or awsManaged"
    ]


def test_policy_key_missing(tmp_path):
    text = "serviceControlPolicies:\n  - name: NoFile\n    deploymentTargets:\n      accounts: [Audit]\n"
    result = load_text(tmp_path, text)
    assert [problem.message for problem in result.problems] == [
        "serviceControlPolicies entry 'NoFile' has no policy file path"
    ]


def test_type_defaults_to_customer_managed(tmp_path):
    (tmp_path / "deny.json").write_text('{"Version": "2012-10-17", "Statement": []}')
    text = "serviceControlPolicies:\n  - name: Deny\n    policy: deny.json\n"
    result = load_text(tmp_path, text)
    assert [Path(reference.path).name for reference in result.references] == ["deny.json"]


def test_parent_directory_reference(tmp_path):
    common = tmp_path / "common"
    common.mkdir()
    (common / "deny.json").write_text('{"Version": "2012-10-17", "Statement": []}')
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    text = "serviceControlPolicies:\n  - name: Deny\n    policy: ../common/deny.json\n"
    result = load_text(config_dir, text)
    assert [reference.path for reference in result.references] == [str((common / "deny.json").absolute())]


def test_account_id_integer_target(tmp_path):
    (tmp_path / "deny.json").write_text('{"Version": "2012-10-17", "Statement": []}')
    text = (
        "serviceControlPolicies:\n  - name: Deny\n    policy: deny.json\n"
        "    deploymentTargets:\n      accounts:\n        - 111122223333\n"
    )
    result = load_text(tmp_path, text)
    assert result.references[0].attachments == ("account:111122223333",)


def test_load_file_routes_to_lza():
    result = load_fixture("full")
    assert result.references, "load_file did not route organization-config.yaml to the LZA loader"
