"""Checks for lesson 07, backpropagation.

Deltas are ``dJ/dZ`` of the batch-*mean* loss, so they carry the ``1/m``. Hidden checks
use fresh random shapes and values and compare gradients with central differences
(:func:`course.checks.lesson06.numeric_property`, tolerances from :mod:`course.gradcheck`).

``numerical_gradient`` and ``gradient_check`` take a function ``f()`` that reads arrays
the check owns, so they are checked with :func:`closure_property`: every call gets a
freshly built ``f`` and arrays, and the arrays must be restored exactly afterwards.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from .. import gradcheck, losses, mlp
from ..activations import ACTIVATIONS
from .core import Case, Exercise, Mistake, Property, _call, compare, describe
from .lesson06 import _ANY, numeric_property

Array = np.ndarray
Setup = tuple[tuple, dict, dict[str, Array]]

__all__ = ["EXERCISES", "closure_property", "check_sigmoid_bce_delta", "check_softmax_ce_delta",
           "check_mse_identity_delta", "check_dense_backward", "check_mlp_backward", "check_numerical_gradient",
           "check_relative_error", "check_gradient_check"]

_ONE_OVER_M = ("the loss is the *mean* over the m examples, so every delta carries a 1/m: divide by m = "
               "y_hat.shape[0]")
_M_IS_ROWS = "m is the number of examples, the rows: y_hat.shape[0], not y_hat.size (which also counts the outputs)"


def _sig(z: Array) -> Array:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softmax(Z: Array) -> Array:
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _rows(a: Any) -> int:
    return int(np.shape(a)[0]) if np.ndim(a) else 1


# --- a check for functions that take f() and arrays f() reads ---------------------------------

_RESTORE_HINT = ("put every entry back exactly as it was after perturbing it: save old = x[i], set x[i] = old + h, "
                 "then old - h, then x[i] = old")
_RESTORE_BITS_HINT = ("restore the saved value (x[i] = old) instead of adding and subtracting h: x + h - 2h + h is "
                      "not always exactly x in floating point")


def closure_property(exercise: Callable[[], Exercise], label: str, make: Callable[[], Setup],
                     accept: Callable[[Any, Any], str | None] | None = None) -> Property:
    """Check ``fn(*args, **kwargs)`` where the arguments share arrays with a function ``f()``.

    Parameters
    ----------
    exercise : callable () -> Exercise
    label : str
        Describes the input to the student.
    make : callable () -> (args, kwargs, watched)
        Builds fresh arguments for every call; ``watched`` names the arrays that must be
        unchanged (bit for bit) after the call.
    accept : callable (got, expected) -> str or None, optional
        Replaces the comparison with the reference: returns what is wrong, or None.
    """

    def test(fn: Callable[..., Any]) -> str | None:
        ex = exercise()
        args, kwargs, watched = make()
        before = {name: a.copy() for name, a in watched.items()}
        got, notes = _call(fn, args, kwargs)
        for name, a in watched.items():
            if a.shape != before[name].shape or not np.array_equal(a, before[name]):
                changed = np.argwhere(a != before[name])[0] if a.shape == before[name].shape else None
                lines = [f"{ex.signature} left `{name}` changed after the call", f"  input: {label}"]
                if changed is not None:
                    i = tuple(int(v) for v in changed)
                    diff = abs(float(a[i]) - float(before[name][i]))
                    lines.append(f"  first changed entry {name}{list(i)}: was {float(before[name][i])!r}, "
                                 f"now {float(a[i])!r}")
                    lines.append(f"  hint: {_RESTORE_BITS_HINT if diff < 1e-9 else _RESTORE_HINT}")
                else:
                    lines.append(f"  hint: {_RESTORE_HINT}")
                return "\n".join(lines)
        e_args, e_kwargs, _ = make()
        expected = ex.reference(*e_args, **e_kwargs)
        if accept is not None:
            problem = accept(got, expected)
            if problem is None:
                return None
            hint = _closure_hint(ex, make, got)
            return "\n".join([f"{ex.signature}: {problem}", f"  input:    {label}"]
                             + ([f"  hint: {hint}"] if hint else []) + [f"  note: {n}" for n in notes])
        mismatch = compare(got, expected, ex.rtol, ex.atol)
        if mismatch is None:
            return None
        return ex._format(mismatch, label, _closure_hint(ex, make, got), notes)

    return Property(label, test)


def _closure_hint(ex: Exercise, make: Callable[[], Setup], got: Any) -> str | None:
    for mistake in ex.mistakes:
        m_args, m_kwargs, _ = make()
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                theirs = mistake.impl(*m_args, **m_kwargs)
            if compare(got, theirs, ex.rtol, ex.atol, equal_nan=True) is None:
                return mistake.hint
        except Exception:
            continue
    return None


# --- sigmoid_bce_delta(y_hat, y) ----------------------------------------------------------------

def _labels_and_probs(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[Array, Array]:
    y = rng.integers(0, 2, shape).astype(np.float64)
    return rng.uniform(0.05, 0.95, shape), y


def _bce_delta_numeric(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[tuple, Array]:
    Z = rng.uniform(-3, 3, shape)
    y = rng.integers(0, 2, shape).astype(np.float64)
    num = gradcheck.numerical_gradient(lambda: losses.binary_cross_entropy_with_logits(Z, y), Z)
    return (_sig(Z), y), num


def _bce_visible(rng: np.random.Generator) -> list[Case]:
    return [
        Case((np.array([[0.73], [0.2], [0.9], [0.4]]), np.array([[1.0], [0.0], [0.0], [1.0]])),
             label="y_hat = [[0.73], [0.2], [0.9], [0.4]], y = [[1], [0], [0], [1]] (a column of m = 4 outputs): "
                   "expected (y_hat - y) / 4"),
        Case((np.array([0.6, 0.1, 0.35, 0.8, 0.5]), np.array([1.0, 0.0, 0.0, 1.0, 1.0])),
             label="y_hat and y of shape (5,)"),
        Case(_labels_and_probs(rng, (3, 2)), label="y_hat and y of shape (3, 2): m = 3 examples with 2 sigmoid "
                                                    "outputs each"),
        Case((np.array([0.999]), np.array([0.0])), label="one example, y_hat = 0.999, y = 0"),
    ]


def _bce_hidden(rng: np.random.Generator) -> list:
    m, k = int(rng.integers(1, 40)), int(rng.integers(1, 4))
    args, num = _bce_delta_numeric(rng, (m, k))
    return [
        Case(_labels_and_probs(rng, (m, k)), label=f"random y_hat and y of shape ({m}, {k})"),
        Case(_labels_and_probs(rng, (m,)), label=f"random y_hat and y of shape ({m},)"),
        numeric_property(lambda: SIGMOID_BCE_DELTA, f"y_hat = sigmoid(Z) for random Z of shape ({m}, {k}): "
                                                    "the delta must be dJ/dZ of the mean BCE", args, None, num),
    ]


SIGMOID_BCE_DELTA = Exercise(
    name="sigmoid_bce_delta",
    signature="sigmoid_bce_delta(y_hat, y)",
    reference=losses.LOSSES["binary_cross_entropy"].delta,
    visible=_bce_visible,
    hidden=_bce_hidden,
    mistakes=[
        Mistake("no 1/m", lambda a, y: a - y, _ONE_OVER_M),
        Mistake("sign", lambda a, y: (y - a) / _rows(a),
                "the sign is flipped: dJ/dz = (y_hat - y)/m, positive when the prediction is too high"),
        Mistake("times sigma'", lambda a, y: (a - y) * a * (1 - a) / _rows(a),
                "with a sigmoid output and cross-entropy the σ'(z) cancels: δ = (ŷ − y)/m, no extra ŷ(1 − ŷ)"),
        Mistake("size", lambda a, y: (a - y) / np.size(a), _M_IS_ROWS),
        Mistake("dJ/dy_hat", lambda a, y: ((1 - y) / (1 - a) - y / a) / _rows(a),
                "that is dJ/dŷ; the delta is dJ/dz: multiply by σ'(z) = ŷ(1 − ŷ) and it simplifies to (ŷ − y)/m"),
    ],
)


# --- softmax_ce_delta(probs, Y) --------------------------------------------------------------------

def _probs_onehot(rng: np.random.Generator, m: int, k: int) -> tuple[Array, Array]:
    P = _softmax(rng.normal(0, 1.5, (m, k)))
    Y = np.eye(k)[rng.integers(0, k, m)]
    return P, Y


def _softmax_visible(rng: np.random.Generator) -> list[Case]:
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.5, 0.4]])
    Y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    return [
        Case((P, Y), label="probs = [[0.7, 0.2, 0.1], [0.1, 0.5, 0.4]], Y = [[1, 0, 0], [0, 0, 1]]: "
                           "expected (probs - Y) / 2"),
        Case(_probs_onehot(rng, 4, 5), label="probs (4, 5) from a softmax, one-hot Y"),
        Case(_probs_onehot(rng, 1, 3), label="one example with 3 classes"),
    ]


def _softmax_hidden(rng: np.random.Generator) -> list:
    m, k = int(rng.integers(1, 30)), int(rng.integers(2, 7))
    Z = rng.uniform(-2, 2, (m, k))
    Y = np.eye(k)[rng.integers(0, k, m)]
    num = gradcheck.numerical_gradient(lambda: losses.softmax_cross_entropy(Z, Y), Z)
    return [
        Case(_probs_onehot(rng, m, k), label=f"random probs and one-hot Y of shape ({m}, {k})"),
        numeric_property(lambda: SOFTMAX_CE_DELTA, f"probs = softmax(Z) for random Z of shape ({m}, {k}): the "
                                                   "delta must be dJ/dZ of the mean cross-entropy",
                         (_softmax(Z), Y), None, num),
    ]


SOFTMAX_CE_DELTA = Exercise(
    name="softmax_ce_delta",
    signature="softmax_ce_delta(probs, Y)",
    reference=losses.LOSSES["softmax_cross_entropy"].delta,
    visible=_softmax_visible,
    hidden=_softmax_hidden,
    mistakes=[
        Mistake("no 1/m", lambda p, Y: p - Y, _ONE_OVER_M.replace("y_hat", "probs")),
        Mistake("sign", lambda p, Y: (Y - p) / _rows(p),
                "the sign is flipped: dJ/dz = (probs − Y)/m (the notes' y − d with y the prediction, d the target)"),
        Mistake("mean over all", lambda p, Y: (p - Y) / np.size(p),
                "divide by the number of examples m = probs.shape[0] only: the loss sums over the classes and "
                "averages over the examples"),
        Mistake("dJ/dprobs", lambda p, Y: -Y / p / _rows(p),
                "that is dJ/dprobs; go through the softmax Jacobian diag(p) − p pᵀ and it simplifies to (p − Y)/m"),
        Mistake("diagonal only", lambda p, Y: (p - Y) * p * (1 - p) / _rows(p),
                "softmax is not elementwise, and with cross-entropy its Jacobian cancels: δ = (p − Y)/m"),
    ],
)


# --- mse_identity_delta(y_hat, y) ----------------------------------------------------------------

def _mse_visible(rng: np.random.Generator) -> list[Case]:
    return [
        Case((np.array([2.5, 0.0, -1.0, 4.0]), np.array([3.0, -0.5, -1.0, 2.0])),
             label="y_hat = [2.5, 0, -1, 4], y = [3, -0.5, -1, 2]: expected (y_hat - y) / 4"),
        Case((rng.normal(0, 2, (3, 2)), rng.normal(0, 2, (3, 2))), label="y_hat and y of shape (3, 2): "
                                                                        "3 examples with 2 outputs"),
        Case((np.array([[1.5]]), np.array([[0.5]])), label="one example, one output: y_hat = 1.5, y = 0.5"),
    ]


def _mse_hidden(rng: np.random.Generator) -> list:
    m, k = int(rng.integers(1, 40)), int(rng.integers(1, 4))
    Z = rng.normal(0, 2, (m, k))
    y = Z + rng.uniform(0.1, 2, (m, k)) * rng.choice([-1.0, 1.0], (m, k))  # no delta entry near 0
    num = gradcheck.numerical_gradient(lambda: losses.mean_squared_error(Z, y), Z)
    return [
        Case((rng.normal(0, 2, (m, k)), rng.normal(0, 2, (m, k))), label=f"random y_hat and y of shape ({m}, {k})"),
        Case((rng.normal(0, 2, m), rng.normal(0, 2, m)), label=f"random y_hat and y of shape ({m},)"),
        numeric_property(lambda: MSE_IDENTITY_DELTA, f"identity outputs y_hat = Z for random Z of shape ({m}, {k}): "
                                                     "the delta must be dJ/dZ of J = 1/(2m) Σ‖ŷ − y‖²",
                         (Z, y), None, num),
    ]


MSE_IDENTITY_DELTA = Exercise(
    name="mse_identity_delta",
    signature="mse_identity_delta(y_hat, y)",
    reference=losses.LOSSES["mean_squared_error"].delta,
    visible=_mse_visible,
    hidden=_mse_hidden,
    mistakes=[
        Mistake("no 1/m", lambda a, y: a - y, _ONE_OVER_M),
        Mistake("factor 2", lambda a, y: 2 * (a - y) / _rows(a),
                "J = 1/(2m) Σ‖ŷ − y‖² has the notes' 1/2, which cancels the 2 of the square: δ = (ŷ − y)/m"),
        Mistake("sign", lambda a, y: (y - a) / _rows(a), "the sign is flipped: δ = (ŷ − y)/m"),
        Mistake("size", lambda a, y: (a - y) / np.size(a), _M_IS_ROWS),
    ],
)


# --- dense_backward(dZ, A_prev, W) ---------------------------------------------------------------

def _dense_mistake(kind: str) -> Callable[..., tuple]:
    def impl(dZ: Array, A_prev: Array, W: Array) -> tuple:
        m = dZ.shape[0]
        dA, dW, db = dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)
        if kind == "A_prev @ dZ":
            dW = A_prev @ dZ
        elif kind == "dZ.T @ A_prev":
            dW = dZ.T @ A_prev
        elif kind == "db not summed":
            db = dZ.copy()
        elif kind == "db averaged":
            db = dZ.mean(axis=0)
        elif kind == "dW averaged":
            dW = A_prev.T @ dZ / m
        elif kind == "dZ @ W":
            dA = dZ @ W
        elif kind == "db over units":
            db = dZ.sum(axis=1)
        return dA, dW, db
    return impl


def _dense_visible(rng: np.random.Generator) -> list[Case]:
    A = np.array([[0.4, 0.2, 0.2], [1.0, -0.5, 0.3]])
    W = np.array([[1.0, 0.5], [0.2, 1.2], [1.2, 0.1]])
    dZ = np.array([[0.1, -0.2], [0.05, 0.3]])
    return [
        Case((rng.normal(0, 0.5, (3, 3)), rng.normal(0, 1, (3, 3)), rng.normal(0, 1, (3, 3))),
             label="a square case: m = n_in = n_out = 3, so every product has the right shape and only the "
                   "values can be wrong"),
        Case((dZ, A, W), label="dZ (2, 2), A_prev (2, 3) = [[0.4, 0.2, 0.2], [1, -0.5, 0.3]], W (3, 2) = the notes' "
                               "weights [[1, 0.5], [0.2, 1.2], [1.2, 0.1]]"),
        Case((rng.normal(0, 0.5, (3, 2)), rng.normal(0, 1, (3, 3)), rng.normal(0, 1, (3, 2))),
             label="m = n_in = 3 examples and inputs, n_out = 2 (A_prev is square, so a wrong product can "
                   "still have the right shape)"),
        Case((rng.normal(0, 0.5, (4, 3)), rng.normal(0, 1, (4, 3)), rng.normal(0, 1, (3, 3))),
             label="m = 4, n_in = n_out = 3 (W is square)"),
        Case((rng.normal(0, 0.5, (5, 3)), rng.normal(0, 1, (5, 4)), rng.normal(0, 1, (4, 3))),
             label="m = 5, n_in = 4, n_out = 3"),
        Case((rng.normal(0, 0.5, (1, 2)), rng.normal(0, 1, (1, 3)), rng.normal(0, 1, (3, 2))),
             label="one example (m = 1): dW is the outer product a δ, the notes' Δ += a δ"),
    ]


def _dense_hidden(rng: np.random.Generator) -> list:
    m, n_in, n_out = (int(v) for v in rng.integers(1, 7, 3))
    dZ, A, W = rng.normal(0, 0.5, (m, n_out)), rng.normal(0, 1, (m, n_in)), rng.normal(0, 1, (n_in, n_out))
    b = rng.normal(0, 1, n_out)
    A_, W_, b_ = A.copy(), W.copy(), b.copy()

    def J() -> float:  # sum(dZ * Z): its gradient with respect to Z is dZ
        return float(np.sum(dZ * (A_ @ W_ + b_)))

    # J is linear in each of A_prev, W, b: central differences are exact for any step, and a
    # step of 1 keeps rounding (eps·|J|/h) far below the smallest gradient entry.
    num = tuple(gradcheck.numerical_gradient(J, p, h=1.0) for p in (A_, W_, b_))
    return [
        Case((dZ, A, W), label=f"random dZ ({m}, {n_out}), A_prev ({m}, {n_in}), W ({n_in}, {n_out})"),
        numeric_property(lambda: DENSE_BACKWARD, f"random dZ ({m}, {n_out}), A_prev ({m}, {n_in}), "
                                                 f"W ({n_in}, {n_out})", (dZ, A, W), None, num),
    ]


_AVERAGED = "dZ already carries the 1/m of the mean loss: sum over the batch, don't average again"

DENSE_BACKWARD = Exercise(
    name="dense_backward",
    signature="dense_backward(dZ, A_prev, W)",
    reference=lambda dZ, A_prev, W: (dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)),
    visible=_dense_visible,
    hidden=_dense_hidden,
    mistakes=[
        Mistake("A_prev @ dZ", _dense_mistake("A_prev @ dZ"),
                "dW = A_prev.T @ dZ: (n_in, m) @ (m, n_out), so the product sums over the m examples"),
        Mistake("dZ.T @ A_prev", _dense_mistake("dZ.T @ A_prev"),
                "dW must have W's shape (n_in, n_out): A_prev.T @ dZ, not dZ.T @ A_prev"),
        Mistake("db not summed", _dense_mistake("db not summed"),
                "db must be summed over the batch: dZ.sum(axis=0), shape (n_out,)"),
        Mistake("db averaged", _dense_mistake("db averaged"), _AVERAGED),
        Mistake("dW averaged", _dense_mistake("dW averaged"), _AVERAGED),
        Mistake("dZ @ W", _dense_mistake("dZ @ W"), "dA_prev = dZ @ W.T: (m, n_out) @ (n_out, n_in)"),
        Mistake("db over units", _dense_mistake("db over units"),
                "sum over the examples (axis=0), not over the units: db has shape (n_out,)"),
    ],
)


# --- mlp_backward(params, cache, y, activation="sigmoid") ------------------------------------------

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
"""The hidden activations mlp_backward must support (the checks use these)."""


def _net(rng: np.random.Generator, sizes: list[int], m: int, activation: str) -> tuple[list, list, Array, Array]:
    """A random network and batch whose hidden pre-activations keep away from the activation's kinks."""
    kinks = ACTIVATIONS[activation].kinks
    while True:
        params = [(rng.normal(0, 1.0 / np.sqrt(a), (a, b)), rng.normal(0, 0.5, b))
                  for a, b in zip(sizes[:-1], sizes[1:])]
        X = rng.normal(0, 1, (m, sizes[0]))
        y = (np.arange(m) % 2).astype(np.float64)[rng.permutation(m)]
        _, cache = mlp.mlp_forward(X, params, activation=activation, output="sigmoid")
        hidden_z = [Z for _, Z in cache[:-1]]
        if all(np.min(np.abs(Z - k)) > 0.01 for Z in hidden_z for k in kinks):
            return params, cache, X, y


