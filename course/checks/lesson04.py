"""Checks for lesson 04, XOR: composition of neurons and a 2-2-1 network.

``xor_by_composition`` is judged by its outputs only (any composition meeting the
thresholds passes), with :class:`Property` checks on the four corners in fixed, shuffled
and repeated orders. ``xor_params`` is a graded *value*: the checks receive
``dict(W1=XOR_W1, b1=XOR_b1, W2=XOR_W2, b2=XOR_b2)``. :data:`XOR_PARAMS_MISTAKES` lists
typical wrong values with the hint each must produce.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import gates
from ..activations import _sigmoid
from ..datasets import truth_table_inputs
from .core import Case, Exercise, Mistake, Property, describe
from .lesson03 import fmt_prob, fmt_probs

Array = np.ndarray

CORNERS = truth_table_inputs(2)


def _sig(z: Array) -> Array:
    return _sigmoid(np.asarray(z, dtype=np.float64))


def _xor(X: Array) -> Array:
    return np.abs(X[:, 0] - X[:, 1])


def _rows(X: Array) -> str:
    if len(X) > 8:
        return f"{len(X)} corner rows"
    return "[" + ", ".join("(" + ", ".join(str(int(v)) for v in x) + ")" for x in X) + "]"


def _first_miss(out: Array, target: Array) -> int | None:
    bad = np.where(target == 1, out < gates.TRUE_MIN, out > gates.FALSE_MAX)
    return int(np.argmax(bad)) if bad.any() else None


def _shape_problem(out: Any, m: int, who: str) -> str | None:
    if out is None:
        return f"{who} returned None; did you forget the `return` statement?"
    if isinstance(out, (list, tuple)):
        return f"{who} returned a Python {type(out).__name__}; return a numpy array of shape ({m},)"
    if not isinstance(out, np.ndarray):
        return f"{who} returned {describe(out)} ({type(out).__name__}); return a numpy array of shape ({m},)"
    if out.dtype == object or not (np.issubdtype(out.dtype, np.number) or out.dtype == bool):
        return f"{who} returned an array of dtype {out.dtype}; expected numbers"
    if out.shape != (m,):
        if out.shape in ((m, 1), (1, m)):
            hint = "return a 1-D array, e.g. with .ravel() or by using a weight vector of shape (2,)"
        elif out.ndim == 2 and out.shape[0] == m:
            hint = "return only the last neuron's output (one number per row), not a whole layer"
        else:
            hint = f"one output per input row: shape ({m},)"
        return f"{who} returned shape {out.shape} for {m} input rows; expected ({m},)\n  hint: {hint}"
    if not np.all(np.isfinite(out.astype(np.float64))):
        return f"{who} returned nan or inf: {describe(out)}"
    return None


def _decision_hint(decisions: Array, mistakes: list[Mistake], X: Array) -> str | None:
    """The hint of the first mistake whose thresholded outputs on ``X`` equal the student's."""
    for mistake in mistakes:
        try:
            with np.errstate(all="ignore"):
                theirs = np.asarray(mistake.impl(X.copy()), dtype=np.float64)
        except Exception:
            continue
        if theirs.shape == decisions.shape and np.array_equal((theirs >= 0.5), decisions.astype(bool)):
            return mistake.hint
    return None


# --- xor_by_composition(X) ------------------------------------------------------------------------

def _neuron(X: Array, w: Any, b: float) -> Array:
    return _sig(np.asarray(X) @ np.asarray(w, dtype=np.float64) + b)


def _or_only(X):
    return _neuron(X, [20.0, 20.0], -10.0)


def _xnor(X):
    """The notes' XNOR: (x1 AND x2) OR ((NOT x1) AND (NOT x2))."""
    H = np.column_stack([_neuron(X, [20.0, 20.0], -30.0), _neuron(X, [-20.0, -20.0], 10.0)])
    return _neuron(H, [20.0, 20.0], -10.0)


def _or_of_or_and_nand(X):
    H = np.column_stack([_neuron(X, [20.0, 20.0], -10.0), _neuron(X, [-20.0, -20.0], 30.0)])
    return _neuron(H, [20.0, 20.0], -10.0)


