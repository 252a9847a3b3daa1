"""SCP003 policy-too-large."""

from scplint.model import PolicyKind
from scplint.rule import Example, Option, Rule, Scope, Severity


class PolicyTooLarge(Rule):
    """
    ## What it does
    Measures each policy as its deploy path sends it to AWS and reports one over the
    size limit: 10,240 characters for an SCP and 5,120 for an RCP. A policy within the
    last part of the limit (from 90% by default) gets a warning, so the team sees the
    limit coming before a deployment fails.

    Two figures are given. The *as deployed* size counts the text exactly as written when
    the source holds the policy verbatim (a JSON or YAML file read by the CLI, SDK or
    Terraform `file()`, a heredoc): the API stores what it is sent, and every space and
    newline counts. The *minified* size is what the console stores and what
    `jsonencode` produces. Each figure is the larger of the character and the UTF-8 byte
    count.

    ## Why it matters
    AWS rejects an oversized policy at deploy time with `ConstraintViolationException:
    You have exceeded the maximum policy size` (reason `POLICY_CONTENT_LIMIT_EXCEEDED`).
    A policy that the console accepted can fail through the CLI or Terraform, because
    there indentation counts.

    ## Example
    A 12,000-character SCP with four-space indentation whose minified form is 9,000
    characters.

    ## Use instead
    Deploy the minified form (`jsonencode(jsondecode(file("scp.json")))` in Terraform),
    shorten Sids, merge statements that share a condition, or split the policy into two
    SCPs (up to 10 can be attached to each root, OU and account).

    ## Known problems
    For policies built from structured data (`jsonencode`, CloudFormation objects, CDK),
    the deployed text is taken to be the minified JSON. Unresolved placeholders are
    counted with the length of their source expression, so the figure is an estimate.
    Statement fragments are not measured, because tooling assembles them into a larger
    policy.

    ## References
    - AWS Organizations User Guide, "Quotas and service limits for AWS Organizations":
      SCP 10,240 characters (since 2026-05-15; 5,120 before), RCP 5,120 characters.
    """

    code = "SCP003"
    name = "policy-too-large"
    summary = "The policy as deployed is over the size limit, or close to it"
    severity = Severity.ERROR
    scope = Scope.DOCUMENT
    options = (
        Option("max_size", int, 10_240, "size limit for SCPs, in characters", minimum=1),
        Option("rcp_max_size", int, 5_120, "size limit for RCPs, in characters", minimum=1),
        Option(
            "warn_ratio", float, 0.9, "share of the limit from which a warning is reported (0 to 1; 1 disables it)",
            minimum=0, maximum=1,
        ),
    )

    valid = (
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}'),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}',
            message="over the 50-character limit",
            options={"max_size": 50},
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}',
            message="of the 200-character limit",
            options={"max_size": 200, "warn_ratio": 0.5},
        ),
    )

    def check_document(self, document):
        if document.fragment:
            return
        limit = self.settings["rcp_max_size"] if document.kind is PolicyKind.RCP else self.settings["max_size"]
        minified = _size(document.minified_text())
        deployed = _size(document.deployed_text) if document.deployed_text is not None else minified
        kind = document.kind.value

        if deployed > limit:
            if minified <= limit:
                hint = f"; minified it is {minified:,}, which fits, so deploy the minified form"
            else:
                hint = f"; minified it is still {minified:,}" if minified != deployed else ""
            yield self.report(
                document, (), f"{kind} is {deployed:,} characters as deployed, over the {limit:,}-character limit{hint}"
            )
        elif deployed >= limit * self.settings["warn_ratio"] and self.settings["warn_ratio"] < 1:
            share = deployed / limit
            yield self.report(
                document,
                (),
                f"{kind} is {deployed:,} characters as deployed, {share:.0%} of the {limit:,}-character limit",
                severity=Severity.WARNING,
            )


def _size(text: str) -> int:
    return max(len(text), len(text.encode("utf-8")))
