"""Command-line interface.

    scplint [PATH ...] [options]   lint files and folders (default: the current folder)
    scplint rules                  list the available rules
    scplint rule CODE              show one rule's documentation

Exit codes: 0 when no finding reaches the ``--fail-on`` severity, 1 when one does, 2 for a
usage, configuration or internal error (including an SCP000 finding).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import Sequence

from scplint import __version__
from scplint.formatters import FORMATS

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

SUBCOMMANDS = ("rules", "rule")

log = logging.getLogger("scplint")


class UsageError(Exception):
    """Bad command-line input; reported as ``scplint: error: ...`` with exit code 2."""


def _codes(text: str) -> list[str]:
    return [code.strip().upper() for code in text.split(",") if code.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scplint",
        description="Lint AWS Organizations service control policies (SCPs) and resource "
        "control policies (RCPs) before they are deployed.",
        epilog="Subcommands: 'scplint rules' lists the rules; 'scplint rule CODE' shows one "
        "rule's documentation. Exit codes: 0 clean, 1 findings, 2 usage or internal error.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to lint (default: .)")
    parser.add_argument(
        "--output-format", "--format", dest="output_format", choices=FORMATS,
        help="output format (default: text)",
    )
    parser.add_argument("-o", "--output-file", type=Path, help="write the output to this file instead of stdout")
    parser.add_argument("--select", type=_codes, action="extend", help="comma-separated rule codes or prefixes to run (default: ALL)")
    parser.add_argument("--extend-select", type=_codes, action="extend", default=[], help="codes or prefixes to run in addition to --select")
    parser.add_argument("--ignore", type=_codes, action="extend", default=[], help="codes or prefixes not to run")
    parser.add_argument(
        "--fail-on", choices=("note", "warning", "error"),
        help="lowest finding severity that makes the exit code 1 (default: warning)",
    )
    parser.add_argument("--kind", choices=("scp", "rcp"), help="lint files that no configuration or source format assigns as this policy kind (default: scp)")
    parser.add_argument("--strict", action="store_true", default=None, help="report values that hide behind unresolved placeholders as warnings, not notes")
    parser.add_argument("--rules-dir", type=Path, action="append", default=[], help="load repository-local rules from the *.py files of this folder (repeatable)")
    parser.add_argument("--exclude", action="append", default=[], help="gitignore-style pattern of paths to skip (repeatable)")
    parser.add_argument("--no-gitignore", action="store_true", help="lint files that .gitignore excludes")
    parser.add_argument("--config", type=Path, help="read settings from this file instead of searching for one")
    parser.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour text output (default: auto, off when NO_COLOR is set)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="explain skipped files and suppressed findings; -vv adds timings and debug output")
    parser.add_argument("--version", action="version", version=f"scplint {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            return _subcommand(argv[0], argv[1:])
        return _lint(argv)
    except UsageError as error:
        print(f"scplint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("scplint: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:  # a bug must still exit with 2, never with the findings code
        import traceback

        log.debug("%s", traceback.format_exc())
        print(
            f"scplint: internal error: {type(error).__name__}: {error}; run with -vv for the traceback "
            f"and report it",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING
    if verbosity == 1:
        level = logging.INFO
    elif verbosity > 1:
        level = logging.DEBUG
    logging.basicConfig(level=level, format="scplint: %(message)s", stream=sys.stderr, force=True)


def _load_settings(args: argparse.Namespace):
    from scplint.config import Config, ConfigError, find_config_file, find_repository_root, load_config
    from scplint.model import PolicyKind
    from scplint.rule import Severity

    try:
        if args.isolated:
            config = Config()
        else:
            path = args.config or find_config_file(_search_start(args.paths))
            if args.config is not None and not args.config.is_file():
                raise UsageError(f"configuration file not found: {args.config}")
            config = load_config(path)
            if path is not None:
                log.info("configuration: %s", path)
    except ConfigError as error:
        raise UsageError(str(error)) from None

    if args.select is not None:
        config.select = args.select
    config.extend_select = [*config.extend_select, *args.extend_select]
    config.ignore = [*config.ignore, *args.ignore]
    if args.fail_on:
        config.fail_on = Severity.parse(args.fail_on)
    if args.output_format:
        config.output_format = args.output_format
    if config.output_format not in FORMATS:
        raise UsageError(
            f"{config.source}: setting 'output-format': unknown format {config.output_format!r}; "
            f"choose from {', '.join(FORMATS)}"
        )
    if args.kind:
        config.default_kind = PolicyKind(args.kind.upper())
    if args.strict:
        config.strict = True
    config.exclude = [*config.exclude, *args.exclude]
    if args.no_gitignore:
        config.respect_gitignore = False
    config.rules_dirs = [*config.rules_dirs, *(folder.resolve() for folder in args.rules_dir)]
    # GitHub code scanning and annotations resolve paths from the repository root, so
    # those formats name files relative to it; text and JSON stay relative to the
    # working directory, as editors and terminals expect.
    config.repository_root = find_repository_root(_search_start(args.paths))
    if config.output_format in ("sarif", "github") and config.repository_root is not None:
        config.root = config.repository_root
    else:
        config.root = Path.cwd()
    return config


def _search_start(paths: list[str]) -> Path:
    """Start the configuration search at the first path linted, as pre-commit and CI pass them."""
    if not paths:
        return Path.cwd()
    first = Path(paths[0]).resolve()
    return first if first.is_dir() else first.parent


def _rules(config):
    from scplint.registry import RuleLoadError, load_rules, select_rules

    try:
        available = load_rules(config.rules_dirs)
        selected = select_rules(
            available, select=config.select, extend_select=config.extend_select, ignore=config.ignore
        )
    except RuleLoadError as error:
        raise UsageError(str(error)) from None
    nothing_chosen = config.select is not None and not [*config.select, *config.extend_select]
    if not selected or nothing_chosen:
        raise UsageError("no rule is selected; check --select, --ignore and the select setting")
    unknown = set(config.rule_options) - set(available)
    if unknown:
        raise UsageError(f"options given for unknown rule codes: {', '.join(sorted(unknown))}")
    unknown = set(config.severity) - set(available)
    if unknown:
        raise UsageError(f"{config.source}: [severity] names unknown rule codes: {', '.join(sorted(unknown))}")
    for suppression in config.suppressions:
        for code in suppression.codes:
            if not any(known.startswith(code) for known in available):
                raise UsageError(f"{config.source}: [[suppress]] for {suppression.path}: no rule code starts with {code!r}")
        if not (config.base / suppression.normalized_path).is_file():
            raise UsageError(f"{config.source}: [[suppress]] path {suppression.path!r} is not a file under {config.base}")
    for glob, codes in config.per_file_ignores.items():
        for code in codes:
            if code != "ALL" and not any(known.startswith(code) for known in available):
                raise UsageError(f"per-file-ignores for {glob!r}: no rule code starts with {code!r}")
    return available, selected


def _lint(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(args.verbose)
    config = _load_settings(args)
    available, selected = _rules(config)

    from scplint.engine import INTERNAL_ERROR, Linter
    from scplint.formatters import render

    started = time.perf_counter()
    try:
        linter = Linter(config, available, selected)
    except ValueError as error:  # an invalid rule option
        where = f"{config.source}: " if config.source else ""
        raise UsageError(f"{where}{error}") from None
    result, path_errors = linter.lint_paths(args.paths or ["."])
    for message in path_errors:
        print(f"scplint: error: {message}", file=sys.stderr)
    log.debug("linted %d files in %.3f s", len(result.files), time.perf_counter() - started)
    for name, seconds in sorted(linter.timings.items(), key=lambda item: -item[1]):
        log.debug("time in %s: %.1f ms", name, seconds * 1000)

    if path_errors and not result.files:
        return EXIT_ERROR  # nothing was linted, so a summary would mislead
    result.errors = path_errors
    color = _use_color(args.color) and args.output_file is None
    output = render(config.output_format, result, color=color, root=config.root)
    if args.output_file is not None:
        _write_atomically(args.output_file, output)
    else:
        sys.stdout.write(output)

    if path_errors or any(finding.code == INTERNAL_ERROR for finding in result.findings):
        return EXIT_ERROR
    failing = [finding for finding in result.findings if finding.severity >= config.fail_on]
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so readers never see half a file.

    A symbolic link is written through to its target. A target that exists and is not a
    regular file (``/dev/stdout``, a pipe) is written directly, because renaming over it
    would replace it.
    """
    import tempfile

    path = Path(os.path.realpath(path))
    if path.exists() and not path.is_file():
        try:
            with path.open("w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        except OSError as error:
            raise UsageError(f"cannot write output file {path}: {error.strerror}") from None
        return

    folder = path.parent
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise UsageError(f"cannot write output file {path}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp creates the file readable by its owner only
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"cannot write output file {path}: {error.strerror}") from None


def _subcommand(name: str, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=f"scplint {name}")
    if name == "rule":
        parser.add_argument("code", help="rule code, such as SCP201, or rule name, such as notaction-allowlist")
    parser.add_argument("--rules-dir", type=Path, action="append", default=[], help="also load rules from this folder")
    parser.add_argument("--output-format", "--format", dest="output_format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)

    from scplint import docs
    from scplint.registry import RuleLoadError, load_rules

    try:
        rules = load_rules([folder.resolve() for folder in args.rules_dir])
    except RuleLoadError as error:
        raise UsageError(str(error)) from None
    if name == "rules":
        sys.stdout.write(docs.rules_table(rules, args.output_format))
        return EXIT_CLEAN
    wanted = args.code.strip()
    match = rules.get(wanted.upper()) or next(
        (rule for rule in rules.values() if rule.name == wanted.lower()), None
    )
    if match is None:
        raise UsageError(f"no rule with code or name {wanted!r}; run 'scplint rules' to list them")
    sys.stdout.write(docs.rule_page(match, args.output_format))
    return EXIT_CLEAN
