"""The built-in rule pack, installed as ``scplint.rules``: one rule per module."""
