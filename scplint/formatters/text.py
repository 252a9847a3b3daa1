"""Human-readable output: one header line per finding, the source line and carets.

A finding with a position prints as::

    policies/deny.json:4:7: SCP201 [warning] Deny with NotAction ...
      |
    4 |       "NotAction": ["ec2:*"],
      |       ^^^^^^^^^^^

The source lines come from ``LintResult.sources``. A finding whose file is not there, or
whose line is past the end of the file, prints the header line only. A finding without a
position prints as ``path: CODE [severity] message``. The output ends with a summary line.

Text taken from policy files is made safe for a terminal before it is printed: control
characters become their Unicode "control picture" (ESC becomes U+241B), and bidirectional
formatting characters, lone surrogates and other C1 controls become U+FFFD.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from typing import Iterable

from scplint.model import Span
from scplint.result import LintResult
from scplint.rule import Finding, Severity

# Tab stops every 4 columns, applied the same way to the source line and the caret line.
TAB_SIZE = 4

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_RED = "\x1b[31m"
_GREEN = "\x1b[32m"
_YELLOW = "\x1b[33m"
_BLUE = "\x1b[34m"
_CYAN = "\x1b[36m"

_SEVERITY_COLORS = {
    Severity.ERROR: _RED,
    Severity.WARNING: _YELLOW,
    Severity.NOTE: _CYAN,
}

# Characters that reorder the text shown after them (Unicode bidirectional formatting
# characters), which can make a terminal show something other than the file's content.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def render(
    result: LintResult, *, color: bool = False, root: str | os.PathLike[str] | None = None
) -> str:
    """Format every finding with its source line, then the summary line."""
    style = _Style(color)
    split_sources: dict[str, list[str]] = {}
    blocks: list[str] = []

    for finding in result.findings:
        lines = [_header(finding, style)]
        source_line = _source_line(finding, result.sources, split_sources)
        if source_line is not None and finding.span is not None:
            lines.extend(_snippet(finding, finding.span, source_line, style))
        blocks.append("\n".join(lines) + "\n")

    summary = style.paint(summary_line(result), _BOLD + (_GREEN if not result.findings else ""))
    if blocks:
        return "\n".join(blocks) + "\n" + summary + "\n"
    return summary + "\n"


def severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    """Count findings per severity. Every severity is a key, with 0 when unused."""
    counts = Counter(finding.severity for finding in findings)
    return {severity: counts.get(severity, 0) for severity in Severity}


def summary_line(result: LintResult) -> str:
    """Summarise the run in one sentence, for the text and Markdown formats.

    With findings, the file count is the number of files that have findings. Without
    findings, it is the number of files read.
    """
    if not result.findings:
        files = _plural(len(result.files), "file")
        policies = _plural(result.document_count, "policy", "policies")
        return f"All checks passed: {files}, {policies}."

    counts = severity_counts(result.findings)
    breakdown = ", ".join(
        [
            _plural(counts[Severity.ERROR], "error"),
            _plural(counts[Severity.WARNING], "warning"),
            _plural(counts[Severity.NOTE], "note"),
        ]
    )
    files_with_findings = len({finding.file for finding in result.findings})
    findings = _plural(len(result.findings), "finding")
    return f"Found {findings} ({breakdown}) in {_plural(files_with_findings, 'file')}."


def terminal_safe(text: str) -> str:
    """Replace characters that a terminal would interpret or that reorder the display.

    Each character maps to exactly one character, so column positions stay valid. Tabs
    become one space here, but ``render`` expands tabs in source lines to tab stops.
    """
    return "".join(_safe_char(char) for char in text)


class _Style:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def paint(self, text: str, codes: str) -> str:
        if not self.enabled or not codes:
            return text
        return f"{codes}{text}{_RESET}"


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    word = singular if count == 1 else (plural or singular + "s")
    return f"{count} {word}"


def _header(finding: Finding, style: _Style) -> str:
    severity_color = _SEVERITY_COLORS.get(finding.severity, "")
    location = terminal_safe(finding.file)
    if finding.span is not None:
        location += f":{finding.span.line}:{finding.span.column}"
    code = style.paint(finding.code, _BOLD + severity_color)
    severity = style.paint(f"[{finding.severity.label}]", severity_color)
    message = terminal_safe(finding.message)
    return f"{style.paint(location + ':', _BOLD)} {code} {severity} {message}"


def _source_line(
    finding: Finding, sources: dict[str, str], split_sources: dict[str, list[str]]
) -> str | None:
    if finding.span is None or finding.file not in sources:
        return None
    lines = split_sources.get(finding.file)
    if lines is None:
        lines = _split_lines(sources[finding.file])
        split_sources[finding.file] = lines
    index = finding.span.line - 1
    if index < 0 or index >= len(lines):
        return None
    return lines[index]


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _split_lines(text: str) -> list[str]:
    # "\r\n", a lone "\r" and "\n" each end a line, as the JSON and YAML parsers count
    # lines, so the line number of a finding picks the same line here.
    return _LINE_BREAK.split(text)


# Lines longer than this, such as a minified policy on one line, are cut to the span and
# SNIPPET_CONTEXT characters on each side, with an ellipsis where text was cut.
MAX_SNIPPET_LENGTH = 160
SNIPPET_CONTEXT = 60


def _snippet(finding: Finding, span: Span, source_line: str, style: _Style) -> list[str]:
    length = len(source_line)

    # Columns are 1-based and the end column is exclusive. A span that continues on later
    # lines is underlined to the end of its first line.
    start = min(max(span.column, 1), length + 1)
    end = span.end_column if span.end_line == span.line else length + 1
    end = min(max(end, start), length + 1)

    source_line, shift = _window(source_line, start, end)
    start, end = start - shift, end - shift
    display, offsets = _display_line(source_line)
    caret_start = offsets[start - 1]
    caret_width = max(offsets[end - 1] - caret_start, 1)

    number = str(span.line)
    pad = " " * len(number)
    gutter = style.paint(pad + " |", _BLUE)
    carets = style.paint("^" * caret_width, _BOLD + _SEVERITY_COLORS.get(finding.severity, ""))
    return [
        gutter,
        style.paint(number + " |", _BLUE) + (" " + display if display else ""),
        gutter + " " + " " * caret_start + carets,
    ]


def _window(line: str, start: int, end: int) -> tuple[str, int]:
    """Cut a long line to the span and some context; return it and the columns cut on the left."""
    if len(line) <= MAX_SNIPPET_LENGTH:
        return line, 0
    first = max(start - 1 - SNIPPET_CONTEXT, 0)
    last = min(end - 1 + SNIPPET_CONTEXT, len(line))
    if first == 0 and last == len(line):
        return line, 0
    prefix = "…" if first > 0 else ""
    suffix = "…" if last < len(line) else ""
    # The ellipsis takes one column, so the cut moves the span by one column less.
    return prefix + line[first:last] + suffix, first - len(prefix)


def _display_line(line: str) -> tuple[str, list[int]]:
    """Make a source line printable and map each character index to its display column.

    ``offsets[i]`` is the 0-based display column where character ``i`` starts. The extra
    last entry is the width of the whole line. Tabs advance to the next tab stop, East
    Asian wide characters take two columns and combining marks take none.
    """
    parts: list[str] = []
    offsets: list[int] = []
    column = 0
    for char in line:
        offsets.append(column)
        if char == "\t":
            width = TAB_SIZE - column % TAB_SIZE
            parts.append(" " * width)
            column += width
            continue
        safe = _safe_char(char)
        parts.append(safe)
        column += _char_width(safe)
    offsets.append(column)
    return "".join(parts), offsets


def _safe_char(char: str) -> str:
    code = ord(char)
    if char == "\t":
        return " "
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if 0x80 <= code < 0xA0 or 0xD800 <= code <= 0xDFFF or char in _BIDI_CONTROLS:
        return "\ufffd"
    return char


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    return 1
