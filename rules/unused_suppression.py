"""SCP403 unused-suppression."""

from scplint.rule import Rule, Scope, Severity


class UnusedSuppression(Rule):
    """
    ## What it does
    Reports a `[[tool.scplint.suppress]]` entry in the configuration that matched no
    finding in the run: the statement was fixed, renamed or removed, or the path or Sid
    is misspelt.

    ## Why it matters
    A stale suppression hides the next finding of the same rule on that statement
    without anyone deciding to accept it.

    ## Example
    ```toml
    [[tool.scplint.suppress]]
    path = "policies/suspended.json"
    statement = "DenyAllAccess"
    codes = ["SCP204"]
    reason = "The suspended-accounts OU must not run anything."
    ```
    after `DenyAllAccess` was renamed to `DenyEverything`.

    ## Use instead
    Remove the entry, or correct its `path`, `statement` or `codes`. A suppression
    accepts the findings of its codes (or code prefixes) on one statement, given by Sid
    or 1-based number, of one file (relative to the configuration file); without
    `statement` it accepts them for the whole file. `reason` is required.

    ## Known problems
    Only a run that lints the suppressed file, with one of the suppressed rules selected,
    can tell whether the entry is used, so a pre-commit run on other files reports
    nothing about it.
    """

    code = "SCP403"
    name = "unused-suppression"
    summary = "A suppression in the configuration matched no finding"
    severity = Severity.WARNING
    scope = Scope.RUN
