"""Settings from ``[tool.scplint]`` in ``pyproject.toml`` or from ``.scplint.toml``.

The command line overrides the file. Keys use kebab-case in the file (``extend-select``)
and snake_case here. ``.scplint.toml`` contains the same keys at its top level.
"""

from __future__ import annotations

import logging
import os
import posixpath
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from scplint.model import PolicyKind
from scplint.rule import Severity

log = logging.getLogger(__name__)

CONFIG_FILES = (".scplint.toml", "pyproject.toml")


class ConfigError(Exception):
    """The configuration is invalid; the CLI exits with code 2."""


@dataclass
class Suppression:
    """One ``[[tool.scplint.suppress]]`` entry: codes accepted for one statement of a file."""

    path: str
    codes: list[str]
    reason: str
    # The statement's Sid, or its 1-based position; None accepts the codes for the whole file.
    statement: str | int | None = None
    used: int = 0

    def statement_label(self) -> str | None:
        if self.statement is None:
            return None
        if isinstance(self.statement, int):
            return f"statement {self.statement}"
        return f"statement {self.statement!r}"

    @property
    def normalized_path(self) -> str:
        return posixpath.normpath(self.path.replace("\\", "/"))

    def matches_statement(self, label: str | None, number: int | None) -> bool:
        """Tell whether a finding's statement (its label and 1-based number) is the one named."""
        if self.statement is None:
            return True
        if isinstance(self.statement, int):
            return number == self.statement
        return label == self.statement_label()


@dataclass
class Config:
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    # Glob (gitignore syntax) -> codes or code prefixes ignored in matching files.
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    fail_on: Severity = Severity.WARNING
    output_format: str = "text"
    exclude: list[str] = field(default_factory=list)
    respect_gitignore: bool = True
    rules_dirs: list[Path] = field(default_factory=list)
    # Files linted as resource control policies (gitignore-style globs, relative to root).
    rcp_paths: list[str] = field(default_factory=list)
    # The kind for files that no glob and no source format assigns.
    default_kind: PolicyKind = PolicyKind.SCP
    strict: bool = False
    # Per-rule options: {"SCP003": {"max_size": 10240}}.
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Findings accepted on purpose, one statement at a time, each with its reason.
    suppressions: list[Suppression] = field(default_factory=list)
    # Per-rule severity overrides: {"SCP204": Severity.ERROR}.
    severity: dict[str, Severity] = field(default_factory=dict)
    # Folder that paths in findings are relative to (the working directory in the CLI).
    root: Path = field(default_factory=Path.cwd)
    # The configuration file, if any; globs in it are relative to its folder.
    source: Path | None = None
    # The git work tree that contains the linted paths, if any.
    repository_root: Path | None = None

    @property
    def base(self) -> Path:
        """Return the folder that exclude, rcp-paths and per-file-ignores globs start from:
        the configuration file's folder, else the repository root, else ``root``."""
        if self.source is not None:
            return self.source.parent
        return self.repository_root or self.root

    def kind_for(self, path: Path) -> PolicyKind:
        if self.rcp_paths and _matches_any(self.rcp_paths, self._relative(path)):
            return PolicyKind.RCP
        return self.default_kind

    def ignored_codes_for(self, path: Path) -> list[str]:
        codes: list[str] = []
        relative = self._relative(path)
        for pattern, ignored in self.per_file_ignores.items():
            if _matches_any([pattern], relative):
                codes.extend(ignored)
        return codes

    def relative_to_base(self, path: Path) -> str:
        """Return ``path`` (absolute, or relative to ``root``) relative to ``base``, in POSIX form."""
        return self._relative(path)

    def _relative(self, path: Path) -> str:
        # abspath, not resolve: a linked file is matched by where it appears, as the walk
        # and display paths name it.
        path = Path(os.path.abspath(self.root / path))
        try:
            return path.relative_to(os.path.abspath(self.base)).as_posix()
        except ValueError:
            return path.as_posix()


def _matches_any(patterns: list[str], relative_path: str) -> bool:
    return _spec(tuple(patterns)).match_file(relative_path)


@lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def find_repository_root(start: Path) -> Path | None:
    """Return the nearest folder at or above ``start`` that contains ``.git``, or None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def find_config_file(start: Path) -> Path | None:
    """Find the nearest ``.scplint.toml``, or ``pyproject.toml`` with ``[tool.scplint]``."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and not _has_scplint_table(candidate):
                continue
            return candidate
    return None


