"""The rule API: what a rule declares and how it reports.

A rule is a subclass of ``Rule``. Its class attributes are its metadata, its docstring is
its documentation (in the sections listed in ``DOC_SECTIONS``, each introduced by a
``## Heading`` line), and its ``valid`` / ``invalid`` examples are run as tests for every
rule, built-in or third-party, by ``scplint.testing``.

A rule overrides one of ``check_statement``, ``check_document`` or ``check_run``, chosen by
its ``scope``, and yields ``Report`` objects that name a path into the document. The engine
turns each path into a file position and each report into a ``Finding``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable, Iterator, Sequence

from scplint.model import Path, PolicyDocument, PolicyKind, Span, Statement

DOC_SECTIONS = (
    "What it does",
    "Why it matters",
    "Example",
    "Use instead",
    "Known problems",
    "Options",
    "References",
)
REQUIRED_DOC_SECTIONS = ("What it does", "Why it matters", "Example", "Use instead")
# The rule reference generated from the rules' docstrings; SARIF output links to it.
DOCS_URL = "https://github.com/scplint/scplint/blob/main/docs/rules.md"


class Severity(enum.IntEnum):
    """The seriousness of a finding. The names match SARIF's ``level`` values."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(member.name.lower() for member in cls)
            raise ValueError(f"invalid severity {text!r}; expected one of: {choices}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Scope(enum.Enum):
    """The part of a run that one call of a rule receives."""

    STATEMENT = "statement"
    DOCUMENT = "document"
    # Every document loaded in the run, for organisation-level checks.
    RUN = "run"


@dataclass(frozen=True)
class Option:
    """A typed setting of a rule, set under ``[tool.scplint.rules.CODE]`` in configuration."""

    name: str
    type: type
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None

    @property
    def setting(self) -> str:
        """Return the name as written in configuration files (kebab-case)."""
        return self.name.replace("_", "-")

    def convert(self, value: Any) -> Any:
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if self.type is list and isinstance(value, (list, tuple)):
            return list(value)
        if not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            raise ValueError(
                f"option {self.setting!r} must be of type {self.type.__name__}, got {value!r}"
            )
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"option {self.setting!r} must be at least {self.minimum}, got {value!r}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"option {self.setting!r} must be at most {self.maximum}, got {value!r}")
        return value


@dataclass(frozen=True)
class Example:
    """A policy that a rule must pass (valid) or report (invalid).

    ``policy`` is JSON or YAML text. For invalid examples, ``message`` is a substring that
    one finding's message must contain and ``path`` (when given) the path that finding
    must report.
    """

    policy: str
    message: str | None = None
    path: Path | None = None
    kind: PolicyKind = PolicyKind.SCP
    options: dict[str, Any] = field(default_factory=dict)
    # Set on an invalid example that documents a known miss: the test expects no finding.
    known_miss: bool = False


@dataclass
class Report:
    """A rule's output: a message about one path in one document."""

    document: PolicyDocument
    path: Path
    message: str
    severity: Severity | None = None
    # Point at the mapping key at ``path`` rather than at its value.
    key: bool = False
    statement: Statement | None = None
    # The rule could not decide because a value is an unresolved placeholder. The engine
    # keeps one such report per rule and document, at note level (warning with --strict).
    undecided: bool = False


@dataclass(frozen=True)
class Finding:
    """One reported problem, with its position resolved."""

    code: str
    name: str
    severity: Severity
    message: str
    file: str
    span: Span | None
    statement: str | None = None
    document: str | None = None
    # The statement's 1-based position, for suppressions by number.
    statement_number: int | None = field(default=None, compare=False)
    # A "cannot decide" report; the engine keeps one per rule and document.
    undecided: bool = field(default=False, compare=False)

    @property
    def sort_key(self) -> tuple:
        span = self.span or Span(0, 0, 0, 0)
        return (self.file, span.line, span.column, self.code, self.message)


class RunContext:
    """Settings shared by every rule in one run."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict


class Rule:
    """Base class of every rule. Subclasses set the class attributes below."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    scope: ClassVar[Scope] = Scope.STATEMENT
    options: ClassVar[Sequence[Option]] = ()
    tags: ClassVar[Sequence[str]] = ()
    # Policy kinds the rule checks; others are skipped.
    kinds: ClassVar[frozenset[PolicyKind]] = frozenset({PolicyKind.SCP, PolicyKind.RCP})
    valid: ClassVar[Sequence[Example]] = ()
    invalid: ClassVar[Sequence[Example]] = ()
    # Documentation URL of a third-party rule, shown in SARIF and the job summary.
    help_url: ClassVar[str | None] = None

    def __init__(self, settings: dict[str, Any] | None = None, context: RunContext | None = None):
        self.context = context or RunContext()
        self.settings: dict[str, Any] = {option.name: option.default for option in self.options}
        known = {option.name: option for option in self.options}
        for name, value in (settings or {}).items():
            if name in known:
                try:
                    self.settings[name] = known[name].convert(value)
                except ValueError as error:
                    raise ValueError(f"{self.code}: {error}") from None
                continue
            choices = ", ".join(option.setting for option in self.options) or "none"
            raise ValueError(f"{self.code}: unknown option {name.replace('_', '-')!r}; options: {choices}")

    # Subclasses override the method that matches their scope.
    def check_statement(
        self, statement: Statement, document: PolicyDocument
    ) -> Iterable[Report]:
        return ()

    def check_document(self, document: PolicyDocument) -> Iterable[Report]:
        return ()

    def check_run(self, documents: Sequence[PolicyDocument]) -> Iterable[Report]:
        return ()

    def run(self, document: PolicyDocument) -> Iterator[Report]:
        """Run the rule on one document according to its scope."""
        if document.kind not in self.kinds:
            return
        if self.scope is Scope.STATEMENT:
            for statement in document.statements:
                for report in self.check_statement(statement, document):
                    if report.statement is None:
                        report.statement = statement
                    yield report
        elif self.scope is Scope.DOCUMENT:
            yield from self.check_document(document)

    def report(
        self,
        document: PolicyDocument,
        path: Path,
        message: str,
        *,
        severity: Severity | None = None,
        key: bool = False,
        statement: Statement | None = None,
    ) -> Report:
        return Report(document, path, message, severity, key, statement)

    def undecided(
        self, document: PolicyDocument, path: Path, message: str, statement: Statement | None = None
    ) -> Report:
        """Report that a placeholder value keeps the rule from deciding."""
        return Report(document, path, message, statement=statement, undecided=True)

    @classmethod
    def docs(cls) -> dict[str, str]:
        """Split the docstring into its ``## Heading`` sections."""
        return parse_doc_sections(cls.__doc__ or "")

    @classmethod
    def help_uri(cls) -> str | None:
        """Return the rule's documentation URL: ``help_url`` if the rule sets one, the
        scplint rule reference for built-in rules, else None."""
        if cls.help_url:
            return cls.help_url
        if cls.__module__.startswith("scplint.rules."):
            return f"{DOCS_URL}#{cls.code.lower()}-{cls.name}"
        return None


_HEADING = re.compile(r"^##\s+(.+?)\s*$")


def parse_doc_sections(docstring: str) -> dict[str, str]:
    """Split a rule docstring into ``{heading: body}`` with the common indent removed."""
    import inspect

    text = inspect.cleandoc(docstring)
    sections: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current = match.group(1)
            lines = []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    return sections
