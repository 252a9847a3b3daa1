"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

The log contains one run. ``tool.driver.rules`` describes every rule that ran, plus any code
that appears only in findings (for example a loader's parse error), so that every
result's ``ruleIndex`` points at its descriptor. Paths are relative to ``%SRCROOT%``,
which is set to ``root`` when one is given.

Regions use scplint's 1-based lines and columns with an exclusive end column, which is
SARIF's convention too. Columns count Unicode code points (Python string indexes), so the
run sets ``columnKind`` to ``unicodeCodePoints`` instead of SARIF's default of UTF-16
code units.

Each result carries ``partialFingerprints["scplint/v1"]`` from ``fingerprint``, which
leaves out line numbers so that code scanning keeps matching a finding after lines are
added above it. The log never contains ``primaryLocationLineHash``, which is computed
from line content by the uploader.
"""

from __future__ import annotations

import hashlib
import json
import ntpath
import os
import posixpath
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

import scplint
from scplint.result import LintResult
from scplint.rule import Finding, Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/scplint/scplint"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "scplint/v1"


def render(
    result: LintResult, *, color: bool = False, root: str | os.PathLike[str] | None = None
) -> str:
    """Serialise ``result`` as a SARIF 2.1.0 log with 2-space indentation."""
    return json.dumps(build_log(result, root=root), indent=2, ensure_ascii=True) + "\n"


def build_log(
    result: LintResult, *, root: str | os.PathLike[str] | None = None
) -> dict[str, Any]:
    """Build the SARIF log as plain JSON data."""
    descriptors, rule_indexes = _rule_descriptors(result)
    results = [_result(finding, rule_indexes[finding.code], root) for finding in result.findings]

    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "scplint",
                "version": scplint.__version__,
                "semanticVersion": scplint.__version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
    }
    if root is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": _directory_uri(root)}}
    run["columnKind"] = "unicodeCodePoints"
    crashes = [finding.message for finding in result.findings if finding.code == "SCP000"]
    run["invocations"] = [
        {
            "executionSuccessful": not (result.errors or crashes),
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": message}} for message in [*result.errors, *crashes]
            ],
        }
    ]
    run["results"] = results

    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def fingerprint(finding: Finding) -> str:
    """Return a stable hex key for ``finding`` that survives edits elsewhere in the file.

    The key is the SHA-256 of the rule code, the file path (forward slashes, no leading
    "./"), the document name, the statement label and the message. Line and column are
    left out on purpose. Two findings with the same rule and message on the same
    statement get the same key.
    """
    parts = [
        finding.code,
        normalize_path(finding.file),
        finding.document or "",
        finding.statement or "",
        finding.message,
    ]
    # A NUL separator keeps ("ab", "c") and ("a", "bc") apart. NULs inside a part are removed.
    payload = "\0".join(part.replace("\0", "") for part in parts)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def normalize_path(path: str) -> str:
    """Return ``path`` with forward slashes and without leading "./" segments."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:].lstrip("/")
    return path


def relative_path(path: str, root: str | os.PathLike[str] | None) -> str | None:
    """Return ``path`` relative to ``root`` with forward slashes, or None if it is outside.

    A relative ``path`` is taken to be relative to ``root`` already. An absolute one is
    made relative when it lies under ``root``, and gives None when it does not.
    """
    if not _is_absolute(path):
        return normalize_path(path)
    if root is None:
        return None

    root_text = os.fspath(root)
    flavour = ntpath if _is_windows_path(path) else posixpath
    if not flavour.isabs(root_text):
        root_text = os.path.abspath(root_text)
    root_abs = flavour.normpath(root_text)
    path_abs = flavour.normpath(path)
    try:
        inside = flavour.commonpath([root_abs, path_abs]) == root_abs
    except ValueError:
        # Paths on different Windows drives have no common path.
        return None
    if not inside:
        return None
    return normalize_path(flavour.relpath(path_abs, root_abs))


def _is_windows_path(path: str) -> bool:
    return bool(PureWindowsPath(path).drive)


def _is_absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or _is_windows_path(path)


def _artifact_location(path: str, root: str | os.PathLike[str] | None) -> dict[str, str]:
    relative = relative_path(path, root)
    if relative is not None:
        # Percent-encode so the value is a valid relative URI reference. ":" is encoded
        # too, so that a first segment such as "c:" cannot be read as a URI scheme.
        return {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}
    return {"uri": _file_uri(path)}


def _file_uri(path: str) -> str:
    try:
        if _is_windows_path(path):
            return PureWindowsPath(path).as_uri()
        return PurePosixPath(path.replace("\\", "/")).as_uri()
    except ValueError:
        # A drive-relative Windows path such as "C:policy.json" has no file URI, so it is
        # written as a relative reference without a base.
        return quote(normalize_path(path), safe="/")


def _directory_uri(root: str | os.PathLike[str]) -> str:
    uri = Path(os.path.abspath(os.fspath(root))).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _rule_descriptors(result: LintResult) -> tuple[list[dict[str, Any]], dict[str, int]]:
    descriptors: list[dict[str, Any]] = []
    indexes: dict[str, int] = {}
    for code in sorted(result.rules):
        indexes[code] = len(descriptors)
        descriptors.append(_rule_descriptor(result.rules[code]))

    # Codes reported without a rule class, such as a loader's parse error, still need a
    # descriptor for ``ruleIndex``, so they get a minimal one built from the finding.
    for finding in result.findings:
        if finding.code not in indexes:
            indexes[finding.code] = len(descriptors)
            descriptors.append(
                {
                    "id": finding.code,
                    "name": finding.name,
                    "shortDescription": {"text": finding.name or finding.code},
                    "defaultConfiguration": {"level": finding.severity.label},
                }
            )
    return descriptors, indexes


def _rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    sections = rule.docs()
    summary = getattr(rule, "summary", "") or rule.name
    description = "\n\n".join(
        sections[heading] for heading in ("What it does", "Why it matters") if sections.get(heading)
    )
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": description or summary},
    }
    if rule.help_uri():
        descriptor["helpUri"] = rule.help_uri()
    descriptor["help"] = _help(rule, summary, sections)
    descriptor["defaultConfiguration"] = {"level": rule.severity.label}
    if rule.tags:
        descriptor["properties"] = {"tags": list(rule.tags)}
    return descriptor


