"""Indicator formulas: parse, validate and evaluate the expressions staff type in
the admin (``received_online / received_in_period``).

Only data-element names, numbers, ``+ - * /``, unary minus and ``min``/``max`` are
accepted; anything else is refused with a Vietnamese ``ExpressionError`` before it
is stored, so evaluating never runs arbitrary code. Database-free: the models'
``clean`` and the engine both use it without importing each other.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from .choices import FormulaKind
from .elements import BY_CODE


class ExpressionError(ValueError):
    """A wrong indicator expression; the message names the problem in Vietnamese and
    ``field`` the form field it belongs to (``numerator``, ``denominator``, ``params``)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


_ALLOWED_FUNCS = {"min": min, "max": max}
_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd,
                  ast.Load)


def parse_expression(text: str, field_name: str = "numerator") -> ast.Expression:
    """The syntax tree of ``text``; ``ExpressionError`` (naming ``field_name``) when it
    uses an unknown element, a function other than min/max, a non-number constant or
    any other construct."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"Biểu thức “{text}” sai cú pháp.", field_name) from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in BY_CODE and node.id not in _ALLOWED_FUNCS:
                raise ExpressionError(f"“{node.id}” không phải là phần tử dữ liệu đã biết.", field_name)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _ALLOWED_FUNCS or node.keywords:
                raise ExpressionError("Chỉ được dùng các hàm min(…), max(…).", field_name)
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float) or isinstance(node.value, bool):
                raise ExpressionError(f"Hằng số “{node.value!r}” không hợp lệ.", field_name)
        elif not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(f"Biểu thức “{text}” chứa phép toán không được phép.", field_name)
    return tree


@functools.lru_cache(maxsize=4096)
def element_names(text: str) -> frozenset[str]:
    """The data elements an expression reads (``ExpressionError`` as ``parse_expression``)."""
    return frozenset(n.id for n in ast.walk(parse_expression(text)) if isinstance(n, ast.Name) and n.id in BY_CODE)


def _binary(op: ast.operator, a: Decimal, b: Decimal) -> Decimal | None:
    if isinstance(op, ast.Add):
        return a + b
    if isinstance(op, ast.Sub):
        return a - b
    if isinstance(op, ast.Mult):
        return a * b
    return None if b == 0 else a / b


Compiled = Callable[[dict[str, Decimal | None]], Decimal | None]


@functools.lru_cache(maxsize=4096)
def _compile(text: str) -> Compiled:
    """``text`` parsed and checked once per process and turned into nested closures:
    the engine evaluates the same few dozen formulas for every unit and period (a
    province dashboard asked for 120,000 parses per request, issue 14). A refused
    expression raises ``ExpressionError`` and is not cached."""

    def build(node: ast.AST) -> Compiled:
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant):
            const = Decimal(str(node.value))
            return lambda elements: const
        if isinstance(node, ast.Name):
            name = node.id
            return lambda elements: elements.get(name)
        if isinstance(node, ast.UnaryOp):
            operand, negate = build(node.operand), isinstance(node.op, ast.USub)

            def unary(elements: dict[str, Decimal | None]) -> Decimal | None:
                v = operand(elements)
                return None if v is None else (-v if negate else v)
            return unary
        if isinstance(node, ast.BinOp):
            left, right, op = build(node.left), build(node.right), node.op

            def binary(elements: dict[str, Decimal | None]) -> Decimal | None:
                a, b = left(elements), right(elements)
                return None if a is None or b is None else _binary(op, a, b)
            return binary
        if isinstance(node, ast.Call):
            args, func = [build(a) for a in node.args], _ALLOWED_FUNCS[node.func.id]

            def call(elements: dict[str, Decimal | None]) -> Decimal | None:
                values = [a(elements) for a in args]
                return None if any(v is None for v in values) else func(values)
            return call
        raise ExpressionError("Biểu thức không hợp lệ.")

    return build(parse_expression(text))


def evaluate(text: str, elements: dict[str, Decimal | None]) -> Decimal | None:
    """Value of an expression over ``{element code: value}``; None when an element it
    uses is blank (not reported) or a division is by zero. ``ExpressionError`` for a
    refused expression (see ``parse_expression``)."""
    try:
        return _compile(text)(elements)
    except (InvalidOperation, DivisionByZero):
        return None


def validate_definition(defn: Any) -> None:
    """Check an ``IndicatorDefinition`` entered by staff (the admin form, through its
    ``clean``; typed loosely so this module never imports the models);
    ``ExpressionError`` names the wrong field."""
    kind = defn.formula_kind
    if kind == FormulaKind.RATIO:
        if not defn.numerator.strip():
            raise ExpressionError("Cần nhập tử số.", "numerator")
        parse_expression(defn.numerator, "numerator")
        if defn.denominator.strip():
            parse_expression(defn.denominator, "denominator")
    elif kind == FormulaKind.POINTS:
        params = defn.params or {}
        comps = params.get("components")
        if not isinstance(comps, list) or not comps:
            raise ExpressionError("Cần khai báo các thành phần (components) trong tham số.", "params")
        for i, comp in enumerate(comps, 1):
            if not isinstance(comp, dict) or "max" not in comp:
                raise ExpressionError(f"Thành phần thứ {i} cần có điểm tối đa (max).", "params")
            for key in ("numerator", "denominator"):
                if comp.get(key):
                    parse_expression(str(comp[key]), "params")
        if "max" not in params:
            raise ExpressionError("Cần điểm tối đa của nhóm (max) trong tham số.", "params")
    elif kind == FormulaKind.SUM:
        codes = (defn.params or {}).get("indicators")
        if not isinstance(codes, list) or not codes:
            raise ExpressionError("Cần danh sách mã chỉ số (indicators) trong tham số.", "params")