def _mlp_reference(params: list, cache: list, y: Array, activation: str = "sigmoid") -> list:
    return mlp.mlp_backward(params, cache, y, activation=activation, output="sigmoid")


_DERIVATIVES: dict[str, Callable[[Array], Array]] = {
    "sigmoid": lambda z: _sig(z) * (1 - _sig(z)),
    "tanh": lambda z: 1 - np.tanh(z) ** 2,
    "relu": lambda z: (z > 0) * 1.0,
}
_FORWARD: dict[str, Callable[[Array], Array]] = {"sigmoid": _sig, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}


def _mlp_mistake(kind: str) -> Callable[..., list]:
    def impl(params: list, cache: list, y: Array, activation: str = "sigmoid") -> list:
        g, gp = _FORWARD[activation], _DERIVATIVES[activation]
        if kind == "always sigmoid":
            gp = _DERIVATIVES["sigmoid"]
        m = cache[-1][1].shape[0]
        a_out = _sig(cache[-1][1])
        yy = y if kind == "broadcast y" else y.reshape(a_out.shape)
        dZ = a_out - yy
        if kind != "no 1/m":
            dZ = dZ / m
        grads = []
        for i in range(len(params) - 1, -1, -1):
            A_prev, _ = cache[i]
            dW = A_prev.T @ dZ
            grads.append((dW / m if kind == "double 1/m" else dW, dZ.sum(axis=0)))
            if i:
                dA = dZ @ params[i][0].T
                Z_prev = cache[i - 1][1]
                if kind == "no g'":
                    dZ = dA
                elif kind == "g'(a)":
                    dZ = dA * gp(g(Z_prev))
                else:
                    dZ = dA * gp(Z_prev)
        return grads if kind == "not reversed" else grads[::-1]
    return impl


