"""A multi-layer perceptron of any depth: forward, backward, and mini-batch training.

Two layers of API:

* :func:`mlp_forward` / :func:`mlp_backward` are plain functions on a list of
  ``(W, b)`` pairs; they are what lessons 05 and 07 ask students to write.
* :class:`MLP` owns its parameters and trains with any optimizer of
  :mod:`course.optimizers` on mini-batches.

The cache of :func:`mlp_forward` is documented because lesson 07's ``mlp_backward``
consumes it: ``cache[l] == (A_prev, Z)`` for layer ``l`` (0-based), where ``A_prev``
is that layer's input and ``Z = A_prev @ W + b`` its pre-activation.

Output activations pair with losses (:data:`course.losses.LOSSES`): sigmoid with
binary cross-entropy, softmax with softmax cross-entropy, identity with mean squared
error. Backpropagation starts from their simplified output delta ``dJ/dZ``.
"""
from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .activations import _softmax, get_activation
from .initializers import get_initializer
from .losses import LOSSES, Loss, one_hot
from .optimizers import Optimizer
from .preprocessing import minibatches
from .validation import CourseInputError, as_array, check_probability, check_rng

__all__ = ["OUTPUT_LOSS", "mlp_forward", "mlp_backward", "collapse_linear", "init_params", "MLP", "History"]

Array = np.ndarray
Params = list[tuple[Array, Array]]
Cache = list[tuple[Array, Array]]

OUTPUT_LOSS: dict[str, str] = {"sigmoid": "binary_cross_entropy", "softmax": "softmax_cross_entropy",
                               "identity": "mean_squared_error"}
"""The loss each output activation pairs with."""


def _output_forward(name: str, Z: Array) -> Array:
    return _softmax(Z) if name == "softmax" else get_activation(name).forward(Z)


def _check_params(params: object) -> Params:
    if not isinstance(params, (list, tuple)) or not params:
        raise CourseInputError("`params` must be a non-empty list of (W, b) pairs")
    out = []
    for i, pair in enumerate(params):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise CourseInputError(f"params[{i}] must be a pair (W, b), got {type(pair).__name__}")
        W = as_array(pair[0], f"params[{i}][0] (W)", ndim=2)
        b = as_array(pair[1], f"params[{i}][1] (b)", shape=(W.shape[1],))
        if out and out[-1][0].shape[1] != W.shape[0]:
            raise CourseInputError(
                f"layer {i} expects {W.shape[0]} inputs but layer {i - 1} gives {out[-1][0].shape[1]}"
            )
        out.append((W, b))
    return out


def _check_output(output: str) -> str:
    if output not in OUTPUT_LOSS:
        raise CourseInputError(f"unknown output {output!r}; choose one of {sorted(OUTPUT_LOSS)}")
    return output


def _targets(y: object, out_shape: tuple[int, ...], output: str) -> Array:
    """Labels as an array shaped like the network output."""
    y = as_array(y, "y", ndim=(1, 2))
    m, k = out_shape
    if y.shape[0] != m:
        raise CourseInputError(f"`y` has {y.shape[0]} rows but the batch has {m} examples")
    if y.ndim == 1:
        if output == "softmax" and k > 1:
            return one_hot(y, k)
        if k != 1:
            raise CourseInputError(f"`y` has shape {y.shape} but the network has {k} outputs")
        return y[:, None]
    if y.shape != out_shape:
        raise CourseInputError(f"`y` has shape {y.shape} but the network output has shape {out_shape}")
    return y


def mlp_forward(X: Array, params: Params, activation: str = "sigmoid", output: str = "sigmoid") -> tuple[Array, Cache]:
    """Forward pass through a stack of dense layers.

    Parameters
    ----------
    X : ndarray of shape (m, n_features)
    params : list of (W, b)
        ``W`` of shape (n_in, n_out), ``b`` of shape (n_out,), layer by layer.
    activation : str, default="sigmoid"
        Applied after every layer but the last.
    output : {"sigmoid", "softmax", "identity"}, default="sigmoid"
        Applied after the last layer.

    Returns
    -------
    y_hat : ndarray of shape (m, n_out)
    cache : list of (A_prev, Z)
        One pair per layer, for :func:`mlp_backward`.
    """
    params = _check_params(params)
    act = get_activation(activation)
    _check_output(output)
    A = as_array(X, "X", shape=(None, params[0][0].shape[0]))
    cache: Cache = []
    for i, (W, b) in enumerate(params):
        Z = A @ W + b
        cache.append((A, Z))
        A = _output_forward(output, Z) if i == len(params) - 1 else act.forward(Z)
    return A, cache


