"""Checks for lesson 05, forward propagation.

Activations and their derivatives, softmax, the dense layer, the MLP forward pass and
the collapse of a purely linear stack into one layer.

Derivative checks never put an input on a kink (ReLU and leaky ReLU at 0, hardtanh at
±1, ELU at 0): there either one-sided derivative is correct, so a check there could
fail a correct answer. Hidden derivative checks also compare with central differences
of the course's activation (tolerances from :mod:`course.gradcheck`).
"""
from __future__ import annotations

import copy
import sys
from typing import Any, Callable, Sequence

import numpy as np

from .. import activations, gradcheck, layers, mlp
from .core import Case, Exercise, Mistake, Outcome, Property, describe

Array = np.ndarray
Check = Case | Property

# --- inputs -----------------------------------------------------------------------------

Z5 = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
"""Small inputs on both sides of 0, for the activations themselves (0 is fine there)."""

Z4 = np.array([-2.0, -0.5, 0.5, 2.0])
"""The same without 0, for derivatives (0 is a kink of ReLU, leaky ReLU and ELU)."""

LARGE = np.array([-1e4, -800.0, -20.0, 20.0, 800.0, 1e4])
"""|z| up to 1e4: exp(800) and exp(1e4) overflow to inf in float64."""

# The lecture notes' single-hidden-layer example, in row form: the notes' w_i^{l0} lists the
# weights leaving input i, so they are the rows of W1 (shape (3, 2)); w^{l1} is the column W2.
NOTES_X = np.array([[0.4, 0.2, 0.2]])
NOTES_W1 = np.array([[1.0, 0.5], [0.2, 1.2], [1.2, 0.1]])
NOTES_B1 = np.array([0.1, 0.2])
NOTES_W2 = np.array([[0.3], [0.9]])
NOTES_B2 = np.array([0.3])
NOTES_PARAMS = [(NOTES_W1, NOTES_B1), (NOTES_W2, NOTES_B2)]
NOTES_LABEL = ("the notes' network: x = (0.4, 0.2, 0.2), W1 rows (1.0, 0.5), (0.2, 1.2), (1.2, 0.1), "
               "b1 = (0.1, 0.2), W2 = (0.3, 0.9), b2 = 0.3")


def _random_shape(rng: np.random.Generator, max_ndim: int = 3, max_side: int = 6) -> tuple[int, ...]:
    return tuple(int(s) for s in rng.integers(1, max_side + 1, size=int(rng.integers(1, max_ndim + 1))))


def _away_from(rng: np.random.Generator, shape: tuple[int, ...], kinks: Sequence[float],
               low: float = -4.0, high: float = 4.0, gap: float = 0.05) -> Array:
    """Uniform values on [low, high] redrawn until none is within ``gap`` of a kink."""
    z = rng.uniform(low, high, shape)
    for _ in range(1000):
        near = np.zeros(z.shape, dtype=bool)
        for kink in kinks:
            near |= np.abs(z - kink) < gap
        if not near.any():
            return z
        z[near] = rng.uniform(low, high, int(near.sum()))
    raise RuntimeError("could not draw values away from the kinks")  # pragma: no cover


def _as_float_array(got: Any, shape: tuple[int, ...]) -> Array | str:
    """``got`` as a float array of ``shape``, or a sentence saying why it is not one."""
    if got is None:
        return "it returned None (did you forget `return`?)"
    if not isinstance(got, np.ndarray) and not np.isscalar(got):
        return f"it returned {describe(got)} ({type(got).__name__}), expected a numpy array"
    arr = np.asarray(got)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        return f"it returned an array of dtype {arr.dtype}, expected numbers"
    if arr.shape != shape:
        return f"it returned shape {arr.shape}, expected {shape}"
    return arr.astype(np.float64)


def _central_differences(name: str, forward: Callable[..., Array], z: Array, kwargs: dict[str, float],
                         label: str) -> Property:
    """Compare ``fn(z)`` with central differences of ``forward`` (kinks already avoided in ``z``)."""
    def test(fn: Callable[..., Any]) -> str | None:
        got = _as_float_array(fn(z.copy(), **kwargs), z.shape)
        if isinstance(got, str):
            return got
        h = gradcheck.STEP
        numerical = (forward(z + h, **kwargs) - forward(z - h, **kwargs)) / (2.0 * h)
        errors = np.abs(got - numerical) / np.maximum(1e-8, np.abs(got) + np.abs(numerical))
        errors = np.where(np.isnan(errors), np.inf, errors)
        worst = np.unravel_index(int(np.argmax(errors)), z.shape)
        if errors[worst] <= gradcheck.GRADING_MAX_RELATIVE_ERROR:
            return None
        where = list(int(i) for i in worst)
        return (f"{name}: at z{where} = {z[worst]:.6g} you returned {got[worst]:.10g}, but central differences "
                f"(f(z + h) - f(z - h)) / 2h give {numerical[worst]:.10g} (relative error {errors[worst]:.1e})\n"
                f"  check: {label}")
    return Property(label, test)


# --- the five activations -------------------------------------------------------------------

def _forward_hidden(params: Callable[[np.random.Generator], dict]) -> Callable[[np.random.Generator], list[Case]]:
    """Random shapes and values, a wide range, and |z| up to 1.1e4, with random k or alpha where there is one."""
    def hidden(rng: np.random.Generator) -> list[Case]:
        shape = _random_shape(rng)
        kw1, kw2 = params(rng), params(rng)
        return [
            Case((rng.normal(0, 3, shape),), kw1, label=f"a random array of shape {shape}"
                 + (f", {_kw(kw1)}" if kw1 else "")),
            Case((rng.uniform(-30, 30, int(rng.integers(5, 40))),), kw2, label="random z in [-30, 30]"
                 + (f", {_kw(kw2)}" if kw2 else "")),
            Case((LARGE * rng.uniform(1.0, 1.1),), kw1, label="|z| up to 1.1e4" + (f", {_kw(kw1)}" if kw1 else "")),
        ]
    return hidden


