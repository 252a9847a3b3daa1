"""A strict JSON parser that records the position of every value and mapping key.

The standard ``json`` module gives no positions and keeps the last of duplicate keys
without a word, so this module parses RFC 8259 JSON itself. It rejects comments, trailing
commas, NaN and Infinity, and accepts only space, tab, line feed and carriage return as
whitespace. Strings are decoded by ``json.decoder.scanstring``, so escapes behave exactly
as in ``json.loads``.

Positions are 1-based lines and columns counted in characters (a tab is one column), and
every span's end is exclusive. A line ends at ``\\r\\n``, ``\\r`` or ``\\n``.
"""

from __future__ import annotations

import bisect
import re
from json import JSONDecodeError
from json.decoder import scanstring
from pathlib import Path as FilePath
from typing import Any

from scplint.loaders import ParsedFile
from scplint.model import LoadProblem, Path, SourceMap, Span

# Objects and arrays nested deeper than this are rejected instead of risking Python's
# recursion limit. Policies and templates stay far below it.
MAX_DEPTH = 200

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
# Patterns that cut a malformed number or an unquoted word out of the text for messages.
_NUMBER_LIKE = re.compile(r"[-+.eE0-9]+")
_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")

# Plain wording for the messages that ``scanstring`` raises.
_STRING_ERRORS = {
    "Unterminated string starting at": "unterminated string",
    "Invalid control character at": (
        "control character inside a string; write it as an escape such as \\n or \\t"
    ),
    "Invalid \\escape": "invalid escape sequence in a string",
    "Invalid \\uXXXX escape": "invalid \\uXXXX escape in a string",
}


class _JSONSyntaxError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class Positions:
    """Line and column lookup for character offsets in one text, 1-based.

    ``base_line`` and ``base_column`` place the text inside a host file: the first line
    is shifted right by ``base_column - 1`` and down by ``base_line - 1``, and later
    lines start at column 1.
    """

    def __init__(self, text: str, base_line: int = 1, base_column: int = 1) -> None:
        self.line_starts = [0]
        self.line_starts.extend(match.end() for match in _LINE_BREAK.finditer(text))
        self.base_line = base_line
        self.base_column = base_column

    def line_column(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.line_starts, offset) - 1
        column = offset - self.line_starts[index] + 1
        if index == 0:
            column += self.base_column - 1
        return index + self.base_line, column

    def span(self, start: int, end: int) -> Span:
        line, column = self.line_column(start)
        end_line, end_column = self.line_column(end)
        return Span(line, column, end_line, end_column)

    def point(self, offset: int) -> Span:
        line, column = self.line_column(offset)
        return Span.point(line, column)


def describe_path(path: Path) -> str:
    """Write a path as a JSONPath-like expression, for example ``Statement[1].Condition``."""
    if not path:
        return "the top-level object"
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f".{part}"
        else:
            text = str(part)
    return text


def duplicate_key_problem(key: str, path: Path, first: Span | None, second: Span) -> LoadProblem:
    """Build the SCP004 problem for a mapping key that appears twice.

    ``path`` is the path of the mapping that contains the key.
    """
    where = f", first defined on line {first.line}" if first is not None else ""
    return LoadProblem(
        "SCP004",
        f"duplicate key {key!r} in {describe_path(path)}{where}. Only the last value is read, "
        "so delete one of them or merge them",
        second,
    )


def forget_subtree(source_map: SourceMap, path: Path) -> None:
    """Remove the spans at and below ``path``, before a duplicate key's value replaces them."""
    size = len(path)
    for table in (source_map.values, source_map.keys):
        stale = [entry for entry in table if entry[:size] == path]
        for entry in stale:
            del table[entry]


