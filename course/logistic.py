"""Logistic regression: the reference for lesson 01.

The lecture notes write one example as a column, ``f(x) = w^T x + b``. Here examples are
the rows of ``X`` (shape (m, n)), so all m scores at once are ``z = X @ w + b`` with ``w``
of shape (n,) and a scalar ``b``; the model is ``y_hat = sigmoid(z)`` and predicts 1 when
``y_hat >= 0.5``, i.e. when ``z >= 0``.

The loss is the mean binary cross-entropy (the notes' cost of one instance averaged over
the set); training is batch gradient descent from ``w = 0, b = 0``. Its gradient follows
from ``dL/dz = y_hat - y`` for one example (the sigmoid's derivative cancels against the
cross-entropy's), so ``dJ/dw = X.T @ (y_hat - y) / m`` and ``dJ/db = mean(y_hat - y)``.
"""
from __future__ import annotations

import numpy as np

from .activations import _sigmoid
from .losses import _bce
from .validation import CourseInputError, as_array, check_labels, check_same_shape

__all__ = ["predict_proba", "predict", "bce_loss", "logistic_gradients", "train_logistic_regression"]

Array = np.ndarray


def _check_model(X: object, w: object, b: object) -> tuple[Array, Array, float]:
    X = as_array(X, "X", ndim=2)
    w = as_array(w, "w", shape=(X.shape[1],))
    if isinstance(b, np.ndarray) and b.size == 1:
        b = b.reshape(())
    if isinstance(b, (bool, np.bool_)) or not isinstance(b, (int, float, np.number, np.ndarray)) or np.ndim(b) != 0:
        raise CourseInputError(f"`b` must be a single number, got {b!r}")
    if not np.isfinite(b):
        raise CourseInputError(f"`b` must be a finite number, got {b!r}")
    return X, w, float(b)


def _check_targets(y: object, m: int) -> Array:
    if m == 0:
        raise CourseInputError("`X` has no rows; gradients and training need at least one example")
    y = as_array(y, "y", shape=(m,))
    check_labels(y, "y", (0.0, 1.0))
    return y


def _check_training(lr: object, epochs: object) -> tuple[float, int]:
    if isinstance(lr, (bool, np.bool_)) or not isinstance(lr, (int, float, np.number)) or not np.isfinite(lr) or lr <= 0:
        raise CourseInputError(f"`lr` must be a positive number, got {lr!r}")
    if isinstance(epochs, (bool, np.bool_)) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise CourseInputError(f"`epochs` must be a non-negative integer, got {epochs!r}")
    return float(lr), int(epochs)


def predict_proba(X: Array, w: Array, b: float) -> Array:
    """Probability of class 1 for every example: ``sigmoid(X @ w + b)``.

    Parameters
    ----------
    X : ndarray of shape (m, n)
        One example per row.
    w : ndarray of shape (n,)
        Weights.
    b : float
        Bias.

    Returns
    -------
    ndarray of shape (m,)
        Entries in [0, 1]; stable for any finite score.
    """
    X, w, b = _check_model(X, w, b)
    return _sigmoid(X @ w + b)


def predict(X: Array, w: Array, b: float, threshold: float = 0.5) -> Array:
    """Class predictions in {0.0, 1.0}: 1 where ``predict_proba(X, w, b) >= threshold``.

    Parameters
    ----------
    X : ndarray of shape (m, n)
    w : ndarray of shape (n,)
    b : float
    threshold : float, default=0.5
        The notes' decision threshold; 0.5 is the same as ``X @ w + b >= 0``.

    Returns
    -------
    ndarray of shape (m,) with entries 0.0 or 1.0
    """
    return (predict_proba(X, w, b) >= threshold).astype(np.float64)


def bce_loss(y_hat: Array, y: Array) -> float:
    """Mean binary cross-entropy ``-mean(y log y_hat + (1 - y) log(1 - y_hat))``.

    Parameters
    ----------
    y_hat : ndarray of shape (m,)
        Predicted probabilities; clipped to ``[1e-15, 1 - 1e-15]`` so 0 and 1 give a finite loss.
    y : ndarray of shape (m,)
        Labels in {0, 1}.

    Returns
    -------
    float
    """
    y_hat = as_array(y_hat, "y_hat", ndim=1)
    y = as_array(y, "y", ndim=1)
    check_same_shape(y_hat, y, "y_hat", "y")
    if y.shape[0] == 0:
        raise CourseInputError("`y_hat` is empty; a loss needs at least one example")
    check_labels(y, "y", (0.0, 1.0))
    return _bce(y_hat, y)


def logistic_gradients(X: Array, y: Array, w: Array, b: float) -> tuple[Array, float]:
    """Gradient of the mean BCE of ``sigmoid(X @ w + b)`` against ``y``.

    Parameters
    ----------
    X : ndarray of shape (m, n)
    y : ndarray of shape (m,)
        Labels in {0, 1}.
    w : ndarray of shape (n,)
    b : float

    Returns
    -------
    dw : ndarray of shape (n,)
        ``X.T @ (y_hat - y) / m``.
    db : float
        ``mean(y_hat - y)``.
    """
    X, w, b = _check_model(X, w, b)
    y = _check_targets(y, X.shape[0])
    error = _sigmoid(X @ w + b) - y  # dL/dz for each example: the notes' delta = a - y
    return X.T @ error / X.shape[0], float(np.mean(error))


def train_logistic_regression(X: Array, y: Array, lr: float = 0.1,
                              epochs: int = 1000) -> tuple[Array, float, list[float]]:
    """Batch gradient descent on the mean BCE from ``w = 0, b = 0``.

    Every epoch computes both gradients at the current ``(w, b)`` (the notes' simultaneous
    update), then ``w -= lr * dw`` and ``b -= lr * db``.

    Parameters
    ----------
    X : ndarray of shape (m, n)
    y : ndarray of shape (m,)
        Labels in {0, 1}.
    lr : float, default=0.1
        Learning rate (the notes' alpha), positive.
    epochs : int, default=1000
        Number of full-batch updates.

    Returns
    -------
    w : ndarray of shape (n,)
    b : float
    losses : list of float, length ``epochs``
        The mean BCE *after* each epoch's update.
    """
    X = as_array(X, "X", ndim=2)
    y = _check_targets(y, X.shape[0])
    lr, epochs = _check_training(lr, epochs)
    m = X.shape[0]
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(epochs):
        error = _sigmoid(X @ w + b) - y
        w = w - lr * (X.T @ error) / m
        b = b - lr * float(np.mean(error))
        losses.append(_bce(_sigmoid(X @ w + b), y))
    return w, b, losses
