"""SCP000 internal-error."""

from scplint.rule import Rule, Scope, Severity


class InternalError(Rule):
    """
    ## What it does
    Reports that a loader or a rule raised an exception while checking a file. The run
    goes on with every other file and rule, and scplint exits with code 2.

    ## Why it matters
    A crash in one check must not hide the findings of the others, and a CI job must be
    able to tell "the policies are wrong" (exit code 1) from "the linter broke" (exit
    code 2).

    ## Example
    A third-party rule that raises `KeyError` on a statement without `Resource` produces
    `SCP000 rule SCP901 (my-rule) failed: KeyError: 'Resource'`.

    ## Use instead
    Report the message to the rule's author with the file that triggers it. Run with `-vv`
    to see the traceback.
    """

    code = "SCP000"
    name = "internal-error"
    summary = "A loader or rule raised an exception; the run went on without it"
    severity = Severity.ERROR
    scope = Scope.DOCUMENT
