"""The perceptron: the reference for lesson 02.

A perceptron outputs ``step(w . x + b)``: 1 when the score is strictly positive, else 0
(the notes: output 0 if ``w . x + b <= 0``). Treating the bias as the weight ``theta_0`` of
a constant feature ``x_0 = 1`` (:func:`add_bias_feature`) folds ``w`` and ``b`` into one
vector ``theta = (b, w_1, ..., w_n)`` and the score into ``theta . x``; for the rows of
``X`` that is ``X @ theta``.

Three learning procedures from the notes:

* :func:`perceptron_update` — one step of ``theta <- theta + alpha (y - h(x)) x`` with
  labels in {0, 1};
* :func:`online_perceptron` — labels in {-1, +1}; a mistake is ``y theta . x <= 0`` and is
  corrected at once by ``theta <- theta + y x``;
* :func:`batch_perceptron` — the average correction of a whole epoch is applied once.

Both training loops start from ``theta = 0`` and visit the examples in the given order,
so they are deterministic.
"""
from __future__ import annotations

import numpy as np

from .validation import CourseInputError, as_array, check_labels

__all__ = ["step", "add_bias_feature", "perceptron_predict", "perceptron_update", "online_perceptron",
           "batch_perceptron", "count_mistakes"]

Array = np.ndarray


# --- checks --------------------------------------------------------------------------

def _number(value: object, name: str, *, positive: bool = False, nonnegative: bool = False) -> float:
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)) or not np.isfinite(value):
        raise CourseInputError(f"`{name}` must be a finite number, got {value!r}")
    if positive and value <= 0:
        raise CourseInputError(f"`{name}` must be positive, got {value!r}")
    if nonnegative and value < 0:
        raise CourseInputError(f"`{name}` must not be negative, got {value!r}")
    return float(value)