def _kw(kwargs: dict[str, float]) -> str:
    return ", ".join(f"{k} = {v:.4g}" for k, v in kwargs.items())


def _no_params(rng: np.random.Generator) -> dict:
    return {}


def _random_k(rng: np.random.Generator) -> dict:
    return {"k": float(rng.uniform(0.02, 0.5))}


def _random_alpha(rng: np.random.Generator) -> dict:
    return {"alpha": float(rng.uniform(0.2, 3.0))}


RELU = Exercise(
    name="relu",
    signature="relu(z)",
    reference=activations.relu,
    visible=lambda rng: [
        Case((Z5,), label="z = [-2, -0.5, 0, 0.5, 2]"),
        Case((rng.normal(0, 2, (3, 4)),), label="a (3, 4) array of z values"),
        Case((LARGE,), label="z = [-1e4, -800, -20, 20, 800, 1e4]"),
        Case((np.array(-3.0),), label="z = -3 (a 0-d array)"),
    ],
    hidden=_forward_hidden(_no_params),
    mistakes=[
        Mistake("np.max", lambda z: np.max(z, 0),
                "np.max(z, 0) is a reduction (the largest entry along axis 0); the elementwise maximum of z and 0 "
                "is np.maximum(z, 0)"),
        Mistake("derivative", lambda z: (z > 0).astype(float),
                "you returned 0/1, which is ReLU's derivative; ReLU keeps the value z itself where z > 0"),
        Mistake("abs", lambda z: np.abs(z), "negative inputs must become 0, not |z|"),
        Mistake("minimum", lambda z: np.minimum(z, 0.0),
                "you kept the negative part; ReLU keeps the positive part: max(0, z)"),
    ],
)


LEAKY_RELU = Exercise(
    name="leaky_relu",
    signature="leaky_relu(z, k=0.01)",
    reference=activations.leaky_relu,
    visible=lambda rng: [
        Case((Z5,), label="z = [-2, -0.5, 0, 0.5, 2] with the default k = 0.01"),
        Case((Z5,), {"k": 0.1}, label="z = [-2, -0.5, 0, 0.5, 2], k = 0.1 (the notes' max(0.1x, x))"),
        Case((rng.normal(0, 2, (3, 4)),), {"k": 0.2}, label="a (3, 4) array of z values, k = 0.2"),
        Case((LARGE,), {"k": 0.1}, label="z = [-1e4, -800, -20, 20, 800, 1e4], k = 0.1"),
    ],
    hidden=_forward_hidden(_random_k),
    mistakes=[
        Mistake("slope on positives", lambda z, k=0.01: np.minimum(z, k * z),
                "the small slope k belongs to the negative side: leaky(z) = z for z > 0 and k·z for z <= 0, "
                "which is max(z, k·z) for 0 < k < 1 (not min)"),
        Mistake("plain relu", lambda z, k=0.01: np.maximum(z, 0.0),
                "that is plain ReLU: a leaky ReLU keeps a small slope k·z for negative z instead of 0"),
        Mistake("k ignored", lambda z, k=0.01: np.where(z > 0, z, 0.01 * z),
                "you used 0.01 whatever k is: use the argument k that is passed in"),
    ],
)


def _tanh_naive(z: Array) -> Array:
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


TANH = Exercise(
    name="tanh",
    signature="tanh(z)",
    reference=activations.tanh,
    visible=lambda rng: [
        Case((Z5,), label="z = [-2, -0.5, 0, 0.5, 2]"),
        Case((rng.normal(0, 2, (3, 4)),), label="a (3, 4) array of z values"),
        Case((LARGE,), label="z = [-1e4, -800, -20, 20, 800, 1e4] (large |z|)"),
        Case((np.array(0.5),), label="z = 0.5 (a 0-d array)"),
    ],
    hidden=_forward_hidden(_no_params),
    mistakes=[
        Mistake("sigmoid", lambda z: 1.0 / (1.0 + np.exp(-z)),
                "that is the sigmoid (values in (0, 1)); tanh has values in (-1, 1): tanh(z) = 2σ(2z) - 1"),
        Mistake("2 sigmoid(z) - 1", lambda z: 2.0 / (1.0 + np.exp(-z)) - 1.0,
                "2σ(z) - 1 is tanh(z/2); the identity is tanh(z) = 2σ(2z) - 1"),
        Mistake("naive formula", _tanh_naive,
                "(e^z - e^-z) / (e^z + e^-z) overflows for |z| > 709 and inf / inf is nan: use np.tanh, or divide "
                "through by e^|z| so that only exp(-2|z|) <= 1 appears"),
        Mistake("one-sided formula", lambda z: (1.0 - np.exp(-2 * z)) / (1.0 + np.exp(-2 * z)),
                "(1 - e^(-2z)) / (1 + e^(-2z)) overflows for z < -354 (inf / inf is nan): use np.tanh, or "
                "exp(-2|z|) with the sign of z put back"),
    ],
)


def _elu_masked(z: Array, alpha: float = 1.0) -> Array:
    return z * (z > 0) + alpha * (np.exp(z) - 1.0) * (z <= 0)