def _mlp_numerical(params: list, X: Array, y: Array, activation: str) -> list:
    work = [(W.copy(), b.copy()) for W, b in params]

    def J() -> float:
        out, _ = mlp.mlp_forward(X, work, activation=activation, output="sigmoid")
        return losses.binary_cross_entropy(out[:, 0], y)

    return [(gradcheck.numerical_gradient(J, W), gradcheck.numerical_gradient(J, b)) for W, b in work]


def _mlp_case(rng: np.random.Generator, sizes: list[int], m: int, activation: str, label: str) -> Case:
    params, cache, _, y = _net(rng, sizes, m, activation)
    return Case((params, cache, y), {"activation": activation}, label=label)


def _mlp_visible(rng: np.random.Generator) -> list[Case]:
    return [
        _mlp_case(rng, [2, 1], 4, "sigmoid", "one layer, 2 inputs -> 1 output (logistic regression), m = 4"),
        _mlp_case(rng, [3, 4, 3, 1], 5, "sigmoid",
                  "a 3-4-3-1 network with sigmoid hidden units (two hidden layers, the notes' example), m = 5, "
                  "activation='sigmoid'"),
        _mlp_case(rng, [2, 5, 1], 6, "tanh", "a 2-5-1 network, activation='tanh', m = 6"),
        _mlp_case(rng, [3, 4, 4, 1], 7, "relu", "a 3-4-4-1 network, activation='relu' (no pre-activation at 0), m = 7"),
    ]


