"""GitHub Actions workflow commands, which the runner shows as annotations on the diff.

One line per finding, for example::

    ::error file=deny.json,line=4,col=7,endLine=4,endColumn=18,title=SCP204 name::Deny ...

Errors use ``::error``, warnings ``::warning`` and notes ``::notice``. The message is
escaped as workflow-command data (``%``, CR and LF become ``%25``, ``%0D`` and ``%0A``)
and property values are escaped further (``:`` and ``,`` become ``%3A`` and ``%2C``), as
the ``escapeData`` and ``escapeProperty`` functions of GitHub's ``@actions/core`` package
do. Without the escaping, a newline in a message would end the command early and the
rest of the line would be read as a new one.
"""

from __future__ import annotations

import os

from scplint.formatters.sarif import relative_path
from scplint.result import LintResult
from scplint.rule import Finding, Severity

_COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOTE: "notice",
}


def render(
    result: LintResult, *, color: bool = False, root: str | os.PathLike[str] | None = None
) -> str:
    """Format each finding as one workflow command line, or return "" without findings."""
    return "".join(format_command(finding, root=root) + "\n" for finding in result.findings)


def format_command(finding: Finding, *, root: str | os.PathLike[str] | None = None) -> str:
    """Format one finding as an ``::error``, ``::warning`` or ``::notice`` command.

    The file path is made relative to ``root`` with forward slashes, because GitHub
    matches annotations to repository-relative paths. An absolute path outside ``root``
    is passed through unchanged.
    """
    command = _COMMANDS.get(finding.severity, "warning")
    path = relative_path(finding.file, root) or finding.file.replace("\\", "/")
    properties: list[tuple[str, object]] = [("file", path)]

    span = finding.span
    if span is not None and span.line >= 1:
        properties.append(("line", span.line))
        end_line = max(span.end_line, span.line)
        # GitHub's check-run annotations accept start and end columns only when the
        # annotation starts and ends on the same line, so a multi-line span gives lines only.
        if end_line == span.line and span.column >= 1:
            properties.append(("col", span.column))
            properties.append(("endLine", end_line))
            # NOTE: GitHub does not document whether endColumn is inclusive. This passes
            # scplint's exclusive end column, widened to one column for a zero-width span.
            properties.append(("endColumn", max(span.end_column, span.column + 1)))
        else:
            properties.append(("endLine", end_line))

    properties.append(("title", f"{finding.code} {finding.name}"))
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{command} {rendered}::{escape_data(finding.message)}"


def escape_data(text: str) -> str:
    """Escape a workflow-command message: ``%``, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property value: the data escapes plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
