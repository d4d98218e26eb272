"""Regularization: L2 and L1 penalties on weights only, and inverted dropout.

Penalties take ``params`` as a list of ``(W, b)`` pairs and return ``(value, grads)``
with ``grads`` shaped like ``params``; biases are never penalized (the notes: "only
applied on weights, not on biases").
"""
from __future__ import annotations

import numpy as np

from .validation import CourseInputError, as_array, check_probability, check_rng

__all__ = ["l2_penalty", "l1_penalty", "dropout_forward", "dropout_backward"]

Array = np.ndarray
Params = list[tuple[Array, Array]]


def _pairs(params: object) -> list[tuple[Array, Array]]:
    if not isinstance(params, (list, tuple)):
        raise CourseInputError(f"`params` must be a list of (W, b) pairs, got {type(params).__name__}")
    out = []
    for i, pair in enumerate(params):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise CourseInputError(f"params[{i}] must be a pair (W, b)")
        out.append((as_array(pair[0], f"params[{i}][0] (W)"), as_array(pair[1], f"params[{i}][1] (b)")))
    return out


def _lam(lam: object) -> float:
    if isinstance(lam, (bool, np.bool_)) or not isinstance(lam, (int, float, np.number)) or not lam >= 0:
        raise CourseInputError(f"`lam` must be a non-negative number, got {lam!r}")
    return float(lam)


def l2_penalty(params: Params, lam: float) -> tuple[float, list[tuple[Array, Array]]]:
    """L2 penalty ``lam * sum_k ||W_k||_F^2`` on the weights and its gradient.

    Parameters
    ----------
    params : list of (W, b)
        ``W`` of shape (n_in, n_out), ``b`` of shape (n_out,), layer by layer.
    lam : float
        Regularization strength, >= 0.

    Returns
    -------
    value : float
    grads : list of (dW, db)
        ``dW = 2 lam W`` and ``db = 0`` (biases are not penalized), shaped like ``params``.
    """
    pairs = _pairs(params)
    lam = _lam(lam)
    value = lam * sum(float(np.sum(W * W)) for W, _ in pairs)
    return value, [(2.0 * lam * W, np.zeros_like(b)) for W, b in pairs]


def l1_penalty(params: Params, lam: float) -> tuple[float, list[tuple[Array, Array]]]:
    """L1 penalty ``lam * sum_k sum_ij |W_k[i, j]|`` on the weights and its subgradient.

    Parameters
    ----------
    params : list of (W, b)
    lam : float
        Regularization strength, >= 0.

    Returns
    -------
    value : float
    grads : list of (dW, db)
        ``dW = lam * sign(W)`` (0 where ``W == 0``, one valid subgradient) and ``db = 0``.
    """
    pairs = _pairs(params)
    lam = _lam(lam)
    value = lam * sum(float(np.sum(np.abs(W))) for W, _ in pairs)
    return value, [(lam * np.sign(W), np.zeros_like(b)) for W, b in pairs]


def dropout_forward(A: Array, p: float, rng: np.random.Generator, train: bool = True) -> tuple[Array, Array]:
    """Inverted dropout with drop probability ``p``.

    At training time each unit is kept with probability ``1 - p`` (``mask`` of 0/1
    drawn from ``rng``) and kept units are scaled by ``1 / (1 - p)`` so that the expected
    activation is unchanged; at test time (``train=False``) the input passes unchanged.

    Parameters
    ----------
    A : ndarray, any shape
        Activations, e.g. of shape (m, n_units).
    p : float in [0, 1)
        Probability of *dropping* a unit.
    rng : numpy.random.Generator
        The only source of randomness (never numpy's global state).
    train : bool, default=True

    Returns
    -------
    out : ndarray shaped like ``A``
        ``A * mask / (1 - p)`` when training, ``A`` otherwise.
    mask : ndarray of 0.0/1.0 shaped like ``A`` (all ones when ``train=False``)
    """
    A = as_array(A, "A")
    p = check_probability(p, "p")
    if not train:
        return A.copy(), np.ones_like(A)
    mask = (check_rng(rng).random(A.shape) >= p).astype(np.float64)
    return A * mask / (1.0 - p), mask


def dropout_backward(dout: Array, mask: Array, p: float) -> Array:
    """Gradient through :func:`dropout_forward`: ``dout * mask / (1 - p)``.

    Parameters
    ----------
    dout : ndarray
        Upstream gradient, shaped like the forward output.
    mask : ndarray shaped like ``dout``
        The 0/1 mask returned by :func:`dropout_forward`.
    p : float in [0, 1)
        The same drop probability as in the forward pass.
    """
    dout = as_array(dout, "dout")
    mask = as_array(mask, "mask", shape=dout.shape)
    return dout * mask / (1.0 - check_probability(p, "p"))
