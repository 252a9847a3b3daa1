"""Run a rule's VALID and INVALID examples; used by scplint's tests and by rule packs.

Each example is written to a temporary file and linted through the real loaders and the
engine, so an example checks the rule exactly as users run it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from scplint.config import Config
from scplint.engine import Linter
from scplint.rule import Example, Finding, Rule


def lint_example(rule: type[Rule], example: Example, available: dict[str, type[Rule]]) -> list[Finding]:
    """Lint one example with only ``rule`` selected and return its findings."""
    suffix = ".json" if example.policy.lstrip().startswith(("{", "[")) else ".yaml"
    with tempfile.TemporaryDirectory(prefix="scplint-example-") as folder:
        root = Path(folder)
        path = root / f"example{suffix}"
        path.write_text(example.policy, encoding="utf-8")
        config = Config(root=root, default_kind=example.kind)
        if example.options:
            config.rule_options = {rule.code: dict(example.options)}
        linter = Linter(config, available, {rule.code: rule})
        result = linter.lint_files([path])
    return result.findings


def check_example(rule: type[Rule], example: Example, available: dict[str, type[Rule]], *, valid: bool) -> None:
    """Assert that a valid example yields no finding and an invalid one the expected finding."""
    findings = lint_example(rule, example, available)
    own = [finding for finding in findings if finding.code == rule.code]
    crashes = [finding for finding in findings if finding.code == "SCP000"]
    assert not crashes, f"{rule.code} crashed on {example.policy}: {crashes[0].message}"
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