def _mlp_hidden(rng: np.random.Generator) -> list:
    depth = int(rng.integers(1, 4))
    sizes = [int(s) for s in rng.integers(1, 6, depth)] + [1]
    m = int(rng.integers(1, 12))
    activation = str(rng.choice(HIDDEN_ACTIVATIONS))
    params, cache, X, y = _net(rng, sizes, m, activation)
    label = f"a random {'-'.join(map(str, sizes))} network, activation={activation!r}, m = {m}"
    return [
        _mlp_case(rng, sizes, m, activation, label),
        numeric_property(lambda: MLP_BACKWARD, label, (params, cache, y), {"activation": activation},
                         _mlp_numerical(params, X, y, activation)),
    ]


MLP_BACKWARD = Exercise(
    name="mlp_backward",
    signature="mlp_backward(params, cache, y, activation='sigmoid')",
    reference=_mlp_reference,
    visible=_mlp_visible,
    hidden=_mlp_hidden,
    arg_names=["params", "cache", "y"],
    mistakes=[
        Mistake("no g'", _mlp_mistake("no g'"),
                "a hidden layer's delta needs the activation's derivative: dZ = (dZ_next @ W_next.T) * g'(Z)"),
        Mistake("g'(a)", _mlp_mistake("g'(a)"),
                "evaluate g' at the pre-activation Z (cache[l][1]), not at the activation a = g(Z)"),
        Mistake("no 1/m", _mlp_mistake("no 1/m"),
                "the output delta of the mean loss is (a − y)/m: divide by the number of examples m"),
        Mistake("double 1/m", _mlp_mistake("double 1/m"),
                "the 1/m is already inside the delta: dW = A_prev.T @ dZ with no second division"),
        Mistake("broadcast y", _mlp_mistake("broadcast y"),
                "the output has shape (m, 1) but y has shape (m,): a − y broadcasts to (m, m). "
                "Reshape y first: y.reshape(-1, 1)"),
        Mistake("not reversed", _mlp_mistake("not reversed"),
                "return the gradients in layer order, first layer first (you built them from the last layer back)"),
        Mistake("always sigmoid", _mlp_mistake("always sigmoid"),
                "use the derivative of the `activation` you are given (tanh: 1 − tanh²(z), relu: 1 where z > 0)"),
    ],
)