def collapse_linear(params: Params) -> tuple[Array, Array]:
    """The single dense layer equal to a stack of dense layers with identity activations.

    Two layers give ``(X W1 + b1) W2 + b2 = X (W1 W2) + (b1 W2 + b2)``; repeating this
    folds any depth into one ``(W, b)``: a purely linear network is one linear map.

    Parameters
    ----------
    params : list of (W, b)
        ``W`` of shape (n_in, n_out), ``b`` of shape (n_out,), layer by layer.

    Returns
    -------
    W : ndarray of shape (n_features, n_outputs)
        The product ``W1 @ W2 @ ... @ WL``.
    b : ndarray of shape (n_outputs,)
        Each bias carried through the layers after it: ``(...(b1 W2 + b2) W3 + ...) + bL``.
    """
    params = _check_params(params)
    W, b = params[0][0].copy(), params[0][1].copy()
    for W_next, b_next in params[1:]:
        W, b = W @ W_next, b @ W_next + b_next
    return W, b


def mlp_backward(params: Params, cache: Cache, y: Array, activation: str = "sigmoid",
                 output: str = "sigmoid") -> list[tuple[Array, Array]]:
    """Backpropagation for the batch-mean loss paired with ``output``.

    Starts from the output delta ``dJ/dZ_L`` (``(a - y) / m`` for sigmoid + BCE), then
    for each layer from the last: ``dW = A_prev.T @ dZ``, ``db = dZ.sum(0)`` and
    ``dZ_prev = (dZ @ W.T) * g'(Z_prev)``.

    Parameters
    ----------
    params : list of (W, b)
    cache : list of (A_prev, Z)
        From :func:`mlp_forward` with the same ``params``.
    y : ndarray of shape (m,) or (m, n_out)
        Labels: {0, 1} for sigmoid, class indices or one-hot for softmax, targets for identity.
    activation : str, default="sigmoid"
        The hidden activation used in the forward pass.
    output : {"sigmoid", "softmax", "identity"}, default="sigmoid"

    Returns
    -------
    list of (dW, db), shaped like ``params``.
    """
    params = _check_params(params)
    act = get_activation(activation)
    loss = LOSSES[OUTPUT_LOSS[_check_output(output)]]
    if not isinstance(cache, (list, tuple)) or len(cache) != len(params):
        raise CourseInputError(f"`cache` must hold one (A_prev, Z) pair per layer ({len(params)}), "
                               f"as returned by course.mlp.mlp_forward")
    A_last = _output_forward(output, cache[-1][1])
    dZ = loss.delta(A_last, _targets(y, A_last.shape, output))
    grads: list[tuple[Array, Array]] = []
    for i in range(len(params) - 1, -1, -1):
        A_prev, _ = cache[i]
        grads.append((A_prev.T @ dZ, dZ.sum(axis=0)))
        if i:
            dZ = (dZ @ params[i][0].T) * act.grad(cache[i - 1][1])
    return grads[::-1]


def init_params(layer_sizes: Sequence[int], rng: np.random.Generator, init: str = "he_normal") -> Params:
    """Initialize ``[(W1, b1), ...]`` for ``layer_sizes = [n_in, h1, ..., n_out]``."""
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise CourseInputError(f"`layer_sizes` needs at least an input and an output size, got {sizes}")
    make = get_initializer(init)
    check_rng(rng)
    return [make(a, b, rng=rng) for a, b in zip(sizes[:-1], sizes[1:])]


@dataclass
class History:
    """Per-epoch records of :meth:`MLP.fit`."""

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)
    stopped_early: bool = False
    best_epoch: int = -1
    """The 0-based epoch with the lowest validation loss (-1 without validation data)."""


