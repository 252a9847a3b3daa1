"""Machine-readable JSON output.

The object has three keys. Consumers should ignore keys they do not know, so that
new keys can be added later:

- ``version``: the scplint version that produced the output.
- ``findings``: one object per finding, in the run's sorted order. Its keys are:

  - ``code``, ``name``, ``severity`` ("error", "warning" or "note") and ``message``.
  - ``file``: the display path.
  - ``line``, ``column``, ``end_line``, ``end_column``: 1-based, with the end column
    exclusive. All four are null when the finding has no position.
  - ``statement`` and ``document``: labels, or null.
  - ``fingerprint``: the same key as SARIF's ``partialFingerprints["scplint/v1"]``,
    which ignores line numbers.
- ``summary``: ``findings``, ``errors``, ``warnings``, ``notes`` (counts),
  ``files`` (files read), ``files_with_findings``, ``documents`` (policies checked) and
  ``rules`` (finding count per rule code, sorted by code).

The text is indented by 2 spaces and ends with a newline. Non-ASCII characters are
written as ``\\u`` escapes, so the output encodes in any locale.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

import scplint
from scplint.formatters.sarif import fingerprint
from scplint.formatters.text import severity_counts
from scplint.result import LintResult
from scplint.rule import Finding, Severity


def render(
    result: LintResult, *, color: bool = False, root: str | os.PathLike[str] | None = None
) -> str:
    """Serialise ``result`` as the documented JSON object."""
    return json.dumps(build_report(result), indent=2, ensure_ascii=True) + "\n"


def build_report(result: LintResult) -> dict[str, Any]:
    """Build the JSON object as plain data."""
    counts = severity_counts(result.findings)
    per_rule = Counter(finding.code for finding in result.findings)
    return {
        "version": scplint.__version__,
        "findings": [_finding(finding) for finding in result.findings],
        "summary": {
            "findings": len(result.findings),
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "notes": counts[Severity.NOTE],
            "files": len(result.files),
            "files_with_findings": len({finding.file for finding in result.findings}),
            "documents": result.document_count,
            "rules": {code: per_rule[code] for code in sorted(per_rule)},
        },
    }


def _finding(finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.label,
        "message": finding.message,
        "file": finding.file,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
        "statement": finding.statement,
        "document": finding.document,
        "fingerprint": fingerprint(finding),
    }
