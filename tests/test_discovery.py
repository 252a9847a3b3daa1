from __future__ import annotations

import os
from pathlib import Path

import pytest

from scplint.discovery import discover, display_path


def make_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def relative_names(files: list[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in files]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    make_tree(
        tmp_path,
        {
            "policies/deny.json": "{}",
            "policies/regions.yaml": "",
            "policies/notes.md": "",
            "policies/legacy/old.json": "{}",
            "policies/generated/out.json": "{}",
            "policies/generated/keep.json": "{}",
            "policies/.gitignore": "generated/*\n!generated/keep.json\n",
            "infra/main.tf": "",
            "infra/app.py": "",
            "infra/stack.template": "",
            "infra/secret.yml": "",
            ".gitignore": "*.log\ninfra/secret.yml\n",
            "debug.log": "",
            "node_modules/pkg/policy.json": "{}",
            ".terraform/modules/x.tf": "",
            "build/policy.json": "{}",
            "cdk.out/stack.template.json": "{}",
            ".git/config.json": "{}",
        },
    )
    return tmp_path


def test_discover_walks_lintable_suffixes(tree: Path):
    files, errors = discover([tree], root=tree)
    assert errors == []
    assert relative_names(files, tree) == [
        "infra/app.py",
        "infra/main.tf",
        "infra/stack.template",
        "policies/deny.json",
        "policies/generated/keep.json",
        "policies/legacy/old.json",
        "policies/regions.yaml",
    ]


def test_discover_nested_gitignore_negation(tree: Path):
    files, _ = discover([tree / "policies"], root=tree)
    names = relative_names(files, tree)
    assert "policies/generated/keep.json" in names
    assert "policies/generated/out.json" not in names


def test_discover_root_gitignore_applies_to_subdirectory(tree: Path):
    files, _ = discover([tree / "infra"], root=tree)
    assert "infra/secret.yml" not in relative_names(files, tree)


def test_discover_without_gitignore(tree: Path):
    files, _ = discover([tree], root=tree, respect_gitignore=False)
    names = relative_names(files, tree)
    assert "infra/secret.yml" in names
    assert "policies/generated/out.json" in names
    assert "build/policy.json" not in names


def test_discover_default_excludes(tree: Path):
    files, _ = discover([tree], root=tree)
    names = relative_names(files, tree)
    for excluded in ("node_modules/", ".terraform/", "build/", "cdk.out/", ".git/"):
        assert not any(name.startswith(excluded) for name in names), excluded


def test_discover_extra_excludes(tree: Path):
    files, _ = discover([tree], root=tree, extra_excludes=["policies/legacy/", "*.tf"])
    names = relative_names(files, tree)
    assert "policies/legacy/old.json" not in names
    assert "infra/main.tf" not in names
    assert "policies/deny.json" in names


def test_discover_explicit_file_always_linted(tree: Path):
    explicit = [tree / "infra/secret.yml", tree / "policies/notes.md", tree / "build/policy.json"]
    files, errors = discover(explicit, root=tree)
    assert errors == []
    assert relative_names(files, tree) == ["build/policy.json", "infra/secret.yml", "policies/notes.md"]


def test_discover_explicit_file_honours_extra_excludes(tree: Path):
    files, _ = discover([tree / "policies/legacy/old.json"], root=tree, extra_excludes=["legacy/"])
    assert files == []


def test_discover_explicit_excluded_directory_walked(tree: Path):
    files, _ = discover([tree / "build"], root=tree)
    assert relative_names(files, tree) == ["build/policy.json"]


def test_discover_deduplicates_and_sorts(tree: Path):
    files, _ = discover([tree / "policies/deny.json", tree / "policies", tree / "policies/../policies/deny.json"], root=tree)
    names = relative_names(files, tree)
    assert names.count("policies/deny.json") == 1
    assert names == sorted(names)


def test_discover_missing_path_error(tree: Path):
    files, errors = discover([tree / "missing.json", tree / "policies/deny.json"], root=tree)
    assert len(files) == 1
    assert len(errors) == 1
    assert "missing.json" in errors[0]
    assert "no such file or directory" in errors[0]


def test_discover_relative_paths_from_cwd(tree: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tree / "policies")
    files, _ = discover(["deny.json", "legacy"], root=tree)
    assert relative_names(files, tree) == ["policies/deny.json", "policies/legacy/old.json"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links not supported")
def test_discover_skips_symlinked_directory(tmp_path: Path):
    make_tree(tmp_path, {"real/p.json": "{}"})
    (tmp_path / "real" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "alias.json").symlink_to(tmp_path / "real" / "p.json")
    files, _ = discover([tmp_path], root=tmp_path)
    assert relative_names(files, tmp_path) == ["alias.json", "real/p.json"]


def test_display_path_under_root(tmp_path: Path):
    assert display_path(tmp_path / "a" / "b.json", tmp_path) == "a/b.json"


def test_display_path_outside_root(tmp_path: Path):
    outside = tmp_path / "other" / "c.json"
    assert display_path(outside, tmp_path / "root") == outside.as_posix()


def test_display_path_relative_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    text = display_path(Path("./x/y.yaml"), tmp_path)
    assert text == "x/y.yaml"
    assert not text.startswith("./")
