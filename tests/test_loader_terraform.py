"""Tests for the Terraform loader."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from scplint.loaders import terraform
from scplint.model import Placeholder, PolicyKind

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"
REGION_PATH = ("Statement", 0, "Condition", "StringNotEquals", "aws:RequestedRegion")


def load_fixture(name: str, kind: PolicyKind = PolicyKind.SCP):
    path = FIXTURES / name
    return terraform.load(path, f"terraform/{name}", path.read_text(), kind)


def line_of(text: str, needle: str, start: int = 1) -> int:
    """Return the 1-based number of the first line at or after ``start`` containing ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not found")


def by_name(result, name: str):
    matches = [document for document in result.documents if document.name == name]
    assert len(matches) == 1, [document.name for document in result.documents]
    return matches[0]


# jsonencode


def test_jsonencode_document():
    result = load_fixture("jsonencode_region.tf")
    document = by_name(result, "aws_organizations_policy.region_deny")
    statement = document.data["Statement"][0]
    assert result.problems == []
    assert document.loader == "terraform"
    assert document.kind is PolicyKind.SCP
    assert statement["NotAction"] == ["iam:*", "organizations:*", "sts:*"]
    assert statement["Condition"]["StringNotEquals"]["aws:RequestedRegion"] == ["eu-west-1", "eu-central-1"]


def test_jsonencode_interpolation_placeholder():
    document = load_fixture("jsonencode_region.tf").documents[0]
    exemption = document.data["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalARN"][0]
    resource = document.data["Statement"][1]["Resource"]
    assert isinstance(exemption, Placeholder)
    assert exemption == "arn:aws:iam::*:role/${var.break_glass_role}"
    assert isinstance(resource, Placeholder)
    assert resource == "var.resources"
    assert document.deployed_text is None


def test_jsonencode_region_position():
    document = load_fixture("jsonencode_region.tf").documents[0]
    expected = line_of(document.file_text, '"aws:RequestedRegion"')
    span = document.locate(REGION_PATH)
    item = document.locate(REGION_PATH + (1,))
    assert span.line == expected
    assert item.line == expected
    assert document.file_text.splitlines()[expected - 1][item.column - 1 : item.end_column - 1] == '"eu-central-1"'


def test_jsonencode_deployed_text_sorted():
    document = load_fixture("rcp_and_tag.tf").documents[0]
    assert document.deployed_text == json.dumps(document.data, separators=(",", ":"), sort_keys=True)


# heredoc


def test_heredoc_template_placeholders():
    result = load_fixture("heredoc_region.tf")
    document = by_name(result, "aws_organizations_policy.region_deny")
    condition = document.data["Statement"][0]["Condition"]
    assert result.problems == []
    assert condition["StringNotEquals"]["aws:RequestedRegion"] == Placeholder("${jsonencode(var.allowed_regions)}")
    assert isinstance(condition["ArnNotLike"]["aws:PrincipalARN"], Placeholder)
    assert document.deployed_text is None


def test_heredoc_region_position():
    document = by_name(load_fixture("heredoc_region.tf"), "aws_organizations_policy.region_deny")
    expected = line_of(document.file_text, '"aws:RequestedRegion"')
    span = document.locate(REGION_PATH)
    line = document.file_text.splitlines()[expected - 1]
    assert span.line == expected
    assert line[span.column - 1 : span.end_column - 1] == "${jsonencode(var.allowed_regions)}"


def test_heredoc_deployed_text():
    document = by_name(load_fixture("heredoc_region.tf"), "aws_organizations_policy.literal")
    text = document.file_text
    expected_line = line_of(text, '{"Version"')
    assert document.deployed_text == text.splitlines()[expected_line - 1] + "\n"
    assert document.locate(("Statement", 0, "Action")).line == expected_line


def test_heredoc_indentation_stripped():
    document = by_name(load_fixture("heredoc_region.tf"), "aws_organizations_policy.region_deny")
    body = terraform.Heredoc.from_token(_FakeToken("<<-X\n    {\n      \"a\": 1\n    }\n  X\n", 4))
    assert body.content == '{\n  "a": 1\n}\n'
    assert body.first_line == 5
    assert document.data["Version"] == "2012-10-17"


class _FakeToken(str):
    def __new__(cls, text: str, line: int):
        token = super().__new__(cls, text)
        token.line = line
        return token


# aws_iam_policy_document