# --- numerical_gradient(f, x, h=1e-6) ---------------------------------------------------------------

def _numgrad_mistake(kind: str) -> Callable[..., Array]:
    def impl(f: Callable[[], float], x: Array, h: float = 1e-6) -> Array:
        step = 1e-6 if kind == "ignored h" else h
        grad = np.zeros_like(x)
        if kind == "rows only":
            for i in range(len(x)):
                old = x[i].copy()
                x[i] = old + step
                plus = f()
                x[i] = old - step
                minus = f()
                x[i] = old
                grad[i] = (plus - minus) / (2 * step)
            return grad
        for idx in np.ndindex(x.shape):
            old = x[idx]
            if kind == "copy":
                xc = x.copy()
                xc[idx] = old + step
                plus = f()
                xc[idx] = old - step
                minus = f()
            elif kind == "arithmetic restore":
                x[idx] += step
                plus = f()
                x[idx] -= 2 * step
                minus = f()
                x[idx] += step
            else:
                x[idx] = old + step
                plus = f()
                if kind == "forward difference":
                    x[idx] = old
                    minus = f()
                else:
                    x[idx] = old - step
                    minus = f()
                if kind != "not restored":
                    x[idx] = old
            denominator = step if kind in ("forward difference", "h not 2h") else 2 * step
            grad[idx] = (plus - minus) / denominator
        return grad
    return impl


