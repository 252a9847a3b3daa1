"""AWS's published Region-deny policies, linted as users copy them."""

from __future__ import annotations

import json

import pytest

from scplint.config import Config
from scplint.engine import Linter
from scplint.registry import load_rules

RULES = load_rules()
GUARDRAILS = {code: RULES[code] for code in ("SCP201", "SCP202", "SCP203", "SCP204")}
BREAK_GLASS = {
    "ArnNotLike": {
        "aws:PrincipalARN": [
            "arn:aws:iam::*:role/Role1AllowedToBypassThisSCP",
            "arn:aws:iam::*:role/Role2AllowedToBypassThisSCP",
        ]
    }
}


def _region_deny(not_action, regions, *, break_glass=True):
    condition = {"StringNotEquals": {"aws:RequestedRegion": regions}}
    if break_glass:
        condition.update(BREAK_GLASS)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "DenyAllOutsideEU", "Effect": "Deny", "NotAction": not_action, "Resource": "*", "Condition": condition}
        ],
    }


def _lint(tmp_path, policy, rules=GUARDRAILS):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy, indent=2), encoding="utf-8")
    linter = Linter(Config(root=tmp_path), RULES, rules)
    return linter.lint_files([path]).findings


@pytest.fixture(scope="module")
def notaction_lists(shared_dir):
    return json.loads((shared_dir / "reference" / "region-deny-notaction-lists.json").read_text(encoding="utf-8"))


def test_orgs_current_example_is_clean(tmp_path, notaction_lists):
    policy = _region_deny(notaction_lists["orgs_userguide_current"], ["eu-central-1", "eu-west-1"])
    findings = _lint(tmp_path, policy)
    assert [f"{f.code}: {f.message}" for f in findings] == []


def test_control_tower_list_is_clean(tmp_path, notaction_lists):
    policy = _region_deny(notaction_lists["control_tower_GRREGIONDENY_and_CT_MULTISERVICE_PV_1"], ["eu-west-1"])
    findings = _lint(tmp_path, policy, {code: RULES[code] for code in ("SCP201", "SCP202", "SCP203", "SCP205")})
    assert [f"{f.code}: {f.message}" for f in findings] == []


def test_iam_example_names_sts_and_organizations(tmp_path, notaction_lists):
    policy = _region_deny(notaction_lists["iam_userguide_example"], ["eu-west-1"])
    findings = [f for f in _lint(tmp_path, policy) if f.code == "SCP202" and "global services" in f.message]
    assert len(findings) == 1
    message = findings[0].message
    assert "sts" in message
    assert "organizations" in message
    assert "cloudfront" not in message.split(":", 1)[1]
    text = (tmp_path / "policy.json").read_text(encoding="utf-8")
    not_action_line = next(number for number, line in enumerate(text.splitlines(), 1) if '"NotAction"' in line)
    assert findings[0].span is not None
    assert findings[0].span.line == not_action_line


def test_iam_example_with_us_east_1_blocks_only_us_west_2(tmp_path, notaction_lists):
    policy = _region_deny(notaction_lists["iam_userguide_example"], ["eu-west-1", "us-east-1"])
    findings = [f for f in _lint(tmp_path, policy) if f.code == "SCP202"]
    assert len(findings) == 1
    assert "us-west-2: globalaccelerator, networkmanager" in findings[0].message
    assert "iam" not in findings[0].message.split(":", 2)[2]


def test_2020_example_without_sts_is_reported(tmp_path, notaction_lists):
    policy = _region_deny(notaction_lists["orgs_userguide_2020_01_to_2020_03"], ["eu-west-1"], break_glass=False)
    codes = sorted({f.code for f in _lint(tmp_path, policy)})
    assert codes == ["SCP202", "SCP203"]


@pytest.mark.parametrize(
    ("operator", "regions", "blocked"),
    [
        ("StringNotLike", ["eu-*"], True),
        ("StringNotLike", ["eu-*", "us-*"], False),
        ("StringNotEqualsIgnoreCase", ["EU-WEST-1", "US-EAST-1", "US-WEST-2"], False),
        ("StringNotEqualsIfExists", ["us-east-1", "us-west-2"], False),
    ],
)
def test_allowed_region_forms(tmp_path, operator, regions, blocked):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {operator: {"aws:RequestedRegion": regions}, **BREAK_GLASS},
            }
        ],
    }
    findings = [f for f in _lint(tmp_path, policy) if f.code == "SCP202"]
    assert bool(findings) is blocked