ELU = Exercise(
    name="elu",
    signature="elu(z, alpha=1.0)",
    reference=activations.elu,
    visible=lambda rng: [
        Case((Z5,), label="z = [-2, -0.5, 0, 0.5, 2] with the default alpha = 1"),
        Case((Z5,), {"alpha": 0.5}, label="z = [-2, -0.5, 0, 0.5, 2], alpha = 0.5"),
        Case((rng.normal(0, 2, (3, 4)),), {"alpha": 2.0}, label="a (3, 4) array of z values, alpha = 2"),
        Case((LARGE,), label="z = [-1e4, -800, -20, 20, 800, 1e4] (large |z|)"),
    ],
    hidden=_forward_hidden(_random_alpha),
    mistakes=[
        Mistake("no alpha", lambda z, alpha=1.0: np.where(z > 0, z, np.exp(z) - 1.0),
                "you left out alpha: for z <= 0, ELU is alpha·(exp(z) - 1)"),
        Mistake("no -1", lambda z, alpha=1.0: np.where(z > 0, z, alpha * np.exp(z)),
                "for z <= 0 ELU is alpha·(exp(z) - 1): the -1 makes it continuous at 0 and saturate at -alpha"),
        Mistake("relu", lambda z, alpha=1.0: np.maximum(z, 0.0),
                "that is ReLU; ELU bends smoothly below 0 to alpha·(exp(z) - 1) instead of staying at 0"),
        Mistake("masks multiplied", _elu_masked,
                "multiplying by masks evaluates exp(z) everywhere: exp(1e4) is inf and inf·0 is nan. Select "
                "with np.where and keep exp's argument <= 0: alpha * (np.exp(np.minimum(z, 0)) - 1)"),
    ],
)


HARDTANH = Exercise(
    name="hardtanh",
    signature="hardtanh(z)",
    reference=activations.hardtanh,
    visible=lambda rng: [
        Case((np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0]),), label="z = [-3, -1, -0.5, 0, 0.5, 1, 3]"),
        Case((rng.normal(0, 2, (3, 4)),), label="a (3, 4) array of z values"),
        Case((LARGE,), label="z = [-1e4, -800, -20, 20, 800, 1e4]"),
        Case((np.array(-0.25),), label="z = -0.25 (a 0-d array)"),
    ],
    hidden=_forward_hidden(_no_params),
    mistakes=[
        Mistake("[0, 1]", lambda z: np.clip(z, 0.0, 1.0), "hardtanh clips to [-1, 1], not [0, 1]"),
        Mistake("tanh", lambda z: np.tanh(z),
                "that is the smooth tanh; hardtanh is piecewise linear: -1 below -1, z in between, 1 above 1"),
        Mistake("upper only", lambda z: np.minimum(z, 1.0),
                "you clipped only from above: values below -1 must become -1 too"),
        Mistake("sign", lambda z: np.sign(z), "sign(z) jumps from -1 to 1; hardtanh follows z between -1 and 1"),
    ],
)


# --- their derivatives --------------------------------------------------------------------

def _grad_hidden(name: str, forward: Callable[..., Array], kinks: Sequence[float],
                 params: Callable[[np.random.Generator], dict]) -> Callable[[np.random.Generator], list[Check]]:
    def hidden(rng: np.random.Generator) -> list[Check]:
        shape = _random_shape(rng)
        kw1, kw2, kw3 = params(rng), params(rng), params(rng)
        extra = lambda kw: f", {_kw(kw)}" if kw else ""  # noqa: E731
        wide = _away_from(rng, (int(rng.integers(5, 40)),), kinks, -30.0, 30.0)
        numeric = _away_from(rng, _random_shape(rng, 2, 8), kinks)
        return [
            Case((_away_from(rng, shape, kinks),), kw1, label=f"a random array of shape {shape}{extra(kw1)}"),
            Case((wide,), kw2, label=f"random z in [-30, 30]{extra(kw2)}"),
            Case((LARGE * rng.uniform(1.0, 1.1),), kw1, label=f"|z| up to 1.1e4{extra(kw1)}"),
            _central_differences(name, forward, numeric, kw3,
                                 f"the derivative of {name[:-5]} by central differences at random z in [-4, 4]"
                                 f"{extra(kw3)}"),
        ]
    return hidden


RELU_GRAD = Exercise(
    name="relu_grad",
    signature="relu_grad(z)",
    reference=activations.relu_grad,
    visible=lambda rng: [
        Case((Z4,), label="z = [-2, -0.5, 0.5, 2] (0 is left out: at the kink either one-sided slope is fine)"),
        Case((_away_from(rng, (3, 4), (0.0,)),), label="a (3, 4) array of z values (none at 0)"),
        Case((LARGE,), label="z = [-1e4, -800, -20, 20, 800, 1e4]"),
    ],
    hidden=_grad_hidden("relu_grad", activations.relu, (0.0,), _no_params),
    mistakes=[
        Mistake("relu itself", lambda z: np.maximum(z, 0.0),
                "you returned relu(z) itself; its derivative is 1 where z > 0 and 0 where z < 0"),
        Mistake("swapped", lambda z: (z < 0).astype(float),
                "you swapped the sides: the slope is 1 where z > 0 and 0 where z < 0"),
        Mistake("sign", lambda z: np.sign(z),
                "sign(z) is -1 for negative z, but ReLU is flat there: its slope is 0"),
        Mistake("ones", lambda z: np.ones_like(z),
                "the slope is 0 where z < 0 (ReLU is flat there), not 1 everywhere"),
    ],
)


