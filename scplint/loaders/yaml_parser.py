"""A safe YAML parser that records the position of every value and mapping key.

ruamel.yaml only composes the text into a node graph here; no constructor runs, so no tag
can create a Python object. This module converts the nodes itself:

- Core YAML types become plain ``dict``, ``list``, ``str``, ``int``, ``float``, ``bool``
  and ``None``. Timestamps stay strings as written, so ``Version: 2012-10-17`` is the
  string ``"2012-10-17"``, as CloudFormation reads it.
- Any other tag (CloudFormation ``!Ref``, ``!Sub``, ``!GetAtt``, ``!Join``; ``!!binary``;
  ``!!python/...``) turns its node, scalar or collection, into a ``Placeholder`` whose
  text starts with the tag, for example ``"!Ref Regions"``. A caller may pass a
  ``tag_handler`` to build something else from the tag and the untagged content.
- Mapping keys are always strings: a plain scalar key such as ``1`` or ``true`` keeps
  its text, and a tagged or collection key becomes a ``Placeholder``.
- Duplicate keys give SCP004 and keep the last value. Merge keys (``<<``) are applied,
  and keys written in the mapping itself override merged ones.

Positions are 1-based lines and columns counted in characters, with exclusive ends, as
in ``scplint.loaders.json_parser``. A scalar's span ends at its last non-blank character,
and a block collection's span ends where its last item ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any, Callable

from scplint.loaders import ParsedFile
from scplint.loaders.json_parser import Positions, duplicate_key_problem, forget_subtree
from scplint.model import LoadProblem, Path, Placeholder, SourceMap

# Node count at which alias expansion stops ("billion laughs"). A file without aliases
# has fewer nodes than characters, so the limit only stops expansion, never plain data.
MIN_NODE_BUDGET = 100_000

_CORE_PREFIX = "tag:yaml.org,2002:"
_STR = _CORE_PREFIX + "str"
_NULL = _CORE_PREFIX + "null"
_BOOL = _CORE_PREFIX + "bool"
_INT = _CORE_PREFIX + "int"
_FLOAT = _CORE_PREFIX + "float"
_TIMESTAMP = _CORE_PREFIX + "timestamp"
_MAP = _CORE_PREFIX + "map"
_SEQ = _CORE_PREFIX + "seq"
_MERGE = _CORE_PREFIX + "merge"
_PLAIN_TAGS = frozenset({_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP, _MAP, _SEQ, _MERGE})

_TRUE_WORDS = frozenset({"true", "yes", "on", "y"})
_BLANK = " \t\r\n"
_RUN_OF_BLANKS = re.compile(r"\s*\n\s*")

TagHandler = Callable[[str, Any], Any]


@dataclass
class YamlParsedFile(ParsedFile):
    """A parsed YAML file; only its first document is read."""

    # Non-empty documents after the first one, which no loader reads.
    extra_documents: int = 0


class _ExpansionLimit(Exception):
    pass


def _short_tag(tag: str) -> str:
    if tag.startswith(_CORE_PREFIX):
        return "!!" + tag[len(_CORE_PREFIX) :]
    return tag


class _Converter:
    def __init__(self, text: str, positions: Positions, tag_handler: TagHandler | None) -> None:
        self.text = text
        self.positions = positions
        self.tag_handler = tag_handler
        self.source_map = SourceMap()
        self.problems: list[LoadProblem] = []
        self.node_limit = max(MIN_NODE_BUDGET, 4 * len(text))
        self.budget = self.node_limit
        # Ids of the collection nodes being converted, to stop at recursive aliases.
        self.active: set[int] = set()

    # Positions

    def _scalar_end(self, node: Any) -> int:
        start = node.start_mark.index
        end = node.end_mark.index
        while end > start and self.text[end - 1] in _BLANK:
            end -= 1
        return end

    def _record(self, path: Path, node: Any, end: int) -> None:
        self.source_map.add_value(path, self.positions.span(node.start_mark.index, end))

    def _source_text(self, node: Any, end: int) -> str:
        return _RUN_OF_BLANKS.sub(" ", self.text[node.start_mark.index : end]).strip()

    # Conversion

    def convert(self, node: Any, path: Path) -> tuple[Any, int]:
        """Convert one node, record its span at ``path`` and return the value and end offset."""
        self.budget -= 1
        if self.budget < 0:
            raise _ExpansionLimit()
        if id(node) in self.active:
            end = self._scalar_end(node)
            self.problems.append(
                LoadProblem(
                    "SCP001",
                    "invalid YAML: an alias refers to a collection that contains it",
                    self.positions.point(node.start_mark.index),
                )
            )
            self._record(path, node, end)
            return Placeholder(f"*{node.anchor or 'alias'}"), end

        tag = node.tag
        if tag not in _PLAIN_TAGS:
            if self.tag_handler is None:
                end = self._node_end_without_children(node)
                self._record(path, node, end)
                return Placeholder(self._tagged_text(node, tag, end)), end
            value, end = self._convert_content(node, path)
            return self.tag_handler(_short_tag(tag), value), end
        return self._convert_content(node, path)

    def _node_end_without_children(self, node: Any) -> int:
        # A block collection's end mark lies at the next token, after any comments, so
        # its end is taken from its last item instead.
        start = node.start_mark.index
        seen: set[int] = set()
        while node.id != "scalar" and not getattr(node, "flow_style", False) and node.value:
            if id(node) in seen:
                break
            seen.add(id(node))
            last = node.value[-1]
            node = last[1] if node.id == "mapping" else last
        end = self._scalar_end(node)
        return end if end > start else start

    def _tagged_text(self, node: Any, tag: str, end: int) -> str:
        short = _short_tag(tag)
        if node.id == "scalar":
            return f"{short} {node.value}" if node.value else short
        text = self._source_text(node, end)
        return text if text.startswith(short) else f"{short} {text}"

    def _convert_content(self, node: Any, path: Path) -> tuple[Any, int]:
        if node.id == "scalar":
            end = self._scalar_end(node)
            self._record(path, node, end)
            return self._scalar(node), end
        self.active.add(id(node))
        try:
            if node.id == "sequence":
                value, end = self._sequence(node, path)
            else:
                value, end = self._mapping(node, path)
        finally:
            self.active.discard(id(node))
        # The last item of a block collection may be an alias to a node earlier in the
        # file. The collection's own end mark is the fallback then.
        if getattr(node, "flow_style", False) or end is None or end <= node.start_mark.index:
            end = self._scalar_end(node)
        self._record(path, node, end)
        return value, end

    def _scalar(self, node: Any) -> Any:
        text = node.value
        tag = node.tag
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() in _TRUE_WORDS
        if tag == _INT:
            return _parse_int(text)
        if tag == _FLOAT:
            return _parse_float(text)
        return str(text)

    def _sequence(self, node: Any, path: Path) -> tuple[list[Any], int | None]:
        items: list[Any] = []
        end = None
        for index, child in enumerate(node.value):
            item, end = self.convert(child, path + (index,))
            items.append(item)
        return items, end

    def _key(self, node: Any) -> str:
        if node.id == "scalar":
            if node.tag in _PLAIN_TAGS:
                return str(node.value)
            return Placeholder(self._tagged_text(node, node.tag, self._scalar_end(node)))
        return Placeholder(self._source_text(node, self._node_end_without_children(node)))

    def _mapping(self, node: Any, path: Path) -> tuple[dict[str, Any], int | None]:
        result: dict[str, Any] = {}
        end = None
        merges = [value for key, value in node.value if key.tag == _MERGE]
        if merges:
            result.update(self._merged(merges, path))

        written: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                end = max(end or 0, self._node_end_without_children(value_node))
                continue
            key = self._key(key_node)
            key_span = self.positions.span(key_node.start_mark.index, self._scalar_end(key_node))
            member_path = path + (key,)
            if key in written:
                first = self.source_map.keys.get(member_path)
                self.problems.append(duplicate_key_problem(key, path, first, key_span))
            if key in result:
                forget_subtree(self.source_map, member_path)
            written[key] = True
            self.source_map.add_key(member_path, key_span)
            result[key], value_end = self.convert(value_node, member_path)
            end = max(end or 0, value_end)
        return result, end

    def _merged(self, merges: list[Any], path: Path) -> dict[str, Any]:
        # YAML merge key: each source is a mapping or a list of mappings, and a key from an
        # earlier source wins over the same key from a later one.
        sources: list[Any] = []
        for merge in merges:
            if merge.id == "sequence":
                sources.extend(merge.value)
            else:
                sources.append(merge)
        merged: dict[str, Any] = {}
        for source in reversed(sources):
            if source.id != "mapping":
                self.problems.append(
                    LoadProblem(
                        "SCP001",
                        "invalid YAML: a merge key '<<' must refer to a mapping or a list of mappings",
                        self.positions.point(source.start_mark.index),
                    )
                )
                continue
            value, _ = self.convert(source, path)
            if isinstance(value, dict):
                merged.update(value)
        return merged


def _parse_int(text: str) -> int | str:
    cleaned = text.replace("_", "")
    try:
        return int(cleaned, 0)
    except ValueError:
        pass
    digits = cleaned.lstrip("+-")
    if digits.isdigit():
        # A YAML 1.1 octal such as 0755.
        number = int(digits, 8) if set(digits) <= set("01234567") else int(digits)
        return -number if cleaned.startswith("-") else number
    return text


def _parse_float(text: str) -> float | str:
    cleaned = text.replace("_", "").lower()
    special = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}
    if cleaned in special:
        return special[cleaned]
    try:
        return float(cleaned)
    except ValueError:
        return text


def _error_problem(error: Exception, positions: Positions) -> LoadProblem:
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.reader import ReaderError

    if isinstance(error, ReaderError):
        character = error.character
        code = f"U+{ord(character):04X}" if isinstance(character, str) else f"U+{character:04X}"
        return LoadProblem(
            "SCP001",
            f"invalid YAML: the character {code} is not allowed in a YAML file",
            positions.point(error.position),
        )
    if isinstance(error, MarkedYAMLError):
        message = str(error.problem or error.context or "syntax error")
        mark = error.problem_mark or error.context_mark
        if error.problem and error.context:
            context = str(error.context)
            if error.context_mark is not None:
                context_line, _ = positions.line_column(error.context_mark.index)
                context += f" on line {context_line}"
            message += f" ({context})"
        span = positions.point(mark.index) if mark is not None else None
        return LoadProblem("SCP001", f"invalid YAML: {message}", span)
    return LoadProblem("SCP001", f"invalid YAML: {error}")


def _parse(
    text: str, base_line: int, base_column: int, tag_handler: TagHandler | None
) -> tuple[Any, SourceMap, list[LoadProblem], int]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    positions = Positions(text, base_line, base_column)
    converter = _Converter(text, positions, tag_handler)
    # The pure-Python composer follows YAML 1.2 (so `yes` and `on` are strings); the
    # libyaml one would apply YAML 1.1 rules instead.
    yaml = YAML(typ="safe", pure=True)
    data: Any = None
    extra_documents = 0
    problems: list[LoadProblem] = []
    try:
        documents = yaml.compose_all(text)
        first = next(documents, None)
        if first is not None:
            data, _ = converter.convert(first, ())
        for document in documents:
            if not (document.id == "scalar" and document.tag == _NULL):
                extra_documents += 1
    except _ExpansionLimit:
        message = f"invalid YAML: aliases expand to more than {converter.node_limit} values"
        return None, converter.source_map, [LoadProblem("SCP001", message)], 0
    except YAMLError as error:
        # After an error in a later document, the first document is still read.
        problems.append(_error_problem(error, positions))
    except RecursionError:
        problems.append(LoadProblem("SCP001", "invalid YAML: mappings and lists are nested too deeply"))
        data = None
    return data, converter.source_map, converter.problems + problems, extra_documents


def parse_yaml_text(
    text: str,
    *,
    base_line: int = 1,
    base_column: int = 1,
    tag_handler: TagHandler | None = None,
) -> tuple[Any, SourceMap, list[LoadProblem]]:
    """Parse the first document of YAML text into plain Python data with a source map.

    ``base_line`` and ``base_column`` place the text inside a host file, as in
    ``json_parser.parse_json_text``. ``tag_handler(tag, value)``, when given, replaces
    the ``Placeholder`` of each tagged node: it receives the short tag (``"!Sub"``) and
    the node's content converted without the tag. Returns the data (None after a syntax
    error in the first document), the source map and the problems (SCP001, SCP004).
    """
    data, source_map, problems, _ = _parse(text, base_line, base_column, tag_handler)
    return data, source_map, problems


def parse_file(path: FilePath, display: str, text: str) -> YamlParsedFile:
    """Parse a YAML file for the structured loaders."""
    data, source_map, problems, extra_documents = _parse(text, 1, 1, None)
    return YamlParsedFile(
        path,
        display,
        text,
        data,
        source_map,
        problems,
        is_yaml=True,
        extra_documents=extra_documents,
    )
