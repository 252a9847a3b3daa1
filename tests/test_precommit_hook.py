"""The pre-commit hooks: manifest, file matching, and a real pre-commit run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / ".pre-commit-hooks.yaml"
GOOD = REPO / "examples" / "policies" / "guardrails"
BAD = REPO / "examples" / "policies" / "legacy"


def _hooks() -> dict[str, dict]:
    from ruamel.yaml import YAML

    return {hook["id"]: hook for hook in YAML(typ="safe", pure=True).load(MANIFEST.read_text(encoding="utf-8"))}


def _pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    executable = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=900)


def test_manifest_validates(tmp_path):
    result = _pre_commit("validate-manifest", str(MANIFEST), cwd=REPO, home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hook_entry_is_the_console_script():
    for hook in _hooks().values():
        assert hook["entry"] == "scplint"
        assert hook["language"] == "python"


@pytest.mark.parametrize(
    ("hook_id", "filename", "expected"),
    [
        ("scplint", "policies/deny-regions.json", True),
        ("scplint", "scp/guardrails.yaml", True),
        ("scplint", "scp/guardrails.yml", True),
        ("scplint", "main.tf", False),
        ("scplint", "stack.py", False),
        ("scplint", "README.md", False),
        ("scplint-iac", "main.tf", True),
        ("scplint-iac", "stacks/org.py", True),
        ("scplint-iac", "template.json", True),
        ("scplint-iac", "notes.txt", False),
    ],
)
def test_hook_file_matching(hook_id, filename, expected, tmp_path):
    """Apply pre-commit's own type detection to the hook's ``types_or``."""
    from identify.identify import tags_from_path

    path = tmp_path / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}\n", encoding="utf-8")
    hook = _hooks()[hook_id]
    tags = tags_from_path(str(path))
    matched = bool(set(hook.get("types_or", [])) & tags) and set(hook.get("types", [])) <= tags
    assert matched is expected, tags


def test_entry_on_good_and_bad_folders():
    good = subprocess.run([sys.executable, "-m", "scplint", "--select", "SCP0,SCP1,SCP201,SCP202,SCP203,SCP204", *map(str, sorted(GOOD.iterdir()))], capture_output=True, text=True, check=False)
    bad = subprocess.run([sys.executable, "-m", "scplint", *map(str, sorted(BAD.iterdir()))], capture_output=True, text=True, check=False)
    assert good.returncode == 0, good.stdout
    assert bad.returncode == 1, bad.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_real_pre_commit_run(tmp_path):
    """Install the hook from this checkout with pre-commit and run it on a commit's files."""
    project = tmp_path / "project"
    (project / "policies").mkdir(parents=True)
    shutil.copy(BAD / "deny-ml-services.json", project / "policies" / "deny-ml-services.json")
    shutil.copy(GOOD / "deny-leave-organization.yaml", project / "policies" / "deny-leave-organization.yaml")
    (project / "package.json").write_text('{"name": "x"}\n', encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "."], cwd=project, check=True)

    home = tmp_path / "pre-commit-home"
    result = _pre_commit("try-repo", str(REPO), "scplint", "--all-files", "--verbose", cwd=project, home=home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "SCP204" in output
    assert "deny-ml-services.json" in output
    assert "deny-leave-organization.yaml:" not in output
