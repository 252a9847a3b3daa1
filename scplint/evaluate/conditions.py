"""Condition operators evaluated against a request context, with AWS's documented rules.

A request context is a mapping from condition key names to values. A key that is not in
the mapping, or whose value is None, is absent from the request. A list value is a
multivalued key. Other values are single values: strings, booleans (``True`` is
``"true"``), numbers, ``datetime`` objects for date keys and ``bytes`` for binary keys.
Key names are compared without regard to case, the part after a slash included, so
``aws:PrincipalTag/Team`` and ``AWS:principaltag/team`` are the same key. "IAM policy
elements: Variables and tags" states that key names are case-insensitive, and AWS service
guides extend it to tag keys: "The condition tag key Owner matches both Owner and owner
because condition key names are not case-sensitive" (Amazon MSK Developer Guide).

The rules below come from these IAM User Guide pages, which the code comments cite by
title: "IAM JSON policy elements: Condition operators", "Conditions with multiple context
keys or values", "Single-valued vs. multivalued context keys", "Multivalued context key
examples", "IAM policy elements: Variables and tags", and the earlier page "Creating a
condition that tests multiple key values".

Results are three-valued. ``None`` means the result depends on a ``Placeholder``, a
template value that cannot be resolved statically. A policy value of a type that AWS
rejects (a mapping, a nested list, null) or one that cannot be parsed for its operator
(``"ten"`` under ``NumericEquals``) matches no request value.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import ipaddress
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import eq, ge, gt, le, lt
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, Optional

from scplint.model import ConditionEntry, is_placeholder

REGION_KEY = "aws:requestedregion"

# Three-valued logic: True, False, or None for "cannot tell".
Truth = Optional[bool]

SET_QUALIFIERS = ("ForAnyValue", "ForAllValues")


class UnknownOperatorError(ValueError):
    """Raised for a condition operator that AWS does not have.

    IAM operator names are case-sensitive: AWS rejects ``stringEquals`` with
    ``MalformedPolicyDocument: Invalid Condition type``.
    """

    def __init__(self, operator: str, reason: str) -> None:
        self.operator = operator
        super().__init__(f"unknown condition operator {operator!r}: {reason}")


# --- three-valued helpers ---------------------------------------------------------------


def _any(results: Iterable[Truth]) -> Truth:
    unknown = False
    for result in results:
        if result is True:
            return True
        if result is None:
            unknown = True
    return None if unknown else False


def _all(results: Iterable[Truth]) -> Truth:
    unknown = False
    for result in results:
        if result is False:
            return False
        if result is None:
            unknown = True
    return None if unknown else True


def _not(result: Truth) -> Truth:
    return None if result is None else not result


# --- request context --------------------------------------------------------------------


class _Context:
    """A request context with case-insensitive key look-up."""

    def __init__(self, mapping: Mapping[str, Any]) -> None:
        self.values = {str(key).lower(): value for key, value in mapping.items()}

    def get(self, key: str) -> Any:
        """Return the value of ``key``, or None when the request does not have it."""
        return self.values.get(key.lower())


def _as_context(context: Mapping[str, Any] | _Context) -> _Context:
    return context if isinstance(context, _Context) else _Context(context)


def _is_empty(value: Any) -> bool:
    """Tell whether a present value is an empty data set.

    "Creating a condition that tests multiple key values" counts an empty string as an
    empty data set, for which ``ForAllValues`` is true and ``ForAnyValue`` false.
    """
    return value == [] or value == ""


def _request_values(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


def _text(value: Any) -> str | None:
    """Convert a policy or request value to the text IAM compares, or None if it has none."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return None


# --- policy variables -------------------------------------------------------------------

# A piece of a policy value after variable substitution: its text, and whether ``*`` and
# ``?`` in it are wildcards. Text that came from a variable or from the ``${*}``, ``${?}``
# and ``${$}`` escapes is literal.
_Piece = tuple[str, bool]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,]+?)\s*,\s*'(.*)'\s*$", re.DOTALL)
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


class _Unresolved(Exception):
    """A policy variable names a key that the request does not have."""


class _Unknown(Exception):
    """A policy variable names a key whose value is a placeholder."""