def _hidden_layer_only(X):
    return np.column_stack([_neuron(X, [20.0, 20.0], -10.0), _neuron(X, [-20.0, -20.0], 30.0)])


def _column_output(X):
    return gates.xor_by_composition(X).reshape(-1, 1)


def _timid(X):
    """XOR with small weights: right after thresholding, far from 0 and 1."""
    H = np.column_stack([_neuron(X, [4.0, 4.0], -2.0), _neuron(X, [-4.0, -4.0], 6.0)])
    return _neuron(H, [4.0, 4.0], -6.0)


XOR_COMPOSITION_MISTAKES = [
    Mistake("XNOR", _xnor,
            "you built the notes' XNOR = (x1 AND x2) OR (NOT x1 AND NOT x2), which is NOT XOR: negate the last "
            "neuron (flip the signs of its weights and bias: OR becomes NOR)"),
    Mistake("OR", _or_only,
            "your network computes OR: it is wrong only on (1, 1). XOR = (x1 OR x2) AND (x1 NAND x2)"),
    Mistake("OR at the output", _or_of_or_and_nand,
            "your last neuron combines its inputs with OR, which is always 1 here; combine (x1 OR x2) and "
            "(x1 NAND x2) with AND"),
    Mistake("hidden layer returned", _hidden_layer_only,
            "return only the last neuron's output (one number per row), not a whole layer"),
    Mistake("column output", _column_output,
            "return a 1-D array, e.g. with .ravel() or by using a weight vector of shape (2,)"),
    Mistake("timid weights", _timid,
            "every row is on the right side of 0.5, but not confidently: use large weights like the notes' "
            "(±20, bias −30 / −10 / +10 / +30) so the outputs get close to 0 and 1"),
]


def _xor_property(X: Array, label: str) -> Property:
    X = np.array(X, dtype=np.float64)

    def test(fn: Callable[[Array], Array]) -> str | None:
        who = "xor_by_composition(X)"
        out = fn(X.copy())
        problem = _shape_problem(out, len(X), who)
        if problem:  # shape problems carry their own hint, after the input
            first, _, rest = problem.partition("\n")
            return "\n".join([first, f"  input: X = {_rows(X)}"] + ([rest] if rest else []))
        out = out.astype(np.float64)
        target = _xor(X)
        i = _first_miss(out, target)
        if i is None:
            return None
        need = f"≥ {gates.TRUE_MIN}" if target[i] == 1 else f"≤ {gates.FALSE_MAX}"
        lines = [f"{who} gives {fmt_prob(out[i])} on row ({int(X[i, 0])}, {int(X[i, 1])}), where XOR is {int(target[i])}; "
                 f"it must be {need}",
                 f"  input: X = {_rows(X)}"]
        if len(X) <= 8:
            lines.append(f"  got:      {fmt_probs(out)}")
            lines.append(f"  XOR is:   {', '.join(str(int(t)) for t in target)} (≥ {gates.TRUE_MIN} for 1, "
                         f"≤ {gates.FALSE_MAX} for 0)")
        hint = _decision_hint(out >= 0.5, XOR_COMPOSITION_MISTAKES, X)
        if hint is None and len(X) >= 4:
            corners = fn(CORNERS.copy())
            if isinstance(corners, np.ndarray) and corners.shape == (4,):
                name = gates.function_name(np.asarray(corners) >= 0.5)
                if name != "XOR":
                    hint = f"after thresholding at 0.5 your function computes {name}, not XOR"
        if hint:
            lines.append(f"  hint: {hint}")
        return "\n".join(lines)

    test.rows = X  # type: ignore[attr-defined]  # the inputs, for tests of the checks
    return Property(label, test)


def _xor_visible(rng: np.random.Generator) -> list[Property]:
    return [
        _xor_property(CORNERS, "the four rows 00, 01, 10, 11"),
        _xor_property(CORNERS[[3, 1, 0, 2]], "the four rows in another order: 11, 01, 00, 10"),
        _xor_property(CORNERS[[2]], "a single row (1, 0) as a batch of shape (1, 2)"),
        _xor_property(CORNERS[[0, 1, 1, 2, 3, 3, 0, 2]], "8 rows with repeats"),
    ]