def _ng_setup(x0: Array, loss: Callable[[Array], float], h: float | None = None) -> Callable[[], Setup]:
    def make() -> Setup:
        x = np.array(x0, dtype=np.float64)
        return (lambda: loss(x), x), ({} if h is None else {"h": h}), {"x": x}
    return make


def _numgrad_visible(rng: np.random.Generator) -> list[Property]:
    X = rng.normal(0, 1, (5, 3))
    targets = rng.normal(0, 1, (5, 2))
    return [
        closure_property(lambda: NUMERICAL_GRADIENT,
                         "f() = W·x for the notes' W = [-0.8, 0.3] and x = [0.5, -0.2] (gradient x = [0.5, -0.2])",
                         _ng_setup(np.array([-0.8, 0.3]), lambda w: float(w @ np.array([0.5, -0.2])))),
        closure_property(lambda: NUMERICAL_GRADIENT,
                         "f() = sum(x³) at x = [1, -2, 0.5] with h = 0.1 (use the h you are given)",
                         _ng_setup(np.array([1.0, -2.0, 0.5]), lambda v: float(np.sum(v ** 3)), h=0.1)),
        closure_property(lambda: NUMERICAL_GRADIENT,
                         "x = W of shape (3, 2), f() = the mean squared error of tanh(X @ W) (visit every entry "
                         "of a 2-D x)",
                         _ng_setup(rng.normal(0, 1, (3, 2)),
                                   lambda W: float(0.5 * np.mean(np.sum((np.tanh(X @ W) - targets) ** 2, axis=1))))),
        closure_property(lambda: NUMERICAL_GRADIENT,
                         "f() = sum(sin(x)) at x = [0.1, 0.7, 1.3, 2.9, 3.3] (x must come back bit for bit)",
                         _ng_setup(np.array([0.1, 0.7, 1.3, 2.9, 3.3]), lambda v: float(np.sum(np.sin(v))))),
    ]


def _numgrad_hidden(rng: np.random.Generator) -> list[Property]:
    shape = tuple(int(s) for s in rng.integers(1, 5, size=rng.integers(1, 3)))
    x0 = rng.normal(0, 1, shape)
    c = rng.normal(0, 1, shape)
    h = float(rng.choice([1e-4, 0.01, 0.1]))
    return [
        closure_property(lambda: NUMERICAL_GRADIENT, f"f() = sum(c * exp(x) + x²) for x of shape {shape}",
                         _ng_setup(x0, lambda v: float(np.sum(c * np.exp(v) + v ** 2)))),
        closure_property(lambda: NUMERICAL_GRADIENT, f"f() = sum(c * x³) for x of shape {shape}, h = {h:g}",
                         _ng_setup(x0, lambda v: float(np.sum(c * v ** 3)), h=h)),
        closure_property(lambda: NUMERICAL_GRADIENT, f"f() = sum(c * exp(x) + x²) for x of shape {shape}, against "
                                                     "the exact gradient",
                         _ng_setup(x0, lambda v: float(np.sum(c * np.exp(v) + v ** 2))),
                         accept=lambda got, _: _accept_gradient(got, c * np.exp(x0) + 2 * x0)),
    ]


def _accept_gradient(got: Any, exact: Array) -> str | None:
    problem = compare(got, exact, rtol=_ANY, atol=_ANY)
    if problem is not None:
        return problem.reason
    error, _ = gradcheck.significant_relative_error(np.asarray(got, dtype=np.float64), exact)
    if error > gradcheck.GRADING_MAX_RELATIVE_ERROR:
        return f"relative error {error:.1e} against the exact gradient (above {gradcheck.GRADING_MAX_RELATIVE_ERROR:g})"
    return None


NUMERICAL_GRADIENT = Exercise(
    name="numerical_gradient",
    signature="numerical_gradient(f, x, h=1e-6)",
    reference=gradcheck.numerical_gradient,
    visible=_numgrad_visible,
    hidden=_numgrad_hidden,
    rtol=gradcheck.DIFFERENCE_RTOL,
    atol=gradcheck.DIFFERENCE_ATOL,
    may_mutate=True,
    mistakes=[
        Mistake("forward difference", _numgrad_mistake("forward difference"),
                "use the central difference (f(x + h) − f(x − h)) / 2h; a one-sided difference is off by O(h)"),
        Mistake("not restored", _numgrad_mistake("not restored"), _RESTORE_HINT),
        Mistake("arithmetic restore", _numgrad_mistake("arithmetic restore"), _RESTORE_BITS_HINT),
        Mistake("copy", _numgrad_mistake("copy"),
                "f() takes no argument and reads x itself: perturb the entries of x in place (and restore them), "
                "not a copy"),
        Mistake("h not 2h", _numgrad_mistake("h not 2h"), "divide by 2h: x + h and x − h are 2h apart"),
        Mistake("ignored h", _numgrad_mistake("ignored h"), "use the step `h` you are given, not a fixed one"),
        Mistake("rows only", _numgrad_mistake("rows only"),
                "for a 2-D x, x[i] is a whole row: visit every entry, e.g. `for idx in np.ndindex(x.shape)`"),
    ],
)


