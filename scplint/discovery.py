"""Find the files to lint from the paths given on the command line.

Rules:

- A path given as a file is linted whatever its suffix, because pre-commit passes the
  files it selected, and neither ``.gitignore`` nor the default excludes apply to it.
  Configured ``extra_excludes`` do apply, so an exclusion in configuration also applies
  under pre-commit.
- A directory is walked for files whose suffix is in ``LINTABLE_SUFFIXES``, skipping
  ``DEFAULT_EXCLUDES`` by name, paths matched by ``.gitignore`` files (in the root, in
  the walked directories and in the directories between them) and ``extra_excludes``.
- Symbolic links to directories are not followed during a walk, so a link loop cannot
  make the walk endless. Links to files are linted like files.

Files are not opened here: loaders decide whether a file contains a policy.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from scplint.loaders import LINTABLE_SUFFIXES

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import pathspec

# Directory names skipped during a walk: version control, dependency, build and cache
# folders, which hold no policies of the project's own.
DEFAULT_EXCLUDES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        ".terraform",
        "cdk.out",
        "build",
        "dist",
        ".mypy_cache",
        ".pytest_cache",
        "site-packages",
    }
)

GITIGNORE = ".gitignore"


def display_path(path: Path, root: Path) -> str:
    """Return ``path`` as a POSIX path relative to ``root``, or absolute when outside it."""
    absolute = Path(os.path.abspath(path))
    root = Path(os.path.abspath(root))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return absolute.as_posix()
    text = relative.as_posix()
    return text if text else "."


class _IgnoreRules:
    """The ``.gitignore`` specs that apply inside one directory, outermost first."""

    def __init__(self, specs: tuple[tuple[Path, pathspec.PathSpec], ...] = ()) -> None:
        self.specs = specs

    def with_directory(self, directory: Path) -> _IgnoreRules:
        spec = _read_gitignore(directory / GITIGNORE)
        if spec is None:
            return self
        return _IgnoreRules(self.specs + ((directory, spec),))

    def ignores(self, path: Path, is_dir: bool) -> bool:
        # Git reads the deepest .gitignore last, so its decision wins. A negated pattern
        # (`!keep.json`) gives include=False, which re-includes the path.
        ignored = False
        for base, spec in self.specs:
            try:
                relative = path.relative_to(base).as_posix()
            except ValueError:
                continue
            if is_dir:
                relative += "/"
            decision = spec.check_file(relative).include
            if decision is not None:
                ignored = decision
        return ignored


def _read_gitignore(path: Path) -> pathspec.PathSpec | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(text.splitlines())


def _extra_spec(patterns: Sequence[str]) -> pathspec.PathSpec | None:
    if not patterns:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


def _matches_extra(spec: pathspec.PathSpec | None, path: Path, root: Path, is_dir: bool) -> bool:
    if spec is None:
        return False
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        # Outside the root, the patterns are matched against the absolute path.
        relative = path.as_posix().lstrip("/")
    if is_dir:
        relative += "/"
    return bool(spec.match_file(relative))


def _rules_down_to(directory: Path, root: Path, respect_gitignore: bool) -> _IgnoreRules:
    """Collect the .gitignore files from ``root`` down to ``directory``, both included."""
    rules = _IgnoreRules()
    if not respect_gitignore:
        return rules
    try:
        relative = directory.relative_to(root)
    except ValueError:
        return rules.with_directory(directory)
    current = root
    rules = rules.with_directory(current)
    for part in relative.parts:
        current = current / part
        rules = rules.with_directory(current)
    return rules


def _walk(
    directory: Path,
    rules: _IgnoreRules,
    extra: pathspec.PathSpec | None,
    root: Path,
    respect_gitignore: bool,
    found: set[Path],
) -> None:
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        path = directory / entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError:
            continue
        if entry.is_symlink() and not is_file:
            log.info("%s: skipped: a symbolic link to a folder (not followed, to avoid loops)", path)
            continue
        if is_dir:
            if entry.name in DEFAULT_EXCLUDES:
                log.debug("%s: skipped: excluded by default", path)
                continue
            if rules.ignores(path, True):
                log.info("%s: skipped: ignored by .gitignore", path)
                continue
            if _matches_extra(extra, path, root, True):
                log.info("%s: skipped: matches an exclude pattern", path)
                continue
            child_rules = rules.with_directory(path) if respect_gitignore else rules
            _walk(path, child_rules, extra, root, respect_gitignore, found)
        elif is_file and Path(entry.name).suffix.lower() in LINTABLE_SUFFIXES:
            if rules.ignores(path, False):
                log.info("%s: skipped: ignored by .gitignore", path)
                continue
            if _matches_extra(extra, path, root, False):
                log.info("%s: skipped: matches an exclude pattern", path)
                continue
            found.add(path)


def discover(
    paths: Sequence[str | Path],
    *,
    root: Path,
    extra_excludes: Sequence[str] = (),
    respect_gitignore: bool = True,
) -> tuple[list[Path], list[str]]:
    """Find the files to lint under ``paths``.

    Relative paths are taken from the current directory. ``extra_excludes`` are
    gitignore-style patterns relative to ``root``. Returns the absolute file paths,
    sorted and without duplicates, and one error message per path that does not exist.
    """
    root = Path(os.path.abspath(root))
    extra = _extra_spec(extra_excludes)
    found: set[Path] = set()
    errors: list[str] = []
    for argument in paths:
        path = Path(os.path.abspath(argument))
        if path.is_dir():
            rules = _rules_down_to(path, root, respect_gitignore)
            _walk(path, rules, extra, root, respect_gitignore, found)
        elif path.is_file():
            if not _matches_extra(extra, path, root, False):
                found.add(path)
        else:
            errors.append(f"{argument}: no such file or directory")
    return sorted(found, key=lambda item: item.as_posix()), errors
