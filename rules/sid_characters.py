"""SCP402 sid-characters."""

from __future__ import annotations

import re

from scplint.model import is_placeholder
from scplint.rule import Example, Rule, Severity

SID_PATTERN = re.compile(r"[A-Za-z0-9]*")


class SidCharacters(Rule):
    """
    ## What it does
    Reports a `Sid` that contains characters other than ASCII letters (`A-Z`, `a-z`) and
    digits (`0-9`), such as spaces, hyphens, underscores or dots.

    ## Why it matters
    The IAM User Guide allows only those characters in a `Sid`. IAM rejects other
    characters in identity policies, and tools that copy statements between policy
    types, or validate them with IAM Access Analyzer, fail on them.

    ## Example
    ```json
    {"Sid": "deny-leave-org", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Sid": "DenyLeaveOrg", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}
    ```

    ## Known problems
    AWS Organizations does not document its own check of `Sid` characters, and it may
    accept SCPs and RCPs whose `Sid` has other characters. The finding is therefore a
    warning about portability, not a prediction that the deployment fails.

    ## References
    - IAM User Guide, "IAM JSON policy elements: Sid".
    """

    code = "SCP402"
    name = "sid-characters"
    summary = "A Sid contains characters other than ASCII letters and digits"
    severity = Severity.WARNING

    valid = (
        Example('{"Version": "2012-10-17", "Statement": [{"Sid": "DenyLeaveOrg2", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}'),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Sid": "deny-leave-org", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}',
            message="'-'",
            path=("Statement", 0, "Sid"),
        ),
    )

    def check_statement(self, statement, document):
        sid = statement.sid
        if sid is None or is_placeholder(sid) or SID_PATTERN.fullmatch(sid):
            return
        invalid = sorted({char for char in sid if not (char.isascii() and char.isalnum())})
        listed = ", ".join(repr(char) for char in invalid)
        yield self.report(
            document, statement.element_path("Sid"),
            f"{statement.label}: Sid contains {listed}; IAM allows only ASCII letters and digits in a Sid",
        )