# --- relative_error(a, b) --------------------------------------------------------------------------

def _relerr_visible(rng: np.random.Generator) -> list[Case]:
    a = rng.normal(0, 1, (2, 3))
    b = a * (1 + rng.uniform(-1e-3, 1e-3, (2, 3)))
    b[1, 2] = a[1, 2] * 1.2
    return [
        Case((np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.3])),
             label="a = [1, 2, 3], b = [1, 2, 3.3]: the errors are [0, 0, 0.3/6.3], the largest is 0.047619"),
        Case((np.array([0.0, 0.0, 1e-9]), np.array([0.0, 0.0, 3e-9])),
             label="a = [0, 0, 1e-9], b = [0, 0, 3e-9]: where |a| + |b| is below 1e-8, divide by 1e-8 (so 0/0 "
                   "gives 0, and the last entry 2e-9/1e-8 = 0.2)"),
        Case((a, b), label="(2, 3) arrays, nearly equal except one entry: report the largest error"),
        Case((np.array([1.0, -1.0]), np.array([-1.0, 1.0])), label="a = [1, -1], b = [-1, 1]: opposite signs give 1"),
        Case((np.array([0.5, -0.2]), np.array([0.5000001, -0.2])), label="a = [0.5, -0.2], b = [0.5000001, -0.2]"),
    ]


def _relerr_hidden(rng: np.random.Generator) -> list[Case]:
    shape = tuple(int(s) for s in rng.integers(1, 6, size=rng.integers(1, 3)))
    a = rng.normal(0, 1, shape)
    b = a * (1 + rng.normal(0, 1e-2, shape))
    tiny_a, tiny_b = rng.uniform(0, 4e-9, shape), rng.uniform(0, 4e-9, shape)
    return [
        Case((a, b), label=f"random arrays of shape {shape}"),
        Case((tiny_a, tiny_b), label=f"tiny random arrays of shape {shape} (|a| + |b| below 1e-8)"),
        Case((a, rng.normal(0, 1, shape)), label=f"unrelated random arrays of shape {shape}"),
    ]


def _no_floor(a: Array, b: Array) -> float:
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))


RELATIVE_ERROR = Exercise(
    name="relative_error",
    signature="relative_error(a, b)",
    reference=gradcheck.relative_error,
    visible=_relerr_visible,
    hidden=_relerr_hidden,
    mistakes=[
        Mistake("no floor", _no_floor,
                "divide by max(1e-8, |a| + |b|): without the floor 0/0 gives nan where both gradients are 0"),
        Mistake("mean", lambda a, b: float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))),
                "report the *largest* entrywise error (np.max), not the mean: one wrong entry must show"),
        Mistake("floor added", lambda a, b: float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b) + 1e-8))),
                "the floor is max(1e-8, |a| + |b|), not |a| + |b| + 1e-8"),
        Mistake("max denominator",
                lambda a, b: float(np.max(np.abs(a - b) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(b))))),
                "the denominator is |a| + |b| (the CS231n formula), not max(|a|, |b|)"),
        Mistake("relative to a", lambda a, b: float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a)))),
                "divide by |a| + |b|, symmetric in a and b, not by |a| alone"),
        Mistake("norms", lambda a, b: float(np.linalg.norm(a - b) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(b))),
                "compare entry by entry and take the max: a ratio of norms hides one wrong entry among many"),
    ],
)


# --- gradient_check(f, params, grads) ---------------------------------------------------------------

def _gc_mistake(kind: str) -> Callable[..., Any]:
    def impl(f: Callable[[], float], params: list, grads: list) -> Any:
        errors = []
        for p, g in zip(params, grads):
            num = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + 1e-6
                plus = f()
                p[idx] = old - 1e-6
                minus = f()
                if kind != "not restored":
                    p[idx] = old
                num[idx] = (plus - minus) / 2e-6
            g = np.asarray(g, dtype=np.float64)
            if kind == "no floor":
                e = np.abs(g - num) / (np.abs(g) + np.abs(num))
            elif kind == "absolute":
                e = np.abs(g - num)
            elif kind == "itself":
                e = np.abs(g - g) / np.maximum(1e-8, 2 * np.abs(g))
            else:
                e = np.abs(g - num) / np.maximum(1e-8, np.abs(g) + np.abs(num))
            errors.append(e)
            if kind == "first only":
                break
        every = np.concatenate([e.ravel() for e in errors])
        if kind == "mean":
            return float(np.mean(every))
        if kind == "per parameter":
            return [float(np.max(e)) for e in errors]
        return float(np.max(every))
    return impl


def _gc_problem(rng: np.random.Generator) -> tuple[Array, Array, Array, Array, Array]:
    """A tanh layer whose gradient entries all exceed 1e-3 in size (so rounding never matters)."""
    while True:
        X = rng.normal(0, 1, (6, 3))
        Y = rng.normal(0, 1, (6, 2))
        W = rng.normal(0, 1, (3, 2))
        b = rng.normal(0, 0.5, 2)
        H = np.tanh(X @ W + b)
        dZ = (H - Y) / X.shape[0] * (1 - H ** 2)
        if min(np.abs(X.T @ dZ).min(), np.abs(dZ.sum(axis=0)).min()) > 1e-3:
            return X, Y, W, b, rng.normal(0, 1, (2, 2))


