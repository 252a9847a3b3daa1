"""A small hand-built LintResult shared by the formatter tests."""

from __future__ import annotations

from scplint.model import Span
from scplint.result import LintResult
from scplint.rule import DOCS_URL, Finding, Rule, Severity


class NotActionRule(Rule):
    """Report a Deny statement that uses NotAction.

    ## What it does
    Reports a `Deny` statement with `NotAction`.

    ## Why it matters
    It denies every service that is not listed.

    ## Example
    ```json
    {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}
    ```

    ## Use instead
    Add a Region condition.
    """

    code = "SCP201"
    name = "notaction-allowlist"
    help_url = f"{DOCS_URL}#scp201-notaction-allowlist"
    summary = "Deny with NotAction denies unlisted services"
    severity = Severity.WARNING
    tags = ("guardrail",)


class UnusedRule(Rule):
    """Report nothing in these tests.

    ## What it does
    Reports a wildcard.

    ## Why it matters
    Wildcards hide typos.

    ## Example
    `s3:Get*`

    ## Use instead
    `s3:GetObject`
    """

    code = "SCP401"
    name = "wildcard"
    help_url = f"{DOCS_URL}#scp401-wildcard"
    summary = "Wildcard in an action"
    severity = Severity.NOTE


# Line 3 starts with a tab, so carets must follow the tab expansion.
DENY_SOURCE = (
    "{\n"
    '  "Statement": [\n'
    '\t{"Effect": "Deny", "NotAction": ["ec2:*"]},\n'
    '    {"Effect": "Deny",\n'
    '     "Action": "*"}\n'
    "  ]\n"
    "}\n"
)

# Columns 21 to 32 on line 3 cover `"NotAction"` (the tab is column 1).
NOTACTION = Finding(
    code="SCP201",
    name="notaction-allowlist",
    severity=Severity.WARNING,
    message="statement 1 denies every service except ec2:*",
    file="policies/deny.json",
    span=Span(3, 21, 3, 32),
    statement="statement 1",
)

# A span over lines 4 and 5: the text format underlines line 4 only.
MULTILINE = Finding(
    code="SCP201",
    name="notaction-allowlist",
    severity=Severity.NOTE,
    message="statement 2 denies everything",
    file="policies/deny.json",
    span=Span(4, 5, 5, 20),
    statement="statement 2",
)

PARSE_ERROR = Finding(
    code="SCP001",
    name="parse-error",
    severity=Severity.ERROR,
    message="invalid JSON: expecting ',' delimiter",
    file="policies/broken.json",
    span=None,
)


def sample_result() -> LintResult:
    """Three findings in two files, with the source of one file."""
    return LintResult(
        findings=[NOTACTION, MULTILINE, PARSE_ERROR],
        files=["policies/broken.json", "policies/deny.json", "policies/ok.json"],
        document_count=2,
        rules={"SCP201": NotActionRule, "SCP401": UnusedRule},
        sources={"policies/deny.json": DENY_SOURCE},
    )


def empty_result() -> LintResult:
    return LintResult(
        findings=[],
        files=["policies/ok.json"],
        document_count=1,
        rules={"SCP201": NotActionRule},
    )
