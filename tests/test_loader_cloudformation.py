"""Tests of the CloudFormation template loader."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from scplint.loaders import ParsedFile, cloudformation, load_file, parse_structured
from scplint.model import LoadResult, PolicyDocument, PolicyKind, Span, is_placeholder

FIXTURES = Path(__file__).parent / "fixtures" / "cloudformation"
REGION_CONDITION = ("Statement", 0, "Condition", "StringNotEquals", "aws:RequestedRegion")


def load_fixture(name: str, kind: PolicyKind = PolicyKind.SCP) -> LoadResult:
    return load_file(FIXTURES / name, name, kind)


def parse_text(tmp_path: Path, text: str, name: str = "template.yaml") -> ParsedFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_structured(path, name, text)


def documents_by_id(result: LoadResult) -> dict[str, PolicyDocument]:
    """Key the documents by logical ID, the first word of their name."""
    return {document.name.split(" ")[0]: document for document in result.documents}


def position_of(path: Path, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """Return the 1-based line and column of the n-th line that contains ``needle``."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


def content_span(name: str, logical_id: str) -> Span:
    path = FIXTURES / name
    parsed = parse_structured(path, name, path.read_text(encoding="utf-8"))
    span = parsed.source_map.values[("Resources", logical_id, "Properties", "Content")]
    return span


# Detection


def test_detect_yaml_template():
    path = FIXTURES / "region_deny.yaml"
    parsed = parse_structured(path, path.name, path.read_text(encoding="utf-8"))
    assert cloudformation.detect(parsed)


def test_detect_resources_without_version(tmp_path):
    parsed = parse_text(tmp_path, "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n")
    assert cloudformation.detect(parsed)


def test_detect_plain_policy_rejected(tmp_path):
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}'
    parsed = parse_text(tmp_path, text, "policy.json")
    assert not cloudformation.detect(parsed)


def test_detect_orgformation_file_rejected(tmp_path):
    text = (
        "AWSTemplateFormatVersion: '2010-09-09-OC'\n"
        "Organization:\n  Root:\n    Type: OC::ORG::OrganizationRoot\n"
    )
    parsed = parse_text(tmp_path, text)
    assert not cloudformation.detect(parsed)


def test_detect_other_resources_mapping_rejected(tmp_path):
    parsed = parse_text(tmp_path, "Resources:\n  cpu: 2\n  memory: 4Gi\n")
    assert not cloudformation.detect(parsed)


# Content as a mapping


def test_mapping_scp_and_rcp_only():
    result = load_fixture("region_deny.yaml")
    assert sorted(documents_by_id(result)) == ["EnforceTls", "RegionDeny"]
    assert result.problems == []


def test_mapping_rcp_kind():
    documents = documents_by_id(load_fixture("region_deny.yaml"))
    assert documents["EnforceTls"].kind is PolicyKind.RCP
    assert documents["RegionDeny"].kind is PolicyKind.SCP


def test_mapping_name_and_loader():
    document = documents_by_id(load_fixture("region_deny.yaml"))["RegionDeny"]
    assert document.name == "RegionDeny (deny-unapproved-regions)"
    assert document.loader == "cloudformation"
    assert document.deployed_text is None


def test_mapping_literal_attachments_only():
    document = documents_by_id(load_fixture("region_deny.yaml"))["RegionDeny"]
    assert document.attachments == ["ou-abcd-11111111"]


def test_mapping_unquoted_version_is_string():
    document = documents_by_id(load_fixture("region_deny.yaml"))["RegionDeny"]
    assert document.data["Version"] == "2012-10-17"


def test_iam_policy_not_linted():
    result = load_fixture("region_deny.yaml")
    assert "DeployRolePolicy" not in documents_by_id(result)
    assert "CostCenterTags" not in documents_by_id(result)


def test_condition_ref_is_placeholder_list():
    document = documents_by_id(load_fixture("region_deny.yaml"))["RegionDeny"]
    condition = document.statements[0].conditions_on("aws:RequestedRegion")[0]
    assert condition.values == ("!Ref AllowedRegions",)
    assert is_placeholder(condition.values[0])


def test_condition_ref_in_list_is_placeholder():
    document = documents_by_id(load_fixture("region_deny.yaml"))["RegionDeny"]
    values = document.statements[0].conditions_on("aws:PrincipalArn")[0].values
    assert is_placeholder(values[0])
    assert not is_placeholder(values[1])


def test_resource_long_form_sub_is_placeholder():
    document = documents_by_id(load_fixture("region_deny.yaml"))["EnforceTls"]
    resource = document.statements[0].data["Resource"]
    assert len(resource) == 1
    assert is_placeholder(resource[0])
    assert "arn:${AWS::Partition}:s3:::*" in resource[0]


def test_region_condition_position_yaml():
    document = documents_by_id(load_fixture("region_deny.yaml"))["RegionDeny"]
    line, column = position_of(FIXTURES / "region_deny.yaml", "!Ref AllowedRegions")
    span = document.locate(REGION_CONDITION)
    assert (span.line, span.column) == (line, column)
    key_line, key_column = position_of(FIXTURES / "region_deny.yaml", "aws:RequestedRegion")
    key_span = document.locate(REGION_CONDITION, key=True)
    assert (key_span.line, key_span.column) == (key_line, key_column)


