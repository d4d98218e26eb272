"""Weight initializers for a dense layer ``Z = A_prev @ W + b``.

Each returns ``(W, b)`` with ``W.shape == (n_in, n_out)`` and a zero bias of shape
``(n_out,)``. ``n_in`` is the fan-in (the notes' M), ``n_out`` the fan-out.

=================  =============================  ===============================
name               distribution of W              variance
=================  =============================  ===============================
zeros              0                              0 (symmetry: never use for W)
uniform            U[-a, a]                       a^2 / 3
xavier_uniform     U[-r, r], r = sqrt(6/(in+out))  2 / (in + out)
xavier_normal      N(0, 2/(in+out))               2 / (in + out)
lecun_normal       N(0, 1/in)                     1 / in   (the notes' Var(w) = 1/M)
he_normal          N(0, 2/in)                     2 / in   (the notes' ReLU case)
he_uniform         U[-r, r], r = sqrt(6/in)       2 / in
=================  =============================  ===============================
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .validation import CourseInputError, check_rng

__all__ = [
    "INITIALIZERS", "get_initializer", "expected_variance",
    "zeros_init", "uniform_init", "xavier_uniform", "xavier_normal", "lecun_normal", "he_normal", "he_uniform",
]

Array = np.ndarray
Initializer = Callable[..., tuple[Array, Array]]


def _fans(n_in: object, n_out: object) -> tuple[int, int]:
    for name, n in (("n_in", n_in), ("n_out", n_out)):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise CourseInputError(f"`{name}` must be a positive integer, got {n!r}")
    return int(n_in), int(n_out)


def zeros_init(n_in: int, n_out: int, rng: np.random.Generator | None = None) -> tuple[Array, Array]:
    """All-zero weights: every hidden unit computes the same thing (lesson 08 shows why this fails)."""
    n_in, n_out = _fans(n_in, n_out)
    return np.zeros((n_in, n_out)), np.zeros(n_out)


def uniform_init(n_in: int, n_out: int, rng: np.random.Generator, a: float = 0.1) -> tuple[Array, Array]:
    """Weights from U[-a, a] (the notes' uniform initialization with a = 0.1)."""
    n_in, n_out = _fans(n_in, n_out)
    if not np.isfinite(a) or a <= 0:
        raise CourseInputError(f"`a` must be a positive number, got {a!r}")
    return check_rng(rng).uniform(-a, a, (n_in, n_out)), np.zeros(n_out)


def xavier_uniform(n_in: int, n_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """Glorot/Xavier uniform: U[-r, r] with ``r = sqrt(6 / (n_in + n_out))``."""
    n_in, n_out = _fans(n_in, n_out)
    r = np.sqrt(6.0 / (n_in + n_out))
    return check_rng(rng).uniform(-r, r, (n_in, n_out)), np.zeros(n_out)


def xavier_normal(n_in: int, n_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """Glorot/Xavier normal: N(0, 2 / (n_in + n_out))."""
    n_in, n_out = _fans(n_in, n_out)
    return check_rng(rng).normal(0.0, np.sqrt(2.0 / (n_in + n_out)), (n_in, n_out)), np.zeros(n_out)


def lecun_normal(n_in: int, n_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """LeCun normal: N(0, 1 / n_in), the notes' Var(w) = 1/M for identity-like activations."""
    n_in, n_out = _fans(n_in, n_out)
    return check_rng(rng).normal(0.0, np.sqrt(1.0 / n_in), (n_in, n_out)), np.zeros(n_out)


def he_normal(n_in: int, n_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """He/Kaiming normal: N(0, 2 / n_in), which keeps variance through ReLU layers."""
    n_in, n_out = _fans(n_in, n_out)
    return check_rng(rng).normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out)), np.zeros(n_out)


def he_uniform(n_in: int, n_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """He/Kaiming uniform: U[-r, r] with ``r = sqrt(6 / n_in)`` (variance 2 / n_in)."""
    n_in, n_out = _fans(n_in, n_out)
    r = np.sqrt(6.0 / n_in)
    return check_rng(rng).uniform(-r, r, (n_in, n_out)), np.zeros(n_out)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros_init,
    "uniform": uniform_init,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "lecun_normal": lecun_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}


def get_initializer(name: str) -> Initializer:
    """Return the registered initializer called ``name`` with a clear error if there is none."""
    if not isinstance(name, str) or name not in INITIALIZERS:
        raise CourseInputError(f"unknown initializer {name!r}; choose one of {sorted(INITIALIZERS)}")
    return INITIALIZERS[name]


def expected_variance(name: str, n_in: int, n_out: int, a: float = 0.1) -> float:
    """The variance of W's entries that initializer ``name`` should produce."""
    n_in, n_out = _fans(n_in, n_out)
    get_initializer(name)  # a clear error for an unknown name
    return {
        "zeros": 0.0,
        "uniform": a * a / 3.0,
        "xavier_uniform": 2.0 / (n_in + n_out),
        "xavier_normal": 2.0 / (n_in + n_out),
        "lecun_normal": 1.0 / n_in,
        "he_normal": 2.0 / n_in,
        "he_uniform": 2.0 / n_in,
    }[name]
