"""Activation functions and their derivatives.

Each activation is written right beside its derivative. The public functions check
their input (see :mod:`course.validation`); the registry :data:`ACTIVATIONS` holds the
unchecked kernels the MLP uses in its inner loop.

At a kink (ReLU, leaky ReLU and hardtanh at their corners, sign at 0) either one-sided
derivative is correct; we follow the lecture notes and take the right-hand one for
ReLU (``f'(0) = 1``).

All functions are vectorized: ``z`` may have any shape and the result has the same
shape, in float64.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .validation import CourseInputError, as_array

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation",
    "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad",
    "leaky_relu", "leaky_relu_grad", "elu", "elu_grad", "hardtanh", "hardtanh_grad",
    "sign", "sign_grad", "identity", "identity_grad", "softmax", "softmax_backward",
    "maxout", "maxout_backward",
]

Array = np.ndarray


# --- the kernels: forward beside backward, no input checks ---------------------------

def _sigmoid(z: Array) -> Array:
    # exp(-|z|) never overflows; the two branches are the same function written two ways.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_grad(z: Array) -> Array:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _tanh(z: Array) -> Array:
    return np.tanh(z)


def _tanh_grad(z: Array) -> Array:
    return 1.0 - np.tanh(z) ** 2


def _relu(z: Array) -> Array:
    return np.maximum(z, 0.0)


def _relu_grad(z: Array) -> Array:
    return (z >= 0).astype(np.float64)


def _leaky_relu(z: Array, k: float = 0.01) -> Array:
    return np.where(z >= 0, z, k * z)


def _leaky_relu_grad(z: Array, k: float = 0.01) -> Array:
    return np.where(z >= 0, 1.0, k)


def _elu(z: Array, alpha: float = 1.0) -> Array:
    # expm1 of the clipped value: accurate near 0 and never overflows for large z.
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def _elu_grad(z: Array, alpha: float = 1.0) -> Array:
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def _hardtanh(z: Array) -> Array:
    return np.clip(z, -1.0, 1.0)


def _hardtanh_grad(z: Array) -> Array:
    return ((z >= -1.0) & (z <= 1.0)).astype(np.float64)


def _sign(z: Array) -> Array:
    return np.sign(z).astype(np.float64)


def _sign_grad(z: Array) -> Array:
    return np.zeros_like(z, dtype=np.float64)


def _identity(z: Array) -> Array:
    return np.array(z, dtype=np.float64, copy=True)


def _identity_grad(z: Array) -> Array:
    return np.ones_like(z, dtype=np.float64)


def _softmax(z: Array) -> Array:
    # Subtracting the row maximum leaves softmax unchanged and keeps exp() <= 1.
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_backward(probs: Array, upstream: Array) -> Array:
    # Row-wise Jacobian-vector product: J = diag(p) - p p^T, so J^T g = p * (g - <g, p>).
    return probs * (upstream - np.sum(upstream * probs, axis=-1, keepdims=True))


@dataclass(frozen=True)
class Activation:
    """An elementwise activation and its derivative with respect to its input."""

    name: str
    forward: Callable[..., Array]
    grad: Callable[..., Array]
    kinks: tuple[float, ...] = field(default=())
    """Points where the derivative jumps; gradient checks must keep away from them."""


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation("sigmoid", _sigmoid, _sigmoid_grad),
        Activation("tanh", _tanh, _tanh_grad),
        Activation("relu", _relu, _relu_grad, kinks=(0.0,)),
        Activation("leaky_relu", _leaky_relu, _leaky_relu_grad, kinks=(0.0,)),
        Activation("elu", _elu, _elu_grad, kinks=(0.0,)),
        Activation("hardtanh", _hardtanh, _hardtanh_grad, kinks=(-1.0, 1.0)),
        Activation("sign", _sign, _sign_grad, kinks=(0.0,)),
        Activation("identity", _identity, _identity_grad),
    ]
}
"""Elementwise activations by name (softmax and maxout act on rows and groups: see below)."""


def get_activation(name: str) -> Activation:
    """Return the registered activation called ``name`` with a clear error if there is none."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise CourseInputError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]


# --- the checked public API ---------------------------------------------------------