def test_region_condition_position_json():
    document = documents_by_id(load_fixture("region_deny.json"))["RegionDeny"]
    path = FIXTURES / "region_deny.json"
    line, column = position_of(path, '["eu-west-1"')
    span = document.locate(REGION_CONDITION)
    assert (span.line, span.column) == (line, column)
    first_line, first_column = position_of(path, '"eu-west-1"')
    first = document.locate(REGION_CONDITION + (0,))
    assert (first.line, first.column) == (first_line, first_column)


def test_json_condition_long_form_ref():
    document = documents_by_id(load_fixture("region_deny.json"))["RegionDeny"]
    values = document.statements[0].conditions_on("aws:RequestedRegion")[0].values
    assert values[0] == "eu-west-1"
    assert is_placeholder(values[1])
    assert "SecondRegion" in values[1]


def test_json_long_form_target_skipped():
    document = documents_by_id(load_fixture("region_deny.json"))["RegionDeny"]
    assert document.attachments == ["r-abcd"]


# Content as a JSON string


def test_json_string_content():
    document = documents_by_id(load_fixture("region_deny.json"))["DenyLeaveOrganization"]
    template = json.loads((FIXTURES / "region_deny.json").read_text(encoding="utf-8"))
    content = template["Resources"]["DenyLeaveOrganization"]["Properties"]["Content"]
    assert document.data == json.loads(content)
    assert document.deployed_text == content


def test_json_string_positions_map_to_content():
    document = documents_by_id(load_fixture("region_deny.json"))["DenyLeaveOrganization"]
    expected = content_span("region_deny.json", "DenyLeaveOrganization")
    assert document.locate(("Statement", 0, "Action")) == expected


def test_block_scalar_exact_positions():
    document = documents_by_id(load_fixture("sub_block.yaml"))["DenyLeaveOrganization"]
    line, column = position_of(FIXTURES / "sub_block.yaml", '"organizations:LeaveOrganization"')
    span = document.locate(("Statement", 0, "Action"))
    assert (span.line, span.column) == (line, column)


def test_block_scalar_deployed_text():
    document = documents_by_id(load_fixture("sub_block.yaml"))["DenyLeaveOrganization"]
    assert document.deployed_text.startswith("{\n")
    assert json.loads(document.deployed_text) == document.data


def test_block_scalar_invalid_json_position():
    result = load_fixture("sub_block.yaml")
    assert "Broken" not in documents_by_id(result)
    assert [problem.code for problem in result.problems] == ["SCP001"]
    problem = result.problems[0]
    line, column = position_of(FIXTURES / "sub_block.yaml", '"Resource": "*"}', occurrence=1)
    assert (problem.span.line, problem.span.column) == (line, column)
    assert "Broken" in problem.message


# Intrinsic functions around the whole policy


def test_sub_block_placeholders():
    document = documents_by_id(load_fixture("sub_block.yaml"))["DenyBucketDeletion"]
    resource = document.statements[0].data["Resource"]
    assert is_placeholder(resource[0])
    assert document.statements[0].actions == ["s3:DeleteBucket"]
    assert document.deployed_text is None


def test_sub_block_positions():
    document = documents_by_id(load_fixture("sub_block.yaml"))["DenyBucketDeletion"]
    line, column = position_of(FIXTURES / "sub_block.yaml", '"s3:DeleteBucket"')
    span = document.locate(("Statement", 0, "Action"))
    assert (span.line, span.column) == (line, column)


def test_sub_long_form_json():
    document = documents_by_id(load_fixture("region_deny.json"))["DenyIamUsers"]
    assert document.statements[0].actions == ["iam:CreateUser"]
    assert is_placeholder(document.statements[0].data["Resource"][0])
    path = FIXTURES / "region_deny.json"
    parsed = parse_structured(path, path.name, path.read_text(encoding="utf-8"))
    string_span = parsed.source_map.values[("Resources", "DenyIamUsers", "Properties", "Content", "Fn::Sub")]
    assert document.locate(("Statement", 0)) == string_span


def test_sub_list_form_substitutes_nested_sub():
    document = documents_by_id(load_fixture("join.yaml"))["SubList"]
    assert document.statements[0].actions == ["iam:*"]
    assert is_placeholder(document.statements[0].data["Resource"][0])


def test_join_literal_parts_json():
    document = documents_by_id(load_fixture("region_deny.json"))["DenyRootUser"]
    template = json.loads((FIXTURES / "region_deny.json").read_text(encoding="utf-8"))
    parts = template["Resources"]["DenyRootUser"]["Properties"]["Content"]["Fn::Join"][1]
    assert document.deployed_text == "".join(parts)
    assert document.data == json.loads("".join(parts))


