"""Every rule's VALID and INVALID examples, run through the loaders and the engine."""

from __future__ import annotations

import pytest

from scplint.registry import load_rules
from scplint.rule import REQUIRED_DOC_SECTIONS
from scplint.testing import check_example, lint_example

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
    assert rule.code.startswith("SCP") and len(rule.code) == 6
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.summary and not rule.summary.endswith(".")


def _example_paths():
    for code, rule in RULES.items():
        for index, example in enumerate(rule.invalid):
            if example.path is not None and not example.known_miss:
                yield pytest.param(rule, example, id=f"{code}-invalid-{index}")


@pytest.mark.parametrize(("rule", "example"), list(_example_paths()))
def test_invalid_example_location(rule, example):
    """The finding sits where the example's path points."""
    from pathlib import Path

    from scplint.loaders import parse_structured

    findings = [f for f in lint_example(rule, example, RULES) if f.code == rule.code]
    parsed = parse_structured(Path("example.json"), "example.json", example.policy)
    candidates = [
        span
        for span in (parsed.source_map.keys.get(example.path), parsed.source_map.values.get(example.path))
        if span is not None
    ]
    assert candidates, f"example path {example.path} is not in the document"
    starts = {(span.line, span.column) for span in candidates}
    assert any(f.span is not None and (f.span.line, f.span.column) in starts for f in findings), (
        f"no finding at {sorted(starts)}; got {[f.span for f in findings]}"
    )