def _substitute(value: str, context: _Context) -> tuple[_Piece, ...]:
    """Replace the policy variables in ``value`` with values from the request context.

    "IAM policy elements: Variables and tags": ``${key}`` takes the value of a
    single-valued key, ``${key, 'default'}`` falls back to the quoted text when the key is
    absent, and ``${*}``, ``${?}`` and ``${$}`` stand for the literal characters.

    Raise ``_Unresolved`` when a key is absent and has no default, or is multivalued.
    The same page rules out multivalued keys as variables and states that for an absent
    key "any attempt to match it fails".

    NOTE: the page also warns that an unresolved variable "might cause the entire
    statement to be invalid". Under a negated operator that reading gives the opposite
    result to treating the value as matching nothing, which is what this module does.
    """
    pieces: list[_Piece] = []
    position = 0
    for match in _VARIABLE.finditer(value):
        if match.start() > position:
            pieces.append((value[position : match.start()], True))
        pieces.append((_resolve(match.group(1), context), False))
        position = match.end()
    if position < len(value):
        pieces.append((value[position:], True))
    return tuple(pieces)


def _resolve(body: str, context: _Context) -> str:
    if body in _ESCAPES:
        return _ESCAPES[body]
    default: str | None = None
    with_default = _DEFAULT.match(body)
    if with_default:
        body, default = with_default.group(1), with_default.group(2)
    found = context.get(body.strip())
    if is_placeholder(found):
        raise _Unknown(body)
    text = _text(found) if not isinstance(found, (list, tuple)) else None
    if text is not None:
        return text
    if default is not None:
        return default
    raise _Unresolved(body)


def _plain(pieces: tuple[_Piece, ...]) -> str:
    return "".join(text for text, _ in pieces)


def _glob_regex(pieces: tuple[_Piece, ...]) -> str:
    parts: list[str] = []
    for text, wildcards in pieces:
        for char in text:
            if wildcards and char == "*":
                parts.append(".*")
            elif wildcards and char == "?":
                parts.append(".")
            else:
                parts.append(re.escape(char))
    return "".join(parts)


@lru_cache(maxsize=4096)
def _compile_glob(pieces: tuple[_Piece, ...]) -> re.Pattern[str]:
    return re.compile(_glob_regex(pieces), re.DOTALL)


# --- value matchers ---------------------------------------------------------------------
#
# Each matcher compares one request value with one policy value and returns True, False
# or None. The operator's negation and the OR over policy values are applied by the
# caller, so a matcher only implements the positive comparison.


def _string_matcher(compare: Callable[[tuple[_Piece, ...], str], bool]):
    def match(request: Any, policy: Any, context: _Context) -> Truth:
        request_text = _text(request)
        policy_text = _text(policy)
        if request_text is None or policy_text is None:
            return False
        try:
            pieces = _substitute(policy_text, context)
        except _Unresolved:
            return False
        except _Unknown:
            return None
        return compare(pieces, request_text)

    return match


def _equals(pieces: tuple[_Piece, ...], request: str) -> bool:
    # "Condition operators": StringEquals is exact and case-sensitive, and * and ? are
    # ordinary characters in it.
    return _plain(pieces) == request


def _equals_ignore_case(pieces: tuple[_Piece, ...], request: str) -> bool:
    return _plain(pieces).lower() == request.lower()


_BOOL_AS_TEXT = _string_matcher(_equals_ignore_case)


def _like(pieces: tuple[_Piece, ...], request: str) -> bool:
    # "Condition operators": StringLike is case-sensitive, and * and ? are wildcards
    # anywhere in the value.
    return _compile_glob(pieces).fullmatch(request) is not None


def _split_pieces(pieces: tuple[_Piece, ...], separator: str, limit: int) -> list[tuple[_Piece, ...]]:
    """Split substituted pieces at ``separator`` at most ``limit`` times."""
    fields: list[list[_Piece]] = [[]]
    splits = 0
    for text, wildcards in pieces:
        start = 0
        for index, char in enumerate(text):
            if char == separator and splits < limit:
                fields[-1].append((text[start:index], wildcards))
                fields.append([])
                splits += 1
                start = index + 1
        fields[-1].append((text[start:], wildcards))
    return [tuple(field) for field in fields]


