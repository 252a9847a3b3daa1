"""scplint: a static linter for AWS Organizations service control policies."""

__version__ = "0.1.0"

# In a source checkout the rule pack is the top-level ``rules`` folder, which installation
# maps to ``scplint.rules``. Running ``python -m scplint`` from the checkout imports this
# folder's package instead of the installed one, so point ``scplint.rules`` there too.
def _add_checkout_rules() -> None:
    import os

    here = os.path.dirname(__file__)
    checkout_rules = os.path.join(os.path.dirname(here), "rules", "__init__.py")
    if not os.path.isdir(os.path.join(here, "rules")) and os.path.isfile(checkout_rules):
        import importlib.util
        import sys

        spec = importlib.util.spec_from_file_location(
            "scplint.rules", checkout_rules, submodule_search_locations=[os.path.dirname(checkout_rules)]
        )
        if spec is not None and spec.loader is not None and "scplint.rules" not in sys.modules:
            module = importlib.util.module_from_spec(spec)
            sys.modules["scplint.rules"] = module
            spec.loader.exec_module(module)


_add_checkout_rules()
