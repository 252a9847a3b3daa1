"""Focused cases for SCP401 redundant-action and SCP402 sid-characters."""

from __future__ import annotations

import json

from scplint.model import PolicyKind
from scplint.registry import load_rules
from scplint.rule import Example
from scplint.testing import lint_example

RULES = load_rules()


def statement_policy(**statement) -> str:
    body = {"Effect": "Deny", "Resource": "*", **statement}
    return json.dumps({"Version": "2012-10-17", "Statement": [body]})


def findings(code: str, text: str, kind: PolicyKind = PolicyKind.SCP):
    found = lint_example(RULES[code], Example(text, kind=kind), RULES)
    return [finding for finding in found if finding.code == code]


def test_redundant_star_covers_all():
    reported = findings("SCP401", statement_policy(Action=["*", "s3:GetObject", "ec2:*"]))
    messages = sorted(finding.message for finding in reported)
    assert len(messages) == 2
    assert all("already covered by '*'" in message for message in messages)


def test_redundant_pattern_inside_pattern():
    [finding] = findings("SCP401", statement_policy(Action=["s3:Get*", "s3:GetObject*"]))
    assert "'s3:GetObject*' is already covered by 's3:Get*'" in finding.message


def test_redundant_equivalent_patterns_report_later():
    [finding] = findings("SCP401", statement_policy(Action=["s3:*", "S3:*"]))
    assert "'S3:*' duplicates 's3:*'" in finding.message


def test_redundant_triple_duplicate():
    reported = findings("SCP401", statement_policy(Action=["s3:GetObject", "s3:GetObject", "s3:GetObject"]))
    assert len(reported) == 2


def test_redundant_question_mark_not_subsumed():
    assert not findings("SCP401", statement_policy(Action=["s3:Get?", "s3:GetObject"]))


def test_redundant_not_action_duplicate():
    [finding] = findings("SCP401", statement_policy(NotAction=["iam:*", "sts:*", "IAM:*"]))
    assert "NotAction entry 'IAM:*' duplicates 'iam:*'" in finding.message


def test_sid_lists_each_character_once():
    [finding] = findings("SCP402", statement_policy(Sid="Deny S3 and_EC2 now", Action="s3:*"))
    assert "' ', '_'" in finding.message


def test_sid_non_ascii_letter():
    [finding] = findings("SCP402", statement_policy(Sid="Verweigerä", Action="s3:*"))
    assert "'ä'" in finding.message


def test_sid_absent():
    assert not findings("SCP402", statement_policy(Action="s3:*"))
