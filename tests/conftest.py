"""Shared fixtures.

Integration tests read real public policies and the SARIF schema from the ``shared``
folder that sits beside the repository checkout; they skip when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.skip(f"integration data not found at {SHARED_DIR}")
    return SHARED_DIR


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    corpus = shared_dir / "corpus"
    if not (corpus / "MANIFEST.tsv").is_file():
        pytest.skip(f"policy corpus not found at {corpus}")
    return corpus
