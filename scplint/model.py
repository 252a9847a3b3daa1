"""The policy model that every loader produces and every rule reads.

A loader turns one source file into zero or more ``PolicyDocument`` objects. Each
document keeps the parsed policy as plain Python data (dicts, lists, strings, numbers,
booleans, ``None``) plus a ``SourceMap`` from paths into that data to 1-based positions in
the file the engineer edits. Rules read ``PolicyDocument.statements`` and report paths;
the engine turns paths into positions.

A path is a tuple of dict keys and list indexes from the document root, for example
``("Statement", 2, "Condition", "StringNotEquals", "aws:RequestedRegion", 0)``.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Union

PathPart = Union[str, int]
Path = tuple[PathPart, ...]


class PolicyKind(str, enum.Enum):
    """The Organizations policy type a document is deployed as."""

    SCP = "SCP"
    RCP = "RCP"


@dataclass(frozen=True, order=True)
class Span:
    """A region of a source file. Lines and columns are 1-based; the end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)


class SourceMap:
    """Positions of the values and mapping keys of one document in its source file."""

    def __init__(self) -> None:
        self.values: dict[Path, Span] = {}
        self.keys: dict[Path, Span] = {}

    def add_value(self, path: Path, span: Span) -> None:
        self.values[path] = span

    def add_key(self, path: Path, span: Span) -> None:
        self.keys[path] = span

    def locate(self, path: Path, *, key: bool = False) -> Span | None:
        """Find the span of ``path``, or of its nearest ancestor that has one.

        With ``key=True`` the span of the mapping key at ``path`` is preferred over the
        span of its value, which suits messages about an element's presence.
        """
        if key and path in self.keys:
            return self.keys[path]
        probe = path
        while True:
            if probe in self.values:
                return self.values[probe]
            if probe in self.keys:
                return self.keys[probe]
            if not probe:
                return None
            probe = probe[:-1]


class Placeholder(str):
    """A value that cannot be resolved statically, such as ``${var.regions}`` or ``!Ref X``.

    It behaves as the text it was written as, so messages can quote it, but rules must not
    treat it as a literal action, key, Region or ARN.
    """

    __slots__ = ()


def is_placeholder(value: Any) -> bool:
    return isinstance(value, Placeholder)


def as_list(value: Any) -> list[Any]:
    """Return an element that AWS accepts as a string or a list of strings as a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


@dataclass(frozen=True)
class ConditionEntry:
    """One ``operator: {key: values}`` test inside a statement's ``Condition`` block."""

    operator: str
    key: str
    values: tuple[Any, ...]
    path: Path

    @property
    def key_lower(self) -> str:
        return self.key.lower()

    @cached_property
    def parts(self) -> tuple[str | None, str, bool]:
        """Split the operator into (set qualifier, base operator, IfExists).

        ``ForAnyValue:StringNotLikeIfExists`` gives ``("ForAnyValue", "StringNotLike", True)``.
        Operator names are case-sensitive in IAM, so no case folding happens here.
        """
        qualifier = None
        name = self.operator
        if ":" in name:
            qualifier, name = name.split(":", 1)
        if_exists = name.endswith("IfExists") and name != "IfExists"
        if if_exists:
            name = name[: -len("IfExists")]
        return qualifier, name, if_exists

    @property
    def qualifier(self) -> str | None:
        return self.parts[0]

    @property
    def base_operator(self) -> str:
        return self.parts[1]

    @property
    def if_exists(self) -> bool:
        return self.parts[2]

    @property
    def is_negated(self) -> bool:
        base = self.base_operator
        return base.startswith(("StringNot", "ArnNot", "NumericNot", "DateNot")) or base == "NotIpAddress"


