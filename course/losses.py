"""Loss functions and their gradients.

Conventions (see CURRICULUM.md):

* A loss is the **mean over the batch** (the first axis) of a per-example loss; for
  several output columns the per-example loss sums over the columns.
* A gradient has exactly the shape of what it differentiates.
* Mean squared error is ``J = 1/(2m) * sum ||y_hat - y||^2`` (the lecture notes' 1/2),
  so that its output delta with an identity output is ``(y_hat - y) / m``.

Every loss is written beside its gradient. :data:`LOSSES` maps a name to the loss, its
gradient, the output activation it pairs with and the simplified output delta
``dJ/dZ`` of that pair, which is what backpropagation starts from.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import _sigmoid, _softmax
from .validation import CourseInputError, as_array, check_labels, check_same_shape

__all__ = [
    "LOSSES", "Loss", "get_loss", "PROBABILITY_EPS",
    "binary_cross_entropy", "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits_grad",
    "softmax_cross_entropy", "softmax_cross_entropy_grad",
    "mean_squared_error", "mean_squared_error_grad",
    "hinge_loss", "hinge_loss_grad", "one_hot",
]

Array = np.ndarray

PROBABILITY_EPS = 1e-15
"""Probabilities are clipped to [eps, 1 - eps] before a log so that 0 and 1 give a finite loss."""


def _batch_size(a: Array) -> int:
    return a.shape[0] if a.ndim else 1


def _pair(y_hat: object, y: object, name_hat: str = "y_hat", name_y: str = "y") -> tuple[Array, Array]:
    y_hat = as_array(y_hat, name_hat, ndim=(1, 2))
    y = as_array(y, name_y, ndim=(1, 2))
    check_same_shape(y_hat, y, name_hat, name_y)
    if y_hat.shape[0] == 0:
        raise CourseInputError(f"`{name_hat}` is empty; a loss needs at least one example")
    return y_hat, y


def one_hot(labels: Array, n_classes: int) -> Array:
    """Return the ``(m, n_classes)`` one-hot matrix of integer ``labels`` of shape (m,)."""
    labels = as_array(labels, "labels", ndim=1)
    if np.any(labels != np.round(labels)) or np.any(labels < 0) or np.any(labels >= n_classes):
        raise CourseInputError(f"`labels` must be integers in [0, {n_classes}), got values {np.unique(labels)[:5]}")
    out = np.zeros((labels.shape[0], n_classes))
    out[np.arange(labels.shape[0]), labels.astype(int)] = 1.0
    return out


# --- binary cross-entropy from probabilities ------------------------------------------

def _bce(p: Array, y: Array) -> float:
    p = np.clip(p, PROBABILITY_EPS, 1.0 - PROBABILITY_EPS)
    return float(-np.sum(y * np.log(p) + (1.0 - y) * np.log1p(-p)) / _batch_size(p))


def _bce_grad(p: Array, y: Array) -> Array:
    p = np.clip(p, PROBABILITY_EPS, 1.0 - PROBABILITY_EPS)
    return ((1.0 - y) / (1.0 - p) - y / p) / _batch_size(p)


def binary_cross_entropy(y_hat: Array, y: Array) -> float:
    """Mean binary cross-entropy ``-[y log y_hat + (1 - y) log(1 - y_hat)]``.

    Parameters
    ----------
    y_hat : ndarray of shape (m,) or (m, k)
        Predicted probabilities in [0, 1] (clipped to ``PROBABILITY_EPS``).
    y : ndarray, same shape as ``y_hat``
        Labels in {0, 1}.

    Returns
    -------
    float
    """
    y_hat, y = _pair(y_hat, y)
    check_labels(y, "y", (0.0, 1.0))
    return _bce(y_hat, y)


def binary_cross_entropy_grad(y_hat: Array, y: Array) -> Array:
    """Gradient of :func:`binary_cross_entropy` with respect to ``y_hat``, same shape."""
    y_hat, y = _pair(y_hat, y)
    check_labels(y, "y", (0.0, 1.0))
    return _bce_grad(y_hat, y)


# --- binary cross-entropy from logits ---------------------------------------------------

def _bce_logits(z: Array, y: Array) -> float:
    # log(1 + e^z) - y z, written so that no exp() ever sees a positive argument.
    return float(np.sum(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))) / _batch_size(z))


def _bce_logits_grad(z: Array, y: Array) -> Array:
    return (_sigmoid(z) - y) / _batch_size(z)


def binary_cross_entropy_with_logits(z: Array, y: Array) -> float:
    """Mean binary cross-entropy of ``sigmoid(z)``, computed from the logits ``z``.

    Stable for any finite logits (``|z| = 1e4`` included): it never forms ``sigmoid(z)``.

    Parameters
    ----------
    z : ndarray of shape (m,) or (m, k)
    y : ndarray, same shape as ``z``, labels in {0, 1}

    Returns
    -------
    float
    """
    z, y = _pair(z, y, "z")
    check_labels(y, "y", (0.0, 1.0))
    return _bce_logits(z, y)


def binary_cross_entropy_with_logits_grad(z: Array, y: Array) -> Array:
    """Gradient with respect to the logits: ``(sigmoid(z) - y) / m``."""
    z, y = _pair(z, y, "z")
    check_labels(y, "y", (0.0, 1.0))
    return _bce_logits_grad(z, y)


# --- softmax cross-entropy ------------------------------------------------------------

def _targets(Z: Array, Y: object) -> Array:
    """Accept one-hot (or soft) targets of Z's shape, or integer labels of shape (m,)."""
    Y = as_array(Y, "Y", ndim=(1, 2))
    if Y.ndim == 1 and Z.ndim == 2:
        if Y.shape[0] != Z.shape[0]:
            raise CourseInputError(f"`Y` has {Y.shape[0]} labels but `Z` has {Z.shape[0]} rows")
        return one_hot(Y, Z.shape[1])
    check_same_shape(Z, Y, "Z", "Y")
    return Y


