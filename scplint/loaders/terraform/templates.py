"""Heredocs and JSON text that contains Terraform template sequences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scplint.model import (
    LoadProblem,
    Placeholder,
    SourceMap,
)

# Private-use characters stand in for template sequences inside JSON text, one character
# per sequence, so the JSON parser reads text of the same length and positions stay exact.
_MARKER_BASE = 0xE000
_MARKER_LIMIT = 0xF8FF - _MARKER_BASE


# ---------------------------------------------------------------------------
# Heredocs and JSON text with template sequences
# ---------------------------------------------------------------------------


@dataclass
class Heredoc:
    """A heredoc's body and where its first content line starts."""

    raw_body: str  # the lines between the markers, as written
    content: str  # the text Terraform produces: indentation removed for ``<<-``
    first_line: int
    has_templates: bool

    @classmethod
    def from_token(cls, token: Any) -> Heredoc:
        text = str(token)
        header, _, rest = text.partition("\n")
        # ``rest`` ends with the closing marker line and the newline after it.
        rest = rest.rstrip("\r\n")
        cut = rest.rfind("\n")
        lines = rest[:cut].split("\n") if cut >= 0 else []
        raw_body = "\n".join(lines) + ("\n" if lines else "")
        content = raw_body
        if header.startswith("<<-"):
            content = _strip_indentation(lines)
        scan = scan_templates(raw_body)
        return cls(raw_body, content, token.line + 1, bool(scan.sequences))


def _strip_indentation(lines: list[str]) -> str:
    """Remove the smallest indentation of the non-blank lines, as ``<<-`` heredocs do."""
    widths = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    width = min(widths, default=0)
    stripped = [line[width:] if line.strip() else line.lstrip(" \t") for line in lines]
    return "\n".join(stripped) + ("\n" if lines else "")


@dataclass
class TemplateScan:
    """Template sequences found in JSON text and the same-length text the JSON parser reads."""

    masked: str
    sequences: list[str]


def scan_templates(text: str) -> TemplateScan:
    """Replace each ``${...}`` or ``%{...}`` in ``text`` with marker characters.

    Inside a JSON string the sequence becomes marker characters; outside, a quoted string
    of marker characters, so ``"Resource": ${jsonencode(var.arns)}`` still parses. Escaped
    sequences (``$${``, ``%%{``) are kept as written.
    """
    out: list[str] = []
    sequences: list[str] = []
    in_string = False
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char in "$%" and text.startswith(char * 2 + "{", index):
            out.append(text[index : index + 3])
            index += 3
            continue
        if char in "$%" and index + 1 < length and text[index + 1] == "{":
            end = _template_end(text, index + 2)
            sequence = text[index:end]
            number = len(sequences)
            if number >= _MARKER_LIMIT:
                break
            sequences.append(sequence)
            marker = chr(_MARKER_BASE + number)
            if in_string or len(sequence) < 3:
                out.append(marker * len(sequence))
            else:
                out.append('"' + marker * (len(sequence) - 2) + '"')
            index = end
            continue
        if in_string and char == "\\" and index + 1 < length:
            out.append(text[index : index + 2])
            index += 2
            continue
        if char == '"':
            in_string = not in_string
        out.append(char)
        index += 1
    return TemplateScan("".join(out) + text[index:], sequences)


def _template_end(text: str, start: int) -> int:
    """Return the index after the ``}`` that closes a template sequence."""
    depth = 1
    index = start
    quote = False
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == '"':
                quote = False
        elif char == '"':
            quote = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(text)


def _unmask(value: Any, sequences: list[str]) -> Any:
    """Turn strings holding markers back into placeholders with the original text."""
    if isinstance(value, str):
        if not any(_MARKER_BASE <= ord(char) < _MARKER_BASE + len(sequences) for char in value):
            return value.replace("$${", "${").replace("%%{", "%{")
        pieces: list[str] = []
        previous = None
        for char in value:
            code = ord(char) - _MARKER_BASE
            if 0 <= code < len(sequences):
                if code != previous:
                    pieces.append(sequences[code])
                previous = code
            else:
                pieces.append(char)
                previous = None
        return Placeholder("".join(pieces))
    if isinstance(value, list):
        return [_unmask(item, sequences) for item in value]
    if isinstance(value, dict):
        return {_unmask(key, sequences): _unmask(item, sequences) for key, item in value.items()}
    return value


def _parse_json_text(text: str, base_line: int) -> tuple[Any, SourceMap, list[LoadProblem]]:
    from scplint.loaders import json_parser

    return json_parser.parse_json_text(text, base_line=base_line, base_column=1)