LEAKY_RELU_GRAD = Exercise(
    name="leaky_relu_grad",
    signature="leaky_relu_grad(z, k=0.01)",
    reference=activations.leaky_relu_grad,
    visible=lambda rng: [
        Case((Z4,), label="z = [-2, -0.5, 0.5, 2] with the default k = 0.01"),
        Case((Z4,), {"k": 0.1}, label="z = [-2, -0.5, 0.5, 2], k = 0.1"),
        Case((_away_from(rng, (3, 4), (0.0,)),), {"k": 0.2}, label="a (3, 4) array of z values (none at 0), k = 0.2"),
        Case((LARGE,), {"k": 0.1}, label="z = [-1e4, -800, -20, 20, 800, 1e4], k = 0.1"),
    ],
    hidden=_grad_hidden("leaky_relu_grad", activations.leaky_relu, (0.0,), _random_k),
    mistakes=[
        Mistake("leaky itself", lambda z, k=0.01: np.where(z > 0, z, k * z),
                "you returned leaky_relu(z) itself; its derivative is 1 where z > 0 and k where z < 0"),
        Mistake("swapped", lambda z, k=0.01: np.where(z > 0, k, 1.0),
                "you swapped the slopes: 1 where z > 0, k where z < 0"),
        Mistake("relu slope", lambda z, k=0.01: (z > 0).astype(float),
                "that is ReLU's derivative: a leaky ReLU has slope k (not 0) where z < 0"),
        Mistake("k ignored", lambda z, k=0.01: np.where(z > 0, 1.0, 0.01),
                "you used 0.01 whatever k is: use the argument k that is passed in"),
    ],
)


TANH_GRAD = Exercise(
    name="tanh_grad",
    signature="tanh_grad(z)",
    reference=activations.tanh_grad,
    visible=lambda rng: [
        Case((Z5,), label="z = [-2, -0.5, 0, 0.5, 2]"),
        Case((rng.normal(0, 2, (3, 4)),), label="a (3, 4) array of z values"),
        Case((LARGE,), label="z = [-1e4, -800, -20, 20, 800, 1e4] (large |z|)"),
    ],
    hidden=_grad_hidden("tanh_grad", activations.tanh, (), _no_params),
    mistakes=[
        Mistake("1 - z^2", lambda z: 1.0 - z ** 2,
                "you squared z instead of tanh(z): tanh'(z) = 1 - tanh(z)²"),
        Mistake("not squared", lambda z: 1.0 - np.tanh(z), "square the tanh: tanh'(z) = 1 - tanh(z)²"),
        Mistake("sigmoid's", lambda z: (1.0 / (1.0 + np.exp(-z))) * (1.0 - 1.0 / (1.0 + np.exp(-z))),
                "that is the sigmoid's derivative σ(z)(1 - σ(z)); tanh's is 1 - tanh(z)²"),
        Mistake("plus", lambda z: 1.0 + np.tanh(z) ** 2, "mind the sign: tanh'(z) = 1 - tanh(z)²"),
    ],
)


def _elu_grad_masked(z: Array, alpha: float = 1.0) -> Array:
    return 1.0 * (z > 0) + alpha * np.exp(z) * (z <= 0)


ELU_GRAD = Exercise(
    name="elu_grad",
    signature="elu_grad(z, alpha=1.0)",
    reference=activations.elu_grad,
    visible=lambda rng: [
        Case((Z4,), label="z = [-2, -0.5, 0.5, 2] with the default alpha = 1"),
        Case((Z4,), {"alpha": 0.5}, label="z = [-2, -0.5, 0.5, 2], alpha = 0.5"),
        Case((_away_from(rng, (3, 4), (0.0,)),), {"alpha": 2.0}, label="a (3, 4) array of z values, alpha = 2"),
        Case((LARGE,), label="z = [-1e4, -800, -20, 20, 800, 1e4] (large |z|)"),
    ],
    hidden=_grad_hidden("elu_grad", activations.elu, (0.0,), _random_alpha),
    mistakes=[
        Mistake("no alpha", lambda z, alpha=1.0: np.where(z > 0, 1.0, np.exp(z)),
                "you left out alpha: for z < 0 the slope is alpha·exp(z)"),
        Mistake("elu itself", lambda z, alpha=1.0: np.where(z > 0, z, alpha * np.expm1(z)),
                "you returned elu(z) itself; its derivative is 1 for z > 0 and alpha·exp(z) for z < 0"),
        Mistake("kept -1", lambda z, alpha=1.0: np.where(z > 0, 1.0, alpha * np.expm1(z)),
                "the constant -1 has derivative 0: d/dz alpha·(exp(z) - 1) = alpha·exp(z)"),
        Mistake("no positive branch", lambda z, alpha=1.0: alpha * np.exp(z),
                "for z > 0, ELU is z, so its slope there is 1: alpha·exp(z) is only the z < 0 side"),
        Mistake("masks multiplied", _elu_grad_masked,
                "multiplying by masks evaluates exp(z) everywhere: exp(1e4) is inf and inf·0 is nan. Select "
                "with np.where and keep exp's argument <= 0: alpha * np.exp(np.minimum(z, 0))"),
    ],
)


HARDTANH_GRAD = Exercise(
    name="hardtanh_grad",
    signature="hardtanh_grad(z)",
    reference=activations.hardtanh_grad,
    visible=lambda rng: [
        Case((np.array([-3.0, -0.5, 0.0, 0.5, 3.0]),),
             label="z = [-3, -0.5, 0, 0.5, 3] (±1 are left out: at a kink either one-sided slope is fine)"),
        Case((_away_from(rng, (3, 4), (-1.0, 1.0)),), label="a (3, 4) array of z values (none at ±1)"),
        Case((LARGE,), label="z = [-1e4, -800, -20, 20, 800, 1e4]"),
    ],
    hidden=_grad_hidden("hardtanh_grad", activations.hardtanh, (-1.0, 1.0), _no_params),
    mistakes=[
        Mistake("hardtanh itself", lambda z: np.clip(z, -1.0, 1.0),
                "you returned hardtanh(z) itself; its derivative is 1 for -1 < z < 1 and 0 outside"),
        Mistake("swapped", lambda z: ((z < -1) | (z > 1)).astype(float),
                "you swapped inside and outside: the slope is 1 for -1 < z < 1 (where hardtanh(z) = z) and 0 "
                "where it is flat"),
        Mistake("[0, 1]", lambda z: ((z >= 0) & (z <= 1)).astype(float),
                "hardtanh's linear part is -1 <= z <= 1, not 0 <= z <= 1"),
        Mistake("tanh's", lambda z: 1.0 - np.tanh(z) ** 2,
                "that is the smooth tanh's derivative; hardtanh's slope is exactly 1 on (-1, 1) and 0 outside"),
        Mistake("ones", lambda z: np.ones_like(z), "hardtanh is flat outside [-1, 1]: its slope is 0 there"),
    ],
)


