"""Terraform loader: policies in ``aws_organizations_policy`` resources.

Terraform is never run. The file is parsed with python-hcl2's Lark grammar, and a small
evaluator resolves what can be known statically: literals, ``local.*`` values of the
module, ``path.module`` / ``path.root``, ``jsonencode``, ``jsondecode``, ``file``,
``templatefile``, heredocs and ``aws_iam_policy_document`` data sources. Anything else
(``var.*``, resource attributes, most functions) becomes a ``Placeholder`` holding the
source expression, so rules never read an invented value.

Which documents a file yields:

- each ``aws_organizations_policy`` in the file whose ``content`` is ``jsonencode(...)``, a
  heredoc or JSON string, or ``file()`` / ``templatefile()`` of a JSON file. A referenced
  file's document reports positions in that JSON file, so its ``file`` is the JSON file's
  display path. A ``content`` of the form ``cond ? a : b`` yields one document per branch.
  A resource ``for_each`` over a literal list, set or map yields one document per element.
- each ``aws_iam_policy_document`` data source in the file whose ``json`` or
  ``minified_json`` is the ``content`` of an ``aws_organizations_policy`` in any ``.tf``
  file of the same directory (a Terraform module is a directory). A data source that only
  feeds another one through ``source_policy_documents`` / ``override_policy_documents`` is
  linted inside the merged document, not on its own.
- when the directory has no ``aws_organizations_policy`` at all, a calling module that
  scplint cannot see may deploy its data sources. They are linted when the file name, its
  directory name or the data source name contains "scp" or "service_control"
  (case-insensitive).

Module calls (``module "x" { source = ... }``) are not followed.
"""

from __future__ import annotations

from pathlib import Path

from scplint.loaders.terraform.hcl import POLICY_DATA_SOURCE, POLICY_RESOURCE
from scplint.loaders.terraform.resources import Loader
from scplint.loaders.terraform.templates import Heredoc, scan_templates
from scplint.model import LoadProblem, LoadResult, PolicyKind

__all__ = ["Heredoc", "load", "scan_templates"]

def load(path: Path, display: str, text: str, kind: PolicyKind = PolicyKind.SCP) -> LoadResult:
    """Load the policies defined in one ``.tf`` file.

    ``path`` is the file on disk (its directory is read for sibling ``.tf`` files and
    referenced JSON files), ``display`` the path shown in findings, ``text`` its content
    and ``kind`` the policy kind used when the source sets none.
    """
    if POLICY_RESOURCE not in text and POLICY_DATA_SOURCE not in text:
        return LoadResult(skipped="no aws_organizations_policy or aws_iam_policy_document in the file")
    try:
        return Loader(Path(path), display, text, kind).run()
    except RecursionError:
        return LoadResult(
            problems=[LoadProblem("SCP001", "invalid HCL: expressions are nested too deeply to read")]
        )