def _has_scplint_table(path: Path) -> bool:
    """Tell whether a pyproject.toml has a [tool.scplint] table, in any TOML spelling."""
    text = _read_text(path)
    if "scplint" not in text:
        return False
    if "[tool.scplint" in text:
        return True
    import tomllib

    try:
        tool = tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return True  # load_config reports the syntax error with its position
    return isinstance(tool, dict) and "scplint" in tool


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def load_config(path: Path | None) -> Config:
    """Read a configuration file; with no file, return the defaults."""
    if path is None:
        return Config()
    import tomllib

    try:
        with path.open("rb") as stream:
            document = tomllib.load(stream)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read configuration: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None

    if path.name == "pyproject.toml":
        tool = document.get("tool", {})
        table = tool.get("scplint", {}) if isinstance(tool, dict) else {}
    else:
        table = document
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.scplint] must be a table of settings")
    config = Config(source=path)
    apply_table(config, table, path)
    return config


_LIST_KEYS = {"select", "extend-select", "ignore", "exclude", "rcp-paths"}


def apply_table(config: Config, table: dict[str, Any], path: Path) -> None:
    """Copy the settings of a ``[tool.scplint]`` table into ``config``, validating each."""
    for key, value in table.items():
        where = f"{path}: setting {key!r}"
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise ConfigError(f"{where} must be a list of strings")
            setattr(config, key.replace("-", "_"), list(value))
        elif key == "per-file-ignores":
            if not isinstance(value, dict) or not all(
                isinstance(codes, list) and all(isinstance(code, str) for code in codes) for codes in value.values()
            ):
                raise ConfigError(f'{where} must be a table of "glob" = ["CODE", ...], with a list of codes for each glob')
            config.per_file_ignores = {str(glob): [code.upper() for code in codes] for glob, codes in value.items()}
        elif key == "fail-on":
            config.fail_on = _severity(value, where)
        elif key in ("output-format", "format"):
            config.output_format = str(value)
        elif key == "respect-gitignore":
            config.respect_gitignore = _boolean(value, where)
        elif key == "strict":
            config.strict = _boolean(value, where)
        elif key == "rules-dir":
            folders = value if isinstance(value, list) else [value]
            config.rules_dirs = [(path.parent / str(folder)).resolve() for folder in folders]
        elif key == "default-kind":
            config.default_kind = _kind(value, where)
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} must be a table of CODE = severity")
            config.severity = {code.upper(): _severity(level, where) for code, level in value.items()}
        elif key == "suppress":
            config.suppressions = [_suppression(item, f"{where}[{index}]") for index, item in enumerate(_tables(value, where))]
        elif key == "rules":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise ConfigError(f"{where} must contain one table per rule code")
            config.rule_options = {
                code.upper(): {name.replace("-", "_"): option for name, option in options.items()}
                for code, options in value.items()
            }
        else:
            raise ConfigError(f"{path}: unknown setting {key!r} in scplint configuration")


def _tables(value: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConfigError(f"{where} must be an array of tables ([[tool.scplint.suppress]] entries)")
    return value


def _suppression(item: dict[str, Any], where: str) -> Suppression:
    unknown = set(item) - {"path", "statement", "codes", "reason"}
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}; use path, statement, codes and reason")
    path, codes, reason = item.get("path"), item.get("codes"), item.get("reason")
    if not isinstance(path, str) or not path:
        raise ConfigError(f"{where}: 'path' must name the policy file, relative to the configuration file")
    if not isinstance(codes, list) or not codes or not all(isinstance(code, str) for code in codes):
        raise ConfigError(f"{where}: 'codes' must be a non-empty list of rule codes")
    if not isinstance(reason, str) or not reason.strip():
        raise ConfigError(f"{where}: 'reason' is required, so that reviewers see why the finding is accepted")
    statement = item.get("statement")
    if statement is not None and (isinstance(statement, bool) or not isinstance(statement, (str, int))):
        raise ConfigError(f"{where}: 'statement' must be a Sid or a 1-based statement number")
    if isinstance(statement, int) and statement < 1:
        raise ConfigError(f"{where}: 'statement' numbers start at 1")
    if Path(path).is_absolute() or any(char in path for char in "*?["):
        raise ConfigError(f"{where}: 'path' must be one file's path relative to the configuration file, not {path!r}")
    return Suppression(path=path, codes=[code.upper() for code in codes], reason=reason, statement=statement)


def _severity(value: Any, where: str) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None


def _kind(value: Any, where: str) -> PolicyKind:
    try:
        return PolicyKind(str(value).upper())
    except ValueError:
        raise ConfigError(f"{where}: expected 'scp' or 'rcp', got {value!r}") from None


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false")
    return value