# --- softmax(Z) ---------------------------------------------------------------------------

def _softmax_rows(Z: Array, shift: Array | float) -> Array:
    e = np.exp(Z - shift)
    return e / e.sum(axis=1, keepdims=True)


SOFTMAX = Exercise(
    name="softmax",
    signature="softmax(Z)",
    reference=activations.softmax,
    visible=lambda rng: [
        Case((np.array([[1.0, 2.0, 3.0]]),), label="one example with logits [1, 2, 3]"),
        Case((np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 0.0], [2.0, 2.0, -2.0]]),),
             label="a batch of 3 examples × 3 classes [[1, 2, 3], [0.5, -1, 0], [2, 2, -2]]"),
        Case((rng.normal(0, 2, (4, 10)),),
             label="4 examples × 10 classes (the notes' MNIST output: 784 pixels → 10 digit scores)"),
        Case((np.array([[1e4, 0.0, -1e4]]),), label="logits [[1e4, 0, -1e4]] (large: is it stable?)"),
        Case((np.array([[1e4, 9999.0, 0.0], [0.0, 1.0, 2.0]]),),
             label="rows on very different scales [[1e4, 9999, 0], [0, 1, 2]]"),
    ],
    hidden=lambda rng: [
        *[Case((rng.normal(0, s, (int(m), int(k))),), label=f"random logits of shape ({m}, {k})")
          for m, k, s in zip(rng.integers(1, 9, 3), rng.integers(2, 11, 3), (1.0, 5.0, 30.0))],
        Case((np.stack([rng.normal(0, 1, 6) + 1e4, rng.normal(0, 1, 6), rng.normal(0, 1, 6) - 5e3]),),
             label="three rows centred at 1e4, 0 and -5e3"),
        Case((rng.uniform(-1e4, 1e4, (int(rng.integers(2, 6)), 4)),), label="logits uniform in [-1e4, 1e4]"),
    ],
    mistakes=[
        Mistake("wrong axis", lambda Z: (lambda e: e / e.sum(axis=0, keepdims=True))(
            np.exp(Z - Z.max(axis=0, keepdims=True))),
            "you normalised each column (axis=0); each row is one example, so sum over axis=1"),
        Mistake("no keepdims", lambda Z: (lambda e: e / e.sum(axis=1))(np.exp(Z - Z.max(axis=1))),
                "Z.sum(axis=1) has shape (m,), which broadcasts along the wrong axis: use keepdims=True "
                "(shape (m, 1)) for the row maximum and the row sum"),
        Mistake("whole array", lambda Z: (lambda e: e / e.sum())(np.exp(Z - Z.max(axis=1, keepdims=True))),
                "you divided by the sum of the whole array; each row must sum to 1 on its own (axis=1, keepdims=True)"),
        Mistake("not stable", lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True),
                "exp(1e4) overflows to inf and inf / inf is nan: subtract the row maximum first "
                "(softmax(z - c) = softmax(z) for any c)"),
        Mistake("global max", lambda Z: _softmax_rows(Z, Z.max()),
                "subtract each row's own maximum (Z.max(axis=1, keepdims=True)): with the maximum of the whole "
                "array, a row far below it underflows to all zeros and 0 / 0 is nan"),
    ],
)


# --- dense_forward(A_prev, W, b) --------------------------------------------------------------

def _layer(rng: np.random.Generator, m: int, n_in: int, n_out: int) -> tuple[Array, Array, Array]:
    return rng.normal(0, 1, (m, n_in)), rng.normal(0, 1, (n_in, n_out)), rng.normal(0, 1, n_out)


DENSE_FORWARD = Exercise(
    name="dense_forward",
    signature="dense_forward(A_prev, W, b)",
    reference=layers.dense_forward,
    visible=lambda rng: [
        Case(_layer(rng, 3, 3, 3),
             label="3 examples, 3 inputs → 3 units (A_prev, W of shape (3, 3), b of shape (3,))"),
        Case((NOTES_X, NOTES_W1, NOTES_B1),
             label="the notes' hidden layer: x = [[0.4, 0.2, 0.2]], W = [[1.0, 0.5], [0.2, 1.2], [1.2, 0.1]], "
                   "b = [0.1, 0.2] → Z = [[0.78, 0.66]]"),
        Case((rng.uniform(0, 1, (2, 784)), rng.normal(0, 0.05, (784, 10)), rng.normal(0, 1, 10)),
             label="2 images of 28×28 = 784 pixels → 10 classes (the notes' shapes)"),
    ],
    hidden=lambda rng: [
        Case(_layer(rng, m, n_in, n_out), label=f"A_prev of shape ({m}, {n_in}), W of shape ({n_in}, {n_out})")
        for m, n_in, n_out in (tuple(int(v) for v in rng.integers(1, 9, 3)) for _ in range(4))
    ],
    mistakes=[
        Mistake("W.T", lambda A, W, b: A @ W.T + b,
                "W already has shape (n_in, n_out): compute A_prev @ W (no transpose)"),
        Mistake("column form", lambda A, W, b: W @ A + b,
                "W @ A_prev is the notes' column form z = W a; with examples as rows it is A_prev @ W"),
        Mistake("no bias", lambda A, W, b: A @ W, "you left out the bias: Z = A_prev @ W + b"),
        Mistake("bias per example", lambda A, W, b: A @ W + b[:, None],
                "b has one entry per unit (column): A_prev @ W + b adds it to every row; b[:, None] adds it per "
                "example instead"),
        Mistake("activation applied", lambda A, W, b: 1.0 / (1.0 + np.exp(-(A @ W + b))),
                "dense_forward returns the pre-activation Z = A_prev @ W + b; the activation comes afterwards"),
    ],
)


