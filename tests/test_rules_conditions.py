"""Focused cases for the condition rules SCP103 to SCP109, run through the engine."""

from __future__ import annotations

import json

import pytest

from scplint.evaluate.keys import is_multivalued, key_type, literal_entries, suggest_key
from scplint.model import Placeholder, PolicyKind, Statement
from scplint.registry import load_rules
from scplint.rule import Example, Severity
from scplint.testing import lint_example

RULES = load_rules()


def policy(statement: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def deny(condition: dict, action="s3:*", **extra) -> str:
    return policy({"Effect": "Deny", "Action": action, "Resource": "*", "Condition": condition, **extra})


def allow(condition: dict, action="*") -> str:
    return policy({"Effect": "Allow", "Action": action, "Resource": "*", "Condition": condition})


def findings(code: str, text: str, kind: PolicyKind = PolicyKind.SCP):
    found = lint_example(RULES[code], Example(text, kind=kind), RULES)
    crashes = [finding for finding in found if finding.code == "SCP000"]
    assert not crashes, crashes[0].message
    return [finding for finding in found if finding.code == code]


# --- shared key helpers ------------------------------------------------------------------


def test_key_type_angle_template():
    assert key_type("s3:ExistingObjectTag/classification") == "String"


def test_key_type_unknown():
    assert key_type("aws:NoSuchKey") is None


def test_is_multivalued_global_and_service():
    assert is_multivalued("aws:TagKeys") is True
    assert is_multivalued("aws:PrincipalTag/team") is False
    assert is_multivalued("sagemaker:InstanceTypes") is True
    assert is_multivalued("nosuch:key") is None


def test_suggest_key_keeps_tag_name():
    assert suggest_key("aws:ResourceTags/env") == "aws:ResourceTag/env"


def test_literal_entries_skip_placeholder_key():
    statement = Statement(0, ("Statement", 0), {
        "Effect": "Deny",
        "Condition": {"StringEquals": {Placeholder("${var.key}"): "x", "aws:PrincipalAccount": "111122223333"}},
    })
    keys = [entry.key for entry in literal_entries(statement)]
    assert keys == ["aws:PrincipalAccount"]


# --- SCP103 -------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [
    "AWS:PRINCIPALARN",
    "aws:ResourceTag/cost-center",
    "s3:RequestObjectTag/classification",
    "saml:aud",
    "token.actions.githubusercontent.com:sub",
    "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub",
])
def test_unknown_key_accepts_documented(key):
    assert not findings("SCP103", deny({"StringEquals": {key: "x"}}))


def test_unknown_key_without_colon():
    [finding] = findings("SCP103", deny({"StringEquals": {"PrincipalArn": "x"}}))
    assert "is not a condition key" in finding.message


def test_unknown_key_suggests_service_key():
    [finding] = findings("SCP103", deny({"StringEquals": {"ec3:InstanceType": "t3.micro"}}))
    assert "did you mean 'ec2:InstanceType'" in finding.message


def test_unknown_key_placeholder_value_ignored():
    text = deny({"StringEquals": {"aws:PrincipalAccount": "${var.account}"}})
    assert not findings("SCP103", text)


# --- SCP104 -------------------------------------------------------------------------------


def test_mismatch_string_on_arn_is_warning():
    [finding] = findings("SCP104", deny({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}))
    assert finding.severity is Severity.WARNING
    assert "use ArnLike" in finding.message


def test_mismatch_keeps_qualifier_and_ifexists():
    [finding] = findings("SCP104", deny({"NumericLessThanIfExists": {"aws:SourceIp": "10"}}))
    assert finding.severity is Severity.ERROR
    assert "use IpAddressIfExists" in finding.message


def test_mismatch_arn_values_on_string_key():
    assert not findings("SCP104", deny({"ArnLike": {"iam:PermissionsBoundary": "arn:aws:iam::*:policy/Boundary"}}, action="iam:CreateRole"))


def test_mismatch_unknown_key_skipped():
    assert not findings("SCP104", deny({"Bool": {"aws:NoSuchKey": "true"}}))


def test_mismatch_null_skipped():
    assert not findings("SCP104", deny({"Null": {"aws:PrincipalArn": "false"}}))


# --- SCP105 -------------------------------------------------------------------------------


def test_wildcard_ignore_case_operator():
    [finding] = findings("SCP105", deny({"StringNotEqualsIgnoreCase": {"aws:RequestedRegion": "eu-*"}}))
    assert "use StringNotLike" in finding.message
    assert "case-sensitive" in finding.message


def test_wildcard_question_mark():
    [finding] = findings("SCP105", deny({"StringEquals": {"ec2:InstanceType": "t3.?large"}}, action="ec2:RunInstances"))
    assert "'t3.?large'" in finding.message


def test_wildcard_in_arn_equals_accepted():
    assert not findings("SCP105", deny({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}))


def test_wildcard_ifexists_kept_in_advice():
    [finding] = findings("SCP105", deny({"StringNotEqualsIfExists": {"aws:PrincipalArn": "arn:aws:iam::*:role/A"}}))
    assert "use ArnNotLikeIfExists" in finding.message


# --- SCP106 -------------------------------------------------------------------------------


