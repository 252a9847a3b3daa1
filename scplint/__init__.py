"""scplint: a static linter for AWS Organizations service control policies."""

__version__ = "0.1.0"
