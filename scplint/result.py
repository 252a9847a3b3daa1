"""The outcome of one run, as the formatters receive it."""

from __future__ import annotations

from dataclasses import dataclass, field

from scplint.rule import Finding, Rule


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    # Display paths of the files that were read, whether or not they held a policy.
    files: list[str] = field(default_factory=list)
    document_count: int = 0
    # The rule classes that ran, by code, for SARIF's rule descriptors and docs links.
    rules: dict[str, type[Rule]] = field(default_factory=dict)
    # Source text per display path, for the caret lines of the text output.
    sources: dict[str, str] = field(default_factory=dict)
    # Paths given on the command line that do not exist; the run failed for them.
    errors: list[str] = field(default_factory=list)