def test_data_source_translation():
    result = load_fixture("datasource_region.tf")
    document = by_name(result, "data.aws_iam_policy_document.guardrails")
    first = document.data["Statement"][0]
    assert [d.name for d in result.documents] == ["data.aws_iam_policy_document.guardrails"]
    assert first["NotAction"] == ["sts:*", "organizations:*", "iam:*"]
    assert first["Resource"] == "*"
    assert first["Condition"]["StringNotEquals"]["aws:RequestedRegion"] == ["eu-west-1", "eu-central-1"]
    assert first["Condition"]["ArnNotLike"]["aws:PrincipalARN"] == Placeholder("var.break_glass_arns")
    assert document.deployed_text is None


def test_data_source_dynamic_blocks():
    document = load_fixture("datasource_region.tf").documents[0]
    statements = document.data["Statement"]
    assert statements[1]["Sid"] == "Protectcloudtrail"
    assert statements[1]["Action"] == ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"]
    assert statements[2]["Action"] == "config:DeleteConfigRule"
    assert statements[3]["Sid"] == "DenyRootUser"
    assert isinstance(statements[4], Placeholder)
    assert len(document.statements) == 5


def test_data_source_defaults_and_principal():
    document = load_fixture("datasource_region.tf").documents[0]
    statement = document.data["Statement"][5]
    assert statement["Sid"] == ""
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == "arn:aws:s3:::bucket/${aws:username}/*"
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}


def test_data_source_region_position():
    document = load_fixture("datasource_region.tf").documents[0]
    text = document.file_text
    expected = line_of(text, '"aws:RequestedRegion"')
    second_values = line_of(text, '"eu-central-1"')
    assert document.locate(REGION_PATH).line == expected
    assert document.locate(REGION_PATH, key=True).line == expected
    assert document.locate(REGION_PATH + (1,)).line == second_values
    assert document.locate(("Statement", 0, "NotAction", 2)).line == line_of(text, "not_actions")


def test_data_source_dynamic_position():
    document = load_fixture("datasource_region.tf").documents[0]
    expected = line_of(document.file_text, '"cloudtrail:StopLogging"')
    assert document.locate(("Statement", 1, "Action", 0)).line == expected


def test_merged_documents():
    path = FIXTURES / "merged" / "main.tf"
    result = terraform.load(path, "merged/main.tf", path.read_text())
    names = [document.name for document in result.documents]
    combined = by_name(result, "data.aws_iam_policy_document.combined")
    reference_line = line_of(combined.file_text, "aws_iam_policy_document.regions.json")
    assert names == ["data.aws_iam_policy_document.combined"]
    assert [s.sid for s in combined.statements] == ["DenyOutsideApprovedRegions", "DenyRoot"]
    assert combined.data["Statement"][2] == Placeholder("var.extra_policy")
    assert combined.locate(REGION_PATH).line == reference_line


def test_minified_branch_in_sibling():
    path = FIXTURES / "merged" / "regions.tf"
    result = terraform.load(path, "merged/regions.tf", path.read_text())
    document = by_name(result, "data.aws_iam_policy_document.root")
    assert document.deployed_text == json.dumps(document.data, separators=(",", ":"))


# file() and templatefile()


def test_file_reference(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "file_reference", root / "scp")
    path = root / "scp" / "main.tf"
    result = terraform.load(path, "scp/main.tf", path.read_text())
    from_file = by_name(result, "aws_organizations_policy.from_file")
    json_text = (root / "scp" / "policies" / "region.json").read_text()
    assert result.problems == []
    assert from_file.file == "scp/policies/region.json"
    assert from_file.file_text == json_text
    assert from_file.deployed_text == json_text
    assert from_file.locate(REGION_PATH).line == line_of(json_text, '"aws:RequestedRegion"')


def test_templatefile_placeholders(tmp_path):
    shutil.copytree(FIXTURES / "file_reference", tmp_path / "scp")
    path = tmp_path / "scp" / "main.tf"
    result = terraform.load(path, "scp/main.tf", path.read_text())
    document = by_name(result, "aws_organizations_policy.from_template")
    exemption = document.data["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalARN"]
    template_text = (tmp_path / "scp" / "policies" / "region.json.tpl").read_text()
    assert document.file == "scp/policies/region.json.tpl"
    assert exemption == Placeholder("arn:aws:iam::*:role/${break_glass_role}")
    assert isinstance(exemption, Placeholder)
    assert document.deployed_text is None
    assert document.locate(REGION_PATH).line == line_of(template_text, '"aws:RequestedRegion"')


def test_for_each_and_reencoded_file(tmp_path):
    shutil.copytree(FIXTURES / "file_reference", tmp_path / "scp")
    path = tmp_path / "scp" / "main.tf"
    result = terraform.load(path, "scp/main.tf", path.read_text())
    document = by_name(result, 'aws_organizations_policy.per_name["region"]')
    assert document.file == "scp/policies/region.json"
    assert document.deployed_text == json.dumps(document.data, separators=(",", ":"), sort_keys=True)