def _softmax_ce(Z: Array, Y: Array) -> float:
    shifted = Z - np.max(Z, axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    return float(-np.sum(Y * log_probs) / _batch_size(Z))


def _softmax_ce_grad(Z: Array, Y: Array) -> Array:
    return (_softmax(Z) - Y) / _batch_size(Z)


def softmax_cross_entropy(Z: Array, Y: Array) -> float:
    """Mean cross-entropy of ``softmax(Z)`` against targets ``Y``, from the logits.

    Parameters
    ----------
    Z : ndarray of shape (m, K)
        Logits.
    Y : ndarray of shape (m, K) (one-hot or probabilities) or (m,) (integer labels)

    Returns
    -------
    float
    """
    Z = as_array(Z, "Z", ndim=2)
    return _softmax_ce(Z, _targets(Z, Y))


def softmax_cross_entropy_grad(Z: Array, Y: Array) -> Array:
    """Gradient with respect to the logits: ``(softmax(Z) - Y) / m``, shape (m, K)."""
    Z = as_array(Z, "Z", ndim=2)
    return _softmax_ce_grad(Z, _targets(Z, Y))


# --- mean squared error ---------------------------------------------------------------

def _mse(y_hat: Array, y: Array) -> float:
    return float(0.5 * np.sum((y_hat - y) ** 2) / _batch_size(y_hat))


def _mse_grad(y_hat: Array, y: Array) -> Array:
    return (y_hat - y) / _batch_size(y_hat)


def mean_squared_error(y_hat: Array, y: Array) -> float:
    """``J = 1/(2m) * sum_i ||y_hat_i - y_i||^2`` for predictions of shape (m,) or (m, k)."""
    return _mse(*_pair(y_hat, y))


def mean_squared_error_grad(y_hat: Array, y: Array) -> Array:
    """Gradient of :func:`mean_squared_error`: ``(y_hat - y) / m``."""
    return _mse_grad(*_pair(y_hat, y))


# --- hinge ----------------------------------------------------------------------------

def _hinge(scores: Array, y: Array) -> float:
    return float(np.sum(np.maximum(0.0, 1.0 - y * scores)) / _batch_size(scores))


def _hinge_grad(scores: Array, y: Array) -> Array:
    # Subgradient: at the kink y*s == 1 we take 0 (either side is valid).
    return np.where(y * scores < 1.0, -y, 0.0) / _batch_size(scores)


def hinge_loss(scores: Array, y: Array) -> float:
    """Mean hinge loss ``max(0, 1 - y * score)``, a convex surrogate of the 0-1 loss.

    Parameters
    ----------
    scores : ndarray of shape (m,)
        Real-valued classifier outputs.
    y : ndarray of shape (m,)
        Labels in {-1, +1}.
    """
    scores, y = _pair(scores, y, "scores")
    check_labels(y, "y", (-1.0, 1.0))
    return _hinge(scores, y)


def hinge_loss_grad(scores: Array, y: Array) -> Array:
    """Subgradient of :func:`hinge_loss` with respect to ``scores``."""
    scores, y = _pair(scores, y, "scores")
    check_labels(y, "y", (-1.0, 1.0))
    return _hinge_grad(scores, y)


# --- registry -------------------------------------------------------------------------

@dataclass(frozen=True)
class Loss:
    """A loss on the network output, with the output activation it pairs with.

    ``value(out, y)`` and ``grad(out, y)`` take the network output ``out`` (after the
    output activation); ``delta(out, y)`` is ``dJ/dZ`` for the output pre-activation
    ``Z`` of the pair, the simplified form backpropagation starts from.
    """

    name: str
    output: str
    value: Callable[[Array, Array], float]
    grad: Callable[[Array, Array], Array]
    delta: Callable[[Array, Array], Array]


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in [
        # sigmoid + BCE: dJ/dZ = (a - y) / m, the notes' "delta = a - y".
        Loss("binary_cross_entropy", "sigmoid", _bce, _bce_grad, lambda a, y: (a - y) / _batch_size(a)),
        # softmax + CE: dJ/dZ = (p - Y) / m.
        Loss("softmax_cross_entropy", "softmax",
             lambda p, Y: float(-np.sum(Y * np.log(np.clip(p, PROBABILITY_EPS, 1.0))) / _batch_size(p)),
             lambda p, Y: -Y / np.clip(p, PROBABILITY_EPS, 1.0) / _batch_size(p),
             lambda p, Y: (p - Y) / _batch_size(p)),
        # identity + MSE: dJ/dZ = (y_hat - y) / m.
        Loss("mean_squared_error", "identity", _mse, _mse_grad, _mse_grad),
    ]
}


def get_loss(name: str) -> Loss:
    """Return the registered loss called ``name`` with a clear error if there is none."""
    if not isinstance(name, str) or name not in LOSSES:
        raise CourseInputError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)}")
    return LOSSES[name]