def _help(rule: type[Rule], summary: str, sections: dict[str, str]) -> dict[str, str]:
    if not sections:
        uri = rule.help_uri()
        if uri is None:
            return {"text": summary, "markdown": summary}
        return {"text": f"{summary}\n\n{uri}", "markdown": f"{summary}\n\n[Rule documentation]({uri})"}
    text = "\n\n".join(f"{heading}:\n{body}" for heading, body in sections.items())
    markdown = "\n\n".join(f"## {heading}\n\n{body}" for heading, body in sections.items())
    return {"text": text, "markdown": markdown}


def _result(
    finding: Finding, rule_index: int, root: str | os.PathLike[str] | None
) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact_location(finding.file, root)}
    region = _region(finding)
    if region is not None:
        physical["region"] = region

    entry: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": finding.severity.label,
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }
    properties = {
        key: value
        for key, value in (("statement", finding.statement), ("document", finding.document))
        if value is not None
    }
    if properties:
        entry["properties"] = properties
    return entry


def _region(finding: Finding) -> dict[str, int] | None:
    span = finding.span
    if span is None or span.line < 1:
        return None
    region = {"startLine": span.line}
    if span.column >= 1:
        region["startColumn"] = span.column
    if span.end_line >= span.line:
        region["endLine"] = span.end_line
        # An empty region is an insertion point that viewers may not highlight, so a
        # zero-width span is widened to one column.
        if "startColumn" in region and span.end_column >= 1:
            if span.end_line > span.line:
                region["endColumn"] = span.end_column
            else:
                region["endColumn"] = max(span.end_column, span.column + 1)
    return region
