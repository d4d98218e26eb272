"""Logistic regression: the reference for lesson 01.

``predict_proba(X, w, b) = sigmoid(X @ w + b)`` with ``X`` of shape (m, n), ``w`` of
shape (n,) and a scalar ``b``; the loss is the mean binary cross-entropy and training
is batch gradient descent from zeros.
"""
from __future__ import annotations

import numpy as np

from .activations import _sigmoid
from .losses import _bce
from .validation import CourseInputError, as_array, check_labels, check_same_shape

__all__ = ["predict_proba", "bce_loss", "logistic_gradients", "train_logistic_regression"]

Array = np.ndarray


def _check_model(X: object, w: object, b: object) -> tuple[Array, Array, float]:
    X = as_array(X, "X", ndim=2)
    w = as_array(w, "w", shape=(X.shape[1],))
    if isinstance(b, np.ndarray) and b.size == 1:
        b = b.reshape(())
    if isinstance(b, bool) or not isinstance(b, (int, float, np.number, np.ndarray)) or np.ndim(b) != 0:
        raise CourseInputError(f"`b` must be a single number, got {b!r}")
    return X, w, float(b)


def predict_proba(X: Array, w: Array, b: float) -> Array:
    """Probabilities ``sigmoid(X @ w + b)``, shape (m,)."""
    X, w, b = _check_model(X, w, b)
    return _sigmoid(X @ w + b)


def bce_loss(y_hat: Array, y: Array) -> float:
    """Mean binary cross-entropy of probabilities ``y_hat`` against labels ``y`` in {0, 1}, both (m,)."""
    y_hat = as_array(y_hat, "y_hat", ndim=1)
    y = as_array(y, "y", ndim=1)
    check_same_shape(y_hat, y, "y_hat", "y")
    check_labels(y, "y", (0.0, 1.0))
    return _bce(y_hat, y)


def logistic_gradients(X: Array, y: Array, w: Array, b: float) -> tuple[Array, float]:
    """Gradient of the mean BCE: ``dw = X.T @ (p - y) / m`` (shape (n,)), ``db = mean(p - y)`` (float)."""
    X, w, b = _check_model(X, w, b)
    y = as_array(y, "y", shape=(X.shape[0],))
    check_labels(y, "y", (0.0, 1.0))
    error = _sigmoid(X @ w + b) - y
    return X.T @ error / X.shape[0], float(np.mean(error))


def train_logistic_regression(X: Array, y: Array, lr: float = 0.1, epochs: int = 1000) -> tuple[Array, float, list[float]]:
    """Batch gradient descent from ``w = 0, b = 0``.

    Returns
    -------
    w : ndarray of shape (n,)
    b : float
    losses : list of float
        One per epoch: the mean BCE *after* that epoch's update.
    """
    X = as_array(X, "X", ndim=2)
    y = as_array(y, "y", shape=(X.shape[0],))
    check_labels(y, "y", (0.0, 1.0))
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(int(epochs)):
        error = _sigmoid(X @ w + b) - y
        w = w - lr * (X.T @ error) / X.shape[0]
        b = b - lr * float(np.mean(error))
        losses.append(_bce(_sigmoid(X @ w + b), y))
    return w, b, losses
