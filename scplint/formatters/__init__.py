"""Output formatters: turn a ``LintResult`` into text for a terminal, a file or CI.

Every formatter module defines ``render(result, *, color=False, root=None) -> str``. A
formatter ignores the arguments it has no use for. Modules are imported only when their
format is requested, so the command-line start-up pays only for the one in use.
"""

from __future__ import annotations

import importlib
import os

from scplint.result import LintResult

FORMATS = ("text", "json", "sarif", "github", "markdown")

_MODULES = {
    "text": "scplint.formatters.text",
    "json": "scplint.formatters.json_format",
    "sarif": "scplint.formatters.sarif",
    "github": "scplint.formatters.github",
    "markdown": "scplint.formatters.markdown",
}


def render(
    name: str,
    result: LintResult,
    *,
    color: bool = False,
    root: str | os.PathLike[str] | None = None,
) -> str:
    """Render ``result`` in the output format ``name``.

    ``color`` turns on ANSI colours in the text format. ``root`` is the directory that
    finding paths are relative to; SARIF records it as ``%SRCROOT%``, and the SARIF and
    GitHub formats use it to make absolute paths relative. Raises ``ValueError`` for a
    name that is not in ``FORMATS``.
    """
    module_name = _MODULES.get(name)
    if module_name is None:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown output format {name!r}; expected one of: {choices}")
    module = importlib.import_module(module_name)
    return module.render(result, color=color, root=root)
