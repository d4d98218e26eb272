"""The dense (fully connected) layer ``Z = A_prev @ W + b``.

Examples are rows: ``A_prev.shape == (m, n_in)``, ``W.shape == (n_in, n_out)``,
``b.shape == (n_out,)``. The lecture notes write the column form ``z = W a + b``; the
two are transposes of each other (``W_rows = W_notes.T``).
"""
from __future__ import annotations

import numpy as np

from .activations import get_activation
from .initializers import get_initializer
from .validation import CourseInputError, as_array, check_rng

__all__ = ["dense_forward", "dense_backward", "Dense"]

Array = np.ndarray


def _check_layer(A_prev: object, W: object, b: object) -> tuple[Array, Array, Array]:
    W = as_array(W, "W", ndim=2)
    A_prev = as_array(A_prev, "A_prev", ndim=2)
    b = as_array(b, "b", shape=(W.shape[1],))
    if A_prev.shape[1] != W.shape[0]:
        raise CourseInputError(
            f"`A_prev` has {A_prev.shape[1]} columns but `W` has {W.shape[0]} rows; "
            f"W must have shape (n_in, n_out) = ({A_prev.shape[1]}, n_out)"
        )
    return A_prev, W, b


def dense_forward(A_prev: Array, W: Array, b: Array) -> Array:
    """Affine map of a batch: ``A_prev @ W + b``.

    Parameters
    ----------
    A_prev : ndarray of shape (m, n_in)
    W : ndarray of shape (n_in, n_out)
    b : ndarray of shape (n_out,)

    Returns
    -------
    Z : ndarray of shape (m, n_out)
    """
    A_prev, W, b = _check_layer(A_prev, W, b)
    return A_prev @ W + b


def dense_backward(dZ: Array, A_prev: Array, W: Array) -> tuple[Array, Array, Array]:
    """Backward pass of :func:`dense_forward` given ``dZ = dJ/dZ``.

    Parameters
    ----------
    dZ : ndarray of shape (m, n_out)
    A_prev : ndarray of shape (m, n_in)
    W : ndarray of shape (n_in, n_out)

    Returns
    -------
    dA_prev : ndarray of shape (m, n_in)
        ``dZ @ W.T``.
    dW : ndarray of shape (n_in, n_out)
        ``A_prev.T @ dZ``: the per-example gradients ``a_prev^T delta`` summed over the batch.
    db : ndarray of shape (n_out,)
        ``dZ.sum(axis=0)``.
    """
    W = as_array(W, "W", ndim=2)
    A_prev = as_array(A_prev, "A_prev", shape=(None, W.shape[0]))
    dZ = as_array(dZ, "dZ", shape=(A_prev.shape[0], W.shape[1]))
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


class Dense:
    """A dense layer with an elementwise activation, holding its parameters and gradients.

    Parameters
    ----------
    n_in, n_out : int
    activation : str, default="relu"
        A key of :data:`course.activations.ACTIVATIONS`.
    init : str, default="he_normal"
        A key of :data:`course.initializers.INITIALIZERS`.
    rng : numpy.random.Generator
    """

    def __init__(self, n_in: int, n_out: int, rng: np.random.Generator,
                 activation: str = "relu", init: str = "he_normal") -> None:
        self.activation = get_activation(activation)
        self.W, self.b = get_initializer(init)(n_in, n_out, rng=check_rng(rng))
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self._cache: tuple[Array, Array] | None = None

    def forward(self, A_prev: Array) -> Array:
        """Return ``g(A_prev @ W + b)`` and remember what backward needs."""
        A_prev = as_array(A_prev, "A_prev", shape=(None, self.W.shape[0]))
        Z = A_prev @ self.W + self.b
        self._cache = (A_prev, Z)
        return self.activation.forward(Z)

    def backward(self, dA: Array) -> Array:
        """Given ``dJ/dA`` for this layer's output, store ``dW, db`` and return ``dJ/dA_prev``."""
        if self._cache is None:
            raise CourseInputError("call forward() before backward()")
        A_prev, Z = self._cache
        dZ = as_array(dA, "dA", shape=Z.shape) * self.activation.grad(Z)
        self.dW = A_prev.T @ dZ
        self.db = dZ.sum(axis=0)
        return dZ @ self.W.T

    @property
    def params(self) -> list[Array]:
        return [self.W, self.b]

    @property
    def grads(self) -> list[Array]:
        return [self.dW, self.db]

    def __repr__(self) -> str:
        return f"Dense({self.W.shape[0]}, {self.W.shape[1]}, activation={self.activation.name!r})"
