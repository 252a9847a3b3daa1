"""A wheel built from this checkout contains every rule, under the scplint namespace."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder), str(REPO)],
        capture_output=True, text=True, check=False, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = folder.glob("scplint-*.whl")
    return path


def test_wheel_has_no_top_level_rules_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert not [name for name in names if name.startswith("rules/")]
    assert "scplint/rules/blanket_service_deny.py" in names
    assert "scplint/schemas/scp.json" in names
    assert "scplint/catalog/data/global_services.json" in names


def test_installed_wheel_runs_every_rule(wheel, tmp_path):
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True, text=True, check=False, timeout=600,
    )
    assert install.returncode == 0, install.stderr
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = subprocess.run(
        [sys.executable, "-c", "import scplint, sys; print(scplint.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )
    assert probe.stdout.startswith(str(target)), probe.stdout + probe.stderr

    listed = subprocess.run(
        [sys.executable, "-m", "scplint", "rules", "--output-format", "json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )
    assert listed.returncode == 0, listed.stderr
    import json

    from scplint.registry import load_rules

    installed_codes = sorted(rule["code"] for rule in json.loads(listed.stdout))
    assert installed_codes == sorted(load_rules())

    examples = REPO / "examples"
    run = subprocess.run(
        [sys.executable, "-m", "scplint", "--output-format", "json", str(examples)],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )
    assert run.returncode == 1, run.stderr
    codes = {finding["code"] for finding in json.loads(run.stdout)["findings"]}
    assert {"SCP201", "SCP202", "SCP203", "SCP204", "SCP102"} <= codes
