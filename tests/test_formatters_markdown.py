from __future__ import annotations

import dataclasses

import pytest
from formatters_sample import NOTACTION, NotActionRule, empty_result, sample_result

from scplint.formatters import markdown
from scplint.result import LintResult

GOLDEN = """\
## scplint

Found 3 findings (1 error, 1 warning, 1 note) in 2 files.

| Rule | Name | Findings |
| --- | --- | ---: |
| SCP001 | parse-error | 1 |
| [SCP201](https://github.com/scplint/scplint/blob/main/docs/rules.md#scp201-notaction-allowlist) | notaction-allowlist | 2 |

| Code | Location | Message |
| --- | --- | --- |
| SCP201 | policies/deny.json:3 | statement 1 denies every service except ec2:\\* |
| SCP201 | policies/deny.json:4 | statement 2 denies everything |
| SCP001 | policies/broken.json | invalid JSON: expecting ',' delimiter |
"""


def test_markdown_golden():
    assert markdown.render(sample_result()) == GOLDEN


def test_markdown_empty_result():
    assert markdown.render(empty_result()) == "## scplint\n\nAll checks passed: 1 file, 1 policy.\n"


def test_markdown_escapes_table_breakers():
    escaped = markdown.escape_markdown("a | b\nc `d` <e> [f](g) *h* _i_ ~j~ &amp; \\")
    assert escaped == "a \\| b c \\`d\\` \\<e\\> \\[f\\](g) \\*h\\* \\_i\\_ \\~j\\~ \\&amp; \\\\"


def test_markdown_replaces_control_characters():
    assert markdown.escape_markdown("a\x1bb") == "a\u241bb"


def test_markdown_truncates_at_size_limit(monkeypatch: pytest.MonkeyPatch):
    findings = [dataclasses.replace(NOTACTION, message=f"message {index}") for index in range(50)]
    result = LintResult(
        findings=findings, files=["policies/deny.json"], rules={"SCP201": NotActionRule}
    )
    full = markdown.render(result)
    limit = len(full.encode()) // 2
    monkeypatch.setattr(markdown, "MAX_SUMMARY_BYTES", limit)

    output = markdown.render(result)
    rows_shown = output.count("| SCP201 | policies/deny.json:3 |")
    omitted = len(findings) - rows_shown

    assert len(output.encode()) <= limit
    assert 0 < rows_shown < len(findings)
    closing = (
        f"\n{omitted} more findings not shown: the summary would pass GitHub's size limit. "
        "Use the text, JSON or SARIF output for the full list.\n"
    )
    assert output.endswith(closing)


def test_markdown_untruncated_below_limit():
    assert "not shown" not in markdown.render(sample_result())
