"""SCP005 extra-yaml-documents."""

from scplint.rule import Example, Rule, Scope, Severity


class ExtraYamlDocuments(Rule):
    """
    ## What it does
    Reports a YAML policy file that contains more than one YAML document (separated by
    `---`). scplint lints the first document only.

    ## Why it matters
    Deployment tools that read the file as one policy also see only one document, or fail
    to read it, so a policy written after the separator is never deployed and never
    checked.

    ## Example
    ```yaml
    Version: "2012-10-17"
    Statement: [{Effect: Deny, Action: "s3:*", Resource: "*"}]
    ---
    Version: "2012-10-17"
    Statement: [{Effect: Deny, Action: "ec2:*", Resource: "*"}]
    ```

    ## Use instead
    Put each policy in a file of its own, or merge the statements into one document.
    """

    code = "SCP005"
    name = "extra-yaml-documents"
    summary = "A YAML policy file holds more than one document; only the first is linted"
    severity = Severity.WARNING
    scope = Scope.DOCUMENT

    valid = (Example('Version: "2012-10-17"\nStatement:\n  - {Effect: Deny, Action: "s3:*", Resource: "*"}\n'),)
    invalid = (
        Example(
            'Version: "2012-10-17"\nStatement:\n  - {Effect: Deny, Action: "s3:*", Resource: "*"}\n---\n'
            'Version: "2012-10-17"\nStatement:\n  - {Effect: Deny, Action: "ec2:*", Resource: "*"}\n',
            message="only the first document is linted",
        ),
    )
