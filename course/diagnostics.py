"""What a freshly initialized network does to its inputs: per-layer outputs and their statistics.

Lesson 08 uses these to show why the scale of the initial weights matters: through a
deep stack, activations either shrink to zero, blow up, saturate, or keep their
spread, depending on the initializer and the activation (the notes' requirement
``Var(z[l+1]) ~ Var(z[l])``).
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .activations import get_activation
from .mlp import _check_params, init_params
from .validation import CourseInputError, as_array, check_rng

__all__ = ["layer_outputs", "layer_stats", "stack_outputs"]

Array = np.ndarray
ActivationLike = str | Callable[[Array], Array]


def _activation_function(activation: ActivationLike) -> Callable[[Array], Array]:
    """An elementwise function from a registry name or a callable."""
    if isinstance(activation, str):
        return get_activation(activation).forward
    if not callable(activation):
        raise CourseInputError(
            f"`activation` must be a function such as np.tanh or a name such as 'relu', got {activation!r}")
    return activation


def layer_outputs(X: Array, params: Sequence[tuple[Array, Array]], activation: ActivationLike) -> list[Array]:
    """The output of every layer when ``activation`` follows each one (the last included).

    Parameters
    ----------
    X : ndarray of shape (m, n_in)
    params : list of (W, b)
        ``W`` of shape (n_in, n_out), ``b`` of shape (n_out,), layer by layer.
    activation : callable or str
        Elementwise function applied after every layer, e.g. ``np.tanh``, or a name of
        :data:`course.activations.ACTIVATIONS` such as ``"relu"``.

    Returns
    -------
    list of ndarray
        ``A[l] = activation(A[l-1] @ W[l] + b[l])`` with ``A[0] = X``; entry ``l - 1`` has
        shape (m, n_out of layer l).
    """
    act = _activation_function(activation)
    pairs = _check_params(params)
    A = as_array(X, "X", shape=(None, pairs[0][0].shape[0]))
    outputs = []
    for W, b in pairs:
        A = np.asarray(act(A @ W + b), dtype=np.float64)
        outputs.append(A)
    return outputs


def layer_stats(X: Array, params: Sequence[tuple[Array, Array]], activation: ActivationLike) -> list[tuple[float, float]]:
    """Mean and (population) standard deviation of every layer's output.

    Parameters
    ----------
    X, params, activation
        As in :func:`layer_outputs`.

    Returns
    -------
    list of (float, float)
        One ``(mean, std)`` per layer, over all examples and units of that layer's output
        (``np.mean`` and ``np.std`` with ``ddof=0``).
    """
    return [(float(np.mean(A)), float(np.std(A))) for A in layer_outputs(X, params, activation)]


def stack_outputs(init: str, activation: ActivationLike, depth: int, width: int = 256, m: int = 512,
                  seed: int = 0) -> list[Array]:
    """Layer outputs of a ``depth``-layer stack of ``width`` units fed with standard normal inputs.

    The experiment of lesson 08: ``X ~ N(0, 1)`` of shape (m, width), every layer
    initialized with ``init`` (a key of :data:`course.initializers.INITIALIZERS`).

    Returns
    -------
    list of ndarray, ``depth`` arrays of shape (m, width)
    """
    for name, n in (("depth", depth), ("width", width), ("m", m)):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise CourseInputError(f"`{name}` must be a positive integer, got {n!r}")
    rng = check_rng(np.random.default_rng(seed))
    X = rng.standard_normal((m, width))
    params = init_params([width] * (depth + 1), rng, init)
    return layer_outputs(X, params, activation)