# --- mlp_forward(X, params, activation="sigmoid", output="sigmoid") ----------------------------

HIDDEN_ACTIVATIONS = tuple(activations.ACTIVATIONS)
OUTPUTS = ("sigmoid", "softmax", "identity")


def _output(name: str, Z: Array) -> Array:
    return activations._softmax(Z) if name == "softmax" else activations.ACTIVATIONS[name].forward(Z)


def _forward_with(X: Array, params: list, hidden: Callable[[Array], Array], last: Callable[[Array], Array],
                  bias: bool = True) -> Array:
    A = X
    for i, (W, b) in enumerate(params):
        Z = A @ W + (b if bias else 0.0)
        A = last(Z) if i == len(params) - 1 else hidden(Z)
    return A


def _mlp_y_hat(X: Array, params: list, activation: str = "sigmoid", output: str = "sigmoid") -> Array:
    return mlp.mlp_forward(X, params, activation, output)[0]


def _mistake_output_everywhere(X, params, activation="sigmoid", output="sigmoid"):
    return _forward_with(X, params, lambda Z: _output(output, Z), lambda Z: _output(output, Z))


def _mistake_hidden_everywhere(X, params, activation="sigmoid", output="sigmoid"):
    g = activations.ACTIVATIONS[activation].forward
    return _forward_with(X, params, g, g)


def _mistake_no_output(X, params, activation="sigmoid", output="sigmoid"):
    return _forward_with(X, params, activations.ACTIVATIONS[activation].forward, lambda Z: Z)


def _mistake_always_sigmoid(X, params, activation="sigmoid", output="sigmoid"):
    return _forward_with(X, params, activations._sigmoid, lambda Z: _output(output, Z))


def _mistake_no_bias(X, params, activation="sigmoid", output="sigmoid"):
    return _forward_with(X, params, activations.ACTIVATIONS[activation].forward, lambda Z: _output(output, Z),
                         bias=False)


def _random_params(rng: np.random.Generator, sizes: Sequence[int], scale: float = 1.0) -> list[tuple[Array, Array]]:
    return [(rng.normal(0, scale / np.sqrt(a), (a, b)), rng.normal(0, 0.5, b)) for a, b in zip(sizes[:-1], sizes[1:])]


class _PairExercise(Exercise):
    """An exercise whose function returns ``(y_hat, cache)``; Cases grade ``y_hat`` only.

    The cache format is the student's business as long as it is what the lesson asks for;
    a separate, loose Property checks its length and shapes.
    """

    def run_case(self, fn: Callable[..., Any], case: Case) -> Outcome:
        returned: dict[str, Any] = {}

        def y_hat_only(*args: Any, **kwargs: Any) -> Any:
            out = _call_student(fn, *args, **kwargs)
            returned["out"] = out
            return out[0] if _is_pair(out) else _NotAPair()

        outcome = super().run_case(y_hat_only, case)
        if not outcome.passed and "out" in returned and not _is_pair(returned["out"]):
            outcome = Outcome(outcome.label, False, (
                f"{self.signature} must return a pair (y_hat, cache); it returned {_describe_return(returned['out'])}\n"
                f"  input:    {outcome.label}\n"
                f"  hint: end with `return A, cache`, where cache is the list of (A_prev, Z), one pair per layer"))
        return outcome


class HelperNotWrittenYet(Exception):
    """The student's function is written but calls another exercise that still raises NotImplementedError."""


