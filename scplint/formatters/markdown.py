"""A Markdown job summary, written to ``$GITHUB_STEP_SUMMARY`` in GitHub Actions.

The summary has a heading, the summary sentence of the text format, a table with the
finding count per rule and a table of findings (code, ``file:line``, message). Text from
findings is escaped so that it shows literally in GitHub Flavored Markdown.

The GitHub runner rejects a step summary larger than 1024 KiB, so the findings table
stops before the output would pass ``MAX_SUMMARY_BYTES``. A closing line then gives the
number of findings left out.
"""

from __future__ import annotations

import os
import re
from collections import Counter

from scplint.formatters.text import summary_line, terminal_safe
from scplint.result import LintResult
from scplint.rule import Finding

# The runner's limit for one step's summary file, measured in UTF-8 bytes.
MAX_SUMMARY_BYTES = 1024 * 1024

# Punctuation with a meaning inside a GFM table cell: emphasis, code spans, links, HTML,
# strikethrough and the cell separator. A backslash makes each one literal. "&" is
# escaped as well so that text such as "&lt;" is not read as an entity.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def render(
    result: LintResult, *, color: bool = False, root: str | os.PathLike[str] | None = None
) -> str:
    """Format the job summary as GitHub Flavored Markdown."""
    head = ["## scplint", "", summary_line(result), ""]
    if not result.findings:
        return "\n".join(head)

    head.extend(_rule_table(result))
    head.append("")
    head.extend(["| Code | Location | Message |", "| --- | --- | --- |"])
    text = "\n".join(head) + "\n"

    size = len(text.encode("utf-8", "surrogatepass"))
    rows: list[str] = []
    for position, finding in enumerate(result.findings):
        row = _finding_row(finding) + "\n"
        row_size = len(row.encode("utf-8", "surrogatepass"))
        # Keep room for the closing line about the findings that do not fit.
        closing = "\n" + _omitted_line(len(result.findings) - position)
        if size + row_size + len(closing.encode("utf-8")) > MAX_SUMMARY_BYTES:
            rows.append(closing)
            break
        rows.append(row)
        size += row_size
    return text + "".join(rows)


def _rule_table(result: LintResult) -> list[str]:
    counts = Counter(finding.code for finding in result.findings)
    names = {finding.code: finding.name for finding in result.findings}
    lines = ["| Rule | Name | Findings |", "| --- | --- | ---: |"]
    for code in sorted(counts):
        rule = result.rules.get(code)
        label = escape_markdown(code)
        if rule is not None and rule.help_uri():
            label = f"[{label}]({rule.help_uri()})"
        lines.append(f"| {label} | {escape_markdown(names[code])} | {counts[code]} |")
    return lines


def _finding_row(finding: Finding) -> str:
    location = finding.file
    if finding.span is not None:
        location += f":{finding.span.line}"
    return (
        f"| {escape_markdown(finding.code)} | {escape_markdown(location)} "
        f"| {escape_markdown(finding.message)} |"
    )


def _omitted_line(count: int) -> str:
    noun = "finding" if count == 1 else "findings"
    return (
        f"{count} more {noun} not shown: the summary would pass GitHub's size limit. "
        "Use the text, JSON or SARIF output for the full list.\n"
    )


def escape_markdown(text: str) -> str:
    """Escape ``text`` for one GFM table cell: punctuation, line breaks and controls.

    Line breaks would end the table row, so CR and LF become spaces. Other control
    characters are replaced as in the text format.
    """
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", terminal_safe(text))
