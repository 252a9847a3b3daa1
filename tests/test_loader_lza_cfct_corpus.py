"""Integration tests of the LZA and CfCT loaders over the public policy corpus.

The corpus stores each file flat, as ``<owner>__<repo>/<original path with "/" as "__">``,
so a path that a configuration file names does not exist beside it. ``materialise_repo``
copies one repository's corpus files back to their original paths (recorded in
MANIFEST.tsv) under a temporary folder, and the loaders then resolve references as they
would in the real repository.

A referenced file that the corpus does not hold yields the loader's "policy file not
found" problem; the tables below give, per configuration file, the number of policy-file
entries read from the file by hand and how many of them the corpus holds.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from scplint.loaders import cfct, load_file, lza, parse_structured
from scplint.model import LoadResult

NOT_FOUND_PREFIX = "policy file not found: "


@dataclass(frozen=True)
class Expected:
    # Customer-managed SCP and RCP entries with a local policy file, counted by reading.
    entries: int
    # Entries whose policy file the corpus holds.
    resolved: int


LZA_BASE = "awslabs__landing-zone-accelerator-on-aws/"
LZA_SAMPLES = LZA_BASE + "reference__sample-configurations__"
LZA_TESTS = LZA_BASE + "source__packages__@aws-accelerator__accelerator__test__configs__"

EXPECTED = {
    "aws-samples__landing-zone-accelerator-on-aws-for-education/config__organization-config.yaml": Expected(5, 5),
    LZA_SAMPLES + "lza-sample-config-cccs-medium__config__organization-config.yaml": Expected(7, 7),
    # serviceControlPolicies is an empty list: SCPs are not available in the China Regions.
    LZA_SAMPLES + "lza-sample-config-cn__organization-config.yaml": Expected(0, 0),
    LZA_SAMPLES + "lza-sample-config-finance-tax__organization-config.yaml": Expected(5, 2),
    LZA_SAMPLES + "lza-sample-config-govcloud-us__commercial-config__organization-config.yaml": Expected(2, 2),
    LZA_SAMPLES + "lza-sample-config-govcloud-us__govcloud-us-config__organization-config.yaml": Expected(3, 2),
    LZA_SAMPLES + "lza-sample-config-healthcare__organization-config.yaml": Expected(5, 2),
    LZA_SAMPLES + "lza-sample-config-us-slg-central-it__organization-config.yaml": Expected(5, 2),
    LZA_SAMPLES + "lza-sample-config__organization-config.yaml": Expected(4, 3),
    # Four SCPs, as the manifest notes say, plus one entry under resourceControlPolicies.
    LZA_TESTS + "all-enabled__organization-config.yaml": Expected(5, 3),
    # "{{CoreOUs}}" sits in chatbotPolicies, which the loader does not read; it is valid YAML
    # (a flow mapping used as a key), so the file parses.
    LZA_TESTS + "replacements__organization-config.yaml": Expected(5, 1),
    "cleanslate-technology-group__landing-zone-config/organization-config.yaml": Expected(4, 3),
    "jcote5150__landing-zone-accelerator-on-aws-for-healthcare/config__organization-config.yaml": Expected(5, 4),
    "metadevpro__lza-deploy-sample/generate230426__organization-config.yaml": Expected(5, 5),
    "sourcefuse__arc-lza-config/best-practices__organization-config.yaml": Expected(3, 2),
    "sourcefuse__arc-lza-config/hipaa__organization-config.yaml": Expected(5, 1),
    # Manifest version 2020-01-01 with organization_policies.
    "DerekSedlmyer__aws-landing-zone-sample/custom-control-tower-configuration__manifest.yaml": Expected(2, 2),
    # One scp and one rcp resource; the S3 resource_file belongs to a stack set.
    "aws-solutions__aws-control-tower-customizations/"
    "deployment__custom_control_tower_configuration__example-configuration__manifest.yaml": Expected(2, 1),
    "negiyogesh6__aws-cfct-semple/custom-control-tower-configuration__manifest.yaml": Expected(2, 2),
    # Stack sets only.
    "pyeole-github__Cicd-cfct-deployment/custom-control-tower-configuration__manifest.yaml": Expected(0, 0),
}


def read_manifest(corpus_dir: Path) -> list[dict[str, str]]:
    with open(corpus_dir / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def manifest_rows(corpus_dir: Path) -> list[dict[str, str]]:
    return read_manifest(corpus_dir)


def materialise_repo(corpus_dir: Path, rows: list[dict[str, str]], repo: str, target: Path) -> None:
    """Copy every corpus file of ``repo`` to ``target / original_path``."""
    for row in rows:
        if row["repo"] != repo:
            continue
        destination = target / row["original_path"]
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus_dir / row["local_path"], destination)


def load_materialised(
    corpus_dir: Path, rows: list[dict[str, str]], local_path: str, tmp_path: Path
) -> tuple[LoadResult, Path]:
    row = next(row for row in rows if row["local_path"] == local_path)
    materialise_repo(corpus_dir, rows, row["repo"], tmp_path)
    config = tmp_path / row["original_path"]
    return load_file(config, row["original_path"]), config


def test_table_covers_corpus(manifest_rows):
    listed = {row["local_path"] for row in manifest_rows if row["format"] in ("lza", "cfct")}
    assert listed == set(EXPECTED)


@pytest.mark.parametrize("local_path", sorted(EXPECTED))
def test_corpus_config(corpus_dir, manifest_rows, tmp_path, local_path):
    expected = EXPECTED[local_path]
    result, config = load_materialised(corpus_dir, manifest_rows, local_path, tmp_path)

    assert result.documents == []
    assert len(result.references) == expected.resolved

    not_found = [p for p in result.problems if p.message.startswith(NOT_FOUND_PREFIX)]
    other_problems = [p for p in result.problems if not p.message.startswith(NOT_FOUND_PREFIX)]
    assert other_problems == []
    assert len(not_found) == expected.entries - expected.resolved

    for reference in result.references:
        assert Path(reference.path).is_file(), reference.path
    # Each file reported missing is one the corpus did not copy.
    for problem in not_found:
        shown = problem.message[len(NOT_FOUND_PREFIX) :].split(" (referenced as ", 1)[0]
        assert not (tmp_path / shown).exists(), problem.message
        assert problem.span is not None, problem.message


@pytest.mark.parametrize("local_path", sorted(EXPECTED))
def test_corpus_config_detected_once(corpus_dir, manifest_rows, local_path):
    row = next(row for row in manifest_rows if row["local_path"] == local_path)
    path = corpus_dir / local_path
    parsed = parse_structured(path, local_path, path.read_text(encoding="utf-8-sig"))
    assert lza.detect(parsed) is (row["format"] == "lza")
    assert cfct.detect(parsed) is (row["format"] == "cfct")


def test_corpus_other_files_not_claimed(corpus_dir, manifest_rows):
    claimed = []
    for row in manifest_rows:
        if row["format"] in ("lza", "cfct"):
            continue
        path = corpus_dir / row["local_path"]
        if path.suffix.lower() not in (".json", ".yaml", ".yml", ".template"):
            continue
        parsed = parse_structured(path, row["local_path"], path.read_text(encoding="utf-8-sig"))
        if parsed.data is None:
            continue
        if lza.detect(parsed) or cfct.detect(parsed):
            claimed.append(row["local_path"])
    assert claimed == []

