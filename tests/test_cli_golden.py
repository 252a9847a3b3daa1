"""The CLI's text, JSON and SARIF output on a fixture folder, compared exactly.

Regenerate the expected files after an intended change with
``SCPLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_cli_golden.py``, then review the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "golden"
EXPECTED = HERE / "golden"
ROOT_TOKEN = "file:///SRCROOT/"


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "scplint", "--isolated", *args],
        cwd=FIXTURE, capture_output=True, text=True, env=env, check=False,
    )


def _normalise(text: str) -> str:
    """Replace the checkout's location, which differs between machines, with a token."""
    repository = HERE.parent.resolve().as_uri() + "/"
    return text.replace(FIXTURE.resolve().as_uri() + "/", ROOT_TOKEN).replace(repository, ROOT_TOKEN)


@pytest.mark.parametrize(("output_format", "suffix"), [("text", "txt"), ("json", "json"), ("sarif", "sarif.json"), ("github", "txt")])
def test_golden_output(output_format, suffix):
    result = _run("--output-format", output_format, "policies")
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    actual = _normalise(result.stdout)
    expected_path = EXPECTED / f"{output_format}.{suffix}"
    if os.environ.get("SCPLINT_UPDATE_GOLDEN"):
        expected_path.write_text(actual, encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8")


def test_clean_file_exits_zero():
    result = _run("policies/clean.json")
    assert result.returncode == 0
    assert "All checks passed" in result.stdout


def test_fail_on_error_ignores_warnings():
    result = _run("--select", "SCP201,SCP204", "--fail-on", "error", "policies/allowlist.yaml")
    assert result.returncode == 0
    assert "SCP201" in result.stdout


def test_missing_path_is_usage_error():
    result = _run("policies/nope.json")
    assert result.returncode == 2
    assert "nope.json" in result.stderr


def test_unknown_select_code_is_usage_error():
    result = _run("--select", "XYZ9", "policies")
    assert result.returncode == 2
    assert "XYZ9" in result.stderr


def test_output_file_is_written(tmp_path):
    target = tmp_path / "out.sarif"
    result = _run("--output-format", "sarif", "-o", str(target), "policies")
    assert result.returncode == 1
    assert result.stdout == ""
    assert '"version": "2.1.0"' in target.read_text(encoding="utf-8")
    assert not [path for path in tmp_path.iterdir() if path.name != "out.sarif"]


def test_rule_subcommand_prints_docs():
    result = subprocess.run([sys.executable, "-m", "scplint", "rule", "SCP201"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "## What it does" in result.stdout


def test_rules_subcommand_lists_every_rule():
    result = subprocess.run([sys.executable, "-m", "scplint", "rules"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    for code in ("SCP000", "SCP001", "SCP002", "SCP003", "SCP101", "SCP102", "SCP201", "SCP202", "SCP203", "SCP204"):
        assert code in result.stdout