@dataclass
class Statement:
    """One statement of a policy, with its elements normalised to lists.

    Elements are kept as written (``None`` when absent); the grammar rule reports shapes
    AWS rejects, and other rules read only what has the expected shape.
    """

    index: int
    path: Path
    data: dict[str, Any]
    # Results that several rules compute from the same statement, such as the Region-deny
    # analysis, keyed by the name of the computation.
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def sid(self) -> str | None:
        sid = self.data.get("Sid")
        return sid if isinstance(sid, str) else None

    @property
    def label(self) -> str:
        """Name the statement for messages: its Sid, or its 1-based position."""
        if self.sid:
            return f"statement {self.sid!r}"
        return f"statement {self.index + 1}"

    @property
    def effect(self) -> str | None:
        effect = self.data.get("Effect")
        return effect if isinstance(effect, str) else None

    @property
    def is_deny(self) -> bool:
        return self.effect == "Deny"

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    def strings(self, element: str) -> list[str] | None:
        """Return the string values of ``Action``-like elements, or None when absent."""
        if element not in self.data:
            return None
        return [value for value in as_list(self.data[element]) if isinstance(value, str)]

    @property
    def actions(self) -> list[str] | None:
        return self.strings("Action")

    @property
    def not_actions(self) -> list[str] | None:
        return self.strings("NotAction")

    @property
    def resources(self) -> list[str] | None:
        return self.strings("Resource")

    @property
    def not_resources(self) -> list[str] | None:
        return self.strings("NotResource")

    def element_path(self, element: str, index: int | None = None) -> Path:
        """Return the path of an element, or of one item of it when it is a list."""
        path = self.path + (element,)
        if index is not None and isinstance(self.data.get(element), list):
            path += (index,)
        return path

    @cached_property
    def conditions(self) -> list[ConditionEntry]:
        block = self.data.get("Condition")
        entries: list[ConditionEntry] = []
        if not isinstance(block, dict):
            return entries
        for operator, tests in block.items():
            if not isinstance(tests, dict):
                continue
            for key, values in tests.items():
                path = self.path + ("Condition", operator, key)
                # Keep Placeholder keys and operators as they are, so rules can skip them.
                operator_text = operator if isinstance(operator, str) else str(operator)
                key_text = key if isinstance(key, str) else str(key)
                entries.append(ConditionEntry(operator_text, key_text, tuple(as_list(values)), path))
        return entries

    def conditions_on(self, *keys: str) -> list[ConditionEntry]:
        """Return the condition entries that test any of ``keys`` (case-insensitive)."""
        wanted = {key.lower() for key in keys}
        return [entry for entry in self.conditions if entry.key_lower in wanted]

    @property
    def has_condition(self) -> bool:
        return bool(self.data.get("Condition"))


@dataclass
class PolicyDocument:
    """One policy found in a source file, as AWS would receive it."""

    file: str
    data: Any
    source_map: SourceMap
    kind: PolicyKind = PolicyKind.SCP
    loader: str = "json"
    # The text of the whole source file, for caret lines in the text output.
    file_text: str | None = None
    # The policy text exactly as the deploy path sends it to AWS, when the source holds
    # it verbatim (a JSON file, a heredoc). None when the document is built from
    # structured data, in which case the compact JSON serialisation is what is sent.
    deployed_text: str | None = None
    # Where in the file the document sits when the file contains more than one (for
    # example a CloudFormation logical ID); shown in messages.
    name: str | None = None
    # True when the file contains statements only and tooling adds Version/Statement.
    fragment: bool = False
    # Organisation targets the document is attached to, when a configuration file names them.
    attachments: list[str] = field(default_factory=list)

    @cached_property
    def statements(self) -> list[Statement]:
        if not isinstance(self.data, dict):
            return []
        raw = self.data.get("Statement")
        if isinstance(raw, dict):
            return [Statement(0, ("Statement",), raw)]
        if isinstance(raw, list):
            return [
                Statement(index, ("Statement", index), item)
                for index, item in enumerate(raw)
                if isinstance(item, dict)
            ]
        return []

    def locate(self, path: Path, *, key: bool = False) -> Span | None:
        return self.source_map.locate(path, key=key)

    def minified_text(self) -> str:
        """Serialise the policy as compact JSON, as the console and ``jsonencode`` send it."""
        return json.dumps(self.data, separators=(",", ":"), ensure_ascii=False, default=str)

@dataclass(frozen=True)
class LoadProblem:
    """A problem a loader found before any rule ran: a parse error or a duplicate key."""

    code: str
    message: str
    span: Span | None = None


@dataclass(frozen=True)
class PolicyReference:
    """A policy file that a configuration file (LZA, CfCT) deploys, and where to.

    ``path`` is absolute. The engine loads the file if the walk did not reach it, lints it
    as ``kind`` and records ``attachments`` on its documents.
    """

    path: str
    kind: PolicyKind
    attachments: tuple[str, ...] = ()
    # Where the configuration file names the policy file, for findings about the reference.
    source_file: str | None = None
    span: Span | None = None


@dataclass
class LoadResult:
    """The documents, problems and references that one loader found in one file."""

    documents: list[PolicyDocument] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    references: list[PolicyReference] = field(default_factory=list)
    # Why the file contains no policy, for ``-v``; None when it does.
    skipped: str | None = None