def test_join_with_ref_part_json():
    document = documents_by_id(load_fixture("region_deny.json"))["DenyOtherAccounts"]
    values = document.statements[0].conditions_on("aws:ResourceAccount")[0].values
    assert len(values) == 1
    assert is_placeholder(values[0])
    assert "AWS::AccountId" in values[0]
    assert document.deployed_text is None


def test_join_short_form_yaml():
    documents = documents_by_id(load_fixture("join.yaml"))
    literal = documents["Literal"]
    assert literal.statements[0].actions == ["ec2:*"]
    assert json.loads(literal.deployed_text) == literal.data
    values = documents["DenyOtherAccounts"].statements[0].conditions_on("aws:ResourceAccount")[0].values
    assert is_placeholder(values[0])


def test_ref_content_is_placeholder_document():
    document = documents_by_id(load_fixture("sub_block.yaml"))["FromParameter"]
    assert is_placeholder(document.data)
    assert document.statements == []


def test_dynamic_reference_is_placeholder_document():
    document = documents_by_id(load_fixture("sub_block.yaml"))["FromParameterStore"]
    assert is_placeholder(document.data)
    assert document.deployed_text is None


def test_type_intrinsic_uses_kind_argument():
    result = load_fixture("sub_block.yaml", PolicyKind.RCP)
    documents = documents_by_id(result)
    assert documents["FromParameter"].kind is PolicyKind.RCP
    assert documents["DenyLeaveOrganization"].kind is PolicyKind.SCP


# Other templates


def test_no_policy_template_skipped():
    result = load_fixture("no_policy.yaml")
    assert result.documents == []
    assert result.skipped == "CloudFormation template with no AWS::Organizations::Policy resources"


def test_only_tag_policy_skipped(tmp_path):
    text = (
        "Resources:\n  Tags:\n    Type: AWS::Organizations::Policy\n    Properties:\n"
        "      Type: TAG_POLICY\n      Content: {tags: {}}\n"
    )
    parsed = parse_text(tmp_path, text)
    result = cloudformation.load(parsed, PolicyKind.SCP)
    assert result.documents == []
    assert "Tags (TAG_POLICY)" in result.skipped


def test_missing_content_problem(tmp_path):
    text = (
        "Resources:\n  Empty:\n    Type: AWS::Organizations::Policy\n    Properties:\n"
        "      Type: SERVICE_CONTROL_POLICY\n"
    )
    result = cloudformation.load(parse_text(tmp_path, text), PolicyKind.SCP)
    assert result.documents == []
    assert [problem.code for problem in result.problems] == ["SCP002"]
    assert "no Content property" in result.problems[0].message


def test_content_of_wrong_type_problem(tmp_path):
    text = (
        "Resources:\n  Numbered:\n    Type: AWS::Organizations::Policy\n    Properties:\n"
        "      Type: SERVICE_CONTROL_POLICY\n      Content: 42\n"
    )
    result = cloudformation.load(parse_text(tmp_path, text), PolicyKind.SCP)
    assert result.documents == []
    assert [problem.span.line for problem in result.problems] == [6]


def test_cdk_synthesised_template():
    result = load_fixture("OrgPoliciesStack.template.json")
    document = documents_by_id(result)["DenyLeaveOrgPolicyA1B2C3D4"]
    assert document.attachments == ["ou-abcd-22222222"]
    assert is_placeholder(document.statements[1].data["Resource"][0])
    line, column = position_of(FIXTURES / "OrgPoliciesStack.template.json", '"s3:PutBucketPolicy"')
    span = document.locate(("Statement", 1, "Action"))
    assert (span.line, span.column) == (line, column)


# Public corpus

# Policies found per corpus file of format cfn, checked by reading each file.
CORPUS_COUNTS = {
    # The SCP sits in an AWS::CloudFormation::CustomResource whose Lambda function calls
    # CreatePolicy. Only AWS::Organizations::Policy resources are read, so none is found.
    # The three policies the manifest counts are this one and two IAM policies of
    # AWS::Serverless::Function resources.
    "superwerker__superwerker/templates__service-control-policies.yaml": 0,
    # Jinja blocks make the file invalid YAML before rendering, so it yields SCP001 only.
    "theserverlessway__aws-baseline/main-account-stacks__04-service-control-policies__scps.template.yaml": 0,
}
INVALID_CORPUS_FILES = {
    "theserverlessway__aws-baseline/main-account-stacks__04-service-control-policies__scps.template.yaml",
}


def corpus_rows(corpus_dir: Path, formats: set[str]) -> list[dict[str, str]]:
    with (corpus_dir / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if row["format"] in formats]


def test_corpus_cfn_counts(corpus_dir):
    rows = corpus_rows(corpus_dir, {"cfn"})
    assert sorted(row["local_path"] for row in rows) == sorted(CORPUS_COUNTS)
    for row in rows:
        local_path = row["local_path"]
        result = load_file(corpus_dir / local_path, local_path)
        assert len(result.documents) == CORPUS_COUNTS[local_path], local_path
        codes = {problem.code for problem in result.problems}
        if local_path in INVALID_CORPUS_FILES:
            assert "SCP001" in codes, local_path
        else:
            assert "SCP001" not in codes, local_path
