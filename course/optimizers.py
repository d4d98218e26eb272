"""Gradient-descent update rules with explicit state.

Each rule updates **one array** and has the signature::

    rule(theta, grad, state, **hyper) -> (new_theta, state)

``state`` is a dict the rule fills on its first call (pass ``{}``); ``state["t"]``
counts calls from 1. The rules never modify ``theta`` or ``grad`` in place: they
return a new array, so a caller can keep the old one.

The formulas are the lecture notes' (g = grad):

==========  ===========================================================================
sgd         theta -= lr g
momentum    v = gamma v + lr g;  theta -= v
nesterov    v = gamma v + lr g;  theta -= gamma v + lr g     (look-ahead form)
adagrad     G += g^2;  theta -= lr g / (sqrt(G) + eps)
adadelta    Eg = rho Eg + (1-rho) g^2;  D = -sqrt(Ed + eps) / sqrt(Eg + eps) g;
            Ed = rho Ed + (1-rho) D^2;  theta += D            (no learning rate)
rmsprop     Eg = rho Eg + (1-rho) g^2;  theta -= lr g / (sqrt(Eg) + eps)
adam        m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
            theta -= lr m_hat / (sqrt(v_hat) + eps),  m_hat = m/(1-b1^t), v_hat = v/(1-b2^t)
adamw       theta -= lr wd theta (decoupled decay), then the Adam step
adafactor   factored second moments (row and column averages for a matrix),
            update clipping, optional relative step size (Shazeer & Stern, 2018)
==========  ===========================================================================

:class:`Optimizer` applies one rule to a list of parameter arrays, keeping one state
dict per array; :data:`OPTIMIZERS` maps names to rules.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .validation import CourseInputError, as_array

__all__ = [
    "OPTIMIZERS", "Optimizer", "get_optimizer",
    "sgd_update", "momentum_update", "nesterov_update", "adagrad_update", "adadelta_update",
    "rmsprop_update", "adam_update", "adamw_update", "adafactor_update",
]

Array = np.ndarray
State = dict[str, Any]
Rule = Callable[..., tuple[Array, State]]


def _start(theta: object, grad: object, state: object) -> tuple[Array, Array, State]:
    theta = as_array(theta, "theta")
    grad = as_array(grad, "grad", shape=theta.shape)
    if not isinstance(state, dict):
        raise CourseInputError(f"`state` must be a dict (pass {{}} on the first call), got {type(state).__name__}")
    state["t"] = state.get("t", 0) + 1
    return theta, grad, state


def _buffer(state: State, key: str, like: Array) -> Array:
    if key not in state:
        state[key] = np.zeros_like(like)
    return state[key]


def sgd_update(theta: Array, grad: Array, state: State, lr: float = 0.01) -> tuple[Array, State]:
    """Plain gradient step ``theta - lr * grad``.

    Batch, stochastic and mini-batch gradient descent all use this rule; they differ
    only in how many examples the gradient averages over.
    """
    theta, grad, state = _start(theta, grad, state)
    return theta - lr * grad, state


def momentum_update(
    theta: Array, grad: Array, state: State, lr: float = 0.01, gamma: float = 0.9
) -> tuple[Array, State]:
    """Momentum in the notes' form: ``v = gamma v + lr g``; ``theta -= v``."""
    theta, grad, state = _start(theta, grad, state)
    v = gamma * _buffer(state, "v", theta) + lr * grad
    state["v"] = v
    return theta - v, state


def nesterov_update(
    theta: Array, grad: Array, state: State, lr: float = 0.01, gamma: float = 0.9
) -> tuple[Array, State]:
    """Nesterov momentum, look-ahead form: ``v = gamma v + lr g``; ``theta -= gamma v + lr g``.

    This equals evaluating the gradient at the look-ahead point ``theta - gamma v`` when
    the parameters are tracked at that point, which is how frameworks implement it.
    """
    theta, grad, state = _start(theta, grad, state)
    v = gamma * _buffer(state, "v", theta) + lr * grad
    state["v"] = v
    return theta - (gamma * v + lr * grad), state