def _epochs(value: object, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise CourseInputError(f"`{name}` must be a positive integer, got {value!r}")
    return int(value)


def _signed_data(X: object, y: object) -> tuple[Array, Array]:
    X = as_array(X, "X", ndim=2)
    if X.shape[0] == 0:
        raise CourseInputError("`X` has no rows; the perceptron needs at least one example")
    y = as_array(y, "y", shape=(X.shape[0],))
    check_labels(y, "y", (-1.0, 1.0))
    return X, y


# --- the model -----------------------------------------------------------------------

def step(z: Array) -> Array:
    """The perceptron's activation: 1.0 where ``z > 0``, else 0.0 (so ``step(0) = 0``).

    Parameters
    ----------
    z : ndarray of any shape

    Returns
    -------
    ndarray of float64, same shape as ``z``
    """
    z = as_array(z, "z")
    return (z > 0).astype(np.float64)


def add_bias_feature(X: Array) -> Array:
    """Prepend the constant feature ``x_0 = 1`` so that the bias becomes the weight ``theta_0``.

    Parameters
    ----------
    X : ndarray of shape (m, n) or (n,)

    Returns
    -------
    ndarray of shape (m, n + 1) (or (n + 1,)): ``[1, x_1, ..., x_n]`` in every row.
    """
    X = as_array(X, "X", ndim=(1, 2))
    if X.ndim == 1:
        return np.concatenate([[1.0], X])
    return np.column_stack([np.ones(X.shape[0]), X])


def perceptron_predict(X: Array, theta: Array) -> Array:
    """The perceptron's outputs for every example: ``step(X @ theta)``.

    Parameters
    ----------
    X : ndarray of shape (m, n + 1)
        Examples as rows, bias feature first.
    theta : ndarray of shape (n + 1,)

    Returns
    -------
    ndarray of shape (m,) with entries 0.0 or 1.0
    """
    X = as_array(X, "X", ndim=2)
    theta = as_array(theta, "theta", shape=(X.shape[1],))
    return (X @ theta > 0).astype(np.float64)


def count_mistakes(X: Array, y: Array, theta: Array) -> int:
    """How many examples ``theta`` gets wrong in the online perceptron's sense.

    Parameters
    ----------
    X : ndarray of shape (m, n + 1)
        Examples as rows, bias feature first.
    y : ndarray of shape (m,)
        Labels in {-1, +1}.
    theta : ndarray of shape (n + 1,)

    Returns
    -------
    int
        The number of rows with ``y_i theta . x_i <= 0`` (a point on the boundary counts).
    """
    X, y = _signed_data(X, y)
    theta = as_array(theta, "theta", shape=(X.shape[1],))
    return int(np.sum(y * (X @ theta) <= 0))


# --- learning --------------------------------------------------------------------------

def perceptron_update(theta: Array, x: Array, y: float, lr: float = 1.0) -> Array:
    """One step of the perceptron rule ``theta + lr (y - h) x`` with ``h = step(theta . x)``.

    Parameters
    ----------
    theta : ndarray of shape (n + 1,)
        Current weights, ``theta[0]`` being the bias weight.
    x : ndarray of shape (n + 1,)
        One example with the bias feature first (``x[0] == 1``).
    y : {0, 1}
        Its label.
    lr : float, default=1.0
        Learning rate (the notes' alpha).

    Returns
    -------
    ndarray of shape (n + 1,)
        A new array; ``theta`` is not modified. Unchanged when the output is right,
        ``theta + lr x`` when it was too low (h = 0, y = 1), ``theta - lr x`` when too high.
    """
    theta = as_array(theta, "theta", ndim=1)
    x = as_array(x, "x", shape=theta.shape)
    label = _number(y, "y")
    if label not in (0.0, 1.0):
        raise CourseInputError(f"label `y` must be in {{0, 1}} here; found {label:g}")
    lr = _number(lr, "lr", positive=True)
    h = 1.0 if float(theta @ x) > 0 else 0.0
    return theta + lr * (label - h) * x


def online_perceptron(X: Array, y: Array, max_epochs: int = 100) -> tuple[Array, list[int]]:
    """The notes' online perceptron, one pass over the examples per epoch.

    ``theta`` starts at zeros; for each example in order, if ``y_i theta . x_i <= 0`` (a
    mistake, including a point on the boundary) then ``theta <- theta + y_i x_i``. Training
    stops after the first epoch without a mistake, or after ``max_epochs``.

    Parameters
    ----------
    X : ndarray of shape (m, n + 1)
        Examples as rows, bias feature first.
    y : ndarray of shape (m,)
        Labels in {-1, +1}.
    max_epochs : int, default=100

    Returns
    -------
    theta : ndarray of shape (n + 1,)
    mistakes_per_epoch : list of int
        Mistakes in each epoch; it ends with the first 0, unless ``max_epochs`` ran out.
    """
    X, y = _signed_data(X, y)
    max_epochs = _epochs(max_epochs, "max_epochs")
    theta = np.zeros(X.shape[1])
    mistakes_per_epoch: list[int] = []
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            if y_i * (theta @ x_i) <= 0:
                theta = theta + y_i * x_i
                mistakes += 1
        mistakes_per_epoch.append(mistakes)
        if mistakes == 0:
            break
    return theta, mistakes_per_epoch


def batch_perceptron(X: Array, y: Array, lr: float = 1.0, eps: float = 1e-6,
                     max_epochs: int = 1000) -> tuple[Array, int]:
    """The notes' batch perceptron: one averaged update per epoch.

    Each epoch, with ``theta`` fixed, ``Delta = sum of y_i x_i over the mistakes / n`` (``n``
    counts all examples); then ``theta <- theta + lr Delta``. It stops after the epoch in
    which ``||Delta||_2 < eps``, or after ``max_epochs``.

    Parameters
    ----------
    X : ndarray of shape (n, d + 1)
        Examples as rows, bias feature first.
    y : ndarray of shape (n,)
        Labels in {-1, +1}.
    lr : float, default=1.0
        Learning rate (the notes' alpha). From ``theta = 0`` it only scales ``theta``: the
        mistakes, and hence the number of epochs, do not depend on it.
    eps : float, default=1e-6
        Stop once the average update is shorter than this.
    max_epochs : int, default=1000

    Returns
    -------
    theta : ndarray of shape (d + 1,)
    epochs_run : int
        Epochs run, the last one (where ``||Delta|| < eps``) included.
    """
    X, y = _signed_data(X, y)
    lr = _number(lr, "lr", positive=True)
    eps = _number(eps, "eps", nonnegative=True)
    max_epochs = _epochs(max_epochs, "max_epochs")
    theta = np.zeros(X.shape[1])
    epochs_run = 0
    for _ in range(max_epochs):
        wrong = y * (X @ theta) <= 0
        delta = (y[wrong] @ X[wrong]) / X.shape[0]
        theta = theta + lr * delta
        epochs_run += 1
        if np.linalg.norm(delta) < eps:
            break
    return theta, epochs_run