class MLP:
    """A fully connected network trained by backpropagation on mini-batches.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_features, hidden_1, ..., n_outputs]``; any depth.
    rng : numpy.random.Generator
        Used for initialization, shuffling and dropout.
    activation : str, default="relu"
        Hidden activation (a key of :data:`course.activations.ACTIVATIONS`).
    output : {"sigmoid", "softmax", "identity"}, default="softmax"
        Output activation; it fixes the loss (see :data:`OUTPUT_LOSS`).
    init : str, optional
        Initializer name; default He normal for ReLU-like activations, Xavier uniform otherwise.
    """

    def __init__(self, layer_sizes: Sequence[int], rng: np.random.Generator, activation: str = "relu",
                 output: str = "softmax", init: str | None = None) -> None:
        self.rng = check_rng(rng)
        self.activation = get_activation(activation)
        self.output = _check_output(output)
        self.loss_fn: Loss = LOSSES[OUTPUT_LOSS[output]]
        if init is None:
            init = "he_normal" if activation in ("relu", "leaky_relu", "elu") else "xavier_uniform"
        self.params: Params = init_params(layer_sizes, self.rng, init)

    # -- forward / backward -----------------------------------------------------------
    def _forward(self, X: Array, dropout: float = 0.0) -> tuple[Array, Cache, list[Array | None]]:
        A, cache, masks = X, [], []
        last = len(self.params) - 1
        for i, (W, b) in enumerate(self.params):
            Z = A @ W + b
            cache.append((A, Z))
            if i == last:
                A = _output_forward(self.output, Z)
                masks.append(None)
            else:
                A = self.activation.forward(Z)
                if dropout:
                    mask = (self.rng.random(A.shape) >= dropout) / (1.0 - dropout)  # inverted dropout
                    A = A * mask
                    masks.append(mask)
                else:
                    masks.append(None)
        return A, cache, masks

    def _backward(self, out: Array, cache: Cache, masks: list[Array | None], Y: Array, l2: float) -> list[Array]:
        dZ = self.loss_fn.delta(out, Y)
        grads: list[Array] = [None] * (2 * len(self.params))  # type: ignore[list-item]
        for i in range(len(self.params) - 1, -1, -1):
            A_prev, _ = cache[i]
            W = self.params[i][0]
            grads[2 * i] = A_prev.T @ dZ + (2.0 * l2 * W if l2 else 0.0)
            grads[2 * i + 1] = dZ.sum(axis=0)
            if i:
                dA = dZ @ W.T
                if masks[i - 1] is not None:
                    dA = dA * masks[i - 1]
                dZ = dA * self.activation.grad(cache[i - 1][1])
        return grads

    def forward(self, X: Array) -> Array:
        """Network output for ``X`` of shape (m, n_features): shape (m, n_outputs)."""
        X = as_array(X, "X", shape=(None, self.params[0][0].shape[0]))
        return self._forward(X)[0]

    def loss(self, X: Array, y: Array, l2: float = 0.0) -> float:
        """Batch-mean loss plus ``l2 * sum ||W||_F^2`` (weights only)."""
        out = self.forward(X)
        value = self.loss_fn.value(out, _targets(y, out.shape, self.output))
        return value + l2 * sum(float(np.sum(W * W)) for W, _ in self.params)

    def gradients(self, X: Array, y: Array, l2: float = 0.0) -> tuple[float, list[tuple[Array, Array]]]:
        """Loss and its gradient ``[(dW, db), ...]`` with respect to every parameter."""
        X = as_array(X, "X", shape=(None, self.params[0][0].shape[0]))
        out, cache, masks = self._forward(X)
        Y = _targets(y, out.shape, self.output)
        value = self.loss_fn.value(out, Y) + l2 * sum(float(np.sum(W * W)) for W, _ in self.params)
        flat = self._backward(out, cache, masks, Y, l2)
        return value, [(flat[2 * i], flat[2 * i + 1]) for i in range(len(self.params))]

    # -- prediction -------------------------------------------------------------------
    def predict_proba(self, X: Array) -> Array:
        """Output probabilities (sigmoid or softmax output)."""
        return self.forward(X)

    def predict(self, X: Array) -> Array:
        """Class predictions of shape (m,): argmax for softmax, threshold 0.5 for sigmoid."""
        out = self.forward(X)
        if self.output == "softmax":
            return np.argmax(out, axis=1).astype(np.float64)
        if self.output == "sigmoid":
            return (out[:, 0] >= 0.5).astype(np.float64) if out.shape[1] == 1 else (out >= 0.5).astype(np.float64)
        return out

    def accuracy(self, X: Array, y: Array) -> float:
        """Fraction of correct class predictions."""
        y = as_array(y, "y", ndim=1)
        return float(np.mean(self.predict(X) == y))

    # -- training ---------------------------------------------------------------------
    def fit(
        self,
        X: Array,
        y: Array,
        epochs: int = 30,
        batch_size: int | None = 32,
        optimizer: str = "adam",
        l2: float = 0.0,
        dropout: float = 0.0,
        validation: tuple[Array, Array] | None = None,
        early_stopping: object | None = None,
        lr_schedule: Callable[[int], float] | None = None,
        callback: Callable[[int, "History"], object] | None = None,
        restore_best: bool = True,
        **hyper: float,
    ) -> History:
        """Train on mini-batches, reshuffled every epoch.

        Parameters
        ----------
        X : ndarray of shape (m, n_features)
        y : ndarray of shape (m,) or (m, n_outputs)
        epochs : int, default=30
        batch_size : int or None, default=32
            ``None`` is batch gradient descent, 1 is stochastic gradient descent.
        optimizer : str, default="adam"
            A key of :data:`course.optimizers.OPTIMIZERS`; ``**hyper`` goes to it (``lr=...``).
        l2 : float, default=0
            L2 penalty on weights only.
        dropout : float, default=0
            Drop probability for hidden units during training (inverted dropout).
        validation : (X_val, y_val), optional
            Evaluated after every epoch.
        early_stopping : course.early_stopping.EarlyStopping, optional
            Stepped with the validation loss after every epoch (needs ``validation``);
            training stops when it returns True.
        lr_schedule : callable epoch -> lr, optional
            Sets the optimizer's ``lr`` at the start of every epoch (epochs count from 0),
            e.g. ``lambda e: step_decay(1e-3, e)``.
        callback : callable (epoch, history), optional
            Called after every epoch (progress bars, logging); returning ``True`` stops training.
        restore_best : bool, default=True
            With ``early_stopping``: end with the parameters of the epoch with the lowest
            validation loss (``history.best_epoch``) rather than those of the last epoch.

        Returns
        -------
        History
        """
        X = as_array(X, "X", shape=(None, self.params[0][0].shape[0]))
        Y = _targets(y, (X.shape[0], self.params[-1][0].shape[1]), self.output)
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise CourseInputError(f"`epochs` must be a positive integer, got {epochs!r}")
        if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
                                       or batch_size < 1):
            raise CourseInputError(f"`batch_size` must be a positive integer or None (whole batch), got {batch_size!r}")
        if isinstance(l2, bool) or not isinstance(l2, (int, float, np.number)) or not l2 >= 0:
            raise CourseInputError(f"`l2` must be a non-negative number, got {l2!r}")
        dropout = check_probability(dropout, "dropout")
        if validation is not None:
            if not isinstance(validation, (list, tuple)) or len(validation) != 2:
                raise CourseInputError("`validation` must be a pair (X_val, y_val)")
            X_val = as_array(validation[0], "X_val", shape=(None, X.shape[1]))
            Y_val = _targets(validation[1], (X_val.shape[0], Y.shape[1]), self.output)
        if early_stopping is not None:
            if validation is None:
                raise CourseInputError("early stopping watches the validation loss: pass `validation=(X_val, y_val)`")
            if not callable(getattr(early_stopping, "step", None)):
                raise CourseInputError("`early_stopping` must have a step(val_loss) method, "
                                       "e.g. course.early_stopping.EarlyStopping(patience=5)")
        if lr_schedule is not None and not callable(lr_schedule):
            raise CourseInputError("`lr_schedule` must be a function epoch -> learning rate")
        opt = Optimizer(optimizer, **hyper)
        if lr_schedule is not None and "lr" not in inspect.signature(opt.rule).parameters:
            raise CourseInputError(f"the optimizer {optimizer!r} has no learning rate to schedule")
        history = History()
        size = X.shape[0] if batch_size is None else batch_size
        best_loss, best_params = np.inf, None
        for epoch in range(epochs):
            if lr_schedule is not None:
                opt.hyper["lr"] = float(lr_schedule(epoch))
            start = time.perf_counter()
            total = 0.0
            for Xb, Yb in minibatches(X, Y, size, self.rng):
                out, cache, masks = self._forward(Xb, dropout)
                total += self.loss_fn.value(out, Yb) * Xb.shape[0]
                grads = self._backward(out, cache, masks, Yb, l2)
                flat = opt.step([p for pair in self.params for p in pair], grads)
                self.params = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(self.params))]
            history.epoch_seconds.append(time.perf_counter() - start)
            history.loss.append(total / X.shape[0])
            if validation is not None:
                out_val = self._forward(X_val)[0]
                history.val_loss.append(self.loss_fn.value(out_val, Y_val))
                if self.output == "softmax":
                    history.val_accuracy.append(float(np.mean(out_val.argmax(1) == Y_val.argmax(1))))
                elif self.output == "sigmoid":
                    history.val_accuracy.append(float(np.mean((out_val >= 0.5) == (Y_val >= 0.5))))
                if history.val_loss[-1] < best_loss:
                    best_loss, history.best_epoch = history.val_loss[-1], epoch
                    if early_stopping is not None and restore_best:
                        best_params = [(W.copy(), b.copy()) for W, b in self.params]
                if early_stopping is not None and early_stopping.step(history.val_loss[-1]):
                    history.stopped_early = True
            if callback is not None and callback(epoch, history):
                break
            if history.stopped_early:
                break
        if best_params is not None:
            self.params = best_params
        return history

    def __repr__(self) -> str:
        sizes = [self.params[0][0].shape[0]] + [W.shape[1] for W, _ in self.params]
        return f"MLP({sizes}, activation={self.activation.name!r}, output={self.output!r})"