def adagrad_update(
    theta: Array, grad: Array, state: State, lr: float = 0.01, eps: float = 1e-8
) -> tuple[Array, State]:
    """Adagrad: ``G += g^2``; ``theta -= lr g / (sqrt(G) + eps)``."""
    theta, grad, state = _start(theta, grad, state)
    G = _buffer(state, "G", theta) + grad * grad
    state["G"] = G
    return theta - lr * grad / (np.sqrt(G) + eps), state


def adadelta_update(
    theta: Array, grad: Array, state: State, rho: float = 0.95, eps: float = 1e-6
) -> tuple[Array, State]:
    """Adadelta (no learning rate): RMS of past updates over RMS of past gradients."""
    theta, grad, state = _start(theta, grad, state)
    Eg = rho * _buffer(state, "Eg", theta) + (1.0 - rho) * grad * grad
    delta = -np.sqrt(_buffer(state, "Ed", theta) + eps) / np.sqrt(Eg + eps) * grad
    state["Eg"] = Eg
    state["Ed"] = rho * state["Ed"] + (1.0 - rho) * delta * delta
    return theta + delta, state


def rmsprop_update(
    theta: Array, grad: Array, state: State, lr: float = 0.001, rho: float = 0.9, eps: float = 1e-8
) -> tuple[Array, State]:
    """RMSProp: ``Eg = rho Eg + (1 - rho) g^2``; ``theta -= lr g / (sqrt(Eg) + eps)``."""
    theta, grad, state = _start(theta, grad, state)
    Eg = rho * _buffer(state, "Eg", theta) + (1.0 - rho) * grad * grad
    state["Eg"] = Eg
    return theta - lr * grad / (np.sqrt(Eg) + eps), state


def _adam_step(theta: Array, grad: Array, state: State, lr: float, beta1: float, beta2: float, eps: float) -> Array:
    m = beta1 * _buffer(state, "m", theta) + (1.0 - beta1) * grad
    v = beta2 * _buffer(state, "v", theta) + (1.0 - beta2) * grad * grad
    state["m"], state["v"] = m, v
    t = state["t"]
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps)


def adam_update(
    theta: Array, grad: Array, state: State, lr: float = 0.001,
    beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
) -> tuple[Array, State]:
    """Adam with bias correction (Kingma & Ba, 2015)."""
    theta, grad, state = _start(theta, grad, state)
    return _adam_step(theta, grad, state, lr, beta1, beta2, eps), state


def adamw_update(
    theta: Array, grad: Array, state: State, lr: float = 0.001,
    beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, weight_decay: float = 0.01,
) -> tuple[Array, State]:
    """AdamW: decay the weights by ``lr * weight_decay * theta`` first, then take the Adam step.

    The decay is *decoupled*: it does not pass through Adam's moments. L2 regularization
    inside Adam (adding ``wd * theta`` to the gradient) is a different algorithm, whose
    decay gets divided by ``sqrt(v_hat)``.
    """
    theta, grad, state = _start(theta, grad, state)
    theta = theta - lr * weight_decay * theta
    return _adam_step(theta, grad, state, lr, beta1, beta2, eps), state


