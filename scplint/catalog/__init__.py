"""IAM knowledge, offline: services, actions, condition keys, global services, Regions."""

from __future__ import annotations

import json
import os
from typing import Any

_DATA_DIR = os.path.join(os.path.dirname(__file__), "data")


def load_data(name: str) -> Any:
    """Read one of the JSON tables shipped in ``scplint/catalog/data``.

    A plain file read, because ``importlib.resources`` costs start-up time that a
    pre-commit hook pays on every commit, and wheels install as plain files.
    """
    with open(os.path.join(_DATA_DIR, name), encoding="utf-8") as stream:
        return json.load(stream)
