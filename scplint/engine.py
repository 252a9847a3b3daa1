"""The engine: load files, run rules, locate findings, suppress and sort.

Bad input and crashing code never stop the run. A file that cannot be parsed becomes an
SCP001 finding, a loader or rule that raises becomes an SCP000 finding, and every other
file and rule still runs.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from scplint.config import Config
from scplint.discovery import discover, display_path
from scplint.loaders import load_file
from scplint.model import LoadProblem, LoadResult, PolicyDocument, PolicyKind, PolicyReference, Span
from scplint.registry import code_matches
from scplint.result import LintResult
from scplint.rule import Finding, Report, Rule, RunContext, Scope, Severity

log = logging.getLogger(__name__)

INTERNAL_ERROR = "SCP000"
UNUSED_SUPPRESSION = "SCP403"


@dataclass
class _FileOutcome:
    documents: list[PolicyDocument] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    references: list[PolicyReference] = field(default_factory=list)


class Linter:
    """Lint files with a chosen set of rules.

    ``available`` is every rule that exists (for the metadata of loader findings such as
    SCP001, which come from loaders rather than from a rule's checks); ``selected`` is the
    set that runs and may report.
    """

    def __init__(
        self,
        config: Config,
        available: dict[str, type[Rule]],
        selected: dict[str, type[Rule]],
    ) -> None:
        self.config = config
        self.available = available
        self.selected = selected
        context = RunContext(strict=config.strict)
        self.rules: list[Rule] = [
            rule_class(config.rule_options.get(code), context) for code, rule_class in selected.items()
        ]
        self.timings: dict[str, float] = defaultdict(float)

    # Loading

    def lint_paths(self, paths: Sequence[str | Path]) -> tuple[LintResult, list[str]]:
        """Lint the files under ``paths``; return the result and path errors."""
        files, errors = discover(
            paths,
            root=self.config.base,
            extra_excludes=self.config.exclude,
            respect_gitignore=self.config.respect_gitignore,
        )
        return self.lint_files(files), errors

    def lint_files(self, files: Iterable[Path]) -> LintResult:
        result = LintResult(rules=dict(self.selected))
        for suppression in self.config.suppressions:
            suppression.used = 0
        documents: list[PolicyDocument] = []
        findings: list[Finding] = []
        references: list[PolicyReference] = []
        loaded: dict[str, _FileOutcome] = {}

        files = list(files)
        for path, loaded_file in zip(files, self._load_all(files), strict=True):
            outcome = self._outcome(path, loaded_file, result)
            loaded[str(path.resolve())] = outcome
            documents.extend(outcome.documents)
            findings.extend(outcome.findings)
            references.extend(outcome.references)

        self._resolve_references(references, loaded, documents, findings, result)

        findings.extend(self._run_rules(documents))
        result.document_count = len(documents)
        result.findings = self._finish(findings, result.files)
        return result

    def _resolve_references(
        self,
        references: list[PolicyReference],
        loaded: dict[str, _FileOutcome],
        documents: list[PolicyDocument],
        findings: list[Finding],
        result: LintResult,
    ) -> None:
        """Load the policy files that LZA and CfCT configurations deploy, as their kind."""
        for reference in references:
            key = str(Path(reference.path).resolve())
            boundary = self._reference_boundary(reference)
            if not Path(key).is_relative_to(boundary):
                outside = self._outside_reference(reference, boundary)
                if outside is not None:
                    findings.append(outside)
                continue
            if key not in loaded:
                path = Path(reference.path)
                outcome = self._outcome(path, self._load_one(path, reference.kind), result)
                loaded[key] = outcome
                documents.extend(outcome.documents)
                findings.extend(outcome.findings)
            for document in loaded[key].documents:
                document.kind = reference.kind
                for target in reference.attachments:
                    if target not in document.attachments:
                        document.attachments.append(target)

    def _load_all(self, files: list[Path]) -> list[LoadResult | str]:
        """Load every file, in worker processes when there are many and the OS can fork."""
        started = time.perf_counter()
        jobs = [(path, display_path(path, self.config.root), self.config.kind_for(path)) for path in files]
        try:
            context = _fork_context(len(jobs))
            if context is None:
                return [_load_job(job) for job in jobs]
            from concurrent.futures import ProcessPoolExecutor

            from concurrent.futures.process import BrokenProcessPool

            workers = min(os.cpu_count() or 1, MAX_WORKERS)
            try:
                with ProcessPoolExecutor(workers, mp_context=context) as pool:
                    return list(pool.map(_load_job, jobs, chunksize=max(1, len(jobs) // (workers * 4))))
            except (BrokenProcessPool, OSError) as error:
                log.info("worker processes failed (%s); loading in this process", error)
                return [_load_job(job) for job in jobs]
        finally:
            self.timings["load"] += time.perf_counter() - started

    def _load_one(self, path: Path, kind) -> LoadResult | str:
        return _load_job((path, display_path(path, self.config.root), kind))

    def _outcome(self, path: Path, loaded: LoadResult | str, result: LintResult) -> _FileOutcome:
        display = display_path(path, self.config.root)
        result.files.append(display)
        outcome = _FileOutcome()
        if isinstance(loaded, str):
            outcome.findings.append(self._internal_error(display, None, f"loader failed on this file: {loaded}"))
            return outcome

        if loaded.skipped:
            log.info("%s: skipped: %s", display, loaded.skipped)
        for document in loaded.documents:
            if document.file_text is not None:
                result.sources.setdefault(document.file, document.file_text)
        if not loaded.documents and loaded.problems:
            try:
                result.sources.setdefault(display, path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError):
                pass
        outcome.documents = loaded.documents
        outcome.references = loaded.references
        outcome.findings = [self._problem_finding(display, problem) for problem in loaded.problems]
        outcome.findings = [finding for finding in outcome.findings if finding is not None]
        return outcome

    def _reference_boundary(self, reference: PolicyReference) -> Path:
        """Return the folder a configuration file may reference files in: its git work tree,
        or, outside git, its own folder."""
        from scplint.config import find_repository_root

        source = Path(reference.source_file) if reference.source_file else Path(reference.path)
        folder = (self.config.root / source).resolve().parent
        return find_repository_root(folder) or folder

    def _outside_reference(self, reference: PolicyReference, boundary: Path) -> Finding | None:
        problem = LoadProblem(
            "SCP001",
            f"policy file {reference.path} is outside {boundary}; scplint reads no files outside "
            f"the repository, so lint that file where it is kept",
            reference.span,
        )
        return self._problem_finding(reference.source_file or reference.path, problem)

    def _problem_finding(self, display: str, problem: LoadProblem) -> Finding | None:
        if problem.code not in self.selected:
            return None
        rule = self.available[problem.code]
        return Finding(
            code=rule.code,
            name=rule.name,
            severity=self.config.severity.get(rule.code, rule.severity),
            message=problem.message,
            file=display,
            span=problem.span,
        )

    # Rules

    def _run_rules(self, documents: list[PolicyDocument]) -> list[Finding]:
        findings: list[Finding] = []
        for rule in self.rules:
            started = time.perf_counter()
            if rule.scope is Scope.RUN:
                findings.extend(self._guarded(rule, None, rule.check_run, documents))
            else:
                for document in documents:
                    findings.extend(self._guarded(rule, document, rule.run, document))
            self.timings[rule.code] += time.perf_counter() - started
        return findings

    def _guarded(self, rule: Rule, document: PolicyDocument | None, produce, argument) -> list[Finding]:
        """Collect the findings of ``produce(argument)``; turn an exception into SCP000."""
        findings: list[Finding] = []
        try:
            for report in produce(argument):
                findings.append(self._locate(rule, report))
        except Exception as error:  # a rule bug must not stop the run
            log.debug("rule %s failed:\n%s", rule.code, traceback.format_exc())
            file = document.file if document else "."
            span = document.locate(()) if document else None
            findings.append(
                self._internal_error(file, span, f"rule {rule.code} ({rule.name}) failed: {_describe(error)}")
            )
        return findings

    def _locate(self, rule: Rule, report: Report) -> Finding:
        document = report.document
        # A severity set in configuration wins over the one the rule chose for this report.
        severity = self.config.severity.get(rule.code) or report.severity or rule.severity
        message = report.message
        if report.undecided:
            severity = Severity.WARNING if self.config.strict else Severity.NOTE
            message = f"cannot decide: {message}"
        return Finding(
            code=rule.code,
            name=rule.name,
            severity=severity,
            message=message,
            file=document.file,
            span=document.locate(report.path, key=report.key),
            statement=report.statement.label if report.statement else None,
            document=document.name,
            statement_number=report.statement.index + 1 if report.statement else None,
            undecided=report.undecided,
        )

    def _internal_error(self, file: str, span: Span | None, message: str) -> Finding:
        rule = self.available.get(INTERNAL_ERROR)
        return Finding(
            code=INTERNAL_ERROR,
            name=rule.name if rule else "internal-error",
            severity=Severity.ERROR,
            message=f"{message}; this is a bug in scplint or a plugin, please report it",
            file=file,
            span=span,
        )

    # Suppression and order

    def _finish(self, findings: list[Finding], linted: list[str]) -> list[Finding]:
        kept: dict[tuple, Finding] = {}
        undecided_seen: set[tuple] = set()
        for finding in sorted(findings, key=lambda finding: finding.sort_key):
            ignored = self.config.ignored_codes_for(Path(finding.file))
            if ignored and finding.code != INTERNAL_ERROR and code_matches(finding.code, ignored):
                log.info("%s: %s suppressed by per-file-ignores", finding.file, finding.code)
                continue
            if finding.code != INTERNAL_ERROR and self._suppressed(finding):
                continue
            if finding.undecided:
                # One "cannot decide" note per rule and document is enough.
                where = (finding.code, finding.file, finding.document)
                if where in undecided_seen:
                    continue
                undecided_seen.add(where)
            kept.setdefault((finding.sort_key, finding.statement), finding)
        kept_findings = list(kept.values()) + self._unused_suppressions(linted)
        return sorted(kept_findings, key=lambda finding: finding.sort_key)

    def _suppressed(self, finding: Finding) -> bool:
        for suppression in self.config.suppressions:
            if not code_matches(finding.code, suppression.codes):
                continue
            if not suppression.matches_statement(finding.statement, finding.statement_number):
                continue
            if self.config.relative_to_base(Path(finding.file)) != suppression.normalized_path:
                continue
            suppression.used += 1
            log.info("%s: %s suppressed: %s", finding.file, finding.code, suppression.reason)
            return True
        return False

    def _unused_suppressions(self, linted: list[str]) -> list[Finding]:
        """Report suppressions that matched nothing, so stale ones are removed.

        Only suppressions of files linted in this run, for rules that ran, can be judged:
        pre-commit passes only the changed files.
        """
        if UNUSED_SUPPRESSION not in self.selected or self.config.source is None:
            return []
        linted_paths = {self.config.relative_to_base(Path(file)) for file in linted}
        rule = self.available[UNUSED_SUPPRESSION]
        source = display_path(self.config.source, self.config.root)
        unused = []
        for suppression in self.config.suppressions:
            if suppression.used or suppression.normalized_path not in linted_paths:
                continue
            if not any(code_matches(code, suppression.codes) for code in self.selected):
                continue
            where = f" {suppression.statement_label()}" if suppression.statement is not None else ""
            unused.append(
                Finding(
                    code=rule.code,
                    name=rule.name,
                    severity=self.config.severity.get(rule.code, rule.severity),
                    message=(
                        f"suppression of {', '.join(suppression.codes)} for {suppression.path}{where} matched no "
                        f"finding; remove it"
                    ),
                    file=source,
                    span=None,
                )
            )
        return unused


# Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 64
MAX_WORKERS = 4


def _fork_context(job_count: int):
    """Return a fork multiprocessing context when parallel loading pays off, else None."""
    # Fork is the safe, fast start method on Linux only; CPython calls it unsafe on macOS.
    if job_count < PARALLEL_MIN_FILES or (os.cpu_count() or 1) < 2 or not sys.platform.startswith("linux"):
        return None
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def _load_job(job: tuple[Path, str, PolicyKind]) -> LoadResult | str:
    """Load one file; return a description of the error instead of raising.

    A string rather than the exception comes back, because a worker process must pickle
    what it returns and not every exception can be pickled.
    """
    path, display, kind = job
    try:
        return load_file(path, display, kind)
    except Exception as error:  # a loader bug must not stop the run
        log.debug("loader failed on %s:\n%s", display, traceback.format_exc())
        return _describe(error)


def _describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
