from __future__ import annotations

import subprocess
import sys

import pytest
from formatters_sample import sample_result

from scplint import formatters


@pytest.mark.parametrize("name", formatters.FORMATS)
def test_render_every_format(name: str):
    output = formatters.render(name, sample_result(), root="/repo")
    assert output.endswith("\n")


def test_render_unknown_format():
    expected = "unknown output format 'xml'; expected one of: text, json"
    with pytest.raises(ValueError, match=expected):
        formatters.render("xml", sample_result())


def test_render_passes_color():
    assert "\x1b[" in formatters.render("text", sample_result(), color=True)


def test_import_loads_no_formatter():
    code = (
        "import sys, scplint.formatters; "
        "print(sorted(m for m in sys.modules if m.startswith('scplint.formatters.')))"
    )
    process = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert process.stdout.strip() == "[]"
