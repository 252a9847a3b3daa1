"""SCP001 parse-error."""

from scplint.rule import Example, Rule, Scope, Severity


class ParseError(Rule):
    """
    ## What it does
    Reports a file that should contain a policy but cannot be parsed: invalid JSON, YAML,
    HCL or Python syntax, text that is not UTF-8, or a policy file that a configuration
    file references but that does not exist. The position is the one the parser gives.

    ## Why it matters
    AWS rejects a policy that is not valid JSON, and a deployment tool that cannot read
    its configuration fails. No other rule can check a file that does not parse.

    ## Example
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*",}]}
    ```

    ## Use instead
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
    ```

    ## Known problems
    Files produced by a template engine (Jinja, `templatefile` directives) are reported
    when the template syntax makes them invalid JSON; exclude such files or lint the
    rendered output.
    """

    code = "SCP001"
    name = "parse-error"
    summary = "A file that should hold a policy cannot be parsed"
    severity = Severity.ERROR
    scope = Scope.DOCUMENT
    valid = (Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}'),)
    invalid = (
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*",}]}', message="invalid JSON"),
    )
