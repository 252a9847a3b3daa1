"""SCP004 duplicate-key."""

from scplint.rule import Example, Rule, Scope, Severity


class DuplicateKey(Rule):
    """
    ## What it does
    Reports a mapping that contains the same key twice, such as two `Action` elements in
    one statement or two `StringNotEquals` operators in one `Condition` block.

    ## Why it matters
    JSON parsers keep only one of the two values, usually the last, without a warning.
    The policy AWS stores is then not the policy the author reviewed: an exemption list
    or a whole condition can disappear silently.

    ## Example
    ```json
    {"Effect": "Deny", "Action": "s3:*", "Action": "ec2:*", "Resource": "*"}
    ```

    ## Use instead
    Merge the values into one key:
    ```json
    {"Effect": "Deny", "Action": ["s3:*", "ec2:*"], "Resource": "*"}
    ```
    """

    code = "SCP004"
    name = "duplicate-key"
    summary = "A mapping contains the same key twice, so one value is silently lost"
    severity = Severity.ERROR
    scope = Scope.DOCUMENT
    valid = (Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["s3:*", "ec2:*"], "Resource": "*"}]}'),)
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Action": "ec2:*", "Resource": "*"}]}',
            message="duplicate key",
        ),
    )
