"""Toy data sets generated in code, and the 8x8 digits bundled with scikit-learn.

Every generator takes ``rng: numpy.random.Generator`` and returns ``(X, y)`` with
``X.shape == (m, 2)`` in float64 and ``y.shape == (m,)``; binary labels are {0, 1}
unless ``signed=True`` asks for {-1, +1}. Nothing reads numpy's global random state.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import CourseInputError, check_rng

__all__ = [
    "truth_table_inputs", "GATES", "gate_dataset", "blobs", "xor", "circles", "moons", "spirals",
    "Digits", "load_digits",
]

Array = np.ndarray

GATES: dict[str, callable] = {
    "AND": lambda a, b: a * b,
    "OR": lambda a, b: np.maximum(a, b),
    "NAND": lambda a, b: 1.0 - a * b,
    "NOR": lambda a, b: (1.0 - a) * (1.0 - b),
    "XOR": lambda a, b: np.abs(a - b),
    "XNOR": lambda a, b: 1.0 - np.abs(a - b),
}
"""Boolean functions of two {0, 1} inputs, as arithmetic on arrays."""


def _positive_int(n: object, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise CourseInputError(f"`{name}` must be a positive integer, got {n!r}")
    return int(n)


def _labels(y: Array, signed: bool) -> Array:
    return 2.0 * y - 1.0 if signed else y


def truth_table_inputs(n_inputs: int = 2) -> Array:
    """All ``2**n`` binary input rows in counting order, first input most significant.

    Returns
    -------
    ndarray of shape (2**n_inputs, n_inputs): rows 00, 01, 10, 11 for n = 2.
    """
    n = _positive_int(n_inputs, "n_inputs")
    rows = np.arange(2**n)[:, None]
    return ((rows >> np.arange(n - 1, -1, -1)) & 1).astype(np.float64)


def gate_dataset(name: str, signed: bool = False) -> tuple[Array, Array]:
    """The four-row truth table of a two-input gate from :data:`GATES`."""
    if name not in GATES:
        raise CourseInputError(f"unknown gate {name!r}; choose one of {sorted(GATES)}")
    X = truth_table_inputs(2)
    return X, _labels(GATES[name](X[:, 0], X[:, 1]), signed)


def blobs(
    rng: np.random.Generator, m: int = 200, separation: float = 3.0, spread: float = 1.0, signed: bool = False
) -> tuple[Array, Array]:
    """Two Gaussian blobs; linearly separable when ``separation`` is large against ``spread``."""
    check_rng(rng)
    m = _positive_int(m, "m")
    y = (np.arange(m) % 2).astype(np.float64)
    centers = np.where(y[:, None] == 1, separation / 2, -separation / 2) * np.array([1.0, 1.0]) / np.sqrt(2)
    X = centers + spread * rng.standard_normal((m, 2))
    order = rng.permutation(m)
    return X[order], _labels(y[order], signed)


def xor(rng: np.random.Generator, m: int = 200, noise: float = 0.15, signed: bool = False) -> tuple[Array, Array]:
    """Noisy copies of the four XOR corners (0/1 inputs), label = x1 XOR x2."""
    check_rng(rng)
    m = _positive_int(m, "m")
    corners = truth_table_inputs(2)[np.arange(m) % 4]
    y = np.abs(corners[:, 0] - corners[:, 1])
    X = corners + noise * rng.standard_normal((m, 2))
    order = rng.permutation(m)
    return X[order], _labels(y[order], signed)


def circles(
    rng: np.random.Generator, m: int = 200, noise: float = 0.08, factor: float = 0.5, signed: bool = False
) -> tuple[Array, Array]:
    """An inner circle (label 1) inside an outer circle (label 0)."""
    check_rng(rng)
    m = _positive_int(m, "m")
    y = (np.arange(m) % 2).astype(np.float64)
    angle = rng.uniform(0.0, 2 * np.pi, m)
    radius = np.where(y == 1, factor, 1.0)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]) + noise * rng.standard_normal((m, 2))
    return X, _labels(y, signed)


def moons(rng: np.random.Generator, m: int = 200, noise: float = 0.1, signed: bool = False) -> tuple[Array, Array]:
    """Two interleaving half circles."""
    check_rng(rng)
    m = _positive_int(m, "m")
    y = (np.arange(m) % 2).astype(np.float64)
    t = rng.uniform(0.0, np.pi, m)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y[:, None] == 0, upper, lower) + noise * rng.standard_normal((m, 2))
    return X, _labels(y, signed)


def spirals(
    rng: np.random.Generator, m: int = 300, n_classes: int = 3, noise: float = 0.2
) -> tuple[Array, Array]:
    """``n_classes`` interleaved spiral arms (CS231n's classic); labels 0..n_classes-1."""
    check_rng(rng)
    m = _positive_int(m, "m")
    k = _positive_int(n_classes, "n_classes")
    y = (np.arange(m) % k).astype(np.float64)
    r = rng.uniform(0.05, 1.0, m)
    theta = y * (2 * np.pi / k) + 4.0 * r + noise * rng.standard_normal(m)
    X = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    return X, y


@dataclass(frozen=True)
class Digits:
    """scikit-learn's bundled 8x8 digits: ``X`` (1797, 64) in [0, 16], labels 0..9."""

    X: Array
    y: Array
    images: Array


def load_digits(scale: bool = True) -> Digits:
    """Load the 8x8 digits shipped inside scikit-learn (no download).

    Parameters
    ----------
    scale : bool, default=True
        Divide pixel values by 16 so that inputs lie in [0, 1].
    """
    from sklearn.datasets import load_digits as _sk_load_digits  # imported lazily: it is slow

    data = _sk_load_digits()
    X = data.data.astype(np.float64)
    return Digits(X / 16.0 if scale else X, data.target.astype(np.float64), data.images.astype(np.float64))