class _Parser:
    def __init__(self, text: str, positions: Positions) -> None:
        self.text = text
        self.positions = positions
        self.source_map = SourceMap()
        self.problems: list[LoadProblem] = []

    def parse(self) -> Any:
        offset = self._skip(0)
        if offset == len(self.text):
            raise _JSONSyntaxError("no JSON value found because the text is empty or only whitespace", 0)
        value, offset = self._value(offset, (), 0)
        offset = self._skip(offset)
        if offset != len(self.text):
            raise self._unexpected(offset, "the end of input after the top-level value")
        return value

    def _skip(self, offset: int) -> int:
        return _WHITESPACE.match(self.text, offset).end()  # type: ignore[union-attr]

    def _unexpected(self, offset: int, expected: str) -> _JSONSyntaxError:
        text = self.text
        if offset >= len(text):
            end = len(text.rstrip(" \t\r\n"))
            return _JSONSyntaxError(f"unexpected end of input, expected {expected}", end)
        if text.startswith(("//", "/*"), offset):
            return _JSONSyntaxError("comments are not allowed in JSON", offset)
        return _JSONSyntaxError(f"expected {expected}, found {self._token(offset)}", offset)

    def _token(self, offset: int) -> str:
        match = _WORD.match(self.text, offset)
        if match:
            return repr(match.group())
        return repr(self.text[offset])

    def _value(self, offset: int, path: Path, depth: int) -> tuple[Any, int]:
        text = self.text
        if offset >= len(text):
            raise self._unexpected(offset, "a value")
        char = text[offset]
        if char == '"':
            value, end = self._string(offset)
        elif char == "{":
            if depth >= MAX_DEPTH:
                raise _JSONSyntaxError(f"objects and arrays are nested deeper than {MAX_DEPTH} levels", offset)
            value, end = self._object(offset, path, depth + 1)
        elif char == "[":
            if depth >= MAX_DEPTH:
                raise _JSONSyntaxError(f"objects and arrays are nested deeper than {MAX_DEPTH} levels", offset)
            value, end = self._array(offset, path, depth + 1)
        elif char == "-" or "0" <= char <= "9":
            value, end = self._number(offset)
        else:
            value, end = self._literal(offset)
        self.source_map.add_value(path, self.positions.span(offset, end))
        return value, end

    def _string(self, offset: int) -> tuple[str, int]:
        try:
            return scanstring(self.text, offset + 1, True)
        except JSONDecodeError as error:
            message = _STRING_ERRORS.get(error.msg, error.msg)
            raise _JSONSyntaxError(message, error.pos) from None

    def _number(self, offset: int) -> tuple[int | float, int]:
        text = self.text
        match = _NUMBER.match(text, offset)
        token_match = _NUMBER_LIKE.match(text, offset)
        token = token_match.group() if token_match else text[offset]
        if text.startswith("-Infinity", offset):
            raise _JSONSyntaxError("NaN and Infinity are not allowed in JSON", offset)
        if match is None or match.end() != offset + len(token):
            raise _JSONSyntaxError(f"invalid number {token!r}", offset)
        number = match.group()
        try:
            if match.group(1) or match.group(2):
                return float(number), match.end()
            return int(number), match.end()
        except ValueError:
            # int() rejects numbers longer than sys.get_int_max_str_digits().
            raise _JSONSyntaxError("number has too many digits", offset) from None

    def _literal(self, offset: int) -> tuple[Any, int]:
        text = self.text
        for word, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, offset):
                end = offset + len(word)
                if not _WORD.match(text, end):
                    return value, end
        if text.startswith(("NaN", "Infinity"), offset):
            raise _JSONSyntaxError("NaN and Infinity are not allowed in JSON", offset)
        if text[offset] == "'":
            raise _JSONSyntaxError("strings must be enclosed in double quotes, not single quotes", offset)
        raise self._unexpected(offset, "a value")

    def _object(self, offset: int, path: Path, depth: int) -> tuple[dict[str, Any], int]:
        text = self.text
        result: dict[str, Any] = {}
        position = self._skip(offset + 1)
        if text.startswith("}", position):
            return result, position + 1
        while True:
            if not text.startswith('"', position):
                raise self._bad_member_start(position)
            key, key_end = self._string(position)
            key_span = self.positions.span(position, key_end)
            member_path = path + (key,)
            if key in result:
                first = self.source_map.keys.get(member_path)
                self.problems.append(duplicate_key_problem(key, path, first, key_span))
                forget_subtree(self.source_map, member_path)
            self.source_map.add_key(member_path, key_span)

            position = self._skip(key_end)
            if not text.startswith(":", position):
                raise self._unexpected(position, f"':' after the key {key!r}")
            position = self._skip(position + 1)
            result[key], position = self._value(position, member_path, depth)

            position = self._skip(position)
            if text.startswith("}", position):
                return result, position + 1
            if not text.startswith(",", position):
                raise self._unexpected(position, "',' or '}' after an object member")
            comma = position
            position = self._skip(position + 1)
            if text.startswith("}", position):
                raise _JSONSyntaxError("trailing comma before '}'", comma)

    def _bad_member_start(self, offset: int) -> _JSONSyntaxError:
        if self.text.startswith("'", offset):
            return _JSONSyntaxError("keys must be enclosed in double quotes, not single quotes", offset)
        if _WORD.match(self.text, offset):
            return _JSONSyntaxError(f"key {self._token(offset)} must be enclosed in double quotes", offset)
        return self._unexpected(offset, "a key in double quotes")

    def _array(self, offset: int, path: Path, depth: int) -> tuple[list[Any], int]:
        text = self.text
        result: list[Any] = []
        position = self._skip(offset + 1)
        if text.startswith("]", position):
            return result, position + 1
        while True:
            item, position = self._value(position, path + (len(result),), depth)
            result.append(item)
            position = self._skip(position)
            if text.startswith("]", position):
                return result, position + 1
            if not text.startswith(",", position):
                raise self._unexpected(position, "',' or ']' after an array item")
            comma = position
            position = self._skip(position + 1)
            if text.startswith("]", position):
                raise _JSONSyntaxError("trailing comma before ']'", comma)


def parse_json_text(
    text: str, *, base_line: int = 1, base_column: int = 1
) -> tuple[Any, SourceMap, list[LoadProblem]]:
    """Parse JSON text into plain Python data with a source map.

    ``base_line`` and ``base_column`` give the position of the text's first character in
    a host file (a Terraform heredoc, a CloudFormation string), so that spans point into
    that file. Returns the data, the source map and the problems: SCP001 for a syntax
    error, in which case the data is None, and SCP004 for each duplicate key, in which
    case the last value is kept, as ``json.loads`` does.
    """
    positions = Positions(text, base_line, base_column)
    parser = _Parser(text, positions)
    try:
        data = parser.parse()
    except _JSONSyntaxError as error:
        problem = LoadProblem("SCP001", f"invalid JSON: {error.message}", positions.point(error.offset))
        return None, parser.source_map, [*parser.problems, problem]
    except RecursionError:
        problem = LoadProblem("SCP001", "invalid JSON: objects and arrays are nested too deeply")
        return None, parser.source_map, [*parser.problems, problem]
    return data, parser.source_map, parser.problems


def parse_file(path: FilePath, display: str, text: str) -> ParsedFile:
    """Parse a JSON file for the structured loaders."""
    data, source_map, problems = parse_json_text(text)
    return ParsedFile(path, display, text, data, source_map, problems, is_yaml=False)
