"""Boolean gates from sigmoid neurons, XOR by composition, and the 2-2-1 network (lessons 03, 04).

The lecture notes ("Representing Boolean Functions") set one sigmoid neuron's weights by hand:

==========================  =================  ======
gate                        weights            bias
==========================  =================  ======
AND                         (+20, +20)         -30
OR                          (+20, +20)         -10
NOT                         (-20,)             +10
(NOT x1) AND (NOT x2) = NOR (-20, -20)         +10
NAND = NOT AND              (-20, -20)         +30
==========================  =================  ======

The notes draw the neuron in column form, ``h = g(W x + b)`` with ``W`` a 1 x 2 row; here
rows are examples, so a neuron is ``sigmoid(X @ w + b)`` with ``w`` of shape ``(2,)`` and a
2-2-1 network is ``sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)`` with ``W1 = W1_notes.T``.

A gate "holds" when the neuron gives at least :data:`TRUE_MIN` on every row where the gate
is 1 and at most :data:`FALSE_MAX` where it is 0 (the thresholds of the graded exercises).
Truth tables list rows in binary counting order, first input most significant
(00, 01, 10, 11), and threshold outputs at 0.5 (``>= 0.5`` counts as 1).
"""
from __future__ import annotations

import functools
from typing import Callable

import numpy as np

from .activations import _sigmoid
from .datasets import GATES, truth_table_inputs
from .validation import CourseInputError, as_array

__all__ = [
    "TRUE_MIN", "FALSE_MAX", "GATE_PARAMS", "GATE_TARGETS", "gate_target", "neuron", "truth_table",
    "holds", "function_name", "reachable_functions", "best_single_neuron",
    "xor_by_composition", "XOR_W1", "XOR_b1", "XOR_W2", "XOR_b2", "two_layer_forward", "hidden_layer",
    "one_hidden_layer_network", "perceptron_epochs",
]

Array = np.ndarray

TRUE_MIN = 0.99
"""A gate's neuron must give at least this on rows where the gate is 1."""
FALSE_MAX = 0.01
"""... and at most this on rows where it is 0."""


def _frozen(values: list[float]) -> Array:
    a = np.array(values, dtype=np.float64)
    a.flags.writeable = False  # shared module constants: nobody may change the notes' numbers
    return a


GATE_PARAMS: dict[str, tuple[Array, float]] = {
    "AND": (_frozen([20.0, 20.0]), -30.0),
    "OR": (_frozen([20.0, 20.0]), -10.0),
    "NAND": (_frozen([-20.0, -20.0]), 30.0),
    "NOR": (_frozen([-20.0, -20.0]), 10.0),
    "NOT": (_frozen([-20.0]), 10.0),
}
"""The notes' hand-set ``(w, b)`` of each gate (NAND is AND with every sign flipped)."""

GATE_TARGETS: dict[str, Callable[[Array], Array]] = {
    **{name: (lambda X, f=GATES[name]: f(X[..., 0], X[..., 1])) for name in GATES},
    "NOT": lambda X: 1.0 - X[..., 0],
}
"""Each gate's truth function on rows of {0, 1} inputs: ``X`` of shape (m, k) -> (m,)."""


def gate_target(name: str) -> Array:
    """The gate's column of its truth table: shape (4,) for two inputs, (2,) for NOT."""
    if name not in GATE_TARGETS:
        raise CourseInputError(f"unknown gate {name!r}; choose one of {sorted(GATE_TARGETS)}")
    return GATE_TARGETS[name](truth_table_inputs(1 if name == "NOT" else 2))


# --- one neuron -------------------------------------------------------------------------

def neuron(X: Array, w: Array, b: float) -> Array | float:
    """One sigmoid neuron: ``sigmoid(X @ w + b)``.

    Parameters
    ----------
    X : ndarray of shape (m, k) or (k,)
        Examples as rows, or a single example.
    w : ndarray of shape (k,)
    b : float

    Returns
    -------
    ndarray of shape (m,), or a float for a single example of shape (k,).
    """
    w = as_array(w, "w", ndim=1)
    X = as_array(X, "X", ndim=(1, 2))
    b = float(as_array(b, "b", ndim=0))
    if X.shape[-1] != w.shape[0]:
        raise CourseInputError(f"`X` has {X.shape[-1]} features per example but `w` has {w.shape[0]} weights")
    out = _sigmoid(X @ w + b)
    return float(out) if X.ndim == 1 else out