def _xor_hidden(rng: np.random.Generator) -> list[Property]:
    checks = []
    for _ in range(4):
        m = int(rng.integers(1, 40))
        X = CORNERS[rng.integers(0, 4, m)]
        checks.append(_xor_property(X, f"{m} corner rows in a random order"))
    checks.append(_xor_property(CORNERS[rng.permutation(4)], "the four rows shuffled"))
    return checks


XOR_BY_COMPOSITION = Exercise(
    name="xor_by_composition",
    signature="xor_by_composition(X)",
    reference=gates.xor_by_composition,
    visible=_xor_visible,
    hidden=_xor_hidden,
    mistakes=XOR_COMPOSITION_MISTAKES,
)


# --- two_layer_forward(X, W1, b1, W2, b2) ----------------------------------------------------------

NOTES_NET = (np.array([[0.4, 0.2, 0.2]]), np.array([[1.0, 0.5], [0.2, 1.2], [1.2, 0.1]]), np.array([0.1, 0.2]),
             np.array([0.3, 0.9]), 0.3)


def _net_case(rng: np.random.Generator, m: int, n: int, h: int, label: str) -> Case:
    return Case((rng.normal(0, 1, (m, n)), rng.normal(0, 1.5, (n, h)), rng.normal(0, 1, h), rng.normal(0, 1.5, h),
                 float(rng.normal(0, 1))), label=label)


def _forward_visible(rng: np.random.Generator) -> list[Case]:
    xor_args = (CORNERS, np.array(gates.XOR_W1), np.array(gates.XOR_b1), np.array(gates.XOR_W2), gates.XOR_b2)
    square = (np.array([[0.5, -1.0], [1.5, 0.5], [-0.5, 2.0]]), np.array([[1.0, -2.0], [0.5, 1.5]]),
              np.array([0.2, -0.3]), np.array([1.2, -0.7]), 0.1)
    return [
        Case(xor_args, label="the lesson's XOR network on the four rows 00, 01, 10, 11: W1 = [[20, -20], [20, -20]], "
                             "b1 = (-30, 10), W2 = (-20, -20), b2 = 10"),
        Case(NOTES_NET, label="the notes' single-hidden-layer example: x = (0.4, 0.2, 0.2), W1 = [[1.0, 0.5], "
                              "[0.2, 1.2], [1.2, 0.1]], b1 = (0.1, 0.2), W2 = (0.3, 0.9), b2 = 0.3 → 0.750"),
        Case(square, label="X = [[0.5, -1], [1.5, 0.5], [-0.5, 2]], W1 = [[1, -2], [0.5, 1.5]], b1 = (0.2, -0.3), "
                           "W2 = (1.2, -0.7), b2 = 0.1"),
        _net_case(rng, 6, 3, 4, "random X (6, 3), W1 (3, 4), b1 (4,), W2 (4,), b2"),
    ]