def adafactor_update(
    theta: Array, grad: Array, state: State, lr: float = 0.01,
    beta2_decay: float = -0.8, eps1: float | None = None, eps2: float = 1e-3,
    clip_threshold: float = 1.0, weight_decay: float = 0.0, maximize: bool = False,
) -> tuple[Array, State]:
    """Adafactor (Shazeer & Stern, 2018) as PyTorch's ``torch.optim.Adafactor`` computes it.

    For a matrix gradient the second moment is stored factored, as one running mean
    per row and one per column (``n + k`` numbers instead of ``n * k``); vectors keep a
    full running mean. ``beta2_t = 1 - t ** beta2_decay`` grows toward 1, the
    per-step ``rho_t = min(lr, 1 / sqrt(t))`` is scaled by ``max(eps2, RMS(theta))``
    (relative step size), and the update ``g / sqrt(v_hat)`` is clipped so that its
    RMS is at most ``clip_threshold``.
    """
    theta, grad, state = _start(theta, grad, state)
    if maximize:
        grad = -grad
    t = state["t"]
    eps1 = np.finfo(np.float64).eps if eps1 is None else eps1
    beta2 = 1.0 - t**beta2_decay
    rho = min(lr, 1.0 / np.sqrt(t))
    alpha = max(eps2, float(np.sqrt(np.mean(theta * theta))) if theta.size else 0.0) * rho
    if weight_decay:
        theta = theta * (1.0 - lr * weight_decay)
    if theta.ndim > 1:
        # Row and column means of g^2, over the last two axes.
        row = _buffer(state, "row", np.zeros(theta.shape[:-1]))
        col = _buffer(state, "col", np.zeros(theta.shape[:-2] + theta.shape[-1:]))
        g2 = grad * grad
        row = row + (1.0 - beta2) * (np.mean(g2, axis=-1) - row)
        col = col + (1.0 - beta2) * (np.mean(g2, axis=-2) - col)
        state["row"], state["col"] = row, col
        row_mean = np.mean(row, axis=-1, keepdims=True)
        var_estimate = (row[..., :, None] * col[..., None, :]) / np.maximum(row_mean[..., None], eps1)
    else:
        v = _buffer(state, "v", theta)
        v = v + (1.0 - beta2) * (grad * grad - v)
        state["v"] = v
        var_estimate = v
    update = grad / np.sqrt(np.maximum(var_estimate, eps1 * eps1))
    rms = float(np.sqrt(np.mean(update * update))) if update.size else 0.0
    update = update / max(1.0, rms / clip_threshold)
    return theta - alpha * update, state


OPTIMIZERS: dict[str, Rule] = {
    "sgd": sgd_update,
    "momentum": momentum_update,
    "nesterov": nesterov_update,
    "adagrad": adagrad_update,
    "adadelta": adadelta_update,
    "rmsprop": rmsprop_update,
    "adam": adam_update,
    "adamw": adamw_update,
    "adafactor": adafactor_update,
}


def get_optimizer(name: str) -> Rule:
    """Return the registered update rule called ``name`` with a clear error if there is none."""
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise CourseInputError(f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}")
    return OPTIMIZERS[name]


class Optimizer:
    """Apply one update rule to a list of parameter arrays, one state dict per array.

    Parameters
    ----------
    name : str
        A key of :data:`OPTIMIZERS`.
    **hyper
        The rule's hyper-parameters (``lr``, ``gamma``, ``beta1`` ...).

    Examples
    --------
    >>> opt = Optimizer("adam", lr=1e-3)
    >>> params = opt.step(params, grads)        # doctest: +SKIP
    """

    def __init__(self, name: str, **hyper: float) -> None:
        self.name = name
        self.rule = get_optimizer(name)
        self.hyper = hyper
        self.states: list[State] = []

    def step(self, params: Sequence[Array], grads: Sequence[Array]) -> list[Array]:
        """Return the updated parameters; ``self.states`` keeps each array's state."""
        params, grads = list(params), list(grads)
        if len(params) != len(grads):
            raise CourseInputError(f"got {len(params)} parameters but {len(grads)} gradients")
        if not self.states:
            self.states = [{} for _ in params]
        if len(self.states) != len(params):
            raise CourseInputError(f"this optimizer tracks {len(self.states)} arrays, got {len(params)}")
        out = []
        for p, g, s in zip(params, grads, self.states):
            new, _ = self.rule(p, g, s, **self.hyper)
            out.append(new)
        return out

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyper.items())
        return f"Optimizer({self.name!r}{', ' + args if args else ''})"