def sigmoid(z: Array) -> Array:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, stable for any finite ``z``.

    Parameters
    ----------
    z : ndarray of any shape

    Returns
    -------
    ndarray, same shape as ``z``, entries in [0, 1].
    """
    return _sigmoid(as_array(z, "z"))


def sigmoid_grad(z: Array) -> Array:
    """Derivative ``sigmoid(z) * (1 - sigmoid(z))``, same shape as ``z``."""
    return _sigmoid_grad(as_array(z, "z"))


def tanh(z: Array) -> Array:
    """Hyperbolic tangent, same shape as ``z``, entries in [-1, 1]."""
    return _tanh(as_array(z, "z"))


def tanh_grad(z: Array) -> Array:
    """Derivative ``1 - tanh(z)**2``, same shape as ``z``."""
    return _tanh_grad(as_array(z, "z"))


def relu(z: Array) -> Array:
    """Rectified linear unit ``max(0, z)``, same shape as ``z``."""
    return _relu(as_array(z, "z"))


def relu_grad(z: Array) -> Array:
    """Derivative of ReLU: 1 where ``z >= 0`` else 0 (the notes' convention at 0)."""
    return _relu_grad(as_array(z, "z"))


def leaky_relu(z: Array, k: float = 0.01) -> Array:
    """Leaky ReLU ``max(z, k z)`` for ``0 < k < 1``, same shape as ``z``."""
    return _leaky_relu(as_array(z, "z"), k)


def leaky_relu_grad(z: Array, k: float = 0.01) -> Array:
    """Derivative of leaky ReLU: 1 where ``z >= 0`` else ``k``."""
    return _leaky_relu_grad(as_array(z, "z"), k)


def elu(z: Array, alpha: float = 1.0) -> Array:
    """Exponential linear unit: ``z`` for ``z > 0`` else ``alpha (exp(z) - 1)``."""
    return _elu(as_array(z, "z"), alpha)


def elu_grad(z: Array, alpha: float = 1.0) -> Array:
    """Derivative of ELU: 1 for ``z > 0`` else ``alpha exp(z)``."""
    return _elu_grad(as_array(z, "z"), alpha)


def hardtanh(z: Array) -> Array:
    """Hard tanh: ``z`` clipped to [-1, 1]."""
    return _hardtanh(as_array(z, "z"))


def hardtanh_grad(z: Array) -> Array:
    """Derivative of hardtanh: 1 on [-1, 1], 0 outside."""
    return _hardtanh_grad(as_array(z, "z"))


def sign(z: Array) -> Array:
    """Sign activation: -1, 0 or +1."""
    return _sign(as_array(z, "z"))


def sign_grad(z: Array) -> Array:
    """Derivative of sign: 0 everywhere it exists (which is why it cannot be trained by gradients)."""
    return _sign_grad(as_array(z, "z"))


def identity(z: Array) -> Array:
    """Identity activation (a copy of ``z``)."""
    return _identity(as_array(z, "z"))


def identity_grad(z: Array) -> Array:
    """Derivative of the identity: ones shaped like ``z``."""
    return _identity_grad(as_array(z, "z"))


def softmax(Z: Array) -> Array:
    """Row-wise softmax, stable for any finite logits.

    Parameters
    ----------
    Z : ndarray of shape (m, K) or (K,)
        Logits, one row per example.

    Returns
    -------
    ndarray, same shape as ``Z``; each row is positive and sums to 1.
    """
    return _softmax(as_array(Z, "Z", ndim=(1, 2)))


def softmax_backward(probs: Array, upstream: Array) -> Array:
    """Gradient through softmax: ``J^T upstream`` for each row.

    Parameters
    ----------
    probs : ndarray of shape (m, K)
        The softmax output.
    upstream : ndarray of shape (m, K)
        Gradient of the loss with respect to ``probs``.

    Returns
    -------
    ndarray of shape (m, K): gradient with respect to the logits.
    """
    probs = as_array(probs, "probs", ndim=(1, 2))
    upstream = as_array(upstream, "upstream", shape=probs.shape)
    return _softmax_backward(probs, upstream)


def maxout(Z: Array, pieces: int) -> Array:
    """Maxout: the maximum over groups of ``pieces`` consecutive pre-activations.

    ``max(w1.x + b1, w2.x + b2)`` in the notes is ``maxout(Z, 2)`` with the two
    affine maps side by side in the columns of ``Z``.

    Parameters
    ----------
    Z : ndarray of shape (m, units * pieces)
    pieces : int
        Number of affine pieces per unit.

    Returns
    -------
    ndarray of shape (m, units)
    """
    Z = as_array(Z, "Z", ndim=2)
    if not isinstance(pieces, (int, np.integer)) or pieces < 1 or Z.shape[1] % pieces:
        raise CourseInputError(f"`pieces` must be a positive integer dividing Z.shape[1] = {Z.shape[1]}, got {pieces!r}")
    return Z.reshape(Z.shape[0], -1, pieces).max(axis=2)


def maxout_backward(Z: Array, pieces: int, upstream: Array) -> Array:
    """Gradient through maxout: the max gate routes ``upstream`` to the winning piece.

    Parameters
    ----------
    Z : ndarray of shape (m, units * pieces)
    pieces : int
    upstream : ndarray of shape (m, units)

    Returns
    -------
    ndarray of shape (m, units * pieces)
    """
    out = maxout(Z, pieces)
    upstream = as_array(upstream, "upstream", shape=out.shape)
    grouped = Z.reshape(Z.shape[0], -1, pieces)
    winner = np.argmax(grouped, axis=2)  # ties go to the first piece: one valid subgradient
    grad = np.zeros_like(grouped)
    np.put_along_axis(grad, winner[..., None], upstream[..., None], axis=2)
    return grad.reshape(Z.shape)
