"""Tests of the CDK Python loader (aws_organizations.CfnPolicy)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from scplint.loaders import cdk, load_file
from scplint.model import LoadResult, Placeholder, PolicyKind, Span

FIXTURES = Path(__file__).parent / "fixtures" / "cdk"


def load_fixture(name: str, kind: PolicyKind = PolicyKind.SCP) -> LoadResult:
    path = FIXTURES / name
    return cdk.load(path, f"fixtures/cdk/{name}", path.read_text(encoding="utf-8"), kind)


def load_text(text: str, kind: PolicyKind = PolicyKind.SCP) -> LoadResult:
    return cdk.load(Path("stack.py"), "stack.py", text, kind)


def by_name(result: LoadResult) -> dict:
    return {document.name: document for document in result.documents}


def span_of(text: str, needle: str, occurrence: int = 0) -> Span:
    """Return the 1-based span of the ``occurrence``-th ``needle`` in ``text``."""
    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Span(line, column, line, column + len(needle))


# --- content forms ----------------------------------------------------------------------


def test_dict_content_data():
    result = load_fixture("dict_content.py")
    assert result.problems == []
    assert len(result.documents) == 1
    document = result.documents[0]
    assert document.name == "guardrails"
    assert document.kind is PolicyKind.SCP
    assert document.loader == "cdk-python"
    assert document.deployed_text is None
    statements = document.data["Statement"]
    assert statements[0]["Action"] == ["organizations:LeaveOrganization"]
    assert statements[1]["NotAction"] == ["iam:*", "sts:*"]


def test_dict_content_constant_followed():
    document = load_fixture("dict_content.py").documents[0]
    values = document.data["Statement"][1]["Condition"]["StringNotEquals"]["aws:RequestedRegion"]
    assert values == ["eu-west-1", "eu-central-1"]


def test_dict_content_target_ids_literal_only():
    document = load_fixture("dict_content.py").documents[0]
    assert document.attachments == ["ou-abcd-11111111"]


def test_dict_content_positions():
    text = (FIXTURES / "dict_content.py").read_text()
    document = load_fixture("dict_content.py").documents[0]
    action = document.locate(("Statement", 0, "Action", 0))
    assert action == span_of(text, '"organizations:LeaveOrganization"')
    key = document.locate(("Statement", 1, "NotAction"), key=True)
    assert key == span_of(text, '"NotAction"')
    sts = document.locate(("Statement", 1, "NotAction", 1))
    assert sts == span_of(text, '"sts:*"')


def test_constant_positions_point_at_assignment():
    text = (FIXTURES / "dict_content.py").read_text()
    document = load_fixture("dict_content.py").documents[0]
    path = ("Statement", 1, "Condition", "StringNotEquals", "aws:RequestedRegion", 1)
    assert document.locate(path) == span_of(text, '"eu-central-1"')


def test_positions_are_one_based():
    text = 'from aws_cdk import aws_organizations as o\no.CfnPolicy(None, "P", content={"Version": "2012-10-17"})\n'
    document = load_text(text).documents[0]
    # '"2012-10-17"' starts at the 44th character of line 2 and is 12 characters long.
    assert document.locate(("Version",)) == Span(2, 44, 2, 56)


def test_policy_document_to_json_snapshot():
    document = by_name(load_fixture("policy_document.py"))["RegionDeny"]
    statements = document.data["Statement"]
    assert len(statements) == 2
    assert statements[1]["Action"] == "account:CloseAccount"
    assert document.data["Version"] == "2012-10-17"


def test_policy_statement_elements():
    document = by_name(load_fixture("policy_document.py"))["RegionDeny"]
    statement = document.data["Statement"][0]
    assert statement["Effect"] == "Deny"
    assert statement["Sid"] == "DenyOutsideRegions"
    assert statement["NotAction"] == ["iam:*", "organizations:*"]
    assert statement["Resource"] == "*"
    assert "Action" not in statement


def test_policy_statement_default_allow():
    document = by_name(load_fixture("policy_document.py"))["Dumped"]
    assert document.data["Statement"][2]["Effect"] == "Allow"


def test_policy_statement_unresolved_condition():
    document = by_name(load_fixture("policy_document.py"))["RegionDeny"]
    values = document.data["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"]
    assert values == [Placeholder("regions")]
    assert isinstance(values[0], Placeholder)


def test_policy_document_lazy_includes_later_statements():
    document = by_name(load_fixture("policy_document.py"))["Lazy"]
    actions = [statement["Action"] for statement in document.data["Statement"]]
    assert actions == ["ec2:*", "rekognition:*"]


def test_policy_statement_principal_placeholder():
    document = by_name(load_fixture("policy_document.py"))["Lazy"]
    principal = document.data["Statement"][0]["Principal"]
    assert isinstance(principal, Placeholder)
    assert principal == "[iam.AnyPrincipal()]"


def test_policy_document_dumps_with_placeholder():
    document = by_name(load_fixture("policy_document.py"))["Dumped"]
    assert len(document.data["Statement"]) == 3
    assert document.deployed_text is None


def test_policy_statement_positions():
    text = (FIXTURES / "policy_document.py").read_text()
    document = by_name(load_fixture("policy_document.py"))["RegionDeny"]
    located = document.locate(("Statement", 0, "NotAction", 1))
    assert located == span_of(text, '"organizations:*"')
    close = document.locate(("Statement", 1, "Action"))
    assert close == span_of(text, '"account:CloseAccount"')


def test_string_content_deployed_verbatim():
    text = (FIXTURES / "strings.py").read_text()
    document = by_name(load_fixture("strings.py"))["FromString"]
    literal = text.split("POLICY_JSON = '", 1)[1].split("'\n", 1)[0]
    assert document.deployed_text == literal
    assert document.data == json.loads(literal)


def test_string_content_positions_inside_string():
    text = (FIXTURES / "strings.py").read_text()
    document = by_name(load_fixture("strings.py"))["FromString"]
    assert document.locate(("Statement", 0, "Action")) == span_of(text, '"s3:*"')


def test_json_loads_content():
    result = load_fixture("strings.py")
    document = by_name(result)["FromLoads"]
    assert document.data["Statement"][0]["Effect"] == "Deny"
    assert document.deployed_text is None


def test_type_rcp():
    document = by_name(load_fixture("strings.py"))["enforce-tls"]
    assert document.kind is PolicyKind.RCP
    assert document.data["Statement"][0]["Principal"] == "*"


def test_json_dumps_deployed_text():
    document = by_name(load_fixture("strings.py"))["Compact"]
    expected = json.dumps(document.data, separators=(",", ":"))
    assert document.deployed_text == expected
    assert document.kind is PolicyKind.RCP


def test_other_policy_types_skipped():
    names = set(by_name(load_fixture("strings.py")))
    assert names == {"FromString", "FromLoads", "enforce-tls", "Compact"}


def test_only_other_types_reason():
    text = 'from aws_cdk import aws_organizations as o\no.CfnPolicy(None, "T", content={}, type="TAG_POLICY")\n'
    result = load_text(text)
    assert result.documents == []
    assert "TAG_POLICY" in (result.skipped or "")


def test_json_string_escapes_map_to_literal():
    text = (
        "from aws_cdk import aws_organizations as o\n"
        'o.CfnPolicy(None, "E", content="{\\"Version\\": \\"2012-10-17\\"}")\n'
    )
    document = load_text(text).documents[0]
    assert document.data == {"Version": "2012-10-17"}
    literal = span_of(text, '"{\\"Version')
    assert document.locate(("Version",)).line == literal.line
    assert document.locate(("Version",)).column == literal.column


def test_invalid_json_string():
    text = 'from aws_cdk import aws_organizations as o\no.CfnPolicy(None, "Bad", content=\'{"Version": }\')\n'
    result = load_text(text)
    codes = [problem.code for problem in result.problems]
    assert codes == ["SCP001"]
    assert result.problems[0].span is not None
    assert result.problems[0].span.line == 2


def test_assign_sids_when_resolved():
    text = (
        "from aws_cdk import aws_iam as iam, aws_organizations as o\n"
        "doc = iam.PolicyDocument(assign_sids=True, statements=[\n"
        '    iam.PolicyStatement(effect=iam.Effect.DENY, actions=["s3:*"], resources=["*"]),\n'
        '    iam.PolicyStatement(effect=iam.Effect.DENY, actions=["s3:*"], resources=["*"]),\n'
        '    iam.PolicyStatement(sid="Named", effect=iam.Effect.DENY, actions=["ec2:*"], resources=["*"]),\n'
        "])\n"
        'o.CfnPolicy(None, "Sids", content=doc)\n'
    )
    statements = load_text(text).documents[0].data["Statement"]
    assert len(statements) == 2
    assert statements[0]["Sid"] == "0"
    assert statements[1]["Sid"] == "Named"


def test_statement_methods():
    text = (
        "from aws_cdk import aws_iam as iam\n"
        "from aws_cdk.aws_organizations import CfnPolicy\n"
        "statement = iam.PolicyStatement(effect=iam.Effect.DENY)\n"
        'statement.add_actions("s3:DeleteBucket", "s3:DeleteObject")\n'
        "statement.add_all_resources()\n"
        'statement.add_condition("StringNotLike", {"aws:PrincipalArn": ["arn:aws:iam::*:role/Admin"]})\n'
        'CfnPolicy(None, "Methods", content=iam.PolicyDocument(statements=[statement]))\n'
    )
    statement = load_text(text).documents[0].data["Statement"][0]
    assert statement["Action"] == ["s3:DeleteBucket", "s3:DeleteObject"]
    assert statement["Resource"] == "*"
    assert statement["Condition"] == {"StringNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/Admin"]}}


def test_policy_document_from_json():
    text = (
        "from aws_cdk import aws_iam as iam, aws_organizations as o\n"
        'o.CfnPolicy(None, "FromJson", content=iam.PolicyDocument.from_json(\n'
        '    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}))\n'
    )
    document = load_text(text).documents[0]
    assert document.data["Statement"][0]["Action"] == "s3:*"
    assert document.locate(("Statement", 0, "Action")) == span_of(text, '"s3:*"')


def test_dict_spread_of_constant():
    text = (
        "from aws_cdk import aws_organizations as o\n"
        'BASE = {"Version": "2012-10-17"}\n'
        'o.CfnPolicy(None, "Spread", content={**BASE, "Statement": []})\n'
    )
    document = load_text(text).documents[0]
    assert document.data == {"Version": "2012-10-17", "Statement": []}
    assert document.locate(("Version",)) == span_of(text, '"2012-10-17"')


# --- imports ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, call",
    [
        ("import aws_cdk.aws_organizations as x", "x.CfnPolicy"),
        ("import aws_cdk.aws_organizations", "aws_cdk.aws_organizations.CfnPolicy"),
        ("import aws_cdk as cdk", "cdk.aws_organizations.CfnPolicy"),
        ("from aws_cdk import aws_organizations", "aws_organizations.CfnPolicy"),
        ("from aws_cdk.aws_organizations import CfnPolicy as Scp", "Scp"),
        ("from aws_cdk.aws_organizations import *", "CfnPolicy"),
    ],
)
def test_import_forms(header, call):
    text = f'{header}\n{call}(None, "P", content={{"Version": "2012-10-17", "Statement": []}})\n'
    result = load_text(text)
    assert len(result.documents) == 1
    assert result.documents[0].name == "P"


def test_cfnpolicy_not_imported():
    text = 'from other import CfnPolicy\nCfnPolicy(None, "P", content={"Statement": []})\n'
    result = load_text(text)
    assert result.documents == []
    assert result.skipped is not None


def test_unrelated_file_skipped():
    result = load_fixture("unrelated.py")
    assert result.documents == []
    assert result.problems == []
    assert result.skipped is not None


# --- placeholders -----------------------------------------------------------------------


def test_placeholder_comprehension_is_list():
    document = by_name(load_fixture("placeholders.py"))['f"{prefix}-regions"']
    not_action = document.data["Statement"][0]["NotAction"]
    assert not_action == [Placeholder('[action for action in ("iam:*", "sts:*")]')]
    assert isinstance(not_action[0], Placeholder)


def test_placeholder_parameter_condition():
    document = by_name(load_fixture("placeholders.py"))['f"{prefix}-regions"']
    values = document.data["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"]
    assert values == ["allowed_regions"]
    assert isinstance(values[0], Placeholder)


def test_placeholder_fstring_and_star():
    document = by_name(load_fixture("placeholders.py"))['f"{prefix}-regions"']
    actions = document.data["Statement"][1]["Action"]
    assert actions == ['f"{prefix}:*"', "*load_statements()"]
    assert all(isinstance(action, Placeholder) for action in actions)


def test_placeholder_whole_content():
    document = by_name(load_fixture("placeholders.py"))["Loaded"]
    assert isinstance(document.data, Placeholder)
    assert document.data == "load_statements()"
    assert document.statements == []


def test_placeholder_statement_actions():
    document = by_name(load_fixture("placeholders.py"))["Doc"]
    actions = document.data["Statement"][0]["Action"]
    assert actions == ["allowed_regions"]
    assert isinstance(actions[0], Placeholder)


def test_shadowed_names_not_followed():
    documents = by_name(load_fixture("shadowed.py"))
    assert isinstance(documents["Looped"].data, Placeholder)
    assert isinstance(documents["Param"].data, Placeholder)
    assert documents["Module"].data["Statement"][0]["Action"] == "ec2:*"


def test_other_cfnpolicy_methods_ignored():
    assert set(by_name(load_fixture("shadowed.py"))) == {"Looped", "Param", "Module"}


# --- errors and safety ------------------------------------------------------------------


def test_syntax_error_reported():
    result = load_fixture("syntax_error.py")
    assert result.documents == []
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.code == "SCP001"
    assert problem.message.startswith("invalid Python: ")
    assert problem.span is not None
    assert problem.span.line == 4


def test_side_effects_never_run(tmp_path):
    source = FIXTURES / "side_effect.py"
    copy = tmp_path / "side_effect.py"
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    result = load_file(copy, "side_effect.py")
    marker = tmp_path / "side_effect.py.marker"
    assert not marker.exists()
    assert [document.name for document in result.documents] == ["side-effect"]


# --- public corpus ----------------------------------------------------------------------

# Policies verified by reading each corpus file of format cdk-python.
# cdk__stacks__cdk_organization.py: 0, although the manifest notes mention two policy
# constructs. Both are pepperize_cdk_organizations.Policy, a community L2 construct that
# this loader does not read. Their content is json.load() of two JSON files at synth
# time, and the corpus lists those files separately as json entries.
CORPUS_POLICY_COUNTS = {
    "san99tiago__aws-cdk-organizations-demo/cdk__stacks__cdk_organization.py": 0,
}


def test_corpus_cdk_files(corpus_dir):
    with (corpus_dir / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t") if row["format"] == "cdk-python"]
    assert {row["local_path"] for row in rows} == set(CORPUS_POLICY_COUNTS)
    for row in rows:
        local_path = row["local_path"]
        result = load_file(corpus_dir / local_path, local_path)
        assert [problem.code for problem in result.problems] == [], local_path
        assert len(result.documents) == CORPUS_POLICY_COUNTS[local_path], local_path