def test_missing_file_skipped(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('resource "aws_organizations_policy" "x" {\n  content = file("missing.json")\n}\n')
    result = terraform.load(path, "main.tf", path.read_text())
    assert result.documents == []
    assert result.problems == []


def test_referenced_invalid_json(tmp_path):
    (tmp_path / "bad.json").write_text('{"Version": "2012-10-17",,}')
    path = tmp_path / "main.tf"
    path.write_text('resource "aws_organizations_policy" "x" {\n  content = file("bad.json")\n}\n')
    result = terraform.load(path, "main.tf", path.read_text())
    assert [problem.code for problem in result.problems] == ["SCP001"]
    assert result.problems[0].message.startswith("bad.json:1:")
    assert result.problems[0].span.line == 2


# type, modules and errors


def test_rcp_and_tag_policy():
    result = load_fixture("rcp_and_tag.tf")
    assert [document.name for document in result.documents] == ["aws_organizations_policy.rcp"]
    assert result.documents[0].kind is PolicyKind.RCP
    assert result.problems == []


def test_unresolved_type_uses_kind(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(
        'resource "aws_organizations_policy" "x" {\n'
        "  type    = var.policy_type\n"
        '  content = jsonencode({ Version = "2012-10-17", Statement = [] })\n'
        "}\n"
    )
    result = terraform.load(path, "main.tf", path.read_text(), PolicyKind.RCP)
    assert result.documents[0].kind is PolicyKind.RCP


def test_conditional_content_branches(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(
        'resource "aws_organizations_policy" "x" {\n'
        "  content = var.strict ? jsonencode({ Statement = [] }) : jsonencode({ Version = \"2012-10-17\" })\n"
        "}\n"
    )
    result = terraform.load(path, "main.tf", path.read_text())
    names = [document.name for document in result.documents]
    assert names == [
        "aws_organizations_policy.x (when var.strict)",
        "aws_organizations_policy.x (unless var.strict)",
    ]


def test_invalid_hcl():
    result = load_fixture("invalid_syntax.tf")
    expected_line = line_of((FIXTURES / "invalid_syntax.tf").read_text(), "})")
    assert result.documents == []
    assert [problem.code for problem in result.problems] == ["SCP001"]
    assert result.problems[0].message.startswith("invalid HCL: unexpected '}'")
    assert result.problems[0].span.line == expected_line


def test_unterminated_file(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text('resource "aws_organizations_policy" "x" {\n  content = jsonencode({\n')
    result = terraform.load(path, "main.tf", path.read_text())
    assert [problem.code for problem in result.problems] == ["SCP001"]
    assert "ends inside" in result.problems[0].message


def test_unrelated_file_skipped(tmp_path):
    path = tmp_path / "vpc.tf"
    path.write_text('resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n')
    result = terraform.load(path, "vpc.tf", path.read_text())
    assert result.documents == []
    assert result.skipped


def test_scp_named_data_source_without_resource(tmp_path):
    # The directory name is part of the hint, so it must not contain "scp" itself.
    (tmp_path / "guardrails").mkdir()
    path = tmp_path / "guardrails" / "policies.tf"
    path.write_text(
        'data "aws_iam_policy_document" "scp_deny_leave" {\n'
        "  statement {\n"
        '    effect    = "Deny"\n'
        '    actions   = ["organizations:LeaveOrganization"]\n'
        '    resources = ["*"]\n'
        "  }\n"
        "}\n"
        'data "aws_iam_policy_document" "bucket" {\n'
        "  statement {\n"
        '    actions = ["s3:GetObject"]\n'
        "  }\n"
        "}\n"
    )
    result = terraform.load(path, "policies.tf", path.read_text())
    assert [document.name for document in result.documents] == ["data.aws_iam_policy_document.scp_deny_leave"]


def test_template_scan_keeps_length():
    text = '{"a": ${jsonencode(var.x)}, "b": "x-${var.y}", "c": "$${aws:username}"}'
    scan = terraform.scan_templates(text)
    assert len(scan.masked) == len(text)
    assert scan.sequences == ["${jsonencode(var.x)}", "${var.y}"]


# Corpus

# Documents each corpus file yields, counted by reading each file. Files are loaded from a
# copy of the original repository layout so that file() and sibling .tf files resolve.
CORPUS_COUNTS = {
    # One document per branch of `var.deny_all ? deny_all_access : combined_policy_block`.
    "Appsilon__terraform-aws-ou-scp/main.tf": 2,
    # `scp` merges seven data sources from sibling files; those are linted inside it.
    "DmitryRendov__aws-sandbox-terraform/bastion__global__accounts__scp.tf": 1,
    "DmitryRendov__aws-sandbox-terraform/bastion__global__accounts__scp_deny_disallowed_regions.tf": 0,
    "DmitryRendov__aws-sandbox-terraform/bastion__global__accounts__scp_deny_iam_create_access_key.tf": 0,
    "DmitryRendov__aws-sandbox-terraform/bastion__global__accounts__scp_deny_org_leave.tf": 0,
    "DmitryRendov__aws-sandbox-terraform/bastion__global__accounts__scp_deny_root_access.tf": 0,
    "DmitryRendov__aws-sandbox-terraform/bastion__global__accounts__scp_immutable_iam_roles.tf": 0,
    "DmitryRendov__aws-sandbox-terraform/bastion__global__accounts__scp_protect_iam_roles.tf": 0,
    "DmitryRendov__aws-sandbox-terraform/bastion__global__accounts__scp_protect_security_settings.tf": 0,
    "DmitryRendov__aws-sandbox-terraform/bastion__global__accounts__scp_s3_deny_version_deletion.tf": 1,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__account__deny_region_interaction.tf": 1,
    # AISERVICES_OPT_OUT_POLICY is not linted.
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__ai__ai_services_opt_out.tf": 0,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__awsconfig__deny_interruption_actions.tf": 1,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__cloudtrail__deny_cloudtrail_actions.tf": 1,
    # The template_file's JSON template is not in the corpus.
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__comprehend__require_kms_cmks.tf": 0,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__comprehend__require_private_vpcs.tf": 0,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__ec2__deny_public_ami.tf": 1,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__ec2__deny_public_ec2_ip.tf": 1,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__ec2__imdsv2_max_hop.tf": 1,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__ec2__require_ami_tag.tf": 1,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__ec2__require_imdsv2.tf": 1,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__ec2__require_mfa_actions.tf": 1,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__ec2__restrict_ami_owner.tf": 1,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__efs__deny_unencrypted_efs_actions.tf": 1,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__iam__deny_actions_no_mfa.tf": 1,
    "ScaleSec__terraform_aws_scp/security_controls_scp__modules__region__region_restriction.tf": 1,
    # content = file(each.value) with for_each = fileset(...): not known statically.
    "aws-samples__aws-scps-with-terraform/main.tf": 0,
    # Policies are passed to module calls, which are not followed.
    "aws-samples__scp-management-reference-architecture/source_code__scp_define_attach.tf": 0,
    "boldlink__terraform-aws-scp/examples__complete__local.tf": 0,
    # Statements come from a for expression over data sources: one document whose
    # Statement is a placeholder.
    "cloudposse__terraform-aws-service-control-policies/main.tf": 1,
    "co-cddo__ndx-try-aws-scp/modules__scp-manager__main.tf": 5,
    "gamaware__aws-organization-governance/terraform__scps__main.tf": 6,
    "grolston__aws-scp-templates/terraform__SCP-Account-Protection.tf": 1,
    "grolston__aws-scp-templates/terraform__SCP-Audit-Services.tf": 1,
    "grolston__aws-scp-templates/terraform__SCP-Backup-Protection.tf": 1,
    "grolston__aws-scp-templates/terraform__SCP-IAM-Protection.tf": 1,
    "grolston__aws-scp-templates/terraform__SCP-S3-Protection.tf": 1,
    "jordann6__aws-scp-governance/terraform__scps.tf": 6,
    # for_each over fileset(): the policy names are not known statically.
    "kloud-cnf__terraform-aws-organization/scp.tf": 0,
    "latacora__latacora-service-control-policies/policy-groups__infrastructure-best-practices__main.tf": 1,
    "latacora__latacora-service-control-policies/policy-groups__security-best-practices__main.tf": 1,
    # An SNS topic policy, not an Organizations policy.
    "ministryofjustice__aws-root-account/management-account__terraform__alerting-modernisation-platform-scp.tf": 0,
    # Six resources; mp_s3_block_public_access has type S3_POLICY, which is not linted.
    "ministryofjustice__aws-root-account/management-account__terraform__organizations-policy-service-control-modernisation-platform.tf": 5,
    "ministryofjustice__aws-root-account/management-account__terraform__organizations-policy-service-control.tf": 8,
    "platdude__aws-service-control-policies/prevent-billing-changes.tf": 1,
    "platdude__aws-service-control-policies/prevent-central-cloudtrail-change.tf": 1,
    "platdude__aws-service-control-policies/prevent-cf-exec-role-change.tf": 1,
    # The third data source merges the other two and is the content of the resource. The
    # second is also linted alone because prevent-password-policy-change.tf, in the same
    # directory, defines a data source of the same name and uses it as content.
    "platdude__aws-service-control-policies/prevent-cf-pwd-policy-change.tf": 2,
    "platdude__aws-service-control-policies/prevent-cloudtrail.tf": 1,
    "platdude__aws-service-control-policies/prevent-leaving-org.tf": 1,
    "platdude__aws-service-control-policies/prevent-password-policy-change.tf": 1,
    # Invalid HCL: a tag policy writes the key @@assign unquoted (line 66), which Terraform rejects.
    "redhouanemessaoud__AWS-Security-Guardrails-TF/aws-terraform__organizations__main.tf": 0,
    # lz_root_policies is built by a for expression: one document with placeholder statements.
    "schubergphilis__terraform-aws-mcaf-landing-zone/organizations_policy.tf": 1,
    "schubergphilis__terraform-aws-mcaf-landing-zone/organizations_policy_allowed_regions.tf": 1,
    "stevehiobi__landing-zone/master-account__terraform__scp__scp_all_orgs.tf": 1,
    "stevehiobi__landing-zone/master-account__terraform__scp__scp_deny_all.tf": 1,
    "stevehiobi__landing-zone/master-account__terraform__scp__scp_deny_all_outside_us.tf": 1,
    "stevehiobi__landing-zone/master-account__terraform__scp__scp_ec2.tf": 1,
    "stevehiobi__landing-zone/master-account__terraform__scp__scp_full_aws.tf": 1,
    "stevehiobi__landing-zone/master-account__terraform__scp__scp_iam.tf": 1,
    "stevehiobi__landing-zone/master-account__terraform__scp__scp_s3.tf": 1,
    "thecyberbaby__AWS-Service-Control-Policies-Terraform-/ec2__mfa-to-stop-ec2.tf": 1,
    "thecyberbaby__AWS-Service-Control-Policies-Terraform-/ec2__restrict-instance-type.tf": 1,
    "thecyberbaby__AWS-Service-Control-Policies-Terraform-/iam__prevent-new-user.tf": 1,
    "thecyberbaby__AWS-Service-Control-Policies-Terraform-/iam__restrict-rootuser.tf": 1,
    "thecyberbaby__AWS-Service-Control-Policies-Terraform-/s3__prevent-delete-s3object.tf": 1,
    "thecyberbaby__AWS-Service-Control-Policies-Terraform-/s3__prevent-modifying-s3public-access.tf": 1,
    "thecyberbaby__AWS-Service-Control-Policies-Terraform-/vpc__prevent-delete-logs.tf": 1,
    "thecyberbaby__AWS-Service-Control-Policies-Terraform-/vpc__prevent-intrenet.tf": 1,
    # No aws_organizations_policy in the module directory; the directory is named scp.
    "timurgaleev__terraform-aws-organization-scp/modules__scp__data.tf": 2,
    "trussworks__terraform-aws-ou-scp/main.tf": 2,
    # No aws_organizations_policy in the directory, whose name (aws-scp-catalog) contains
    # "scp", so every data source is linted.
    "upgrademycloud__aws-scp-catalog/policy_documents.tf": 14,
}
INVALID_CORPUS_FILES = {
    "redhouanemessaoud__AWS-Security-Guardrails-TF/aws-terraform__organizations__main.tf",
}


@pytest.fixture(scope="module")
def corpus_layout(corpus_dir, tmp_path_factory):
    """Copy the corpus back into each repository's original layout."""
    rows = list(csv.DictReader((corpus_dir / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
    root = tmp_path_factory.mktemp("corpus")
    files = {}
    for row in rows:
        repository = root / row["repo"].replace("/", "__")
        target = repository / row["original_path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus_dir / row["local_path"], target)
        if row["format"] == "terraform":
            files[row["local_path"]] = (target, row["original_path"])
    return files


def test_corpus_terraform(corpus_layout):
    assert set(corpus_layout) == set(CORPUS_COUNTS)
    for local_path, (path, display) in sorted(corpus_layout.items()):
        result = terraform.load(path, display, path.read_text(encoding="utf-8-sig"))
        codes = [problem.code for problem in result.problems]
        if local_path in INVALID_CORPUS_FILES:
            assert codes == ["SCP001"], local_path
        else:
            assert "SCP001" not in codes, (local_path, result.problems)
        assert len(result.documents) == CORPUS_COUNTS[local_path], local_path
