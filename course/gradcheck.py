"""Numerical gradient checking, and the one place where its tolerances live.

Central differences approximate each partial derivative with truncation error
O(h^2); the relative error between analytic and numerical gradients is judged with
CS231n's thresholds:

=========================  ===========================================================
relative error             verdict
=========================  ===========================================================
``<= CORRECT`` (1e-7)      correct
``<= NEAR_KINK`` (1e-4)    acceptable only if the check crossed a kink (ReLU, max ...)
``<= WRONG`` (1e-2)        suspicious: probably a bug
``> WRONG``                wrong
=========================  ===========================================================

Every test, self-check and autograder check in this repository takes its tolerances
from this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np

from .validation import CourseInputError, as_array, check_rng

__all__ = [
    "STEP", "CORRECT", "NEAR_KINK", "WRONG", "VALUE_RTOL", "VALUE_ATOL", "GRADIENT_RTOL",
    "GRADIENT_ATOL", "GRADING_MAX_RELATIVE_ERROR", "DIFFERENCE_RTOL", "DIFFERENCE_ATOL", "ROUNDING_ATOL",
    "numerical_gradient", "numerical_jacobian", "relative_error", "significant_relative_error", "verdict",
    "ParameterCheck", "GradientCheckReport", "check_gradients", "gradient_check", "directional_check",
    "crosses_kink",
]

Array = np.ndarray

STEP = 1e-6
"""Default finite-difference step ``h`` (the notes: "usually use h = 1e-6")."""

CORRECT = 1e-7
"""Relative error at or below which a gradient is correct."""

NEAR_KINK = 1e-4
"""Relative error still acceptable when the finite difference crossed a kink."""

WRONG = 1e-2
"""Relative error above which a gradient is certainly wrong."""

VALUE_RTOL = 1e-6
VALUE_ATOL = 1e-9
"""Tolerances for comparing computed values (outputs, losses) with the reference: loose
enough for any correct way of writing a formula in float64, tight enough for any mistake."""

GRADIENT_RTOL = 1e-6
GRADIENT_ATOL = 1e-9
"""Tolerances for comparing an analytic gradient with the reference analytic gradient."""

GRADING_MAX_RELATIVE_ERROR = 1e-5
"""Largest CS231n relative error the autograder accepts between a student's gradient and
central differences on smooth inputs (kinks avoided). Correct code gives about 1e-9 to
1e-7 here; every wrong gradient we know of gives more than 1e-3."""


ROUNDING_ATOL = 1e-8
"""Absolute differences below this between an analytic gradient and central differences are
rounding noise: with h = 1e-6 the difference quotient carries an error of about eps·|f|/h ≈
2e-10·|f|. The autograder ignores such entries (:func:`significant_relative_error`), where a
gradient entry of 1e-8 would otherwise turn noise into a "relative error" of 1e-2."""

DIFFERENCE_RTOL = 1e-5
DIFFERENCE_ATOL = 1e-7
"""Tolerances for comparing two central-difference results taken with the same ``h``
(a student's ``numerical_gradient`` against ours). Written in a different order they
differ only by rounding, about eps·|f|/h ≈ 1e-10; a wrong formula (one-sided, the
wrong ``h``, dividing by ``h`` instead of ``2h``) differs by far more on the checks'
curved functions and large steps."""


def _ensure_float_array(x: object, name: str) -> Array:
    if not isinstance(x, np.ndarray):
        raise CourseInputError(
            f"`{name}` must be a numpy array that f() reads (it is perturbed in place), got {type(x).__name__}"
        )
    if x.dtype != np.float64:
        raise CourseInputError(f"`{name}` must have dtype float64 to be perturbed by {STEP}, got {x.dtype}")
    return x


def _scalar(value: object, what: str) -> float:
    try:
        out = float(np.asarray(value).reshape(()))
    except (TypeError, ValueError):
        raise CourseInputError(f"{what} must return a single number, got {type(value).__name__}") from None
    return out


def numerical_gradient(f: Callable[[], float], x: Array, h: float = STEP) -> Array:
    """Central-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``f`` takes no argument and reads ``x``; each entry of ``x`` is perturbed in place
    by ``+h`` and ``-h`` and then restored exactly.

    Parameters
    ----------
    f : callable () -> float
    x : ndarray of float64, any shape
    h : float, default=STEP

    Returns
    -------
    ndarray, same shape as ``x``
    """
    x = _ensure_float_array(x, "x")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise CourseInputError("`x` must be contiguous so that it can be perturbed in place")
    for i in range(flat.size):
        old = flat[i]
        try:
            flat[i] = old + h
            plus = _scalar(f(), "f()")
            flat[i] = old - h
            minus = _scalar(f(), "f()")
        finally:
            flat[i] = old  # restore the exact bits (not old + h - h), even if f() failed
        gflat[i] = (plus - minus) / (2.0 * h)
    return grad


def numerical_jacobian(f: Callable[[Array], Array], x: Array, h: float = STEP) -> Array:
    """Central-difference Jacobian ``J[i, j] = d f_i / d x_j`` of ``f: (n,) -> (m,)``.

    Parameters
    ----------
    f : callable taking an array of shape (n,) and returning shape (m,)
    x : ndarray of shape (n,)
    h : float, default=STEP

    Returns
    -------
    ndarray of shape (m, n)
    """
    x = as_array(x, "x", ndim=1).copy()
    columns = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        plus = np.atleast_1d(as_array(f(x + e), "f(x)"))
        minus = np.atleast_1d(as_array(f(x - e), "f(x)"))
        columns.append((plus - minus) / (2.0 * h))
    return np.stack(columns, axis=1) if columns else np.zeros((0, 0))


def relative_error(a: Array, b: Array) -> float:
    """Largest entrywise relative error ``|a - b| / max(1e-8, |a| + |b|)`` (CS231n)."""
    a = as_array(a, "a", finite=False)
    b = as_array(b, "b", finite=False)
    if a.shape != b.shape:
        raise CourseInputError(f"cannot compare gradients of shapes {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def significant_relative_error(analytic: Array, numerical: Array) -> tuple[float, tuple[int, ...] | None]:
    """The largest CS231n relative error among entries that differ by more than :data:`ROUNDING_ATOL`.

    What the autograder compares with :data:`GRADING_MAX_RELATIVE_ERROR`: entries whose absolute
    difference is rounding noise do not count, however small the gradient there.

    Returns
    -------
    error : float
        0.0 when every entry agrees to within rounding.
    index : tuple of int or None
        Where that error occurs (None when it is 0).
    """
    a = as_array(analytic, "analytic", finite=False)
    n = as_array(numerical, "numerical", finite=False)
    if a.shape != n.shape:
        raise CourseInputError(f"cannot compare gradients of shapes {a.shape} and {n.shape}")
    with np.errstate(invalid="ignore"):
        diff = np.abs(a - n)
        significant = (diff > ROUNDING_ATOL) | ~np.isfinite(diff)  # NaN and inf always count
        entries = np.where(significant, diff / np.maximum(1e-8, np.abs(a) + np.abs(n)), 0.0)
    entries = np.where(np.isnan(entries), np.inf, entries)
    if entries.size == 0 or not np.any(entries > 0):
        return 0.0, None
    flat = int(np.argmax(entries))
    return float(entries.reshape(-1)[flat]), tuple(int(i) for i in np.unravel_index(flat, a.shape))


def verdict(error: float, near_kink: bool = False) -> str:
    """Name the CS231n category of a relative error."""
    if error <= CORRECT:
        return "correct"
    if error <= NEAR_KINK:
        return "acceptable (near a kink)" if near_kink else "suspicious: fine only if the check crossed a kink"
    if error <= WRONG:
        return "suspicious: probably a bug"
    return "wrong"


@dataclass(frozen=True)
class ParameterCheck:
    """The result of checking one parameter array."""

    name: str
    error: float
    worst_index: tuple[int, ...]
    analytic: float
    numerical: float

    @property
    def verdict(self) -> str:
        return verdict(self.error)


@dataclass(frozen=True)
class GradientCheckReport:
    """Per-parameter results of :func:`check_gradients`; the worst one localizes a bug."""

    parameters: tuple[ParameterCheck, ...]
    near_kink: bool = False

    @property
    def max_error(self) -> float:
        return max((p.error for p in self.parameters), default=0.0)

    @property
    def worst(self) -> ParameterCheck | None:
        return max(self.parameters, key=lambda p: p.error, default=None)

    @property
    def passed(self) -> bool:
        return self.max_error <= (NEAR_KINK if self.near_kink else CORRECT)

    def __str__(self) -> str:
        lines = [f"{'parameter':<12} {'rel. error':>11}  verdict"]
        for p in self.parameters:
            lines.append(f"{p.name:<12} {p.error:>11.2e}  {verdict(p.error, self.near_kink)}")
        worst = self.worst
        if worst is not None and worst.error > CORRECT:
            lines.append(
                f"worst entry: {worst.name}{list(worst.worst_index)}: analytic {worst.analytic:.6g}, "
                f"numerical {worst.numerical:.6g}"
            )
        return "\n".join(lines)


def check_gradients(
    f: Callable[[], float],
    params: Sequence[Array],
    grads: Sequence[Array],
    names: Iterable[str] | None = None,
    h: float = STEP,
    near_kink: bool = False,
) -> GradientCheckReport:
    """Compare analytic gradients with central differences, parameter by parameter.

    Parameters
    ----------
    f : callable () -> float
        Computes the loss from the arrays in ``params`` (which are perturbed in place).
    params : sequence of ndarray
    grads : sequence of ndarray
        Analytic gradients, each shaped like its parameter.
    names : iterable of str, optional
        Names for the report (default ``p0, p1, ...``).
    h : float, default=STEP
    near_kink : bool, default=False
        Whether the inputs are known to sit near a kink (changes only the verdict).

    Returns
    -------
    GradientCheckReport
    """
    for what, seq in (("params", params), ("grads", grads)):
        if not isinstance(seq, (list, tuple)):
            raise CourseInputError(f"`{what}` must be a list of arrays, got {type(seq).__name__}")
    params, grads = list(params), list(grads)
    if len(params) != len(grads):
        raise CourseInputError(f"got {len(params)} parameters but {len(grads)} gradients")
    names = list(names) if names is not None else [f"p{i}" for i in range(len(params))]
    results = []
    for name, p, g in zip(names, params, grads):
        g = as_array(g, f"gradient of {name}", finite=False)
        if g.shape != np.shape(p):
            raise CourseInputError(f"gradient of {name} has shape {g.shape} but {name} has shape {np.shape(p)}")
        num = numerical_gradient(f, p, h)
        err_entries = np.abs(g - num) / np.maximum(1e-8, np.abs(g) + np.abs(num))
        if err_entries.size == 0:
            results.append(ParameterCheck(name, 0.0, (), 0.0, 0.0))
            continue
        worst = np.unravel_index(int(np.nanargmax(np.where(np.isnan(err_entries), np.inf, err_entries))), g.shape)
        error = float(np.max(np.where(np.isnan(err_entries), np.inf, err_entries)))
        results.append(ParameterCheck(name, error, tuple(int(i) for i in worst), float(g[worst]), float(num[worst])))
    return GradientCheckReport(tuple(results), near_kink)


def gradient_check(f: Callable[[], float], params: Sequence[Array], grads: Sequence[Array],
                   h: float = STEP) -> float:
    """The largest relative error between ``grads`` and central differences of ``f``.

    The one-number summary of :func:`check_gradients` (lesson 07's ``gradient_check``):
    compare it with :data:`CORRECT`, :data:`NEAR_KINK` and :data:`WRONG`.

    Parameters
    ----------
    f : callable () -> float
        Computes the loss from the arrays in ``params`` (perturbed in place, restored exactly).
    params : sequence of ndarray
    grads : sequence of ndarray
        Analytic gradients, each shaped like its parameter.
    h : float, default=STEP

    Returns
    -------
    float
    """
    return check_gradients(f, params, grads, h=h).max_error


def directional_check(
    f: Callable[[], float],
    params: Sequence[Array],
    grads: Sequence[Array],
    rng: np.random.Generator,
    n_directions: int = 8,
    h: float = STEP,
) -> float:
    """Fast check for many parameters: compare directional derivatives along random directions.

    For a random unit direction ``d`` over all parameters at once, the analytic
    directional derivative ``<grad, d>`` must match ``(f(p + h d) - f(p - h d)) / 2h``.
    Costs ``2 * n_directions`` evaluations of ``f`` whatever the parameter count.

    Returns
    -------
    float
        The largest relative error over the directions.
    """
    check_rng(rng)
    params, grads = list(params), [as_array(g, "gradient", finite=False) for g in grads]
    for p, g in zip(params, grads):
        _ensure_float_array(p, "parameter")
        if g.shape != p.shape:
            raise CourseInputError(f"gradient shape {g.shape} does not match parameter shape {p.shape}")
    worst = 0.0
    for _ in range(n_directions):
        dirs = [rng.standard_normal(p.shape) for p in params]
        norm = np.sqrt(sum(float(np.sum(d * d)) for d in dirs)) or 1.0
        dirs = [d / norm for d in dirs]
        saved = [p.copy() for p in params]
        try:
            for p, d in zip(params, dirs):
                p += h * d
            plus = _scalar(f(), "f()")
            for p, s, d in zip(params, saved, dirs):
                p[...] = s - h * d
            minus = _scalar(f(), "f()")
        finally:
            for p, s in zip(params, saved):
                p[...] = s
        numerical = (plus - minus) / (2.0 * h)
        analytic = sum(float(np.sum(g * d)) for g, d in zip(grads, dirs))
        worst = max(worst, abs(analytic - numerical) / max(1e-8, abs(analytic) + abs(numerical)))
    return worst


def crosses_kink(pre_activations: Array, kinks: Sequence[float], h: float = STEP, scale: float = 1.0) -> bool:
    """Whether perturbing by ``h`` could move any pre-activation across a kink.

    ``scale`` bounds how much one parameter step moves a pre-activation (e.g. the
    largest input magnitude), so the test is ``|z - kink| < h * scale``.
    """
    z = as_array(pre_activations, "pre_activations", finite=False)
    return any(bool(np.any(np.abs(z - k) < h * max(scale, 1.0))) for k in kinks)
