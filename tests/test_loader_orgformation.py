"""Tests of the org-formation organization file loader."""

from __future__ import annotations

import csv
from pathlib import Path

from scplint.loaders import ParsedFile, cloudformation, load_file, orgformation, parse_structured
from scplint.model import LoadResult, PolicyDocument, PolicyKind, is_placeholder

FIXTURES = Path(__file__).parent / "fixtures" / "orgformation"
ORGANIZATION = FIXTURES / "organization.yml"


def load_fixture(name: str, kind: PolicyKind = PolicyKind.SCP) -> LoadResult:
    return load_file(FIXTURES / name, name, kind)


def parse_text(tmp_path: Path, text: str, name: str = "organization.yml") -> ParsedFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_structured(path, name, text)


def documents_by_id(result: LoadResult) -> dict[str, PolicyDocument]:
    return {document.name.split(" ")[0]: document for document in result.documents}


def position_of(path: Path, needle: str) -> tuple[int, int]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


# Detection


def test_detect_organization_file():
    parsed = parse_structured(ORGANIZATION, ORGANIZATION.name, ORGANIZATION.read_text(encoding="utf-8"))
    assert orgformation.detect(parsed)
    assert not cloudformation.detect(parsed)


def test_detect_task_file():
    path = FIXTURES / "organization-tasks.yml"
    parsed = parse_structured(path, path.name, path.read_text(encoding="utf-8"))
    assert orgformation.detect(parsed)


def test_detect_plain_policy_rejected(tmp_path):
    text = "Version: '2012-10-17'\nStatement:\n  - Effect: Deny\n    Action: '*'\n    Resource: '*'\n"
    assert not orgformation.detect(parse_text(tmp_path, text, "policy.yaml"))


def test_detect_cloudformation_template_rejected(tmp_path):
    text = "AWSTemplateFormatVersion: '2010-09-09-OC'\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
    assert not orgformation.detect(parse_text(tmp_path, text))


# Loading


def test_load_policies():
    result = load_fixture("organization.yml")
    documents = documents_by_id(result)
    assert sorted(documents) == ["DenyLeaveOrganizationSCP", "RestrictRegionsSCP"]
    assert result.problems == []


def test_load_name_kind_and_loader():
    document = documents_by_id(load_fixture("organization.yml", PolicyKind.RCP))["RestrictRegionsSCP"]
    assert document.name == "RestrictRegionsSCP (RestrictRegions)"
    assert document.kind is PolicyKind.SCP
    assert document.loader == "orgformation"


def test_attachments_root_nested_ou_and_star():
    document = documents_by_id(load_fixture("organization.yml"))["DenyLeaveOrganizationSCP"]
    assert document.attachments == ["ou:Root", "ou:workloads/dev", "account:Sandbox"]


def test_attachments_list_ref():
    document = documents_by_id(load_fixture("organization.yml"))["RestrictRegionsSCP"]
    assert document.attachments == ["ou:workloads/dev", "account:Sandbox"]


def test_condition_ref_placeholder():
    document = documents_by_id(load_fixture("organization.yml"))["RestrictRegionsSCP"]
    values = document.statements[0].conditions_on("aws:RequestedRegion")[0].values
    assert values == ("!Ref allowedRegions",)
    assert is_placeholder(values[0])


def test_handlebars_value_placeholder():
    document = documents_by_id(load_fixture("organization.yml"))["RestrictRegionsSCP"]
    values = document.statements[0].conditions_on("aws:PrincipalArn")[0].values
    assert is_placeholder(values[0])


def test_region_condition_position():
    document = documents_by_id(load_fixture("organization.yml"))["RestrictRegionsSCP"]
    line, column = position_of(ORGANIZATION, "!Ref allowedRegions")
    span = document.locate(("Statement", 0, "Condition", "StringNotEquals", "aws:RequestedRegion"))
    assert (span.line, span.column) == (line, column)


def test_task_file_skipped():
    result = load_fixture("organization-tasks.yml")
    assert result.documents == []
    assert result.skipped.startswith("org-formation task file")


def test_no_policy_organization_skipped(tmp_path):
    text = "Organization:\n  Root:\n    Type: OC::ORG::OrganizationRoot\n"
    result = orgformation.load(parse_text(tmp_path, text), PolicyKind.SCP)
    assert result.documents == []
    assert "no OC::ORG::ServiceControlPolicy" in result.skipped


def test_missing_policy_document_problem(tmp_path):
    text = (
        "Organization:\n  Empty:\n    Type: OC::ORG::ServiceControlPolicy\n"
        "    Properties:\n      PolicyName: Empty\n"
    )
    result = orgformation.load(parse_text(tmp_path, text), PolicyKind.SCP)
    assert result.documents == []
    assert [problem.code for problem in result.problems] == ["SCP002"]
    assert "no PolicyDocument property" in result.problems[0].message


# Public corpus

# Policies found per corpus file of format orgformation, checked by reading each file.
CORPUS_COUNTS = {
    "org-formation__org-formation-cli/examples__organization.yml": 2,
    # Accounts and OUs only. The manifest notes list no policy either.
    "org-formation__org-formation-reference/src__organization.yml": 0,
    # A CloudFormation task template: Community::Organizations::Policy reads its Content
    # with !ReadFile from resources/deny-root-access-policy.json, which is not in the
    # corpus, so the loader reports that file as not found instead of a document.
    "org-formation__org-formation-reference/src__templates__010-scps__deny-root-access.yml": 0,
    # CloudFormation task templates with AWS::Organizations::Policy (the manifest notes
    # name Community::Organizations::Policy for the first one, but the file uses the AWS type).
    "org-formation__org-formation-reference/src__templates__010-scps__deny-unsupported-regions.yml": 1,
    "org-formation__org-formation-reference/src__templates__010-scps__self-protect.yml": 1,
}
MISSING_REFERENCE_FILES = {
    "org-formation__org-formation-reference/src__templates__010-scps__deny-root-access.yml",
}


def test_corpus_orgformation_counts(corpus_dir):
    with (corpus_dir / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t") if row["format"] == "orgformation"]
    assert sorted(row["local_path"] for row in rows) == sorted(CORPUS_COUNTS)
    for row in rows:
        local_path = row["local_path"]
        result = load_file(corpus_dir / local_path, local_path)
        assert len(result.documents) == CORPUS_COUNTS[local_path], local_path
        messages = [problem.message for problem in result.problems if problem.code == "SCP001"]
        if local_path in MISSING_REFERENCE_FILES:
            assert len(messages) == 1, local_path
            assert messages[0].startswith("policy file not found"), local_path
        else:
            assert messages == [], local_path


def test_corpus_unsupported_regions_placeholder(corpus_dir):
    local_path = "org-formation__org-formation-reference/src__templates__010-scps__deny-unsupported-regions.yml"
    result = load_file(corpus_dir / local_path, local_path)
    values = result.documents[0].statements[0].conditions_on("aws:RequestedRegion")[0].values
    assert values == ("!Ref supportedRegions",)
    assert is_placeholder(values[0])
