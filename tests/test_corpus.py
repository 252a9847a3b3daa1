"""scplint on the corpus of real public policies: no crash, every policy accounted for."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def corpus_run(corpus_dir, tmp_path_factory):
    output = tmp_path_factory.mktemp("corpus") / "corpus.sarif"
    result = subprocess.run(
        [sys.executable, "-m", "scplint", "--isolated", "--output-format", "sarif", "-o", str(output), str(corpus_dir)],
        capture_output=True, text=True, check=False,
    )
    return result, json.loads(output.read_text(encoding="utf-8"))


def test_corpus_run_exits_with_findings(corpus_run):
    result, _ = corpus_run
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_corpus_has_no_internal_errors(corpus_run):
    _, log = corpus_run
    crashes = [r["message"]["text"] for r in log["runs"][0]["results"] if r["ruleId"] == "SCP000"]
    assert crashes == []


def test_corpus_sarif_is_valid(corpus_run, shared_dir):
    import jsonschema

    _, log = corpus_run
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert [error.message for error in errors[:5]] == []


def test_every_json_policy_is_linted_or_reported(corpus_dir):
    """Each corpus file tagged json/yaml either yields a policy, a positioned SCP001, or is not a policy."""
    from scplint.loaders import load_file

    rows = [line.split("\t") for line in (corpus_dir / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    unaccounted = []
    for local_path, _repo, _commit, _original, file_format, _licence, notes in rows:
        if file_format not in ("json", "yaml"):
            continue
        result = load_file(corpus_dir / local_path, local_path)
        if result.documents:
            continue
        parse_errors = [problem for problem in result.problems if problem.code == "SCP001"]
        if parse_errors:
            assert all(problem.span is not None for problem in parse_errors), local_path
            continue
        unaccounted.append((local_path, result.skipped, notes))
    assert unaccounted == []


def test_examples_sarif_is_valid(shared_dir, tmp_path):
    from pathlib import Path

    import jsonschema

    examples = Path(__file__).resolve().parents[1] / "examples"
    output = tmp_path / "examples.sarif"
    result = subprocess.run(
        [sys.executable, "-m", "scplint", "--output-format", "sarif", "-o", str(output), str(examples)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1, result.stderr
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(output.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft4Validator(schema).iter_errors(log)) == []
    assert log["runs"][0]["results"]


def test_no_finding_comes_from_a_placeholder(corpus_run):
    """Template values may only produce the 'cannot decide' note, never a finding about them."""
    import re

    _, log = corpus_run
    template = re.compile(r"\$\{(?!aws:)|\bvar\.|\blocal\.|!Ref|!Sub|\{\{|Fn::|ACCEL_LOOKUP")
    offending = [
        (r["ruleId"], r["message"]["text"])
        for r in log["runs"][0]["results"]
        if template.search(r["message"]["text"]) and not r["message"]["text"].startswith("cannot decide")
    ]
    assert offending == []