def test_set_operator_service_array_key():
    [finding] = findings("SCP106", deny({"StringEquals": {"sagemaker:InstanceTypes": "ml.t3.medium"}}, action="sagemaker:CreateNotebookInstance"))
    assert "multivalued" in finding.message


def test_set_operator_for_any_value_on_single():
    [finding] = findings("SCP106", deny({"ForAnyValue:StringNotLike": {"ec2:InstanceType": "t3.*"}}, action="ec2:RunInstances"))
    assert "use StringNotLike" in finding.message


# --- SCP107 -------------------------------------------------------------------------------


def test_negated_tag_with_ifexists_accepted():
    assert not findings("SCP107", deny({"StringNotEqualsIfExists": {"aws:PrincipalTag/team": "data"}}))


def test_negated_tag_in_allow_ignored():
    assert not findings("SCP107", allow({"StringNotEquals": {"aws:PrincipalTag/team": "data"}}))


def test_negated_resource_tag_every_service():
    [finding] = findings("SCP107", deny({"StringNotEquals": {"aws:ResourceTag/team": "a"}}, action="*"))
    assert "every service" in finding.message


def test_negated_resource_tag_names_action():
    text = deny({"StringNotEquals": {"aws:ResourceTag/team": "a"}}, action=["ec2:TerminateInstances", "ec2:DescribeInstances"])
    [finding] = findings("SCP107", text)
    assert "ec2:DescribeInstances" in finding.message


def test_negated_source_key_with_ifexists_reported():
    [finding] = findings("SCP107", deny({"StringNotEqualsIfExists": {"aws:SourceAccount": "111122223333"}}))
    assert "every direct call" in finding.message


def test_negated_source_key_gated_by_null():
    text = deny({"StringNotEquals": {"aws:SourceAccount": "111122223333"}, "Null": {"aws:SourceArn": "false"}})
    assert not findings("SCP107", text)


def test_negated_principal_arn_ignored():
    assert not findings("SCP107", deny({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}))


# --- SCP108 -------------------------------------------------------------------------------


def test_fail_open_calledvia_exemption_accepted():
    text = deny({"ForAllValues:StringNotEquals": {"aws:CalledVia": ["athena.amazonaws.com"]}})
    assert not findings("SCP108", text)


def test_fail_open_deny_ifexists_accepted():
    assert not findings("SCP108", deny({"StringEqualsIfExists": {"aws:PrincipalTag/team": "x"}}))


def test_fail_open_allow_ifexists_always_present_key():
    assert not findings("SCP108", allow({"StringEqualsIfExists": {"aws:RequestedRegion": "eu-west-1"}}))


def test_fail_open_allow_ifexists_with_null():
    text = allow({"StringEqualsIfExists": {"aws:PrincipalTag/team": "x"}, "Null": {"aws:PrincipalTag/team": "false"}})
    assert not findings("SCP108", text)


def test_fail_open_allow_for_all_values():
    [finding] = findings("SCP108", allow({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}))
    assert "grants every request without aws:TagKeys" in finding.message


# --- SCP109 -------------------------------------------------------------------------------


def rcp(actions) -> str:
    return policy({"Effect": "Deny", "Principal": "*", "Action": actions, "Resource": "*"})


def test_rcp_wildcard_prefix_supported():
    assert not findings("SCP109", rcp(["s*:GetObject"]), PolicyKind.RCP)


def test_rcp_string_action_unsupported():
    [finding] = findings("SCP109", rcp("ec2:RunInstances"), PolicyKind.RCP)
    assert "restricts nothing" in finding.message


def test_rcp_rule_skips_scp():
    assert not findings("SCP109", policy({"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}))


def test_rcp_unknown_prefix_left_to_scp101():
    assert not findings("SCP109", rcp(["nosuchservice:Get"]), PolicyKind.RCP)


def test_unknown_key_suggests_service_prefix():
    [finding] = findings("SCP103", deny({"StringEquals": {"lambdaa:nosuchkey": "x"}}))
    assert "did you mean 'lambda'" in finding.message


# --- corpus -------------------------------------------------------------------------------

CONDITION_CODES = ("SCP103", "SCP104", "SCP105", "SCP106", "SCP107", "SCP108", "SCP109", "SCP401", "SCP402")


def test_corpus_runs_without_crash(corpus_dir):
    from scplint.config import Config
    from scplint.engine import Linter

    selected = {code: RULES[code] for code in CONDITION_CODES}
    linter = Linter(Config(root=corpus_dir), RULES, selected)
    result, _ = linter.lint_paths([corpus_dir])
    crashes = [finding.message for finding in result.findings if finding.code == "SCP000"]
    assert crashes == []


def test_corpus_data_perimeter_calledvia_not_fail_open(corpus_dir):
    from scplint.config import Config
    from scplint.engine import Linter

    path = corpus_dir / "aws-samples__data-perimeter-policy-examples" / "service_control_policies__resource_perimeter_scp.json"
    if not path.is_file():
        pytest.skip(f"{path} not in the corpus")
    linter = Linter(Config(root=corpus_dir), RULES, {"SCP108": RULES["SCP108"]})
    result = linter.lint_files([path])
    assert [finding for finding in result.findings if finding.code == "SCP108"] == []