def _call_student(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn``; tell "fn is a stub" apart from "fn calls relu, which is still a stub"."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        tb = sys.exc_info()[2]
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        code = tb.tb_frame.f_code if tb is not None else None
        if code is not None and code is not getattr(fn, "__code__", None):
            raise HelperNotWrittenYet(f"it calls `{code.co_name}`, which is not written yet: finish that exercise "
                                      f"first (or compute it inside this function)") from None
        raise


class _NotAPair:
    """Stands in for y_hat when the function did not return a pair."""


def _is_pair(out: Any) -> bool:
    return isinstance(out, (tuple, list)) and len(out) == 2


def _describe_return(out: Any) -> str:
    if isinstance(out, (tuple, list)):
        return f"a {type(out).__name__} of {len(out)} values"
    return describe(out)


def _cache_property(X: Array, params: list, activation: str, output: str, label: str) -> Property:
    def test(fn: Callable[..., Any]) -> str | None:
        out = _call_student(fn, X.copy(), copy.deepcopy(params), activation, output)
        if not _is_pair(out):
            return f"it must return a pair (y_hat, cache); it returned {_describe_return(out)}"
        cache = out[1]
        if not isinstance(cache, (list, tuple)) or len(cache) != len(params):
            return (f"the cache should be a list with one (A_prev, Z) pair per layer ({len(params)} layers here); "
                    f"got {_describe_return(cache) if isinstance(cache, (list, tuple)) else describe(cache)}")
        m = X.shape[0]
        for i, (entry, (W, _)) in enumerate(zip(cache, params)):
            if not _is_pair(entry):
                return f"cache[{i}] should be the pair (A_prev, Z) of layer {i}; got {_describe_return(entry)}"
            want = ((m, W.shape[0]), (m, W.shape[1]))
            got = (np.shape(entry[0]), np.shape(entry[1]))
            if got != want:
                return (f"cache[{i}] should be (A_prev, Z) of layer {i}, with shapes {want[0]} and {want[1]}; "
                        f"got shapes {got[0]} and {got[1]}")
        return None
    return Property(label, test)


def _mlp_visible(rng: np.random.Generator) -> list[Check]:
    X3 = rng.normal(0, 1, (4, 3))
    params3 = _random_params(rng, [3, 5, 4, 2])
    X_soft = rng.normal(0, 1, (5, 4))
    params_soft = _random_params(rng, [4, 6, 3], 2.0)
    X1 = rng.normal(0, 1, (6, 3))
    params1 = _random_params(rng, [3, 2], 2.0)
    return [
        Case((NOTES_X, NOTES_PARAMS), label=NOTES_LABEL + " (sigmoid everywhere)"),
        Case((X3, params3), {"activation": "tanh", "output": "identity"},
             label="4 examples through layers 3 → 5 → 4 → 2, activation='tanh', output='identity'"),
        Case((X_soft, params_soft), {"activation": "relu", "output": "softmax"},
             label="5 examples through layers 4 → 6 → 3, activation='relu', output='softmax'"),
        Case((X1, params1), {"activation": "relu", "output": "sigmoid"},
             label="one layer 3 → 2 (no hidden layer), activation='relu', output='sigmoid'"),
        _cache_property(X3, params3, "tanh", "identity",
                        "the cache holds one (A_prev, Z) pair per layer (layers 3 → 5 → 4 → 2)"),
    ]


def _mlp_hidden(rng: np.random.Generator) -> list[Check]:
    checks: list[Check] = []
    for output in OUTPUTS:
        depth = int(rng.integers(1, 5))
        sizes = [int(s) for s in rng.integers(1, 7, depth + 1)]
        if output == "softmax":
            sizes[-1] = max(sizes[-1], 2)
        m = int(rng.integers(1, 9))
        activation = str(rng.choice(HIDDEN_ACTIVATIONS))
        X, params = rng.normal(0, 1, (m, sizes[0])), _random_params(rng, sizes, float(rng.uniform(0.5, 3.0)))
        arrow = " → ".join(map(str, sizes))
        checks.append(Case((X, params), {"activation": activation, "output": output},
                           label=f"{m} random examples through layers {arrow}, activation={activation!r}, "
                                 f"output={output!r}"))
    depth = int(rng.integers(2, 5))
    sizes = [int(s) for s in rng.integers(2, 7, depth + 1)]
    X, params = rng.normal(0, 1, (3, sizes[0])), _random_params(rng, sizes)
    activation = str(rng.choice(HIDDEN_ACTIVATIONS))
    checks.append(_cache_property(X, params, activation, "sigmoid",
                                  f"the cache holds one (A_prev, Z) pair per layer ({' → '.join(map(str, sizes))})"))
    big = _random_params(rng, [3, 4, 5])
    big[-1] = (big[-1][0] * 1e4, big[-1][1])
    checks.append(Case((rng.normal(0, 1, (4, 3)), big), {"activation": "tanh", "output": "softmax"},
                       label="output logits of size ~1e4, activation='tanh', output='softmax' (stability)"))
    return checks


MLP_FORWARD = _PairExercise(
    name="mlp_forward",
    signature='mlp_forward(X, params, activation="sigmoid", output="sigmoid")',
    reference=_mlp_y_hat,
    visible=_mlp_visible,
    hidden=_mlp_hidden,
    mistakes=[
        Mistake("output everywhere", _mistake_output_everywhere,
                "you applied the output activation after the hidden layers too; hidden layers use `activation`, "
                "only the last layer uses `output`"),
        Mistake("hidden everywhere", _mistake_hidden_everywhere,
                "you applied the hidden `activation` after the last layer too; the last layer uses `output`"),
        Mistake("no output activation", _mistake_no_output,
                "you returned the last layer's Z: apply the `output` activation to it (sigmoid, softmax or identity)"),
        Mistake("always sigmoid", _mistake_always_sigmoid,
                "your hidden layers always use the sigmoid: look up the `activation` that is passed in"),
        Mistake("no bias", _mistake_no_bias, "you left out the biases: each layer computes A_prev @ W + b"),
        Mistake("squeezed", lambda *a, **k: np.squeeze(_mlp_y_hat(*a, **k)),
                "keep y_hat 2-D with shape (m, n_out), even when n_out = 1 or m = 1: don't squeeze or ravel it"),
        Mistake("raveled", lambda *a, **k: np.ravel(_mlp_y_hat(*a, **k)),
                "keep y_hat 2-D with shape (m, n_out), even when n_out = 1: don't squeeze or ravel it"),
    ],
    arg_names=("X", "params"),
)


# --- collapse_linear(params) ------------------------------------------------------------------

def _collapse_with(params: list, step: Callable[[Array, Array, Array, Array], tuple[Array, Array]]
                   ) -> tuple[Array, Array]:
    W, b = params[0]
    for W_next, b_next in params[1:]:
        W, b = step(W, b, W_next, b_next)
    return W, b


def _identity_stack_property(params: list, X: Array, label: str) -> Property:
    def test(fn: Callable[..., Any]) -> str | None:
        out = fn(copy.deepcopy(params))
        if not _is_pair(out):
            return f"it must return a pair (W, b); it returned {_describe_return(out)}"
        W, b = out
        if not isinstance(W, np.ndarray) or not isinstance(b, np.ndarray):
            return f"W and b must be numpy arrays; got {describe(W)} and {describe(b)}"
        want = mlp.mlp_forward(X, params, "identity", "identity")[0]
        try:
            got = X @ W + b
        except ValueError:
            return f"X @ W + b fails for X of shape {X.shape}, W of shape {W.shape}, b of shape {b.shape}"
        if got.shape != want.shape or not np.allclose(got, want, rtol=gradcheck.VALUE_RTOL, atol=1e-8):
            return ("one layer X @ W + b with your (W, b) does not reproduce the linear network's output "
                    f"on {X.shape[0]} random examples (layers {' → '.join(str(p[0].shape[0]) for p in params)} → "
                    f"{params[-1][0].shape[1]}, identity activations)")
        return None
    return Property(label, test)


def _unchanged_property(params: list, label: str) -> Property:
    def test(fn: Callable[..., Any]) -> str | None:
        mine = copy.deepcopy(params)
        fn(mine)
        for i, ((W0, b0), (W1, b1)) in enumerate(zip(params, mine)):
            if not (np.array_equal(W0, W1) and np.array_equal(b0, b1)):
                return (f"it changed params[{i}] in place; build new arrays instead "
                        f"(e.g. b = b @ W_next + b_next rather than b += ...)")
        return None
    return Property(label, test)


def _collapse_visible(rng: np.random.Generator) -> list[Check]:
    square = _random_params(rng, [3, 3, 3, 3])
    return [
        Case(([(np.array([[2.0]]), np.array([1.0])), (np.array([[3.0]]), np.array([0.5]))],),
             label="the notes' O2 = x w1 w2 + (b1 w2 + b2) with w1 = 2, b1 = 1, w2 = 3, b2 = 0.5 "
                   "(answer W = [[6]], b = [3.5])"),
        Case((square,), label="three layers 3 → 3 → 3 → 3"),
        Case((NOTES_PARAMS,), label="the notes' network 3 → 2 → 1 with every activation the identity"),
        Case(([(np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([0.25, -1.0]))],),
             label="a single layer (nothing to collapse: return it)"),
        _identity_stack_property(square, rng.normal(0, 1, (5, 3)),
                                 "one layer X @ W + b equals the identity-activation network 3 → 3 → 3 → 3"),
        _unchanged_property(square, "params are left unchanged"),
    ]


def _collapse_hidden(rng: np.random.Generator) -> list[Check]:
    checks: list[Check] = []
    for _ in range(3):
        depth = int(rng.integers(1, 6))
        sizes = [int(s) for s in rng.integers(1, 7, depth + 1)]
        checks.append(Case((_random_params(rng, sizes),), label=f"random layers {' → '.join(map(str, sizes))}"))
    sizes = [int(s) for s in rng.integers(1, 7, int(rng.integers(3, 6)))]
    params = _random_params(rng, sizes)
    checks.append(_identity_stack_property(params, rng.normal(0, 1, (int(rng.integers(1, 9)), sizes[0])),
                                           f"one layer equals the identity-activation network "
                                           f"{' → '.join(map(str, sizes))}"))
    checks.append(_unchanged_property(params, "params are left unchanged"))
    return checks


COLLAPSE_LINEAR = Exercise(
    name="collapse_linear",
    signature="collapse_linear(params)",
    reference=mlp.collapse_linear,
    visible=_collapse_visible,
    hidden=_collapse_hidden,
    mistakes=[
        Mistake("biases added", lambda p: _collapse_with(p, lambda W, b, Wn, bn: (W @ Wn, b + bn)),
                "a bias also passes through every later layer: b ← b @ W_next + b_next "
                "(the notes' b1 w2 + b2), not b + b_next"),
        Mistake("last bias only", lambda p: _collapse_with(p, lambda W, b, Wn, bn: (W @ Wn, bn)),
                "the earlier biases don't vanish: they are carried through the later layers, "
                "b ← b @ W_next + b_next (the notes' b1 w2 + b2)"),
        Mistake("no b_next", lambda p: _collapse_with(p, lambda W, b, Wn, bn: (W @ Wn, b @ Wn)),
                "add each later layer's own bias too: b ← b @ W_next + b_next (the notes' b1 w2 + b2)"),
        Mistake("reversed product", lambda p: _collapse_with(p, lambda W, b, Wn, bn: (Wn @ W, b @ Wn + bn)),
                "multiply the weights in layer order, W1 @ W2 @ ... (X meets W1 first): you multiplied them "
                "in reverse"),
    ],
    arg_names=("params",),
)


EXERCISES = {e.name: e for e in [RELU, LEAKY_RELU, TANH, ELU, HARDTANH, RELU_GRAD, LEAKY_RELU_GRAD, TANH_GRAD,
                                 ELU_GRAD, HARDTANH_GRAD, SOFTMAX, DENSE_FORWARD, MLP_FORWARD, COLLAPSE_LINEAR]}

check_relu = RELU.check
check_leaky_relu = LEAKY_RELU.check
check_tanh = TANH.check
check_elu = ELU.check
check_hardtanh = HARDTANH.check
check_relu_grad = RELU_GRAD.check
check_leaky_relu_grad = LEAKY_RELU_GRAD.check
check_tanh_grad = TANH_GRAD.check
check_elu_grad = ELU_GRAD.check
check_hardtanh_grad = HARDTANH_GRAD.check
check_softmax = SOFTMAX.check
check_dense_forward = DENSE_FORWARD.check
check_mlp_forward = MLP_FORWARD.check
check_collapse_linear = COLLAPSE_LINEAR.check