def _forward_hidden(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(4):
        m, n, h = (int(v) for v in rng.integers(1, 9, 3))
        cases.append(_net_case(rng, m, n, h, f"random X ({m}, {n}), W1 ({n}, {h}), b1 ({h},), W2 ({h},), b2"))
    n = int(rng.integers(2, 6))
    cases.append(_net_case(rng, int(rng.integers(2, 9)), n, n, f"a square W1 ({n}, {n}) (catches W1.T)"))
    return cases


def _fw(X, W1, b1, W2, b2, hidden=_sig, out=_sig, t=False, use_b1=True, use_b2=True):
    W = W1.T if t else W1
    H = hidden(X @ W + (b1 if use_b1 else 0.0))
    return out(H @ W2 + (b2 if use_b2 else 0.0))


TWO_LAYER_FORWARD = Exercise(
    name="two_layer_forward",
    signature="two_layer_forward(X, W1, b1, W2, b2)",
    reference=gates.two_layer_forward,
    visible=_forward_visible,
    hidden=_forward_hidden,
    mistakes=[
        Mistake("no hidden sigmoid", lambda X, W1, b1, W2, b2: _fw(X, W1, b1, W2, b2, hidden=lambda z: z),
                "the hidden layer needs its sigmoid too: H = sigmoid(X @ W1 + b1); without it the two layers "
                "collapse into one linear neuron"),
        Mistake("no output sigmoid", lambda X, W1, b1, W2, b2: _fw(X, W1, b1, W2, b2, out=lambda z: z),
                "you returned the output neuron's z; apply the sigmoid: sigmoid(H @ W2 + b2)"),
        Mistake("W1 transposed", lambda X, W1, b1, W2, b2: _fw(X, W1, b1, W2, b2, t=True),
                "you used W1.T (the notes' column form W x); here rows are examples and W1[i, j] connects input i "
                "to hidden unit j: X @ W1"),
        Mistake("no b1", lambda X, W1, b1, W2, b2: _fw(X, W1, b1, W2, b2, use_b1=False),
                "you left out the hidden bias b1: sigmoid(X @ W1 + b1)"),
        Mistake("no b2", lambda X, W1, b1, W2, b2: _fw(X, W1, b1, W2, b2, use_b2=False),
                "you left out the output bias b2: sigmoid(H @ W2 + b2)"),
        Mistake("step hidden", lambda X, W1, b1, W2, b2: _fw(X, W1, b1, W2, b2, hidden=lambda z: (z > 0) * 1.0),
                "your hidden units use a step; this network uses the sigmoid in both layers"),
        Mistake("column output", lambda X, W1, b1, W2, b2: _fw(X, W1, b1, W2.reshape(-1, 1), b2),
                "W2 was used as a column, so the result has shape (m, 1); use W2 of shape (h,) to get shape (m,)"),
    ],
)


# --- xor_params: XOR_W1, XOR_b1, XOR_W2, XOR_b2 --------------------------------------------------

_SHAPES = {"W1": (2, 2), "b1": (2,), "W2": (2,), "b2": ()}


def _read_xor_params(values: Any) -> tuple[dict[str, Array] | None, str | None]:
    if not isinstance(values, dict):
        return None, ("check_xor_params needs a dict of your constants, e.g. check_xor_params(dict(W1=XOR_W1, "
                      f"b1=XOR_b1, W2=XOR_W2, b2=XOR_b2)); got {describe(values)}")
    out = {}
    for key, shape in _SHAPES.items():
        var = f"XOR_{key}"
        if key not in values:
            return None, f"the dict has no entry {key!r}: pass {key}={var}"
        raw = values[key]
        if raw is None:
            return None, f"{var} is None; define it in the cell above and run that cell"
        if isinstance(raw, (bool, np.bool_)):
            return None, f"{var} is a bool; it must hold numbers"
        try:
            arr = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            return None, f"{var} = {describe(raw)} is not numbers"
        if key == "b2":
            if arr.size != 1:
                return None, f"{var} has shape {arr.shape}; it must be a single number (the output neuron's bias)"
            arr = arr.reshape(())
        elif arr.shape != shape:
            what = {"W1": "W1[i, j] is the weight from input i to hidden unit j",
                    "b1": "one bias per hidden unit",
                    "W2": "one weight per hidden unit, a flat vector (not a column)"}[key]
            return None, f"{var} has shape {arr.shape}; it must have shape {shape} ({what})"
        if not np.all(np.isfinite(arr)):
            return None, f"{var} contains nan or inf: {describe(arr)}"
        out[key] = arr
    return out, None


def _net(p: dict[str, Array], W1: Array | None = None) -> Array:
    W = p["W1"] if W1 is None else W1
    return _sig(_sig(CORNERS @ W + p["b1"]) @ p["W2"] + float(p["b2"]))


def _xor_params_test(values: Any) -> str | None:
    p, problem = _read_xor_params(values)
    if problem:
        return "xor_params: " + problem
    out = _net(p)
    target = gates.gate_target("XOR")
    i = _first_miss(out, target)
    if i is None:
        return None
    need = f"≥ {gates.TRUE_MIN}" if target[i] == 1 else f"≤ {gates.FALSE_MAX}"
    row = CORNERS[i]
    lines = [f"xor_params: the network gives {fmt_prob(out[i])} on row ({int(row[0])}, {int(row[1])}), where XOR is "
             f"{int(target[i])}; it must be {need}",
             f"  outputs on rows (0, 0), (0, 1), (1, 0), (1, 1): {fmt_probs(out)} (XOR is 0, 1, 1, 0)"]
    decisions = out >= 0.5
    name = gates.function_name(decisions)
    if gates.holds(_net(p, p["W1"].T), target):
        hint = ("XOR_W1 looks transposed: you wrote the notes' column form. Here XOR_W1[i, j] is the weight from "
                "input i to hidden unit j, so hidden unit j's weights form column j")
    elif name == "XOR":
        hint = ("every row is on the right side of 0.5, but not confidently: scale the weights and biases up "
                "(like the notes' ±20 and −30 / +10) so the outputs get close to 0 and 1")
    elif name == "XNOR":
        hint = ("your network computes XNOR = NOT XOR: negate the output neuron (flip the signs of XOR_W2 and "
                "XOR_b2), since sigmoid(-z) = 1 - sigmoid(z)")
    elif name == "OR":
        hint = ("your network computes OR: it is wrong only on (1, 1). The hidden units should detect "
                "different things, e.g. h1 = x1 OR x2 and h2 = x1 NAND x2, combined by AND at the output")
    else:
        hint = (f"after thresholding at 0.5 your network computes {name}. Build it from gates: e.g. hidden units "
                f"AND and NOR (the notes' (NOT x1) AND (NOT x2)), output NOR")
    lines.append(f"  hint: {hint}")
    return "\n".join(lines)


def _notes_xor_params() -> dict[str, Any]:
    return dict(W1=np.array(gates.XOR_W1), b1=np.array(gates.XOR_b1), W2=np.array(gates.XOR_W2), b2=gates.XOR_b2)


XOR_PARAMS = Exercise(
    name="xor_params",
    signature="xor_params",
    reference=_notes_xor_params,
    visible=lambda rng: [Property("the 2-2-1 network gives ≥ 0.99 where XOR is 1 and ≤ 0.01 where it is 0",
                                  _xor_params_test)],
    subject="value",
)


def _with(**changes: Any) -> Callable[[], dict[str, Any]]:
    def values() -> dict[str, Any]:
        return {**_notes_xor_params(), **changes}
    return values


XOR_PARAMS_MISTAKES: list[Mistake] = [
    Mistake("XNOR (the notes' network as drawn)", _with(W2=np.array([20.0, 20.0]), b2=-10.0),
            "your network computes XNOR = NOT XOR: negate the output neuron"),
    Mistake("OR", _with(W1=np.array([[20.0, 20.0], [20.0, 20.0]]), b1=np.array([-10.0, -10.0]),
                        W2=np.array([20.0, 20.0]), b2=-10.0),
            "your network computes OR: it is wrong only on (1, 1)"),
    Mistake("transposed W1", _with(W1=np.array([[20.0, -20.0], [20.0, -20.0]]).T),
            "XOR_W1 looks transposed"),
    Mistake("timid", _with(W1=np.array([[4.0, -4.0], [4.0, -4.0]]), b1=np.array([-2.0, 6.0]),
                           W2=np.array([4.0, 4.0]), b2=-6.0),
            "not confidently"),
    Mistake("W2 as a column", _with(W2=np.array([[-20.0], [-20.0]])), "XOR_W2 has shape (2, 1); it must have shape (2,)"),
    Mistake("b1 scalar", _with(b1=-30.0), "XOR_b1 has shape (); it must have shape (2,)"),
    Mistake("b2 vector", _with(b2=np.array([10.0, 10.0])), "XOR_b2 has shape (2,); it must be a single number"),
    Mistake("all zeros", _with(W1=np.zeros((2, 2)), b1=np.zeros(2), W2=np.zeros(2), b2=0.0),
            "the network gives 0.500 on row (0, 0)"),
    Mistake("undefined", _with(W1=None), "XOR_W1 is None"),
]
"""Typical wrong XOR constants: ``impl()`` returns the whole dict; ``hint`` is part of the message."""


EXERCISES = {e.name: e for e in [XOR_BY_COMPOSITION, XOR_PARAMS, TWO_LAYER_FORWARD]}

check_xor_by_composition = XOR_BY_COMPOSITION.check
check_xor_params = XOR_PARAMS.check
check_two_layer_forward = TWO_LAYER_FORWARD.check
