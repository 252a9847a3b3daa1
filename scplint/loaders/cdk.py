"""Loader for AWS CDK Python apps: ``aws_organizations.CfnPolicy`` constructs.

The source is parsed with libcst and read statically. User code is never imported,
executed or evaluated: only literal nodes are turned into values, and every other
expression becomes a ``Placeholder`` holding its source text.

Supported ``content=`` forms:

- a dict literal, or a string literal holding JSON;
- ``json.dumps(<value>)`` and ``json.loads(<string literal>)``;
- ``iam.PolicyDocument(statements=[iam.PolicyStatement(...)])``, passed directly or through
  ``.to_json()``, and ``iam.PolicyDocument.from_json(<dict>)``;
- a name bound by a simple assignment to any of the above, at module level or earlier in
  the same function, including ``add_statements`` / ``add_actions``-style calls on it.

L2 constructs from community libraries (for example ``pepperize_cdk_organizations.Policy``)
are not recognised.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from scplint.model import (
    LoadProblem,
    LoadResult,
    Path,
    Placeholder,
    PolicyDocument,
    PolicyKind,
    SourceMap,
    Span,
)

LOADER_NAME = "cdk-python"

ORGANIZATIONS_MODULE = "aws_cdk.aws_organizations"
IAM_MODULE = "aws_cdk.aws_iam"
CFN_POLICY = ORGANIZATIONS_MODULE + ".CfnPolicy"
POLICY_DOCUMENT = IAM_MODULE + ".PolicyDocument"
POLICY_DOCUMENT_FROM_JSON = POLICY_DOCUMENT + ".from_json"
POLICY_STATEMENT = IAM_MODULE + ".PolicyStatement"
POLICY_STATEMENT_FROM_JSON = POLICY_STATEMENT + ".from_json"
EFFECTS = {IAM_MODULE + ".Effect.DENY": "Deny", IAM_MODULE + ".Effect.ALLOW": "Allow"}

# Names that ``from <module> import *`` brings in and this loader reads.
STAR_IMPORTED_NAMES = {
    ORGANIZATIONS_MODULE: ("CfnPolicy",),
    IAM_MODULE: ("PolicyDocument", "PolicyStatement", "Effect"),
}

# CfnPolicy ``type`` values this linter checks.
POLICY_TYPES = {
    "SERVICE_CONTROL_POLICY": PolicyKind.SCP,
    "RESOURCE_CONTROL_POLICY": PolicyKind.RCP,
}

POLICY_VERSION = "2012-10-17"

# PolicyStatement keyword arguments and the policy elements they set, in the key order
# of aws-cdk-lib's rendered statement (``normalizeStatement`` in aws-iam).
STATEMENT_ELEMENTS = (
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("conditions", "Condition"),
    ("effect", "Effect"),
    ("principals", "Principal"),
    ("not_principals", "NotPrincipal"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
    ("sid", "Sid"),
)
# Elements whose lists aws-cdk-lib de-duplicates and renders as a bare string when they
# hold one value.
LIST_ELEMENTS = {"Action", "NotAction", "Resource", "NotResource"}

# Mutating methods of iam.PolicyStatement, by the element they extend.
STATEMENT_LIST_METHODS = {
    "add_actions": "Action",
    "add_not_actions": "NotAction",
    "add_resources": "Resource",
    "add_not_resources": "NotResource",
}
STATEMENT_PRINCIPAL_METHODS = {
    "add_principals": "Principal",
    "add_any_principal": "Principal",
    "add_arn_principal": "Principal",
    "add_aws_account_principal": "Principal",
    "add_service_principal": "Principal",
    "add_account_root_principal": "Principal",
    "add_canonical_user_principal": "Principal",
    "add_federated_principal": "Principal",
    "add_not_principals": "NotPrincipal",
}
TRACKED_METHODS = (
    {"add_statements", "add_all_resources", "add_condition", "add_conditions"}
    | set(STATEMENT_LIST_METHODS)
    | set(STATEMENT_PRINCIPAL_METHODS)
)

# Keyword arguments of json.dumps that change its output and can be replayed safely.
JSON_DUMPS_OPTIONS = {"indent", "separators", "sort_keys", "ensure_ascii"}

# How many assignments one name lookup may follow, so `a = b; b = a` ends.
MAX_NAME_HOPS = 50

_LIBCST_ERROR_POSITION = re.compile(r"error at (\d+):(\d+)")

Position = tuple[int, int]


def load(path: FilePath, display: str, text: str, kind: PolicyKind) -> LoadResult:
    """Find the SCPs and RCPs that ``aws_organizations.CfnPolicy`` calls in ``text`` define."""
    if "CfnPolicy" not in text and "aws_organizations" not in text:
        return LoadResult(skipped="no aws_organizations.CfnPolicy in this Python file")

    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return LoadResult(problems=[_syntax_problem(text, display, error)])
    except RecursionError:
        return LoadResult(
            problems=[LoadProblem("SCP001", "invalid Python: the code is nested too deeply to parse")]
        )

    try:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        loader = _CdkLoader(module, positions, display, text, kind)
        return loader.run()
    except RecursionError:
        return LoadResult(
            problems=[
                LoadProblem("SCP001", "the Python code is nested too deeply to read its policies")
            ]
        )


def _syntax_problem(text: str, display: str, error: Exception) -> LoadProblem:
    """Describe a syntax error, taking the position from Python's own parser when it agrees.

    libcst's parser reports positions that can be a line off, so ``ast.parse`` (which only
    parses and runs nothing) is asked for the exact message and position.
    """
    try:
        ast.parse(text, filename=display)
    except SyntaxError as syntax_error:
        line = syntax_error.lineno or 1
        column = syntax_error.offset or 1
        message = f"invalid Python: {syntax_error.msg} (line {line})"
        return LoadProblem("SCP001", message, Span.point(line, column))
    except (ValueError, RecursionError):
        pass
    detail = str(getattr(error, "message", error))
    line = getattr(error, "editor_line", 1)
    match = _LIBCST_ERROR_POSITION.search(detail)
    if match:
        line = int(match.group(1))
    return LoadProblem("SCP001", f"invalid Python: {detail}", Span.point(line, 1))


# ---------------------------------------------------------------------------------------
# Collecting imports, scopes, assignments and calls in one walk of the tree.


@dataclass
class _Scope:
    """A module, class or function body and the names bound in it."""

    node: Any
    parent: _Scope | None
    is_class: bool = False
    parameters: set[str] = field(default_factory=set)
    # name -> [(position of the assignment, assigned expression)], in source order.
    assignments: dict[str, list[tuple[Position, Any]]] = field(default_factory=dict)
    # Names bound in ways this loader does not follow (loops, unpacking, +=, global).
    rebound: set[str] = field(default_factory=set)
    # name -> [(position, call)] for ``name.add_statements(...)``-style calls.
    method_calls: dict[str, list[tuple[Position, Any]]] = field(default_factory=dict)


@dataclass
class _Binding:
    """An expression a name was bound to, with where that assignment sits."""

    node: Any
    scope: _Scope
    position: Position
    name: str


@dataclass
class _Context:
    """The scope an expression is read in, and the position that name lookups start from."""

    scope: _Scope
    at: Position
    # Set while a PolicyDocument is rendered by ``.to_json()``: method calls on objects
    # after this position do not affect the result.
    rendered_at: Position | None = None
    hops: int = 0


class _CdkLoader:
    def __init__(self, module: Any, positions: Any, display: str, text: str, kind: PolicyKind):
        import libcst as cst

        self.cst = cst
        self.module = module
        self.positions = positions
        self.display = display
        self.text = text
        self.kind = kind
        self.bindings: dict[str, str] = {}
        self.star_modules: set[str] = set()
        self.calls: list[tuple[Any, _Scope]] = []
        self.problems: list[LoadProblem] = []
        self.module_scope = _Scope(module, None)

    # -- tree walk -----------------------------------------------------------------------

    def run(self) -> LoadResult:
        self._walk()
        documents: list[PolicyDocument] = []
        skipped_types: list[str] = []
        for call, scope in self.calls:
            if self._qualified_name(call.func) != CFN_POLICY:
                continue
            document = self._load_policy(call, scope, skipped_types)
            if document is not None:
                documents.append(document)
        if documents or self.problems:
            return LoadResult(documents=documents, problems=self.problems)
        if skipped_types:
            listed = ", ".join(sorted(set(skipped_types)))
            return LoadResult(skipped=f"CfnPolicy types other than SCP or RCP: {listed}")
        return LoadResult(skipped="no aws_cdk.aws_organizations.CfnPolicy call in this file")

    def _walk(self) -> None:
        """Visit every node once, tracking the scope each statement belongs to."""
        cst = self.cst
        stack: list[tuple[Any, _Scope]] = [(self.module, self.module_scope)]
        while stack:
            node, scope = stack.pop()
            inner = scope
            if isinstance(node, cst.FunctionDef):
                inner = _Scope(node, scope, parameters=_parameter_names(cst, node.params))
                scope.rebound.add(node.name.value)
            elif isinstance(node, cst.Lambda):
                inner = _Scope(node, scope, parameters=_parameter_names(cst, node.params))
            elif isinstance(node, cst.ClassDef):
                inner = _Scope(node, scope, is_class=True)
                scope.rebound.add(node.name.value)
            else:
                self._record(node, scope)
            for child in reversed(node.children):
                stack.append((child, inner))

    def _record(self, node: Any, scope: _Scope) -> None:
        cst = self.cst
        if isinstance(node, cst.Import):
            self._record_import(node)
        elif isinstance(node, cst.ImportFrom):
            self._record_import_from(node)
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                self._record_target(target.target, node.value, scope)
        elif isinstance(node, cst.AnnAssign):
            if node.value is None:
                return
            self._record_target(node.target, node.value, scope)
        elif isinstance(node, cst.AugAssign):
            _mark_rebound(cst, node.target, scope)
        elif isinstance(node, (cst.For, cst.CompFor)):
            _mark_rebound(cst, node.target, scope)
        elif isinstance(node, cst.AsName):
            _mark_rebound(cst, node.name, scope)
        elif isinstance(node, cst.NamedExpr):
            _mark_rebound(cst, node.target, scope)
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            for item in node.names:
                scope.rebound.add(item.name.value)
        elif isinstance(node, cst.Call):
            self.calls.append((node, scope))
            func = node.func
            if (
                isinstance(func, cst.Attribute)
                and isinstance(func.value, cst.Name)
                and func.attr.value in TRACKED_METHODS
            ):
                entry = (self._start(node), node)
                scope.method_calls.setdefault(func.value.value, []).append(entry)

    def _record_target(self, target: Any, value: Any, scope: _Scope) -> None:
        if isinstance(target, self.cst.Name):
            entry = (self._start(target), value)
            scope.assignments.setdefault(target.value, []).append(entry)
        else:
            _mark_rebound(self.cst, target, scope)

    def _record_import(self, node: Any) -> None:
        for alias in node.names:
            dotted = _dotted_name(self.cst, alias.name)
            if dotted is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, self.cst.Name):
                self.bindings[alias.asname.name.value] = dotted
            else:
                first = dotted.split(".")[0]
                self.bindings[first] = first

    def _record_import_from(self, node: Any) -> None:
        if node.relative or node.module is None:
            return
        module_name = _dotted_name(self.cst, node.module)
        if module_name is None:
            return
        if isinstance(node.names, self.cst.ImportStar):
            self.star_modules.add(module_name)
            return
        for alias in node.names:
            name = _dotted_name(self.cst, alias.name)
            if name is None:
                continue
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, self.cst.Name):
                local = alias.asname.name.value
            self.bindings[local] = f"{module_name}.{name}"

    def _qualified_name(self, node: Any) -> str | None:
        """Resolve ``orgs.CfnPolicy`` to ``aws_cdk.aws_organizations.CfnPolicy`` by the imports."""
        dotted = _dotted_name(self.cst, node)
        if dotted is None:
            return None
        first, _, rest = dotted.partition(".")
        base = self.bindings.get(first)
        if base is None:
            base = next(
                (
                    f"{module}.{first}"
                    for module in sorted(self.star_modules)
                    if first in STAR_IMPORTED_NAMES.get(module, ())
                ),
                None,
            )
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    # -- positions -----------------------------------------------------------------------

    def _start(self, node: Any) -> Position:
        position = self.positions[node].start
        return (position.line, position.column)

    def _span(self, node: Any) -> Span:
        """Convert libcst's 1-based line, 0-based column range to a 1-based Span."""
        code_range = self.positions[node]
        return Span(
            code_range.start.line,
            code_range.start.column + 1,
            code_range.end.line,
            code_range.end.column + 1,
        )

    def _code(self, node: Any) -> str:
        return self.module.code_for_node(node).strip()

    def _placeholder(self, node: Any, path: Path, source_map: SourceMap) -> Placeholder:
        source_map.add_value(path, self._span(node))
        return Placeholder(self._code(node))

    # -- name lookup ---------------------------------------------------------------------

    def _lookup(self, name: str, context: _Context) -> _Binding | None:
        """Find the simple assignment that binds ``name`` where ``context`` reads it.

        In the scope of the read and in enclosing functions, only assignments before the
        read count. When the read sits inside a function, every module-level assignment
        counts, because the function runs after the module body. Class bodies are not
        visible from their methods, as in Python.
        """
        scope: _Scope | None = context.scope
        first = True
        while scope is not None:
            if scope.is_class and not first:
                scope = scope.parent
                continue
            if name in scope.rebound:
                return None
            entries = scope.assignments.get(name, [])
            if scope is not self.module_scope or first:
                entries = [entry for entry in entries if entry[0] < context.at]
            if entries:
                position, node = entries[-1]
                return _Binding(node, scope, position, name)
            if name in scope.parameters:
                return None
            first = False
            scope = scope.parent
        return None

    def _follow(self, node: Any, context: _Context) -> tuple[Any, _Context, _Binding | None]:
        """Replace a name by the expression it was last assigned, as often as names chain."""
        binding = None
        while isinstance(node, self.cst.Name) and context.hops < MAX_NAME_HOPS:
            if node.value in ("True", "False", "None"):
                break
            found = self._lookup(node.value, context)
            if found is None:
                break
            binding = found
            node = found.node
            context = _Context(found.scope, found.position, context.rendered_at, context.hops + 1)
        return node, context, binding

    # -- one CfnPolicy call --------------------------------------------------------------

    def _load_policy(
        self, call: Any, scope: _Scope, skipped_types: list[str]
    ) -> PolicyDocument | None:
        context = _Context(scope, self._start(call))
        arguments = {
            arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None
        }
        positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]

        kind = self.kind
        type_node = arguments.get("type")
        if type_node is not None:
            type_value = self._evaluate(type_node, (), SourceMap(), context)
            if isinstance(type_value, str) and not isinstance(type_value, Placeholder):
                if type_value not in POLICY_TYPES:
                    skipped_types.append(type_value)
                    return None
                kind = POLICY_TYPES[type_value]

        name = self._policy_name(arguments, positional, context)
        content = arguments.get("content")
        if content is None:
            # A CfnPolicy built from **props: the content cannot be read statically.
            return None

        source_map = SourceMap()
        source_map.add_value((), self._span(content))
        data, deployed_text = self._content(content, source_map, context, name)
        return PolicyDocument(
            file=self.display,
            data=data,
            source_map=source_map,
            kind=kind,
            loader=LOADER_NAME,
            file_text=self.text,
            deployed_text=deployed_text,
            name=name,
            attachments=self._target_ids(arguments.get("target_ids"), context),
        )

    def _policy_name(self, arguments: dict[str, Any], positional: list[Any], context: _Context) -> str:
        node = arguments.get("name")
        if node is None:
            node = arguments.get("id")
        if node is None and len(positional) >= 2:
            node = positional[1]
        if node is None:
            return "CfnPolicy"
        value = self._evaluate(node, (), SourceMap(), context)
        return value if isinstance(value, str) else self._code(node)

    def _target_ids(self, node: Any, context: _Context) -> list[str]:
        if node is None:
            return []
        value = self._evaluate(node, (), SourceMap(), context)
        if not isinstance(value, list):
            return []
        return [
            item for item in value if isinstance(item, str) and not isinstance(item, Placeholder)
        ]

    def _content(
        self, node: Any, source_map: SourceMap, context: _Context, name: str
    ) -> tuple[Any, str | None]:
        """Read ``content=`` as policy data, with the text sent to AWS when it is known."""
        target, inner, _ = self._follow(node, context)
        if isinstance(target, self.cst.Call) and self._qualified_name(target.func) == "json.dumps":
            return self._json_dumps(target, source_map, inner)
        data = self._evaluate(node, (), source_map, context)
        if isinstance(data, str) and not isinstance(data, Placeholder):
            # CloudFormation passes a string Content through unchanged.
            return self._json_string(target, data, source_map, name), data
        return data, None

    def _json_dumps(self, call: Any, source_map: SourceMap, context: _Context) -> tuple[Any, str | None]:
        positional = [arg for arg in call.args if arg.keyword is None]
        if len(positional) != 1 or positional[0].star:
            return self._placeholder(call, (), source_map), None
        data = self._evaluate(positional[0].value, (), source_map, context)

        options: dict[str, Any] = {}
        replayable = True
        for arg in call.args:
            if arg.keyword is None:
                continue
            option = arg.keyword.value
            value = self._evaluate(arg.value, (), SourceMap(), context)
            if option not in JSON_DUMPS_OPTIONS or _contains_placeholder(value):
                replayable = False
                break
            options[option] = tuple(value) if option == "separators" and isinstance(value, list) else value
        if not replayable or _contains_placeholder(data):
            return data, None
        try:
            deployed_text = json.dumps(data, **options)
        except (TypeError, ValueError):
            return data, None
        return data, deployed_text

    def _json_string(self, node: Any, text: str, source_map: SourceMap, name: str) -> Any:
        """Parse a JSON string literal, mapping positions into the file when they line up."""
        span = self._span(node)
        base = self._string_body_start(node)
        try:
            from scplint.loaders.json_parser import parse_json_text
        except ModuleNotFoundError:
            parse_json_text = None

        if parse_json_text is not None and base is not None:
            data, inner_map, problems = parse_json_text(text, base_line=base[0], base_column=base[1])
            self.problems.extend(problems)
            source_map.values.update(inner_map.values)
            source_map.keys.update(inner_map.keys)
            return data
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            message = f"invalid JSON in the content of CfnPolicy {name!r}: {error.msg}"
            self.problems.append(LoadProblem("SCP001", message, span))
            return None

    def _string_body_start(self, node: Any) -> tuple[int, int] | None:
        """Return where the text of a string literal starts, when it equals its value.

        That holds for one plain or raw string literal without backslash escapes. For
        any other literal the JSON positions cannot be mapped back to the file.
        """
        if not isinstance(node, self.cst.SimpleString):
            return None
        prefix = node.prefix.lower()
        if "b" in prefix or ("r" not in prefix and "\\" in node.value):
            return None
        span = self._span(node)
        offset = len(node.prefix) + len(node.quote)
        return span.line, span.column + offset

    # -- expressions ---------------------------------------------------------------------

    def _evaluate(self, node: Any, path: Path, source_map: SourceMap, context: _Context) -> Any:
        """Turn a literal expression into plain data; anything else becomes a Placeholder."""
        cst = self.cst
        if isinstance(node, cst.Name):
            return self._evaluate_name(node, path, source_map, context)
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            value = self._string_value(node)
            if value is None:
                return self._placeholder(node, path, source_map)
            source_map.add_value(path, self._span(node))
            return value

        if isinstance(node, (cst.Integer, cst.Float)):
            source_map.add_value(path, self._span(node))
            return node.evaluated_value
        if (
            isinstance(node, cst.UnaryOperation)
            and isinstance(node.operator, cst.Minus)
            and isinstance(node.expression, (cst.Integer, cst.Float))
        ):
            source_map.add_value(path, self._span(node))
            return -node.expression.evaluated_value

        if isinstance(node, cst.Dict):
            return self._evaluate_dict(node, path, source_map, context)
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return self._evaluate_sequence(node, path, source_map, context)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self._evaluate_sum(node, path, source_map, context)
        if isinstance(node, cst.Call):
            return self._evaluate_call(node, path, source_map, context)

        if isinstance(node, cst.Attribute):
            qualified = self._qualified_name(node)
            if qualified in EFFECTS:
                source_map.add_value(path, self._span(node))
                return EFFECTS[qualified]
        return self._placeholder(node, path, source_map)

    def _evaluate_name(self, node: Any, path: Path, source_map: SourceMap, context: _Context) -> Any:
        constants = {"True": True, "False": False, "None": None}
        if node.value in constants:
            source_map.add_value(path, self._span(node))
            return constants[node.value]
        target, inner, binding = self._follow(node, context)
        if binding is None or isinstance(target, self.cst.Name):
            return self._placeholder(node, path, source_map)
        if self._is_policy_object(target):
            return self._evaluate_call(target, path, source_map, inner, binding)
        return self._evaluate(target, path, source_map, inner)

    def _string_value(self, node: Any) -> str | None:
        cst = self.cst
        if isinstance(node, cst.FormattedString):
            if any(not isinstance(part, cst.FormattedStringText) for part in node.parts):
                return None
            # An f-string without fields: Python's parser resolves its escapes.
            try:
                parsed = ast.parse(self.module.code_for_node(node).strip(), mode="eval")
            except (SyntaxError, ValueError):
                return None
            joined = parsed.body
            if isinstance(joined, ast.JoinedStr) and all(
                isinstance(part, ast.Constant) for part in joined.values
            ):
                return "".join(str(part.value) for part in joined.values)
            return None
        if isinstance(node, cst.ConcatenatedString):
            left = self._string_value(node.left)
            right = self._string_value(node.right)
            if left is None or right is None:
                return None
            return left + right
        value = node.evaluated_value
        return value if isinstance(value, str) else None

    def _evaluate_dict(self, node: Any, path: Path, source_map: SourceMap, context: _Context) -> Any:
        cst = self.cst
        source_map.add_value(path, self._span(node))
        result: dict[Any, Any] = {}
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                self._spread_dict(element, path, source_map, context, result)
                continue
            key = self._evaluate(element.key, path, SourceMap(), context)
            if not isinstance(key, (str, int, float, bool)):
                key = Placeholder(self._code(element.key))
            value_path = path + (key,)
            source_map.add_key(value_path, self._span(element.key))
            value = self._evaluate(element.value, value_path, source_map, context)
            if isinstance(value, Placeholder) and _holds_list(value_path):
                # A wholly unresolved list: one Placeholder item stands for all of it.
                source_map.add_value(value_path + (0,), self._span(element.value))
                value = [value]
            result[key] = value
        return result

    def _spread_dict(
        self, element: Any, path: Path, source_map: SourceMap, context: _Context, result: dict
    ) -> None:
        """Merge ``**name`` into ``result`` when the name is bound to a dict literal."""
        target, inner, _ = self._follow(element.value, context)
        scratch = SourceMap()
        spread = self._evaluate(target, (), scratch, inner) if isinstance(target, self.cst.Dict) else None
        if isinstance(spread, dict):
            for key, value in spread.items():
                _transfer(scratch, (key,), source_map, path + (key,))
                result[key] = value
            return
        text = Placeholder(self._code(element))
        source_map.add_key(path + (text,), self._span(element))
        source_map.add_value(path + (text,), self._span(element))
        result[text] = Placeholder(text)

    def _evaluate_sequence(
        self, node: Any, path: Path, source_map: SourceMap, context: _Context
    ) -> list[Any]:
        cst = self.cst
        source_map.add_value(path, self._span(node))
        result: list[Any] = []
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                target, inner, _ = self._follow(element.value, context)
                if isinstance(target, (cst.List, cst.Tuple)):
                    scratch = SourceMap()
                    items = self._evaluate_sequence(target, (), scratch, inner)
                    for offset, item in enumerate(items):
                        _transfer(scratch, (offset,), source_map, path + (len(result),))
                        result.append(item)
                    continue
                result.append(self._placeholder(element, path + (len(result),), source_map))
                continue
            result.append(self._evaluate(element.value, path + (len(result),), source_map, context))
        return result

    def _evaluate_sum(self, node: Any, path: Path, source_map: SourceMap, context: _Context) -> Any:
        """Join two literal lists or strings; any other ``+`` is a Placeholder."""
        scratch = SourceMap()
        left = self._evaluate(node.left, (), scratch, context)
        right_map = SourceMap()
        right = self._evaluate(node.right, (), right_map, context)
        if isinstance(left, list) and isinstance(right, list):
            source_map.add_value(path, self._span(node))
            for index in range(len(left)):
                _transfer(scratch, (index,), source_map, path + (index,))
            for index in range(len(right)):
                _transfer(right_map, (index,), source_map, path + (len(left) + index,))
            return left + right
        literal = (str,)
        if (
            isinstance(left, literal)
            and isinstance(right, literal)
            and not isinstance(left, Placeholder)
            and not isinstance(right, Placeholder)
        ):
            source_map.add_value(path, self._span(node))
            return left + right
        return self._placeholder(node, path, source_map)

    # -- CDK objects ---------------------------------------------------------------------

    def _is_policy_object(self, node: Any) -> bool:
        if not isinstance(node, self.cst.Call):
            return False
        return self._qualified_name(node.func) in (POLICY_DOCUMENT, POLICY_STATEMENT)

    def _evaluate_call(
        self,
        node: Any,
        path: Path,
        source_map: SourceMap,
        context: _Context,
        binding: _Binding | None = None,
    ) -> Any:
        cst = self.cst
        qualified = self._qualified_name(node.func)
        if qualified == "json.loads":
            return self._evaluate_json_loads(node, path, source_map, context)
        if qualified in (POLICY_DOCUMENT_FROM_JSON, POLICY_STATEMENT_FROM_JSON):
            only = _single_argument(node)
            if only is None:
                return self._placeholder(node, path, source_map)
            return self._evaluate(only, path, source_map, context)
        if qualified == POLICY_DOCUMENT:
            return self._policy_document(node, path, source_map, context, binding)
        if qualified == POLICY_STATEMENT:
            return self._policy_statement(node, path, source_map, context, binding)
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "to_json"
            and not node.args
        ):
            # ``.to_json()`` renders the document now, so later calls on it do not count.
            rendered = _Context(context.scope, context.at, self._start(node), context.hops)
            target, inner, found = self._follow(func.value, rendered)
            if self._is_policy_object(target):
                return self._evaluate_call(target, path, source_map, inner, found)
        return self._placeholder(node, path, source_map)

    def _evaluate_json_loads(
        self, node: Any, path: Path, source_map: SourceMap, context: _Context
    ) -> Any:
        only = _single_argument(node)
        if only is None:
            return self._placeholder(node, path, source_map)
        target, inner, _ = self._follow(only, context)
        text = self._evaluate(target, (), SourceMap(), inner)
        if not isinstance(text, str) or isinstance(text, Placeholder):
            return self._placeholder(node, path, source_map)
        scratch = SourceMap()
        scratch.add_value((), self._span(node))
        data = self._json_string(target, text, scratch, self._code(node))
        _transfer(scratch, (), source_map, path)
        return data

    def _method_calls(self, binding: _Binding | None, context: _Context) -> list[Any]:
        """Return the tracked method calls made on a bound object before it is rendered."""
        if binding is None:
            return []
        calls = []
        for position, call in binding.scope.method_calls.get(binding.name, []):
            if position <= binding.position:
                continue
            if context.rendered_at is not None and position >= context.rendered_at:
                continue
            later = [
                entry
                for entry in binding.scope.assignments.get(binding.name, [])
                if binding.position < entry[0] <= position
            ]
            if later:
                continue  # the name was rebound before this call
            calls.append(call)
        return calls

    def _policy_document(
        self,
        node: Any,
        path: Path,
        source_map: SourceMap,
        context: _Context,
        binding: _Binding | None,
    ) -> Any:
        cst = self.cst
        arguments = {arg.keyword.value: arg.value for arg in node.args if arg.keyword is not None}
        if any(arg.keyword is None for arg in node.args):
            return self._placeholder(node, path, source_map)
        source_map.add_value(path, self._span(node))

        scratch = SourceMap()
        statements: list[Any] = []
        statement_nodes = arguments.get("statements")
        if statement_nodes is not None:
            target, inner, _ = self._follow(statement_nodes, context)
            if isinstance(target, (cst.List, cst.Tuple)):
                for element in target.elements:
                    if isinstance(element, cst.StarredElement):
                        item_path = (len(statements),)
                        statements.append(self._placeholder(element, item_path, scratch))
                        continue
                    item = self._evaluate(element.value, (len(statements),), scratch, inner)
                    statements.append(item)
            else:
                statements.append(self._placeholder(statement_nodes, (0,), scratch))

        for call in self._method_calls(binding, context):
            if call.func.attr.value != "add_statements":
                continue
            for arg in call.args:
                if arg.star:
                    statements.append(self._placeholder(arg, (len(statements),), scratch))
                    continue
                item = self._evaluate(arg.value, (len(statements),), scratch, context)
                statements.append(item)

        if context.rendered_at is None:
            statements, kept = _unique_statements(statements)
            assign_sids = arguments.get("assign_sids")
            if assign_sids is not None and self._evaluate(assign_sids, (), SourceMap(), context) is True:
                for index, statement in enumerate(statements):
                    if isinstance(statement, dict) and not statement.get("Sid"):
                        statement["Sid"] = str(index)
        else:
            kept = list(range(len(statements)))

        # NOTE: statement merging (``minimize=True`` or the
        # ``@aws-cdk/aws-iam:minimizePolicies`` feature flag) is not modelled, so merged
        # statements appear here as written.
        statement_path = path + ("Statement",)
        source_map.add_value(statement_path, self._span(statement_nodes or node))
        for new_index, old_index in enumerate(kept):
            _transfer(scratch, (old_index,), source_map, statement_path + (new_index,))
        source_map.add_value(path + ("Version",), self._span(node))
        return {"Statement": statements, "Version": POLICY_VERSION}

    def _policy_statement(
        self,
        node: Any,
        path: Path,
        source_map: SourceMap,
        context: _Context,
        binding: _Binding | None,
    ) -> Any:
        if any(arg.keyword is None for arg in node.args):
            return self._placeholder(node, path, source_map)
        source_map.add_value(path, self._span(node))
        arguments = {arg.keyword.value: arg.value for arg in node.args}

        scratch = SourceMap()
        lists: dict[str, list[Any]] = {element: [] for element in LIST_ELEMENTS}
        for keyword, element in STATEMENT_ELEMENTS:
            if element in LIST_ELEMENTS and keyword in arguments:
                self._extend(lists[element], element, arguments[keyword], scratch, context)

        conditions: Any = {}
        if "conditions" in arguments:
            conditions = self._evaluate(arguments["conditions"], ("Condition",), scratch, context)
        principals: dict[str, Any] = {}
        for element, keyword in (("Principal", "principals"), ("NotPrincipal", "not_principals")):
            if keyword in arguments:
                principal = self._principal(arguments[keyword], (element,), scratch, context)
                if principal is not None:
                    principals[element] = principal

        for call in self._method_calls(binding, context):
            method = call.func.attr.value
            if method in STATEMENT_LIST_METHODS:
                element = STATEMENT_LIST_METHODS[method]
                for arg in call.args:
                    self._extend(lists[element], element, arg.value, scratch, context, star=bool(arg.star))
            elif method == "add_all_resources":
                lists["Resource"].append("*")
                scratch.add_value(("Resource", len(lists["Resource"]) - 1), self._span(call))
            elif method in STATEMENT_PRINCIPAL_METHODS:
                element = STATEMENT_PRINCIPAL_METHODS[method]
                principals[element] = self._placeholder(call, (element,), scratch)
            elif method in ("add_condition", "add_conditions"):
                conditions = self._add_conditions(conditions, call, scratch, context)

        effect: Any = "Allow"
        if "effect" in arguments:
            effect = self._evaluate(arguments["effect"], ("Effect",), scratch, context)
        else:
            scratch.add_value(("Effect",), self._span(node))
        sid = None
        if "sid" in arguments:
            sid = self._evaluate(arguments["sid"], ("Sid",), scratch, context)

        values: dict[str, Any] = {
            "Action": lists["Action"],
            "NotAction": lists["NotAction"],
            "Condition": conditions,
            "Effect": effect,
            "Principal": principals.get("Principal"),
            "NotPrincipal": principals.get("NotPrincipal"),
            "Resource": lists["Resource"],
            "NotResource": lists["NotResource"],
            "Sid": sid,
        }
        statement: dict[str, Any] = {}
        for _, element in STATEMENT_ELEMENTS:
            value = values[element]
            if value is None or value == [] or value == {}:
                continue
            if (
                element in LIST_ELEMENTS
                and isinstance(value, list)
                and len(value) == 1
                and not isinstance(value[0], Placeholder)
            ):
                # aws-cdk-lib renders a one-item list as a bare string. A lone
                # Placeholder may stand for a whole list, so it stays in a list.
                statement[element] = value[0]
                _transfer(scratch, (element, 0), source_map, path + (element,))
                continue
            statement[element] = value
            _transfer(scratch, (element,), source_map, path + (element,))
        return statement

    def _extend(
        self,
        items: list[Any],
        element: str,
        node: Any,
        scratch: SourceMap,
        context: _Context,
        *,
        star: bool = True,
    ) -> None:
        """Append a list argument's values to a statement element, dropping repeats.

        aws-cdk-lib keeps each action or resource once, in first-seen order. With
        ``star=False`` the node is one value (a positional argument of ``add_actions``).
        """
        values_map = SourceMap()
        value = self._evaluate(node, (), values_map, context)
        if isinstance(value, list) and star:
            spans = [values_map.values.get((index,)) for index in range(len(value))]
        else:
            value = [value]
            spans = [values_map.values.get(())]
        for item, span in zip(value, spans):
            if item in items:
                continue
            items.append(item)
            scratch.add_value((element, len(items) - 1), span or self._span(node))

    def _principal(self, node: Any, path: Path, scratch: SourceMap, context: _Context) -> Any:
        """Represent principals as a Placeholder: SCPs and RCPs reject ``Principal``."""
        target, _, _ = self._follow(node, context)
        if isinstance(target, (self.cst.List, self.cst.Tuple)) and not target.elements:
            return None
        return self._placeholder(node, path, scratch)

    def _add_conditions(self, conditions: Any, call: Any, scratch: SourceMap, context: _Context) -> Any:
        """Apply ``add_condition(operator, block)`` or ``add_conditions(blocks)``.

        aws-cdk-lib merges a block into an existing operator with later keys winning.
        """
        if not isinstance(conditions, dict):
            return conditions
        method = call.func.attr.value
        positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
        if method == "add_condition" and len(positional) == 2:
            operator = self._evaluate(positional[0], (), SourceMap(), context)
            if not isinstance(operator, str):
                return conditions
            blocks = {operator: self._evaluate(positional[1], ("Condition", operator), scratch, context)}
            scratch.add_key(("Condition", operator), self._span(positional[0]))
        elif method == "add_conditions" and len(positional) == 1:
            blocks = self._evaluate(positional[0], ("Condition",), scratch, context)
        else:
            return conditions
        if not isinstance(blocks, dict):
            return conditions
        for operator, block in blocks.items():
            existing = conditions.get(operator)
            if isinstance(existing, dict) and isinstance(block, dict):
                conditions[operator] = {**existing, **block}
            else:
                conditions[operator] = block
        return conditions