def truth_table(fn: Callable[[Array], Array], n_inputs: int = 2) -> Array:
    """The truth table of ``fn`` on every {0, 1} input row.

    Parameters
    ----------
    fn : callable
        Maps an array of shape (2**n, n) to shape (2**n,): probabilities or hard 0/1 values.
    n_inputs : int, default=2

    Returns
    -------
    ndarray of shape (2**n, n + 1)
        Rows in binary counting order with the first input most significant (00, 01, 10,
        11); the last column is ``fn(X)`` thresholded at 0.5 to {0.0, 1.0}.
    """
    if not callable(fn):
        raise CourseInputError(f"`fn` must be a function, got {type(fn).__name__}")
    X = truth_table_inputs(n_inputs)
    out = fn(X.copy())
    if out is None:
        raise CourseInputError("`fn` returned None (did it forget to `return`?)")
    out = as_array(out, "fn(X)", allow_list=True)
    if out.size != X.shape[0]:
        raise CourseInputError(f"`fn` returned shape {out.shape} for {X.shape[0]} input rows; expected ({X.shape[0]},)")
    return np.column_stack([X, (out.reshape(-1) >= 0.5).astype(np.float64)])


def holds(outputs: Array, target: Array) -> bool:
    """Whether ``outputs`` are >= TRUE_MIN where ``target`` is 1 and <= FALSE_MAX where it is 0."""
    outputs, target = np.asarray(outputs, dtype=np.float64), np.asarray(target)
    return bool(np.all(np.where(target == 1, outputs >= TRUE_MIN, outputs <= FALSE_MAX)))


# --- which Boolean function a neuron computes -------------------------------------------

_NAMES = {
    (0, 0, 0, 0): "always 0", (1, 1, 1, 1): "always 1",
    (0, 0, 0, 1): "AND", (0, 1, 1, 1): "OR", (1, 1, 1, 0): "NAND", (1, 0, 0, 0): "NOR",
    (0, 1, 1, 0): "XOR", (1, 0, 0, 1): "XNOR",
    (0, 0, 1, 1): "x1", (0, 1, 0, 1): "x2", (1, 1, 0, 0): "NOT x1", (1, 0, 1, 0): "NOT x2",
    (0, 0, 1, 0): "x1 AND NOT x2", (0, 1, 0, 0): "NOT x1 AND x2",
    (1, 0, 1, 1): "x1 OR NOT x2", (1, 1, 0, 1): "NOT x1 OR x2",
}


def function_name(decisions: Array) -> str:
    """Name of the two-input Boolean function with truth-table column ``decisions`` (4 values in {0, 1})."""
    key = tuple(int(v) for v in np.asarray(decisions).reshape(-1))
    if len(key) != 4 or not set(key) <= {0, 1}:
        raise CourseInputError(f"`decisions` must be 4 values in {{0, 1}}, got {key}")
    return _NAMES[key]


@functools.lru_cache(maxsize=4)
def _grid_decisions(lo: int, hi: int) -> tuple[Array, Array]:
    """Every integer (w1, w2, b) in [lo, hi]^3 and its thresholded column on 00, 01, 10, 11."""
    v = np.arange(lo, hi + 1, dtype=np.float64)
    w1, w2, b = (a.reshape(-1) for a in np.meshgrid(v, v, v, indexing="ij"))
    params = np.column_stack([w1, w2, b])
    X = truth_table_inputs(2)
    z = X @ params[:, :2].T + params[:, 2]  # (4, n_settings)
    return params, (z >= 0).T.astype(np.int8)  # sigmoid(z) >= 0.5 exactly when z >= 0


def reachable_functions(lo: int = -30, hi: int = 30) -> dict[str, int]:
    """Search every integer setting of (w1, w2, b) in [lo, hi]: how many settings give each function.

    One neuron reaches 14 of the 16 two-input Boolean functions; XOR and XNOR never appear.
    """
    _, decisions = _grid_decisions(lo, hi)
    codes = decisions @ np.array([8, 4, 2, 1])
    counts = np.bincount(codes, minlength=16)
    return {_NAMES[tuple((c >> np.arange(3, -1, -1)) & 1)]: int(counts[c]) for c in range(16)}


def best_single_neuron(target: str, lo: int = -30, hi: int = 30) -> tuple[int, tuple[float, float, float]]:
    """The most truth-table rows of ``target`` one neuron gets right (after thresholding at 0.5).

    Searches every integer ``(w1, w2, b)`` in ``[lo, hi]``; returns the best count and one
    setting that reaches it. For XOR it is 3 of 4: no line separates {01, 10} from {00, 11}.
    """
    params, decisions = _grid_decisions(lo, hi)
    right = (decisions == gate_target(target).astype(np.int8)).sum(axis=1)
    i = int(np.argmax(right))
    return int(right[i]), tuple(float(p) for p in params[i])  # type: ignore[return-value]


# --- XOR ------------------------------------------------------------------------------------

def xor_by_composition(X: Array) -> Array:
    """XOR from three lesson-03 neurons: ``(x1 OR x2) AND (x1 NAND x2)``.

    Parameters
    ----------
    X : ndarray of shape (m, 2)

    Returns
    -------
    ndarray of shape (m,)
        The last (AND) neuron's output: >= 0.99 where XOR is 1, <= 0.01 where it is 0.
    """
    X = as_array(X, "X", shape=(None, 2))
    h_or = neuron(X, *GATE_PARAMS["OR"])
    h_nand = neuron(X, *GATE_PARAMS["NAND"])
    return neuron(np.column_stack([h_or, h_nand]), *GATE_PARAMS["AND"])


