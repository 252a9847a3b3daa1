"""Run a rule's VALID and INVALID examples; used by scplint's tests and by rule packs.

Each example is written to a temporary file and linted through the real loaders and the
engine, so an example checks the rule exactly as users run it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from scplint.config import Config
from scplint.engine import Linter
from scplint.result import LintResult
from scplint.rule import Example, Finding, Rule

PARSE_ERROR = "SCP001"


def lint_example_result(rule: type[Rule], example: Example, available: dict[str, type[Rule]]) -> LintResult:
    """Lint one example with only ``rule`` selected and return the whole result."""
    suffix = ".json" if example.policy.lstrip().startswith(("{", "[")) else ".yaml"
    with tempfile.TemporaryDirectory(prefix="scplint-example-") as folder:
        root = Path(folder)
        path = root / f"example{suffix}"
        path.write_text(example.policy, encoding="utf-8")
        config = Config(root=root, default_kind=example.kind)
        if example.options:
            config.rule_options = {rule.code: dict(example.options)}
        linter = Linter(config, available, {rule.code: rule})
        return linter.lint_files([path])


def lint_example(rule: type[Rule], example: Example, available: dict[str, type[Rule]]) -> list[Finding]:
    """Lint one example with only ``rule`` selected and return its findings."""
    return lint_example_result(rule, example, available).findings


def check_example(rule: type[Rule], example: Example, available: dict[str, type[Rule]], *, valid: bool) -> None:
    """Assert that a valid example yields no finding and an invalid one the expected finding.

    The example must also be a policy that loads: a typo that turns it into invalid JSON
    or a non-policy file would make the check pass for the wrong reason. Where the
    example gives a ``path``, one finding must start at that path's key or value.
    """
    result = lint_example_result(rule, example, available)
    findings = result.findings
    crashes = [finding for finding in findings if finding.code == "SCP000"]
    assert not crashes, f"{rule.code} crashed on {example.policy}: {crashes[0].message}"
    if rule.code != PARSE_ERROR:
        assert result.document_count > 0, f"{rule.code}: the example is not a policy document:\n{example.policy}"
        unparsable = [finding.message for finding in findings if finding.code == PARSE_ERROR]
        assert not unparsable, f"{rule.code}: the example does not parse: {unparsable[0]}"

    own = [finding for finding in findings if finding.code == rule.code]
    if valid or example.known_miss:
        assert not own, f"{rule.code} reported a valid example:\n{example.policy}\n" + "\n".join(
            finding.message for finding in own
        )
        return
    assert own, f"{rule.code} did not report the invalid example:\n{example.policy}"
    if example.message is not None:
        messages = [finding.message for finding in own]
        assert any(example.message in message for message in messages), (
            f"{rule.code}: no message contains {example.message!r}; got {messages}"
        )
    if example.path is not None:
        _check_path(rule, example, own)


def _check_path(rule: type[Rule], example: Example, own: list[Finding]) -> None:
    from scplint.loaders import parse_structured

    suffix = ".json" if example.policy.lstrip().startswith(("{", "[")) else ".yaml"
    parsed = parse_structured(Path(f"example{suffix}"), f"example{suffix}", example.policy)
    candidates = [
        span
        for span in (parsed.source_map.keys.get(example.path), parsed.source_map.values.get(example.path))
        if span is not None
    ]
    assert candidates, f"{rule.code}: example path {example.path} is not in the document"
    starts = {(span.line, span.column) for span in candidates}
    assert any(finding.span is not None and (finding.span.line, finding.span.column) in starts for finding in own), (
        f"{rule.code}: no finding at {example.path} {sorted(starts)}; got {[finding.span for finding in own]}"
    )
