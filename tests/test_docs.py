"""The generated rule reference is current, and every rule renders its documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from scplint import docs
from scplint.registry import load_rules

RULES = load_rules()
REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def test_rules_reference_is_current():
    assert REFERENCE.read_text(encoding="utf-8") == docs.reference(RULES), (
        "docs/rules.md is stale; regenerate it with: python -m scplint.docs > docs/rules.md"
    )


@pytest.mark.parametrize("code", list(RULES))
def test_rule_page_has_sections(code):
    page = docs.rule_page(RULES[code])
    assert page.startswith(f"# {code} {RULES[code].name}")
    assert "## What it does" in page
    assert "## Why it matters" in page


@pytest.mark.parametrize("code", [code for code in RULES if RULES[code].options])
def test_rule_page_lists_options(code):
    page = docs.rule_page(RULES[code])
    for option in RULES[code].options:
        assert option.setting in page
