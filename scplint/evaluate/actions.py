"""Action names and action patterns as IAM matches them.

IAM compares the ``Action`` and ``NotAction`` elements with the request's action without
regard to case, so ``iam:ListAccessKeys`` is ``IAM:listaccesskeys`` (IAM User Guide, "IAM
JSON policy elements: Action"). In a pattern, ``*`` matches any run of characters, the
empty run included, and ``?`` exactly one character. Both work in the service prefix as
well as in the action name, and every other character is literal.
"""

from __future__ import annotations

import re
from collections import deque
from functools import lru_cache
from typing import Iterable


def split_action(text: str) -> tuple[str, str] | None:
    """Split ``service:Action`` into its service prefix and action name.

    Return None unless the text has exactly one colon with text on both sides. ``*`` on
    its own is a valid action element, but it has no prefix, so callers handle it first.
    """
    prefix, colon, name = text.partition(":")
    if not colon or not prefix or not name or ":" in name:
        return None
    return prefix, name


@lru_cache(maxsize=4096)
def compile_action_pattern(pattern: str) -> re.Pattern[str]:
    """Compile an action pattern into a case-insensitive regular expression.

    Use ``fullmatch`` on the result: the pattern must cover the whole action name.
    """
    parts: list[str] = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    """Return whether ``pattern`` matches ``action`` the way IAM matches Action elements."""
    return compile_action_pattern(pattern).fullmatch(action) is not None


def matches_any(patterns: Iterable[str], action: str) -> bool:
    """Return whether any of ``patterns`` matches ``action``."""
    return compile_pattern_set(tuple(patterns)).fullmatch(action) is not None


@lru_cache(maxsize=1024)
def compile_pattern_set(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """Compile several action patterns into one alternation; it matches nothing when empty.

    Checking a long NotAction list against hundreds of actions one pattern at a time is
    what made a Region-deny check slow, so the list is compiled once.
    """
    if not patterns:
        return re.compile(r"(?!)")
    alternatives = "|".join(f"(?:{compile_action_pattern(pattern).pattern})" for pattern in patterns)
    return re.compile(alternatives, re.IGNORECASE | re.DOTALL)


def pattern_subsumes(general: str, specific: str) -> bool:
    """Decide whether ``general`` matches every action that ``specific`` can match.

    The result is exact for the whole glob language, case-insensitively: ``s3:Get*``
    subsumes ``s3:GetObject``, ``s3:GetObject*`` and ``s3:Get?bject``, ``s3:*`` subsumes
    ``s3:Get*``, and ``*`` subsumes every pattern. A pattern always subsumes itself.
    """
    general, specific = general.lower(), specific.lower()
    if "*" not in specific and "?" not in specific:
        return compile_action_pattern(general).fullmatch(specific) is not None
    if "*" not in general and "?" not in general:
        return False  # a literal cannot cover a pattern that matches other strings too
    if not _prefix_may_cover(general, specific):
        return False
    return _glob_includes(general, specific)


def _prefix_may_cover(general: str, specific: str) -> bool:
    """Rule out most pairs cheaply: the literal starts of both patterns must agree."""
    general_head = general[: _first_wildcard(general)]
    specific_head = specific[: _first_wildcard(specific)]
    return specific_head.startswith(general_head) or general_head.startswith(specific_head)


def _first_wildcard(pattern: str) -> int:
    positions = [position for position in (pattern.find("*"), pattern.find("?")) if position >= 0]
    return min(positions) if positions else len(pattern)


# A glob is read as a non-deterministic automaton whose states are token positions:
# state i means the first i tokens are matched. ``*`` loops on any character and may
# also be skipped, ``?`` consumes any one character, and a literal consumes itself.
# Inclusion L(specific) ⊆ L(general) is decided by a subset construction over both
# automata at once. Each reachable pair holds the states of ``specific`` and of
# ``general`` after reading the same word. The inclusion fails exactly when some pair
# accepts in ``specific`` but not in ``general``. The alphabet is the characters
# that appear in either pattern plus one stand-in, because characters outside both
# patterns behave alike in both automata. The walk is exponential in the worst case,
# but action patterns are short and few sets are reachable.


def _stand_in(used: set[str]) -> str:
    """Return a character that appears in neither pattern."""
    code = 0
    while chr(code) in used:
        code += 1
    return chr(code)


def _star_closure(glob: str, states: Iterable[int]) -> frozenset[int]:
    """Add the states reachable by letting ``*`` tokens match the empty run."""
    closed: set[int] = set()
    for state in states:
        while state not in closed:
            closed.add(state)
            if state < len(glob) and glob[state] == "*":
                state += 1
            else:
                break
    return frozenset(closed)


def _step(glob: str, states: frozenset[int], char: str) -> frozenset[int]:
    """Return the states reached from ``states`` by reading ``char``."""
    reached: set[int] = set()
    for state in states:
        if state == len(glob):
            continue
        token = glob[state]
        if token == "*":
            reached.add(state)
        elif token == "?" or token == char:
            reached.add(state + 1)
    return _star_closure(glob, reached)


@lru_cache(maxsize=4096)
def _glob_includes(general: str, specific: str) -> bool:
    used = set(general) | set(specific)
    alphabet = used - {"*", "?"}
    alphabet.add(_stand_in(used))

    start = (_star_closure(specific, [0]), _star_closure(general, [0]))
    seen = {start}
    queue = deque([start])
    while queue:
        specific_states, general_states = queue.popleft()
        if len(specific) in specific_states and len(general) not in general_states:
            return False
        for char in alphabet:
            next_specific = _step(specific, specific_states, char)
            if not next_specific:
                continue
            pair = (next_specific, _step(general, general_states, char))
            if pair not in seen:
                seen.add(pair)
                queue.append(pair)
    return True
