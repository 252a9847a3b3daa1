"""Command-line behaviour that users rely on: selection, paths, output files, bad settings."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

BLANKET = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "rekognition:*", "Resource": "*"}]}'


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scplint", *args], cwd=cwd, capture_output=True, text=True, check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_parse_errors_survive_select(tmp_path):
    (tmp_path / "broken.json").write_text('{"Statement": [', encoding="utf-8")
    result = _run(tmp_path, "--isolated", "--select", "SCP2", "--fail-on", "error", ".")
    assert result.returncode == 1
    assert "SCP001" in result.stdout


def test_ignore_in_full_silences_parse_errors(tmp_path):
    (tmp_path / "broken.json").write_text('{"Statement": [', encoding="utf-8")
    result = _run(tmp_path, "--isolated", "--ignore", "SCP001", ".")
    assert result.returncode == 0, result.stdout


def test_json_with_comments_is_not_a_finding(tmp_path):
    (tmp_path / "tsconfig.json").write_text('{\n  // compiler options\n  "compilerOptions": {}\n}\n', encoding="utf-8")
    result = _run(tmp_path, "--isolated", ".")
    assert result.returncode == 0, result.stdout


def test_repeated_select_options_add_up(tmp_path):
    (tmp_path / "p.json").write_text(BLANKET.replace("rekognition:*", "rekognitoin:*"), encoding="utf-8")
    result = _run(tmp_path, "--isolated", "--select", "SCP101", "--select", "SCP204", "p.json")
    assert "SCP101" in result.stdout


def test_per_file_ignores_must_be_lists(tmp_path):
    (tmp_path / ".scplint.toml").write_text('[per-file-ignores]\n"*.json" = "SCP204"\n', encoding="utf-8")
    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    result = _run(tmp_path, "p.json")
    assert result.returncode == 2
    assert ".scplint.toml" in result.stderr
    assert "per-file-ignores" in result.stderr


def test_per_file_ignores_reject_unknown_codes(tmp_path):
    (tmp_path / ".scplint.toml").write_text('[per-file-ignores]\n"*.json" = ["SCP2O4"]\n', encoding="utf-8")
    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    result = _run(tmp_path, "p.json")
    assert result.returncode == 2
    assert "SCP2O4" in result.stderr


def test_sarif_paths_are_relative_to_repository(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "p.json").write_text(BLANKET, encoding="utf-8")
    result = _run(tmp_path / "policies", "--isolated", "--output-format", "sarif", ".")
    assert '"uri": "policies/p.json"' in result.stdout
    text = _run(tmp_path / "policies", "--isolated", ".")
    assert text.stdout.startswith("p.json:")


def test_output_file_is_world_readable(tmp_path):
    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    _run(tmp_path, "--isolated", "-o", "out.txt", "p.json")
    mode = stat.S_IMODE((tmp_path / "out.txt").stat().st_mode)
    assert mode & 0o044 == 0o044


def test_reference_outside_repository_is_not_read(tmp_path):
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (tmp_path / "outside.json").write_text(BLANKET, encoding="utf-8")
    (repository / "organization-config.yaml").write_text(
        "serviceControlPolicies:\n  - name: Outside\n    policy: ../outside.json\n    type: customerManaged\n"
        "    deploymentTargets:\n      organizationalUnits: [Root]\n",
        encoding="utf-8",
    )
    result = _run(repository, "--isolated", ".")
    assert "outside" in result.stdout
    assert "SCP204" not in result.stdout
    assert "rekognition" not in result.stdout


def test_missing_path_marks_sarif_run_failed(tmp_path):
    import json

    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    result = _run(tmp_path, "--isolated", "--output-format", "sarif", "nothere.json", "p.json")
    assert result.returncode == 2
    invocation = json.loads(result.stdout)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "nothere.json" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_only_missing_paths_print_no_summary(tmp_path):
    result = _run(tmp_path, "--isolated", "nothere/")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "nothere/" in result.stderr


def test_rule_option_error_names_configuration_file(tmp_path):
    (tmp_path / ".scplint.toml").write_text("[rules.SCP003]\nwarn-ratio = 7\n", encoding="utf-8")
    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    result = _run(tmp_path, "p.json")
    assert result.returncode == 2
    assert ".scplint.toml" in result.stderr
    assert "warn-ratio" in result.stderr


def test_suppression_with_unknown_code_is_usage_error(tmp_path):
    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    (tmp_path / ".scplint.toml").write_text(
        '[[suppress]]\npath = "p.json"\ncodes = ["SCP240"]\nreason = "intended"\n', encoding="utf-8"
    )
    result = _run(tmp_path, "p.json")
    assert result.returncode == 2
    assert "SCP240" in result.stderr


def test_suppression_of_missing_file_is_usage_error(tmp_path):
    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    (tmp_path / ".scplint.toml").write_text(
        '[[suppress]]\npath = "q.json"\ncodes = ["SCP204"]\nreason = "intended"\n', encoding="utf-8"
    )
    result = _run(tmp_path, "p.json")
    assert result.returncode == 2
    assert "q.json" in result.stderr


def test_empty_selection_is_usage_error(tmp_path):
    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    result = _run(tmp_path, "--isolated", "--select", "", "p.json")
    assert result.returncode == 2
    assert "no rule is selected" in result.stderr


def test_reference_boundary_does_not_depend_on_working_directory(tmp_path):
    project = tmp_path / "lza"
    (project / "policies").mkdir(parents=True)
    (project / "policies" / "guardrails.json").write_text(BLANKET, encoding="utf-8")
    (project / "organization-config.yaml").write_text(
        "serviceControlPolicies:\n  - name: Guardrails\n    policy: policies/guardrails.json\n    type: customerManaged\n"
        "    deploymentTargets:\n      organizationalUnits: [Root]\n",
        encoding="utf-8",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = _run(elsewhere, "--isolated", str(project / "organization-config.yaml"))
    assert "outside" not in result.stdout
    assert "SCP204" in result.stdout


def test_output_file_link_is_written_through(tmp_path):
    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    (tmp_path / "reports").mkdir()
    (tmp_path / "out.txt").symlink_to(tmp_path / "reports" / "real.txt")
    _run(tmp_path, "--isolated", "-o", "out.txt", "p.json")
    assert (tmp_path / "out.txt").is_symlink()
    assert "SCP204" in (tmp_path / "reports" / "real.txt").read_text(encoding="utf-8")


def test_output_to_a_fifo_is_not_replaced(tmp_path):
    import threading

    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    _run(tmp_path, "--isolated", "-o", str(fifo), "p.json")
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert "SCP204" in received[0]


def test_malformed_tool_table_is_usage_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool]\nscplint = "on"\n', encoding="utf-8")
    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    result = _run(tmp_path, "p.json")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "pyproject.toml" in result.stderr


def test_inline_tool_table_is_found(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool]\nscplint = { ignore = ["SCP204"] }\n', encoding="utf-8")
    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    result = _run(tmp_path, "p.json")
    assert result.returncode == 0, result.stdout


def test_severity_override_wins(tmp_path):
    (tmp_path / ".scplint.toml").write_text('[severity]\nSCP003 = "note"\n[rules.SCP003]\nmax-size = 40\n', encoding="utf-8")
    (tmp_path / "p.json").write_text(BLANKET, encoding="utf-8")
    result = _run(tmp_path, "--select", "SCP003", "p.json")
    assert "[note]" in result.stdout
    assert result.returncode == 0
