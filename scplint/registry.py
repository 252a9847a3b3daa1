"""Find rules: the built-in pack, third-party packs and repository-local rule folders.

Every pack is a module or package registered in the ``scplint.rules`` entry-point group;
the built-in pack is registered there by scplint's own packaging, so it loads the same way
a third-party pack does. A rule is any ``Rule`` subclass with a ``code`` defined in the
pack's modules. ``--rules-dir`` adds the ``*.py`` files of a folder.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import pkgutil
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Iterable

from scplint.rule import Rule

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "scplint.rules"
# Internal errors and unparsable files are reported whatever --select selects, because a file
# that cannot be read would otherwise pass every check. --ignore SCP001 turns parse errors
# off; SCP000 cannot be turned off, because it means scplint itself failed.
ALWAYS_ON = frozenset({"SCP000", "SCP001"})


class RuleLoadError(Exception):
    """A rule pack cannot be loaded or two rules share a code; the CLI exits with code 2."""


@dataclass(frozen=True)
class EntryPoint:
    name: str
    value: str

    def load(self) -> ModuleType:
        module_name, _, attribute = self.value.partition(":")
        module = importlib.import_module(module_name.strip())
        return getattr(module, attribute.strip()) if attribute else module


def find_entry_points(group: str) -> list[EntryPoint]:
    """List the entry points of ``group`` declared by the distributions on ``sys.path``.

    This reads ``entry_points.txt`` of each ``*.dist-info`` and ``*.egg-info`` folder the
    way ``importlib.metadata`` does, and the first distribution of a name on ``sys.path``
    wins. It avoids importing ``importlib.metadata``, because that import pulls in the
    ``email`` package and costs 15 to 25 ms, a large share of a one-file run.
    """
    import configparser

    seen: set[str] = set()
    found: list[EntryPoint] = []
    for folder in sys.path:
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            distribution = name.rsplit("-", 1)[0].split("-")[0].lower().replace("_", "-")
            if distribution in seen:
                continue
            seen.add(distribution)
            path = os.path.join(folder or ".", name, "entry_points.txt")
            if not os.path.isfile(path):
                continue
            parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
            parser.optionxform = str  # entry point names are case-sensitive
            try:
                parser.read(path, encoding="utf-8")
            except (configparser.Error, UnicodeDecodeError) as error:
                log.warning("ignoring unreadable %s: %s", path, error)
                continue
            if parser.has_section(group):
                found.extend(EntryPoint(key, value) for key, value in parser.items(group))
    return found


def load_rules(rules_dirs: Iterable[Path] = ()) -> dict[str, type[Rule]]:
    """Return every available rule class by code."""
    rules: dict[str, type[Rule]] = {}
    for entry_point in sorted(find_entry_points(ENTRY_POINT_GROUP), key=lambda ep: ep.name):
        try:
            pack = entry_point.load()
        except Exception as error:  # a broken third-party pack must not hide the others
            raise RuleLoadError(
                f"cannot load rule pack {entry_point.name!r} ({entry_point.value}): {error}"
            ) from error
        try:
            modules = list(_modules_of(pack))
        except Exception as error:  # a broken submodule of a pack is a usage error, not a crash
            raise RuleLoadError(f"cannot load rule pack {entry_point.name!r} ({entry_point.value}): {error}") from error
        for module in modules:
            _collect(module, rules, origin=entry_point.value)
    for folder in rules_dirs:
        for module in _modules_in_folder(folder):
            _collect(module, rules, origin=str(folder))
    return dict(sorted(rules.items()))


def _modules_of(pack: ModuleType) -> Iterable[ModuleType]:
    yield pack
    if hasattr(pack, "__path__"):
        for info in sorted(pkgutil.iter_modules(pack.__path__), key=lambda item: item.name):
            if not info.name.startswith("_"):
                yield importlib.import_module(f"{pack.__name__}.{info.name}")


def _modules_in_folder(folder: Path) -> Iterable[ModuleType]:
    if not folder.is_dir():
        raise RuleLoadError(f"rules folder not found: {folder}")
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        name = f"scplint_local_rules.{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise RuleLoadError(f"cannot import rule file {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as error:
            raise RuleLoadError(f"cannot import rule file {path}: {error}") from error
        yield module


def _collect(module: ModuleType, rules: dict[str, type[Rule]], origin: str) -> None:
    for value in vars(module).values():
        if not (isinstance(value, type) and issubclass(value, Rule) and value is not Rule):
            continue
        if value.__module__ != module.__name__ or not getattr(value, "code", None):
            continue
        existing = rules.get(value.code)
        if existing is not None and existing is not value:
            raise RuleLoadError(
                f"rule code {value.code} is defined twice: by {existing.__module__}."
                f"{existing.__name__} and by {value.__module__}.{value.__name__} ({origin})"
            )
        rules[value.code] = value


def select_rules(
    rules: dict[str, type[Rule]],
    *,
    select: list[str] | None,
    extend_select: list[str],
    ignore: list[str],
) -> dict[str, type[Rule]]:
    """Apply ``--select``, ``--extend-select`` and ``--ignore`` by code prefix.

    When a select and an ignore prefix both match a code, the longer prefix wins; on a
    tie, ignore wins. ``ALL`` matches every code. Unknown prefixes raise RuleLoadError.
    SCP000 is always selected; SCP001 stays selected unless ``ignore`` names it in full.
    """
    chosen = select if select is not None else ["ALL"]
    chosen = [*chosen, *extend_select]
    for prefix in (*chosen, *ignore):
        if prefix.upper() != "ALL" and not any(code.startswith(prefix.upper()) for code in rules):
            raise RuleLoadError(f"no rule code starts with {prefix!r}; run 'scplint rules' to list them")

    def weight(prefixes: list[str], code: str) -> int:
        best = -1
        for prefix in prefixes:
            prefix = prefix.upper()
            if prefix == "ALL":
                best = max(best, 0)
            elif code.startswith(prefix):
                best = max(best, len(prefix))
        return best

    selected = {}
    for code, rule in rules.items():
        selected_weight = weight(chosen, code)
        ignored_weight = weight(ignore, code)
        if code == "SCP000":
            selected[code] = rule
            continue
        if code in ALWAYS_ON and ignored_weight < len(code):
            selected_weight = max(selected_weight, 0)
        if selected_weight >= 0 and selected_weight > ignored_weight:
            selected[code] = rule
    return selected


def code_matches(code: str, prefixes: Iterable[str]) -> bool:
    return any(prefix.upper() == "ALL" or code.startswith(prefix.upper()) for prefix in prefixes)