def test_inverted_region_logic_blocks_listed_region(tmp_path):
    """Deny when the Region IS us-east-1: IAM and the other us-east-1 services are denied."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}, **BREAK_GLASS},
            }
        ],
    }
    findings = [f for f in _lint(tmp_path, policy) if f.code == "SCP202"]
    assert len(findings) == 1
    assert "us-east-1" in findings[0].message
    assert "globalaccelerator" not in findings[0].message


def test_2020_example_flags_exactly_the_two_bad_entries(tmp_path, notaction_lists):
    entries = notaction_lists["orgs_userguide_2020_08_to_2021_08"]
    policy = _region_deny(entries, ["eu-west-1"])
    knowledge = {code: rule for code, rule in RULES.items() if code.startswith("SCP1")}
    findings = _lint(tmp_path, policy, knowledge)
    flagged = sorted(finding.message.split("'")[1] for finding in findings)
    assert flagged == ["awsbillingconsole:*", "s3:ListBuckets"]
    text = (tmp_path / "policy.json").read_text(encoding="utf-8").splitlines()
    for finding in findings:
        quoted = finding.message.split("'")[1]
        assert f'"{quoted}"' in text[finding.span.line - 1]


def test_upper_case_regions_are_reported_as_unknown(tmp_path):
    """StringNotEquals is case-sensitive, so EU-WEST-1 matches no request, and SCP206 reports why."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["EU-WEST-1", "us-east-1"]}, **BREAK_GLASS},
            }
        ],
    }
    findings = _lint(tmp_path, policy, {code: RULES[code] for code in ("SCP202", "SCP206")})
    assert [finding.code for finding in findings] == ["SCP206"]
    assert "lowercase" in findings[0].message


def _deny(condition, **elements):
    statement = {"Effect": "Deny", "Resource": "*", **elements, "Condition": condition}
    return {"Version": "2012-10-17", "Statement": [statement]}


def test_govcloud_region_deny_is_not_an_allowlist(tmp_path):
    policy = _deny({"StringNotEquals": {"aws:RequestedRegion": ["us-gov-west-1"]}, **BREAK_GLASS}, NotAction=["iam:*"])
    codes = [f.code for f in _lint(tmp_path, policy, {c: RULES[c] for c in ("SCP201", "SCP202", "SCP206")})]
    assert codes == []


def test_isolated_partition_regions_are_known(tmp_path):
    policy = _deny({"StringNotEquals": {"aws:RequestedRegion": ["us-iso-east-1", "eusc-de-east-1"]}}, Action="ec2:*")
    assert _lint(tmp_path, policy, {"SCP206": RULES["SCP206"]}) == []


def test_multi_region_access_points_listed_in_us_west_2(tmp_path):
    policy = _deny({"StringNotEquals": {"aws:RequestedRegion": ["us-west-2"]}, **BREAK_GLASS}, Action="s3:ListMultiRegionAccessPoints")
    assert _lint(tmp_path, policy, {"SCP202": RULES["SCP202"]}) == []
    policy = _deny({"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}, **BREAK_GLASS}, Action="s3:ListMultiRegionAccessPoints")
    findings = _lint(tmp_path, policy, {"SCP202": RULES["SCP202"]})
    assert len(findings) == 1
    assert "us-west-2" in findings[0].message


def test_bucket_scoped_deny_does_not_block_account_actions(tmp_path):
    statement = {
        "Effect": "Deny", "Action": "s3:*", "Resource": ["arn:aws:s3:::audit", "arn:aws:s3:::audit/*"],
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
    }
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    assert _lint(tmp_path, policy, {"SCP202": RULES["SCP202"]}) == []


def test_unresolved_resource_is_undecided(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(
        'resource "aws_organizations_policy" "x" {\n  content = jsonencode({\n    Version = "2012-10-17"\n'
        '    Statement = [{ Effect = "Deny", Action = "*", Resource = var.resource_arn,\n'
        '      Condition = { StringNotEquals = { "aws:RequestedRegion" = ["eu-west-1"] } } }]\n  })\n}\n',
        encoding="utf-8",
    )
    findings = Linter(Config(root=tmp_path), RULES, {"SCP202": RULES["SCP202"]}).lint_files([path]).findings
    assert [f.message.startswith("cannot decide") for f in findings] == [True]


def test_notaction_star_region_statement_is_quiet(tmp_path):
    policy = _deny({"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}, NotAction=["*"])
    assert _lint(tmp_path, policy, {c: RULES[c] for c in ("SCP201", "SCP202", "SCP203")}) == []
