"""Loaders: find policy documents in source files of each format.

``load_file`` is the single entry point the engine calls. It reads the file, picks the
loader by file name and content, and returns a ``LoadResult``. Loaders never raise for bad
input: syntax errors become ``LoadProblem`` objects with a position.

Structured loaders (CloudFormation, LZA, CfCT, org-formation, plain policies) share one
parse of the JSON or YAML text: ``ParsedFile``. Each one's ``detect`` looks at the parsed
data and claims the file or not, in the order of ``STRUCTURED_LOADERS``; the plain policy
loader comes last.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scplint.model import LoadProblem, LoadResult, PolicyKind, SourceMap

JSON_SUFFIXES = {".json"}
YAML_SUFFIXES = {".yaml", ".yml"}
# CloudFormation templates are often saved as .template; they are JSON or YAML.
TEMPLATE_SUFFIXES = {".template"}
TERRAFORM_SUFFIXES = {".tf"}
PYTHON_SUFFIXES = {".py"}

LINTABLE_SUFFIXES = (
    JSON_SUFFIXES | YAML_SUFFIXES | TEMPLATE_SUFFIXES | TERRAFORM_SUFFIXES | PYTHON_SUFFIXES
)


@dataclass
class ParsedFile:
    """A JSON or YAML file parsed once, shared by every structured loader."""

    path: Path
    display: str
    text: str
    # None when the text could not be parsed, and ``problems`` then gives the reason.
    data: Any
    source_map: SourceMap
    problems: list[LoadProblem] = field(default_factory=list)
    # True when the text is YAML (or JSON read by the YAML parser).
    is_yaml: bool = False


# Module paths of the structured loaders, tried in this order. Each module defines
# ``detect(parsed: ParsedFile) -> bool`` and
# ``load(parsed: ParsedFile, kind: PolicyKind) -> LoadResult``.
STRUCTURED_LOADERS = (
    "scplint.loaders.cloudformation",
    "scplint.loaders.orgformation",
    "scplint.loaders.lza",
    "scplint.loaders.cfct",
    "scplint.loaders.policy",
)


def parse_structured(path: Path, display: str, text: str) -> ParsedFile:
    """Parse JSON or YAML text with positions, choosing the parser by suffix."""
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES or (suffix in TEMPLATE_SUFFIXES and text.lstrip().startswith("{")):
        from scplint.loaders import json_parser

        return json_parser.parse_file(path, display, text)
    from scplint.loaders import yaml_parser

    return yaml_parser.parse_file(path, display, text)


def load_file(path: Path, display: str, kind: PolicyKind = PolicyKind.SCP) -> LoadResult:
    """Load every policy document in one file.

    ``kind`` is the policy kind that configuration or the command line assigns to the file;
    loaders that read the kind from the source (a CloudFormation ``Type``, a Terraform
    ``type``) override it per document.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        return LoadResult(problems=[LoadProblem("SCP001", f"cannot read file: {error.strerror}")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return LoadResult(
            problems=[LoadProblem("SCP001", f"file is not valid UTF-8 (byte {error.start})")]
        )

    suffix = path.suffix.lower()
    if suffix in TERRAFORM_SUFFIXES:
        from scplint.loaders import terraform

        return terraform.load(path, display, text, kind)
    if suffix in PYTHON_SUFFIXES:
        from scplint.loaders import cdk

        return cdk.load(path, display, text, kind)

    parsed = parse_structured(path, display, text)
    if parsed.data is None:
        if not parsed.problems:
            return LoadResult(skipped="the file contains no data")
        if not _looks_like_policy(text):
            # JSON with comments (tsconfig.json, VS Code settings) and templates that are
            # no policy at all are common in repositories; only policy-like text is reported.
            return LoadResult(skipped=f"not valid JSON or YAML, and no policy elements in it: {parsed.problems[0].message}")
        return LoadResult(problems=parsed.problems)
    for module_name in STRUCTURED_LOADERS:
        module = importlib.import_module(module_name)
        if module.detect(parsed):
            result: LoadResult = module.load(parsed, kind)
            result.problems[:0] = parsed.problems
            return result
    # Only syntax errors matter in a file that contains no policy, because a duplicate key
    # in a package.json is another tool's business.
    syntax_errors = [problem for problem in parsed.problems if problem.code == "SCP001"]
    return LoadResult(problems=syntax_errors, skipped="not a policy document")


# Policy elements, the statement keys of Terraform-style statement lists, and the keys of
# the configuration formats that deploy policies.
_POLICY_MARKERS = (
    "Statement", "Effect", "effect:", '"effect"', "AWS::Organizations::Policy",
    "serviceControlPolicies", "deploy_method", "OC::ORG::",
)


def _looks_like_policy(text: str) -> bool:
    """Tell whether unparsable text mentions a policy element or a policy-bearing config key."""
    return any(marker in text for marker in _POLICY_MARKERS)
