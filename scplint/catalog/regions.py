"""AWS Region codes and names per partition, from ``data/regions.json``.

The table covers the commercial ``aws`` partition, AWS GovCloud (US) (``aws-us-gov``) and
the China Regions (``aws-cn``). It is a snapshot: a Region that AWS launches later is
unknown here until the data file is updated.
"""

from __future__ import annotations

from functools import lru_cache

from scplint.catalog import load_data

PARTITIONS = ("aws", "aws-us-gov", "aws-cn", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")


@lru_cache(maxsize=1)
def _partitions() -> dict[str, dict[str, str]]:
    table = load_data("regions.json")
    return {
        partition: {entry["code"]: entry["name"] for entry in entries}
        for partition, entries in table["partitions"].items()
    }


def all_regions(partition: str = "aws") -> tuple[str, ...]:
    """Return the Region codes of a partition, sorted.

    Raises ValueError for a partition other than those in ``PARTITIONS``.
    """
    regions = _partitions().get(partition)
    if regions is None:
        raise ValueError(f"invalid partition {partition!r}, expected one of: {', '.join(PARTITIONS)}")
    return tuple(sorted(regions))


def every_region() -> tuple[str, ...]:
    """Return the Region codes of every partition, sorted."""
    return tuple(sorted(code for regions in _partitions().values() for code in regions))


def region_exists(code: str) -> bool:
    """Tell whether ``code`` is a Region of any known partition. Region codes are lowercase."""
    if not isinstance(code, str):
        return False
    return any(code in regions for regions in _partitions().values())


def region_name(code: str) -> str | None:
    """Return a Region's name, such as ``Europe (Ireland)`` for eu-west-1."""
    if not isinstance(code, str):
        return None
    for regions in _partitions().values():
        if code in regions:
            return regions[code]
    return None


def region_partition(code: str) -> str | None:
    """Return the partition that a Region belongs to, or None if the Region is unknown."""
    if not isinstance(code, str):
        return None
    for partition, regions in _partitions().items():
        if code in regions:
            return partition
    return None