def _gc_setup(problem: tuple, change: str = "", unused: bool = False) -> Callable[[], Setup]:
    """f() = mean squared error of a tanh layer; ``change`` plants a wrong gradient."""
    X, Y, W0, b0, V0 = problem

    def make() -> Setup:
        W, b = W0.copy(), b0.copy()
        V = V0.copy()

        def f() -> float:
            H = np.tanh(X @ W + b)
            return float(0.5 * np.sum((H - Y) ** 2) / X.shape[0])

        H = np.tanh(X @ W + b)
        dZ = (H - Y) / X.shape[0] * (1 - H ** 2)
        dW, db = X.T @ dZ, dZ.sum(axis=0)
        if change == "dW entry":
            dW[1, 0] *= 3.0
        elif change == "db sign":
            db = -db
        params, grads, names = [W, b], [dW, db], {"W": W, "b": b}
        if unused:  # a parameter f() does not read: its gradient is exactly 0
            params.append(V)
            grads.append(np.zeros_like(V))
            names["V"] = V
        return (f, params, grads), {}, names
    return make


def _accept_small(got: Any, expected: Any) -> str | None:
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.floating, np.integer)) and not (
            isinstance(got, np.ndarray) and got.ndim == 0):
        return f"returned {describe(got)} ({type(got).__name__}); expected one number, the largest relative error"
    value = float(got)
    if not np.isfinite(value) or value > gradcheck.GRADING_MAX_RELATIVE_ERROR:
        return (f"returned {value:.3g} for gradients that are correct; expected a tiny relative error (at most "
                f"{gradcheck.GRADING_MAX_RELATIVE_ERROR:g}; ours is {float(expected):.1e})")
    return None


def _gc_visible(rng: np.random.Generator) -> list[Property]:
    problem = _gc_problem(rng)
    return [
        closure_property(lambda: GRADIENT_CHECK, "params = [W (3, 2), b (2,)] of a tanh layer with a squared error, "
                                                 "correct grads (expected: a tiny number)",
                         _gc_setup(problem), accept=_accept_small),
        closure_property(lambda: GRADIENT_CHECK, "the same layer, but dW[1, 0] is 3 times too large "
                                                 "(expected: about 0.5 = |3g − g| / (|3g| + |g|))",
                         _gc_setup(problem, "dW entry")),
        closure_property(lambda: GRADIENT_CHECK, "the same layer, but db has the wrong sign (expected: 1.0)",
                         _gc_setup(problem, "db sign")),
        closure_property(lambda: GRADIENT_CHECK, "params = [W, b, V] where f() does not use V (its gradient is "
                                                 "exactly 0), correct grads (expected: a tiny number)",
                         _gc_setup(problem, unused=True), accept=_accept_small),
    ]


def _gc_hidden(rng: np.random.Generator) -> list[Property]:
    problem = _gc_problem(rng)
    change = str(rng.choice(["dW entry", "db sign"]))
    return [
        closure_property(lambda: GRADIENT_CHECK, "a random tanh layer, correct grads", _gc_setup(problem),
                         accept=_accept_small),
        closure_property(lambda: GRADIENT_CHECK, f"a random tanh layer with a planted error ({change})",
                         _gc_setup(problem, change)),
    ]


GRADIENT_CHECK = Exercise(
    name="gradient_check",
    signature="gradient_check(f, params, grads)",
    reference=gradcheck.gradient_check,
    visible=_gc_visible,
    hidden=_gc_hidden,
    may_mutate=True,
    mistakes=[
        Mistake("first only", _gc_mistake("first only"), "check every parameter in `params`, not only the first"),
        Mistake("mean", _gc_mistake("mean"),
                "return the *largest* relative error over all entries of all parameters, not the mean"),
        Mistake("no floor", _gc_mistake("no floor"),
                "divide by max(1e-8, |analytic| + |numerical|): where both are 0 the floor avoids 0/0 = nan"),
        Mistake("absolute", _gc_mistake("absolute"),
                "return the *relative* error |a − n| / max(1e-8, |a| + |n|), not the absolute difference"),
        Mistake("itself", _gc_mistake("itself"),
                "compare `grads` with *numerical* gradients of f (central differences), not with themselves"),
        Mistake("per parameter", _gc_mistake("per parameter"),
                "return one number, the largest error over all parameters (e.g. max of the per-parameter errors)"),
        Mistake("not restored", _gc_mistake("not restored"), _RESTORE_HINT),
    ],
)


EXERCISES = {e.name: e for e in [SIGMOID_BCE_DELTA, SOFTMAX_CE_DELTA, MSE_IDENTITY_DELTA, DENSE_BACKWARD,
                                 MLP_BACKWARD, NUMERICAL_GRADIENT, RELATIVE_ERROR, GRADIENT_CHECK]}

check_sigmoid_bce_delta = SIGMOID_BCE_DELTA.check
check_softmax_ce_delta = SOFTMAX_CE_DELTA.check
check_mse_identity_delta = MSE_IDENTITY_DELTA.check
check_dense_backward = DENSE_BACKWARD.check
check_mlp_backward = MLP_BACKWARD.check
check_numerical_gradient = NUMERICAL_GRADIENT.check
check_relative_error = RELATIVE_ERROR.check
check_gradient_check = GRADIENT_CHECK.check