# The notes' XNOR network (hidden units AND and (NOT x1) AND (NOT x2), output OR) with its
# output neuron negated: NOT OR = NOR, so the network computes XOR. Row convention: column j
# of XOR_W1 holds hidden unit j's weights (the notes' W is its transpose).
XOR_W1 = _frozen([[20.0, -20.0],
                  [20.0, -20.0]])
XOR_b1 = _frozen([-30.0, 10.0])
XOR_W2 = _frozen([-20.0, -20.0])
XOR_b2 = 10.0


def hidden_layer(X: Array, W1: Array, b1: Array) -> Array:
    """The hidden activations ``sigmoid(X @ W1 + b1)``: shape (m, h)."""
    W1 = as_array(W1, "W1", ndim=2)
    X = as_array(X, "X", shape=(None, W1.shape[0]))
    b1 = as_array(b1, "b1", shape=(W1.shape[1],))
    return _sigmoid(X @ W1 + b1)


def two_layer_forward(X: Array, W1: Array, b1: Array, W2: Array, b2: float) -> Array:
    """A network with one hidden sigmoid layer and one sigmoid output.

    Parameters
    ----------
    X : ndarray of shape (m, n)
    W1 : ndarray of shape (n, h)
    b1 : ndarray of shape (h,)
    W2 : ndarray of shape (h,)
    b2 : float

    Returns
    -------
    ndarray of shape (m,)
        ``sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)``.
    """
    H = hidden_layer(X, W1, b1)
    W2 = as_array(W2, "W2", shape=(H.shape[1],))
    b2 = float(as_array(b2, "b2", ndim=0))
    return _sigmoid(H @ W2 + b2)


def one_hidden_layer_network(column: Array) -> tuple[Array, Array, Array, float]:
    """A one-hidden-layer network computing any Boolean function of n inputs (proof by construction).

    One hidden unit per row where the function is 1: an AND that fires only on that row
    (weight +20 where the row has a 1, -20 where it has a 0, bias 10 - 20 * (number of 1s)),
    so ``z = +10`` on its row and ``z <= -10`` elsewhere. The output neuron ORs them
    (weights +20, bias -10). This is the disjunctive normal form written as a network.

    Parameters
    ----------
    column : ndarray of shape (2**n,)
        The function's truth-table column, rows in binary counting order (x1 most significant).

    Returns
    -------
    W1 (n, h), b1 (h,), W2 (h,), b2
        For :func:`two_layer_forward`; ``h`` is the number of 1s in ``column`` (at least 1).
    """
    column = as_array(column, "column", ndim=1)
    n = int(round(np.log2(column.size))) if column.size else 0
    if column.size < 2 or 2**n != column.size or not np.all(np.isin(column, (0.0, 1.0))):
        raise CourseInputError(f"`column` must hold 2**n values in {{0, 1}}, got shape {column.shape}")
    rows = truth_table_inputs(n)[column == 1]
    if len(rows) == 0:  # the constant 0: a hidden unit that never fires
        return np.zeros((n, 1)), np.array([-30.0]), np.array([20.0]), -10.0
    W1 = np.where(rows == 1, 20.0, -20.0).T
    b1 = 10.0 - 20.0 * rows.sum(axis=1)
    return W1, b1, np.full(len(rows), 20.0), -10.0


# --- the perceptron on XOR (lesson 04) ----------------------------------------------------

def perceptron_epochs(X: Array, y: Array, max_epochs: int = 10) -> tuple[list[Array], list[int]]:
    """Run lesson 02's online perceptron and record θ after every epoch.

    θ starts at zeros; an example is a mistake when ``y_i * (θ @ x_i) <= 0`` and then
    ``θ += y_i * x_i``. Stops after the first epoch without mistakes or at ``max_epochs``.

    Parameters
    ----------
    X : ndarray of shape (m, n)
        With the bias feature (a column of ones) first.
    y : ndarray of shape (m,), labels in {-1, +1}
    max_epochs : int, default=10

    Returns
    -------
    thetas : list of ndarray of shape (n,)
        θ before the first epoch (zeros), then after each epoch.
    mistakes : list of int
        The number of mistakes in each epoch.
    """
    X = as_array(X, "X", ndim=2)
    y = as_array(y, "y", shape=(X.shape[0],))
    theta = np.zeros(X.shape[1])
    thetas, mistakes = [theta.copy()], []
    for _ in range(int(max_epochs)):
        count = 0
        for x_i, y_i in zip(X, y):
            if y_i * (theta @ x_i) <= 0:
                theta = theta + y_i * x_i
                count += 1
        thetas.append(theta.copy())
        mistakes.append(count)
        if count == 0:
            break
    return thetas, mistakes