def _parameter_names(cst: Any, parameters: Any) -> set[str]:
    names = set()
    for group in (parameters.params, parameters.kwonly_params, parameters.posonly_params):
        for parameter in group:
            names.add(parameter.name.value)
    for star in (parameters.star_arg, parameters.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names


def _mark_rebound(cst: Any, target: Any, scope: _Scope) -> None:
    """Record every plain name inside an assignment target that is not a simple Name = value."""
    stack = [target]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            scope.rebound.add(node.value)
        elif isinstance(node, (cst.Tuple, cst.List)):
            stack.extend(element.value for element in node.elements)
        elif isinstance(node, cst.StarredElement):
            stack.append(node.value)


def _dotted_name(cst: Any, node: Any) -> str | None:
    """Return ``a.b.c`` for a Name or Attribute chain, or None for any other expression."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _holds_list(path: Path) -> bool:
    """Return True when ``path`` is an Action-like element or a condition key's values."""
    if path and path[-1] in LIST_ELEMENTS:
        return True
    return len(path) >= 3 and path[-3] == "Condition"


def _single_argument(call: Any) -> Any:
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return None
    return call.args[0].value


def _transfer(source: SourceMap, old_prefix: Path, target: SourceMap, new_prefix: Path) -> None:
    """Copy the spans under ``old_prefix`` in ``source`` to ``new_prefix`` in ``target``."""
    size = len(old_prefix)
    for path, span in source.values.items():
        if path[:size] == old_prefix:
            target.add_value(new_prefix + path[size:], span)
    for path, span in source.keys.items():
        if path[:size] == old_prefix:
            target.add_key(new_prefix + path[size:], span)


def _unique_statements(statements: list[Any]) -> tuple[list[Any], list[int]]:
    """Drop statements identical to an earlier one, as aws-cdk-lib does when it resolves."""
    seen: set[str] = set()
    unique: list[Any] = []
    kept: list[int] = []
    for index, statement in enumerate(statements):
        key = json.dumps(statement, sort_keys=False, default=str)
        if key in seen:
            continue
        seen.add(key)
        unique.append(statement)
        kept.append(index)
    return unique, kept


def _contains_placeholder(value: Any) -> bool:
    if isinstance(value, Placeholder):
        return True
    if isinstance(value, dict):
        return any(_contains_placeholder(k) or _contains_placeholder(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_contains_placeholder(item) for item in value)
    return False
