"""Checks for lesson 03, Boolean gates from one sigmoid neuron.

``gate_params`` is a graded *value*: the self-check and the autograder receive
``dict(AND=AND_PARAMS, OR=OR_PARAMS, NAND=NAND_PARAMS, NOR=NOR_PARAMS, NOT=NOT_PARAMS)``
and check each gate with a :class:`Property` (one point share per gate). Any weights that
meet the thresholds pass, not only the notes' values. :data:`GATE_PARAMS_MISTAKES` lists
typical wrong values with the hint each must produce (the tests feed them to the check).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import gates
from ..activations import _sigmoid
from ..datasets import truth_table_inputs
from .core import Case, Exercise, Mistake, Property, describe

Array = np.ndarray


def _sig(z: Array) -> Array:
    return _sigmoid(np.asarray(z, dtype=np.float64))


# --- neuron(X, w, b) --------------------------------------------------------------------------

def _neuron_visible(rng: np.random.Generator) -> list[Case]:
    X4 = truth_table_inputs(2)
    w_and, b_and = gates.GATE_PARAMS["AND"]
    return [
        Case((X4, np.array(w_and), b_and),
             label="the notes' AND neuron on the four rows: X = [[0,0],[0,1],[1,0],[1,1]], w = (20, 20), b = -30"),
        Case((np.array([[0.5, -1.0], [2.0, 0.25], [-1.5, 1.0]]), np.array([0.8, -0.4]), 0.3),
             label="X = [[0.5, -1], [2, 0.25], [-1.5, 1]], w = (0.8, -0.4), b = 0.3"),
        Case((np.array([1.0, 0.0]), np.array([20.0, 20.0]), -10.0),
             label="a single example X = (1, 0) of shape (2,), w = (20, 20), b = -10: the result is one number"),
        Case((rng.normal(0, 1, (5, 3)), rng.normal(0, 2, 3), 0.7), label="a random (5, 3) X, w of shape (3,), b = 0.7"),
        Case((np.array([[1.0], [0.0]]), np.array([-20.0]), 10.0), label="the notes' NOT neuron: X = [[1], [0]], w = (-20,), b = 10"),
        Case((np.array([[1.0, 1.0], [-1.0, -1.0]]), np.array([5000.0, 5000.0]), 0.0),
             label="huge weights: z = ±10000 (the sigmoid must not overflow)"),
    ]


def _neuron_hidden(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(3):
        m, k = int(rng.integers(1, 30)), int(rng.integers(1, 7))
        cases.append(Case((rng.normal(0, 2, (m, k)), rng.normal(0, 3, k), float(rng.normal(0, 3))),
                          label=f"a random X of shape ({m}, {k}), w of shape ({k},), random b"))
    k = int(rng.integers(2, 7))
    cases.append(Case((rng.normal(0, 2, k), rng.normal(0, 3, k), float(rng.normal(0, 3))),
                      label=f"a single random example X of shape ({k},)"))
    cases.append(Case((rng.integers(0, 2, (6, 2)).astype(float), rng.uniform(-40, 40, 2), float(rng.uniform(-40, 40))),
                      label="random {0, 1} rows and large random weights"))
    return cases


def _no_bias(X, w, b):
    return _sig(np.asarray(X) @ w)


def _no_sigmoid(X, w, b):
    return np.asarray(X) @ w + b


def _always_2d(X, w, b):
    return _sig(np.atleast_2d(X) @ w + b)


def _column(X, w, b):
    return _sig(np.asarray(X) @ np.reshape(w, (-1, 1)) + b)


NEURON = Exercise(
    name="neuron",
    signature="neuron(X, w, b)",
    reference=gates.neuron,
    visible=_neuron_visible,
    hidden=_neuron_hidden,
    mistakes=[
        Mistake("no bias", _no_bias, "you left out the bias: compute sigmoid(X @ w + b)"),
        Mistake("no sigmoid", _no_sigmoid,
                "you returned z = X @ w + b; the neuron's output is sigmoid(z), a number between 0 and 1"),
        Mistake("minus bias", lambda X, w, b: _sig(np.asarray(X) @ w - b),
                "you subtracted b; here the neuron is sigmoid(X @ w + b), with b added"),
        Mistake("exp(+z)", lambda X, w, b: 1.0 / (1.0 + np.exp(np.asarray(X) @ w + b)),
                "you computed 1 / (1 + exp(z)); the sigmoid uses exp(-z)"),
        Mistake("step", lambda X, w, b: (np.asarray(X) @ w + b > 0).astype(float),
                "that is the perceptron's step function; this neuron is smooth: sigmoid(X @ w + b)"),
        Mistake("(k,) made 2-D", _always_2d,
                "for a single example X of shape (k,) return one number: X @ w is already a number there "
                "(don't turn X into a (1, k) matrix, or take [0] at the end)"),
        Mistake("w as a column", _column,
                "you made w a column, so the result has shape (m, 1); use X @ w with w of shape (k,) "
                "to get shape (m,)"),
    ],
)


# --- truth_table(fn, n_inputs=2) --------------------------------------------------------------

class _Gate:
    """A test function with a readable name; works on (m, n) and on single (n,) rows, and on lists.

    Called with rows of the wrong width it raises an error that says so (a table that
    ignores ``n_inputs``).
    """

    def __init__(self, name: str, n_inputs: int, f: Callable[[Array], Array]) -> None:
        self.__name__ = name
        self.n_inputs = n_inputs
        self._f = f

    def __call__(self, X: Any) -> Any:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim not in (1, 2) or X.shape[-1] != self.n_inputs:
            raise ValueError(f"fn ({self.__name__}) takes rows of {self.n_inputs} inputs but was called on shape "
                             f"{X.shape}; your table ignores n_inputs: build all 2**n_inputs rows of n_inputs bits")
        return self._f(X)

    def __repr__(self) -> str:
        return self.__name__

    def __deepcopy__(self, memo: dict) -> "_Gate":
        return self


def _neuron_fn(name: str, w: Array, b: float) -> _Gate:
    w = np.asarray(w, dtype=np.float64)
    return _Gate(name, w.size, lambda X: _sig(X @ w + b))


def _lookup_fn(name: str, column: Array) -> _Gate:
    """Hard 0/1 values from a truth-table column (row index = the inputs read as a binary number)."""
    column = np.asarray(column, dtype=np.float64)
    n = int(np.log2(column.size))
    powers = 2.0 ** np.arange(n - 1, -1, -1)
    return _Gate(name, n, lambda X: column[(X @ powers).astype(int)])


def _probability_fn(name: str, probs: Array) -> _Gate:
    """Probabilities away from 0.5, looked up by row like :func:`_lookup_fn`."""
    return _lookup_fn(name, probs)


def _truth_visible(rng: np.random.Generator) -> list[Case]:
    w_and, b_and = gates.GATE_PARAMS["AND"]
    w_or, b_or = gates.GATE_PARAMS["OR"]
    w_not, b_not = gates.GATE_PARAMS["NOT"]
    and_fn = _neuron_fn("AND neuron", w_and, b_and)
    leaning = _probability_fn("x1 AND NOT x2 (soft)", np.array([0.2, 0.3, 0.8, 0.4]))
    return [
        Case((and_fn,), label="fn = the notes' AND neuron (w = (20, 20), b = -30), n_inputs = 2"),
        Case((leaning,), label="fn giving probabilities 0.2, 0.3, 0.8, 0.4 on rows 00, 01, 10, 11 (x1 AND NOT x2)"),
        Case((_neuron_fn("OR neuron", w_or, b_or),), {"n_inputs": 2}, label="fn = the notes' OR neuron, n_inputs = 2"),
        Case((_neuron_fn("NOT neuron", w_not, b_not),), {"n_inputs": 1},
             label="fn = the notes' NOT neuron (w = (-20,), b = 10), n_inputs = 1"),
        Case((_lookup_fn("majority of 3", np.array([0, 0, 0, 1, 0, 1, 1, 1])),), {"n_inputs": 3},
             label="fn = majority of three inputs returning hard 0/1 values, n_inputs = 3"),
    ]


def _truth_hidden(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n in (1, 2, 3, 4):
        rows = 2**n
        w, b = rng.normal(0, 4, n), float(rng.normal(0, 4))
        z = truth_table_inputs(n) @ w + b
        z = np.where(np.abs(z) < 0.05, z + 0.1, z)  # keep every output away from the 0.5 threshold
        cases.append(Case((_probability_fn(f"a random neuron on {n} inputs", _sig(z)),), {"n_inputs": n},
                          label=f"fn = a random sigmoid neuron on {n} inputs, n_inputs = {n}"))
        column = rng.integers(0, 2, rows).astype(float)
        cases.append(Case((_lookup_fn(f"a random gate on {n} inputs", column),), {"n_inputs": n},
                          label=f"fn = a random Boolean function of {n} inputs returning 0/1, n_inputs = {n}"))
        probs = np.where(rng.random(rows) < 0.5, rng.uniform(0.02, 0.45, rows), rng.uniform(0.55, 0.98, rows))
        cases.append(Case((_probability_fn(f"random probabilities on {n} inputs", probs),), {"n_inputs": n},
                          label=f"fn = random probabilities on {n} inputs, n_inputs = {n}"))
    return cases


def _inputs(n: int) -> Array:
    return truth_table_inputs(n)


def _reversed_bits(fn, n_inputs=2):
    X = _inputs(n_inputs)[:, ::-1]  # rows 00, 10, 01, 11: x1 least significant
    return np.column_stack([X, (np.asarray(fn(X)) >= 0.5).astype(float)])


def _descending(fn, n_inputs=2):
    X = _inputs(n_inputs)[::-1]  # 11, 10, 01, 00
    return np.column_stack([X, (np.asarray(fn(X)) >= 0.5).astype(float)])


def _not_thresholded(fn, n_inputs=2):
    X = _inputs(n_inputs)
    return np.column_stack([X, np.asarray(fn(X), dtype=float)])


def _only_outputs(fn, n_inputs=2):
    return (np.asarray(fn(_inputs(n_inputs))) >= 0.5).astype(float)


def _two_inputs_always(fn, n_inputs=2):
    X = _inputs(2)
    return np.column_stack([X, (np.asarray(fn(X)) >= 0.5).astype(float)])


def _inverted(fn, n_inputs=2):
    X = _inputs(n_inputs)
    return np.column_stack([X, (np.asarray(fn(X)) < 0.5).astype(float)])


TRUTH_TABLE = Exercise(
    name="truth_table",
    signature="truth_table(fn, n_inputs=2)",
    reference=gates.truth_table,
    visible=_truth_visible,
    hidden=_truth_hidden,
    arg_names=["fn"],
    mistakes=[
        Mistake("x1 least significant", _reversed_bits,
                "your rows are in the wrong order: count in binary with x1 as the most significant bit "
                "(00, 01, 10, 11: x2 changes fastest)"),
        Mistake("descending", _descending,
                "your rows run backwards (11 first); count upwards from all zeros: 00, 01, 10, 11"),
        Mistake("not thresholded", _not_thresholded,
                "the last column holds fn's raw outputs; threshold them at 0.5 to 0.0 / 1.0"),
        Mistake("only the outputs", _only_outputs,
                "you returned only the output column; return the inputs too: shape (2**n, n + 1) with "
                "the output as the last column"),
        Mistake("always two inputs", _two_inputs_always,
                "your table ignores n_inputs: build all 2**n_inputs rows of n_inputs bits"),
        Mistake("inverted threshold", _inverted,
                "your outputs are flipped: a row is 1 when fn(x) >= 0.5"),
    ],
)


# --- gate_params: AND_PARAMS, OR_PARAMS, NAND_PARAMS, NOR_PARAMS, NOT_PARAMS -----------------------

GATE_NAMES = ("AND", "OR", "NAND", "NOR", "NOT")


def _fmt_row(x: Array) -> str:
    return "(" + ", ".join(str(int(v)) for v in x) + ")"


def fmt_prob(v: float) -> str:
    """A neuron output for messages: 3 decimals, more when that would look like a threshold."""
    text = f"{v:.3f}"
    if float(text) in (gates.TRUE_MIN, gates.FALSE_MAX) and v not in (gates.TRUE_MIN, gates.FALSE_MAX):
        text = f"{v:.6f}"
    return text


def fmt_probs(out: Array) -> str:
    return ", ".join(fmt_prob(float(v)) for v in np.reshape(out, -1))


def _read_params(params: Any, var: str, k: int) -> tuple[Array | None, float | None, str | None]:
    """Return (w, b, None) or (None, None, a message saying what is wrong with ``params``)."""
    example = "(np.array([20.0, 20.0]), -30.0)" if k == 2 else "(np.array([-20.0]), 10.0)"
    if params is None:
        return None, None, f"{var} is None; set it to a pair (w, b), e.g. {var} = {example}"
    if not isinstance(params, (tuple, list)) or len(params) != 2:
        return None, None, (f"{var} must be a pair (w, b) with w of shape ({k},) and b a number, e.g. {example}; "
                            f"got {describe(params)}")
    w_raw, b_raw = params
    w_shape, b_shape = np.shape(w_raw), np.shape(b_raw)
    if b_shape == (k,) and w_shape in ((), (1,)) and k > 1:
        return None, None, f"{var} looks like (b, w); the order is (w, b): {var} = (w, b), e.g. {example}"
    try:
        w = np.asarray(w_raw, dtype=np.float64)
    except (TypeError, ValueError):
        return None, None, f"{var}: w = {describe(w_raw)} is not an array of numbers"
    if w.shape != (k,):
        hint = " (a flat vector, not a row or a column: e.g. np.array([20.0, 20.0]))" if w.size == k else ""
        return None, None, f"{var}: w has shape {w.shape}; it must have shape ({k},), one weight per input{hint}"
    if isinstance(b_raw, (bool, np.bool_)) or b_raw is None:
        return None, None, f"{var}: b is {describe(b_raw)}; it must be a number"
    try:
        b_arr = np.asarray(b_raw, dtype=np.float64)
    except (TypeError, ValueError):
        return None, None, f"{var}: b = {describe(b_raw)} is not a number"
    if b_arr.size != 1:
        return None, None, f"{var}: b has shape {b_arr.shape}; it must be a single number (one bias per neuron)"
    b = float(b_arr.reshape(-1)[0])
    if not (np.all(np.isfinite(w)) and np.isfinite(b)):
        return None, None, f"{var} contains nan or inf: w = {describe(w)}, b = {b}"
    return w, b, None


def _gate_verdict(gate: str, w: Array, b: float) -> str | None:
    """None if the neuron (w, b) computes ``gate`` confidently, else what is wrong and how to fix it."""
    k = 1 if gate == "NOT" else 2
    X = truth_table_inputs(k)
    target = gates.gate_target(gate)
    out = _sig(X @ w + b)
    if gates.holds(out, target):
        return None
    decisions = (out >= 0.5).astype(int)
    # the first row that misses its threshold, and what moves its z = w . x + b the right way
    for x, o, t in zip(X, out, target):
        if (t == 1 and o < gates.TRUE_MIN) or (t == 0 and o > gates.FALSE_MAX):
            break
    up = t == 1
    need = f"≥ {gates.TRUE_MIN}" if up else f"≤ {gates.FALSE_MAX}"
    if not x.any():
        fix = f"on this row z = b, so make b {'larger' if up else 'more negative'}"
    else:
        fix = (f"make b {'larger' if up else 'more negative'} (or the weights of the inputs that are 1 "
               f"on this row {'larger' if up else 'smaller'})")
    rows = ", ".join(_fmt_row(r) for r in X)
    msg = (f"{gate} gives {fmt_prob(o)} on row {_fmt_row(x)}; it must be {need} — {fix}\n"
           f"  {gate}_PARAMS = (w = {describe(w)}, b = {b:g}) give {fmt_probs(out)} on rows {rows}\n"
           f"  {gate} must give {', '.join(str(int(v)) for v in target)} (≥ {gates.TRUE_MIN} for 1, "
           f"≤ {gates.FALSE_MAX} for 0)")
    if np.array_equal(decisions, target):
        msg += (f"\n  hint: every row is already on the right side of 0.5, but not confidently: scale w and b up "
                f"together (e.g. multiply both by 10) to push the outputs towards 0 and 1")
    elif k == 2:
        name = gates.function_name(decisions)
        if name != gate:
            msg += f"\n  hint: after thresholding at 0.5 your {gate}_PARAMS compute {name}"
            if name in ("XOR", "XNOR"):
                msg += " (impossible: check your numbers)"
            elif {gate, name} in ({"AND", "OR"}, {"NAND", "NOR"}):
                msg += f"; {gate} differs from {name} only in the bias b"
            elif {gate, name} in ({"AND", "NAND"}, {"OR", "NOR"}):
                msg += f"; {gate} is NOT {name}: flip the sign of w and of b"
    elif gate == "NOT" and decisions[0] == 0 and decisions[1] == 1:
        msg += "\n  hint: your NOT_PARAMS compute the identity (x -> x): flip the sign of w and of b"
    return msg


def _gate_property(gate: str) -> Property:
    k = 1 if gate == "NOT" else 2

    def test(values: Any) -> str | None:
        var = f"{gate}_PARAMS"
        if not isinstance(values, dict):
            return (f"check_gate_params needs a dict of your constants, e.g. check_gate_params(dict(AND=AND_PARAMS, "
                    f"OR=OR_PARAMS, NAND=NAND_PARAMS, NOR=NOR_PARAMS, NOT=NOT_PARAMS)); got {describe(values)}")
        if gate not in values:
            return f"the dict has no entry {gate!r}: pass {gate}={var}"
        w, b, problem = _read_params(values[gate], var, k)
        if problem:
            return "gate_params: " + problem + "\n  (each gate is a pair (w, b))"
        verdict = _gate_verdict(gate, w, b)
        return None if verdict is None else "gate_params: " + verdict

    rows = "both rows" if k == 1 else "all four rows"
    return Property(f"{gate}_PARAMS give ≥ {gates.TRUE_MIN} / ≤ {gates.FALSE_MAX} on {rows}", test)


def _gate_params_checks(rng: np.random.Generator) -> list[Property]:
    return [_gate_property(g) for g in GATE_NAMES]


def _notes_gate_params() -> dict[str, tuple[Array, float]]:
    return {g: (np.array(w), b) for g, (w, b) in gates.GATE_PARAMS.items() if g in GATE_NAMES}


GATE_PARAMS = Exercise(
    name="gate_params",
    signature="gate_params",
    reference=_notes_gate_params,
    visible=_gate_params_checks,
    subject="value",
)


def _with(**changes: Any) -> Callable[[], dict[str, Any]]:
    def values() -> dict[str, Any]:
        return {**_notes_gate_params(), **changes}
    return values


GATE_PARAMS_MISTAKES: list[Mistake] = [
    Mistake("AND with OR's bias", _with(AND=(np.array([20.0, 20.0]), -10.0)),
            "AND gives 1.000 on row (0, 1); it must be ≤ 0.01 — make b more negative"),
    Mistake("OR with AND's bias", _with(OR=(np.array([20.0, 20.0]), -30.0)),
            "your OR_PARAMS compute AND; OR differs from AND only in the bias b"),
    Mistake("NAND as AND", _with(NAND=(np.array([20.0, 20.0]), -30.0)),
            "NAND is NOT AND: flip the sign of w and of b"),
    Mistake("NOR with a positive weight", _with(NOR=(np.array([20.0, 20.0]), 10.0)),
            "NOR gives 1.000 on row (0, 1); it must be ≤ 0.01"),
    Mistake("NOT as identity", _with(NOT=(np.array([20.0]), -10.0)),
            "your NOT_PARAMS compute the identity"),
    Mistake("too timid", _with(AND=(np.array([1.0, 1.0]), -1.5)),
            "not confidently: scale w and b up together"),
    Mistake("w as a row", _with(AND=(np.array([[20.0, 20.0]]), -30.0)),
            "w has shape (1, 2); it must have shape (2,)"),
    Mistake("NOT with two weights", _with(NOT=(np.array([-20.0, 0.0]), 10.0)),
            "w has shape (2,); it must have shape (1,)"),
    Mistake("(b, w)", _with(OR=(-10.0, np.array([20.0, 20.0]))), "looks like (b, w); the order is (w, b)"),
    Mistake("a bare weight vector", _with(NOR=np.array([-20.0, -20.0, 10.0])), "NOR_PARAMS must be a pair (w, b)"),
    Mistake("undefined", _with(NAND=None), "NAND_PARAMS is None"),
]
"""Typical wrong gate constants: ``impl()`` returns the whole dict; ``hint`` is part of the message."""


EXERCISES = {e.name: e for e in [NEURON, GATE_PARAMS, TRUTH_TABLE]}

check_neuron = NEURON.check
check_gate_params = GATE_PARAMS.check
check_truth_table = TRUTH_TABLE.check