def _arn_like(pieces: tuple[_Piece, ...], request: str) -> bool:
    # "Condition operators", ARN section: ArnEquals and ArnLike behave identically. Each
    # of the six colon-delimited parts is checked separately and may hold * and ?, so a
    # wildcard never spans a colon in the first five parts. The sixth part, the resource,
    # is everything after the fifth colon.
    # NOTE: a value with fewer than six parts (such as "*") is taken to match no ARN;
    # the page does not say how AWS treats it.
    policy_fields = _split_pieces(pieces, ":", 5)
    request_fields = request.split(":", 5)
    if len(policy_fields) != 6 or len(request_fields) != 6:
        return False
    return all(
        _compile_glob(field).fullmatch(part) is not None
        for field, part in zip(policy_fields, request_fields)
    )


_BOOLEANS = ("true", "false")


def _bool_match(request: Any, policy: Any, context: _Context) -> Truth:
    # "Condition operators", Boolean section: compares with "true" or "false" and allows
    # policy variables. NOTE: the page does not state whether "True" equals "true", and
    # this compares without regard to case.
    request_text = _text(request)
    if request_text is None or request_text.lower() not in _BOOLEANS:
        return False
    return _BOOL_AS_TEXT(request_text, policy, context)


def _parse_number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_EPOCH = re.compile(r"^\d+(\.\d+)?$")


