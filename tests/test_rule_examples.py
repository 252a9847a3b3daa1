"""Every rule's VALID and INVALID examples, run through the loaders and the engine."""

from __future__ import annotations

import pytest

from scplint.registry import load_rules
from scplint.rule import REQUIRED_DOC_SECTIONS
from scplint.testing import check_example

RULES = load_rules()
CASES = [
    pytest.param(rule, example, kind == "valid", id=f"{code}-{kind}-{index}")
    for code, rule in RULES.items()
    for kind, examples in (("valid", rule.valid), ("invalid", rule.invalid))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "example", "valid"), CASES)
def test_example(rule, example, valid):
    check_example(rule, example, RULES, valid=valid)


# Their input is a crash and the configuration, not a policy; tests/test_engine.py covers them.
NOT_POLICY_RULES = {"SCP000", "SCP403"}


@pytest.mark.parametrize("code", [code for code in RULES if code not in NOT_POLICY_RULES])
def test_rule_has_both_kinds_of_example(code):
    rule = RULES[code]
    assert rule.valid, f"{code} has no VALID example"
    assert rule.invalid, f"{code} has no INVALID example"


@pytest.mark.parametrize("code", list(RULES))
def test_rule_docs_have_required_sections(code):
    sections = RULES[code].docs()
    for title in REQUIRED_DOC_SECTIONS:
        assert sections.get(title), f"{code} docstring lacks a '## {title}' section"


@pytest.mark.parametrize("code", list(RULES))
def test_rule_metadata_shape(code):
    rule = RULES[code]
    assert rule.code.startswith("SCP")
    assert len(rule.code) == 6
    assert rule.name == rule.name.lower()
    assert " " not in rule.name
    assert rule.summary and not rule.summary.endswith(".")