def _parse_date(value: Any) -> dt.datetime | None:
    """Parse a W3C ISO 8601 date or epoch seconds, as "Condition operators" allows.

    NOTE: exactly four digits are read as a year, not as epoch seconds, and a date and
    time without a zone designator is read as UTC. AWS documents neither case.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float, Decimal)):
        return _from_epoch(float(value))
    elif isinstance(value, str):
        text = value.strip()
        year_month = _YEAR_MONTH.match(text)
        try:
            if _YEAR.match(text):
                parsed = dt.datetime(int(text), 1, 1)
            elif _EPOCH.match(text):
                return _from_epoch(float(text))
            elif year_month:
                parsed = dt.datetime(int(year_month.group(1)), int(year_month.group(2)), 1)
            else:
                parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


def _from_epoch(seconds: float) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _ordered_matcher(parse: Callable[[Any], Any], compare: Callable[[Any, Any], bool]):
    def match(request: Any, policy: Any, context: _Context) -> Truth:
        # "Condition operators": numeric, date, IP address and binary operators take no
        # policy variables, so "${...}" in their values is plain text.
        request_value = parse(request)
        policy_value = parse(policy)
        if request_value is None or policy_value is None:
            return False
        return compare(request_value, policy_value)

    return match


def _parse_network(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    # "Condition operators", IP address section: values are IPv4 or IPv6 CIDR blocks, and
    # an address without a prefix length is a single address (/32 for IPv4).
    text = _text(value)
    if text is None:
        return None
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _ip_match(request: Any, policy: Any, context: _Context) -> Truth:
    network = _parse_network(policy)
    text = _text(request)
    if network is None or text is None:
        return False
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    return address.version == network.version and address in network


def _decode_binary(value: Any) -> bytes | None:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return None
    return None


def _binary_match(request: Any, policy: Any, context: _Context) -> Truth:
    # "Condition operators", binary section: the request value is compared byte for byte
    # with the base64-decoded policy value. A string request value is read as base64 too.
    request_bytes = _decode_binary(request)
    policy_bytes = _decode_binary(policy) if isinstance(policy, str) else None
    if request_bytes is None or policy_bytes is None:
        return False
    return request_bytes == policy_bytes


# --- operator table ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Operator:
    match: Callable[[Any, Any, _Context], Truth]
    negated: bool


def _numeric(compare: Callable[[Decimal, Decimal], bool]):
    return _ordered_matcher(_parse_number, compare)


def _date(compare: Callable[[dt.datetime, dt.datetime], bool]):
    return _ordered_matcher(_parse_date, compare)


def _build_operators() -> dict[str, _Operator]:
    equals = _string_matcher(_equals)
    equals_ignore_case = _string_matcher(_equals_ignore_case)
    like = _string_matcher(_like)
    arn = _string_matcher(_arn_like)
    return {
        "StringEquals": _Operator(equals, False),
        "StringNotEquals": _Operator(equals, True),
        "StringEqualsIgnoreCase": _Operator(equals_ignore_case, False),
        "StringNotEqualsIgnoreCase": _Operator(equals_ignore_case, True),
        "StringLike": _Operator(like, False),
        "StringNotLike": _Operator(like, True),
        "NumericEquals": _Operator(_numeric(eq), False),
        "NumericNotEquals": _Operator(_numeric(eq), True),
        "NumericLessThan": _Operator(_numeric(lt), False),
        "NumericLessThanEquals": _Operator(_numeric(le), False),
        "NumericGreaterThan": _Operator(_numeric(gt), False),
        "NumericGreaterThanEquals": _Operator(_numeric(ge), False),
        "DateEquals": _Operator(_date(eq), False),
        "DateNotEquals": _Operator(_date(eq), True),
        "DateLessThan": _Operator(_date(lt), False),
        "DateLessThanEquals": _Operator(_date(le), False),
        "DateGreaterThan": _Operator(_date(gt), False),
        "DateGreaterThanEquals": _Operator(_date(ge), False),
        "Bool": _Operator(_bool_match, False),
        "BinaryEquals": _Operator(_binary_match, False),
        "IpAddress": _Operator(_ip_match, False),
        "NotIpAddress": _Operator(_ip_match, True),
        "ArnEquals": _Operator(arn, False),
        "ArnLike": _Operator(arn, False),
        "ArnNotEquals": _Operator(arn, True),
        "ArnNotLike": _Operator(arn, True),
    }


_OPERATORS = _build_operators()
NULL_OPERATOR = "Null"
BASE_OPERATORS = frozenset(_OPERATORS) | {NULL_OPERATOR}


@dataclass(frozen=True)
class _ParsedOperator:
    qualifier: str | None
    base: str
    if_exists: bool


def _parse_operator(entry: ConditionEntry) -> _ParsedOperator:
    operator = entry.operator
    qualifier, base, if_exists = entry.parts
    if qualifier is not None and qualifier not in SET_QUALIFIERS:
        raise UnknownOperatorError(
            operator, f"the set qualifier must be ForAnyValue or ForAllValues, not {qualifier!r}"
        )
    if base not in BASE_OPERATORS:
        import difflib  # only needed to word this error

        close = difflib.get_close_matches(base, sorted(BASE_OPERATORS), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UnknownOperatorError(operator, f"{base!r} is not an IAM condition operator{hint}")
    if base == NULL_OPERATOR and if_exists:
        # "Condition operators": IfExists can end any operator name except Null.
        raise UnknownOperatorError(operator, "the Null operator takes no IfExists suffix")
    return _ParsedOperator(qualifier, base, if_exists)


def is_known_operator(operator: str) -> bool:
    """Return whether AWS has the condition operator ``operator``, qualifiers included."""
    try:
        _parse_operator(ConditionEntry(operator, "", (), ()))
    except UnknownOperatorError:
        return False
    return True


# --- evaluation -------------------------------------------------------------------------


def evaluate_entry(entry: ConditionEntry, context: Mapping[str, Any]) -> Truth:
    """Evaluate one ``operator: {key: values}`` test against a request context.

    Return True or False as AWS would, or None when a placeholder among the values (or in
    the context) could change the outcome. Raise ``UnknownOperatorError`` for an operator
    that AWS does not have.
    """
    parsed = _parse_operator(entry)
    request = _as_context(context)
    value = request.get(entry.key)

    if parsed.base == NULL_OPERATOR:
        return _evaluate_null(entry.values, value)

    if value is None:
        return _absent_key(parsed)

    if is_placeholder(value):
        return None

    operator = _OPERATORS[parsed.base]
    if parsed.qualifier is not None:
        return _evaluate_set(parsed.qualifier, operator, entry.values, value, request)

    request_values = _request_values(value)
    results = [_evaluate_value(operator, entry.values, item, request) for item in request_values]
    if operator.negated:
        # NOTE: AWS does not document a multivalued key tested without a set qualifier.
        # A negated operator is taken to hold when no request value matches.
        return _all(results)
    return _any(results)


def _absent_key(parsed: _ParsedOperator) -> Truth:
    # "Condition operators": an absent key makes a positive operator false and a negated
    # one true, except with IfExists, where the condition is true.
    if parsed.if_exists:
        return True
    # "Single-valued vs. multivalued context keys": ForAllValues is true when the key is
    # absent, and ForAnyValue is false.
    if parsed.qualifier == "ForAllValues":
        return True
    if parsed.qualifier == "ForAnyValue":
        return False
    return _OPERATORS[parsed.base].negated


def _evaluate_null(policy_values: tuple[Any, ...], value: Any) -> Truth:
    # "Condition operators", Null section: "true" holds when the key is absent (null) and
    # "false" when it is present and not null. "Multivalued context key examples" pairs
    # Null "false" with empty values too, so an empty list or string counts as null.
    if is_placeholder(value):
        return None
    is_null = value is None or _is_empty(value)
    results: list[Truth] = []
    for policy in policy_values:
        if is_placeholder(policy):
            results.append(None)
            continue
        text = _text(policy)
        if text is None or text.lower() not in ("true", "false"):
            results.append(False)
            continue
        results.append(is_null == (text.lower() == "true"))
    return _any(results)


def _evaluate_value(
    operator: _Operator, policy_values: tuple[Any, ...], request: Any, context: _Context
) -> Truth:
    """Test one request value against every policy value of the entry.

    "Conditions with multiple context keys or values": several values under one operator
    are ORed, and under a negated operator they are NORed, so the test holds only when
    the request value matches none of them.
    """
    if is_placeholder(request):
        return None
    matches: list[Truth] = []
    for policy in policy_values:
        if is_placeholder(policy):
            matches.append(None)
        else:
            matches.append(operator.match(request, policy, context))
    matched = _any(matches)
    return _not(matched) if operator.negated else matched


def _evaluate_set(
    qualifier: str,
    operator: _Operator,
    policy_values: tuple[Any, ...],
    value: Any,
    context: _Context,
) -> Truth:
    # "Single-valued vs. multivalued context keys": ForAllValues holds when every request
    # value passes the operator, and ForAnyValue when at least one does. Each request
    # value is tested against the policy values with the operator's OR or NOR rule, so
    # ForAllValues:StringNotLike {"aws:TagKeys": "key1*"} is false for the tag keys
    # ["key1:legal"] and true for ["key2:audit"] ("Multivalued context key examples").
    if _is_empty(value):
        return qualifier == "ForAllValues"
    results = [
        _evaluate_value(operator, policy_values, item, context) for item in _request_values(value)
    ]
    if qualifier == "ForAllValues":
        return _all(results)
    return _any(results)


def evaluate_condition(entries: Iterable[ConditionEntry], context: Mapping[str, Any]) -> Truth:
    """Evaluate a whole ``Condition`` block: the AND of its entries.

    "Conditions with multiple context keys or values": operators, and keys under one
    operator, are ANDed. False wins over None, and None wins over True. An empty block is
    True. Raise ``UnknownOperatorError`` for an operator that AWS does not have.
    """
    request = _as_context(context)
    return _all(evaluate_entry(entry, request) for entry in entries)


def regions_where_true(
    entries: Iterable[ConditionEntry],
    regions: Iterable[str],
    base_context: Mapping[str, Any] = MappingProxyType({}),
) -> set[str] | None:
    """Return the Regions for which the entries that test ``aws:RequestedRegion`` hold.

    Each Region is set as ``aws:RequestedRegion`` on top of ``base_context``, and only
    the entries on that key are evaluated. With no such entry every Region is returned.
    Return None when a placeholder makes the result for some Region unknown.
    """
    region_entries = [entry for entry in entries if entry.key_lower == REGION_KEY]
    base = {
        key: value for key, value in base_context.items() if str(key).lower() != REGION_KEY
    }
    selected: set[str] = set()
    for region in regions:
        request = _Context({**base, REGION_KEY: region})
        result = evaluate_condition(region_entries, request)
        if result is None:
            return None
        if result:
            selected.add(region)
    return selected
