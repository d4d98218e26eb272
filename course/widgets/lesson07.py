"""Lesson 07 widget: a training dashboard for a small MLP on 2-D data.

The state of a run is a :class:`TrainingState`; :meth:`TrainingState.step` returns a
*new* state advanced by some epochs of full-batch training (the notes' loop: forward,
backpropagate, average the gradients over the examples, step), leaving the old one
untouched. :func:`draw_dashboard` turns a state into a figure: the data with the
decision boundary, the loss curve and the gradient norm of every layer. Both are pure
and tested headlessly; :func:`training_dashboard` wires them to an ``ipywidgets.Play``
(its ticks drive training: play / pause / stop, in JupyterLab and Colab) and a few
controls.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from .. import datasets
from ..mlp import MLP
from ..optimizers import Optimizer
from ..validation import CourseInputError
from .base import new_figure, show_figure

__all__ = ["DATASETS", "TrainingState", "make_state", "draw_boundary", "draw_dashboard", "training_dashboard"]

Array = np.ndarray

DATASETS: dict[str, Callable[[np.random.Generator], tuple[Array, Array]]] = {
    "xor": lambda rng: datasets.xor(rng, m=200, noise=0.15),
    "moons": lambda rng: datasets.moons(rng, m=200, noise=0.15),
    "circles": lambda rng: datasets.circles(rng, m=200, noise=0.08),
    "spirals": lambda rng: datasets.spirals(rng, m=300, n_classes=3, noise=0.15),
}
"""The 2-D data sets of the dashboard; spirals has three classes (softmax output)."""

CLASS_COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd"]
LAYER_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]


@dataclass(frozen=True)
class TrainingState:
    """One moment of a training run. Immutable: :meth:`step` returns a new state.

    Attributes
    ----------
    dataset : str
    X : ndarray of shape (m, 2)
    y : ndarray of shape (m,)
    net : course.mlp.MLP
        The network (a private copy; never shared between states).
    optimizer : course.optimizers.Optimizer
    epoch : int
        Epochs trained so far.
    losses : tuple of float
        The mean training loss at the start of each epoch.
    grad_norms : tuple of tuple of float
        For each epoch, the Frobenius norm of every layer's ``dW``.
    """

    dataset: str
    X: Array
    y: Array
    net: MLP
    optimizer: Optimizer
    epoch: int = 0
    losses: tuple[float, ...] = field(default_factory=tuple)
    grad_norms: tuple[tuple[float, ...], ...] = field(default_factory=tuple)

    @property
    def n_layers(self) -> int:
        return len(self.net.params)

    def accuracy(self) -> float:
        """Training accuracy of the current network."""
        return self.net.accuracy(self.X, self.y)

    def step(self, n_epochs: int = 1) -> "TrainingState":
        """A new state after ``n_epochs`` epochs of full-batch training; ``self`` is unchanged."""
        if isinstance(n_epochs, bool) or not isinstance(n_epochs, (int, np.integer)) or n_epochs < 0:
            raise CourseInputError(f"`n_epochs` must be a non-negative integer, got {n_epochs!r}")
        net, optimizer = copy.deepcopy(self.net), copy.deepcopy(self.optimizer)
        losses, norms = list(self.losses), list(self.grad_norms)
        for _ in range(int(n_epochs)):
            # the notes' epoch: gradients of the mean loss over all examples, then one step
            loss, grads = net.gradients(self.X, self.y)
            losses.append(loss)
            norms.append(tuple(float(np.linalg.norm(dW)) for dW, _ in grads))
            flat = optimizer.step([p for pair in net.params for p in pair], [g for pair in grads for g in pair])
            net.params = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(net.params))]
        return replace(self, net=net, optimizer=optimizer, epoch=self.epoch + int(n_epochs),
                       losses=tuple(losses), grad_norms=tuple(norms))


def make_state(dataset: str = "moons", hidden: Sequence[int] = (8, 8), activation: str = "tanh",
               optimizer: str = "adam", lr: float = 0.03, seed: int = 0) -> TrainingState:
    """A fresh run: data from :data:`DATASETS`, a new MLP, epoch 0.

    Parameters
    ----------
    dataset : {"xor", "moons", "circles", "spirals"}
    hidden : sequence of int
        Hidden layer widths.
    activation : str
        Hidden activation (a key of :data:`course.activations.ACTIVATIONS`).
    optimizer : str
        A key of :data:`course.optimizers.OPTIMIZERS` ("sgd" is the notes' plain gradient descent).
    lr : float
    seed : int
        Seeds the data and the initial weights.
    """
    if dataset not in DATASETS:
        raise CourseInputError(f"unknown dataset {dataset!r}; choose one of {sorted(DATASETS)}")
    rng = np.random.default_rng(seed)
    X, y = DATASETS[dataset](rng)
    n_classes = int(y.max()) + 1
    output, n_out = ("softmax", n_classes) if n_classes > 2 else ("sigmoid", 1)
    net = MLP([2, *[int(h) for h in hidden], n_out], rng, activation=activation, output=output)
    return TrainingState(dataset, X, y, net, Optimizer(optimizer, lr=lr))


def _grid(X: Array, n: int = 90) -> tuple[Array, Array, Array]:
    lo, hi = X.min(axis=0) - 0.4, X.max(axis=0) + 0.4
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def _plot_boundary(ax: Any, predict_proba: Callable[[Array], Array], X: Array, y: Array) -> None:
    xx, yy, points = _grid(X)
    out = predict_proba(points)
    if out.ndim == 2 and out.shape[1] > 1:  # several classes: colour by the most probable one
        k = out.shape[1]
        light = ListedColormap([CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(k)])
        ax.contourf(xx, yy, out.argmax(axis=1).reshape(xx.shape), levels=np.arange(k + 1) - 0.5, cmap=light,
                    alpha=0.3)
        ax.scatter(X[:, 0], X[:, 1], c=[CLASS_COLORS[int(c) % len(CLASS_COLORS)] for c in y], s=12,
                   edgecolors="k", linewidths=0.3)
    else:
        p = out.reshape(xx.shape)
        ax.contourf(xx, yy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.55, vmin=0, vmax=1)
        ax.contour(xx, yy, p, levels=[0.5], colors="k", linewidths=1.5)
        ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu_r", vmin=0, vmax=1, s=12, edgecolors="k", linewidths=0.3)
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_aspect("equal")


def draw_boundary(predict_proba: Callable[[Array], Array], X: Array, y: Array, title: str = "") -> Figure:
    """The data and the decision regions of any ``predict_proba`` (e.g. ``MLP.predict_proba``)."""
    fig = new_figure(4.2, 4.0)
    ax = fig.add_subplot()
    _plot_boundary(ax, predict_proba, X, y)
    ax.set_title(title or "decision boundary (black: p = 0.5)", fontsize=10)
    return fig


def draw_dashboard(state: TrainingState) -> Figure:
    """Decision boundary, loss curve and per-layer gradient norms of ``state``."""
    fig = new_figure(12.5, 4.0)
    ax_data, ax_loss, ax_grad = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.05, 1, 1]})
    _plot_boundary(ax_data, state.net.predict_proba, state.X, state.y)
    ax_data.set_title(f"{state.dataset}: epoch {state.epoch}, training accuracy {state.accuracy():.0%}", fontsize=10)

    ax_loss.set_title("mean training loss", fontsize=10)
    ax_loss.set_xlabel("epoch")
    if state.losses:
        ax_loss.plot(np.arange(len(state.losses)), state.losses, color="#333333")
        ax_loss.set_yscale("log")
        ax_loss.annotate(f"{state.losses[-1]:.4f}", (len(state.losses) - 1, state.losses[-1]),
                         textcoords="offset points", xytext=(-30, 8), fontsize=9)
    else:
        ax_loss.text(0.5, 0.5, "press ▶ to train", ha="center", va="center", transform=ax_loss.transAxes)

    ax_grad.set_title("gradient norm ‖dW‖ of each layer", fontsize=10)
    ax_grad.set_xlabel("epoch")
    if state.grad_norms:
        norms = np.array(state.grad_norms)
        for layer in range(norms.shape[1]):
            ax_grad.plot(np.arange(norms.shape[0]), np.maximum(norms[:, layer], 1e-12),
                         color=LAYER_COLORS[layer % len(LAYER_COLORS)], label=f"layer {layer + 1}")
        ax_grad.set_yscale("log")
        ax_grad.legend(fontsize=8, loc="upper right")
    return fig


def training_dashboard(dataset: str = "moons", hidden: Sequence[int] = (8, 8), activation: str = "tanh",
                       optimizer: str = "adam", lr: float = 0.03, epochs_per_tick: int = 10,
                       interval_ms: int = 800) -> Any:
    """Train interactively: ▶ plays (every tick trains ``epochs_per_tick`` epochs and redraws), ⏸ pauses.

    Changing the data set, activation, optimizer or learning rate starts a new run.
    """
    import ipywidgets as widgets

    make_state(dataset, hidden, activation, optimizer, lr)  # fail early on a bad argument
    play = widgets.Play(value=0, min=0, max=100_000, step=1, interval=interval_ms, description="train")
    data = widgets.Dropdown(options=sorted(DATASETS), value=dataset, description="data")
    act = widgets.Dropdown(options=["tanh", "relu", "sigmoid", "leaky_relu", "elu"], value=activation,
                           description="activation")
    opt = widgets.Dropdown(options=["adam", "sgd", "momentum", "rmsprop"], value=optimizer, description="optimizer")
    rate = widgets.FloatLogSlider(value=lr, base=10, min=-3, max=0, step=0.25, description="lr",
                                  continuous_update=False)
    reset = widgets.Button(description="reset")
    output = widgets.Output()
    holder: dict[str, TrainingState] = {}

    def redraw() -> None:
        with output:
            output.clear_output(wait=True)
            show_figure(draw_dashboard(holder["state"]))

    def restart(*_: Any) -> None:
        play.playing = False
        holder["state"] = make_state(data.value, hidden, act.value, opt.value, rate.value)
        redraw()

    def tick(change: dict) -> None:
        if change["new"] > change["old"]:
            holder["state"] = holder["state"].step(epochs_per_tick)
            redraw()

    play.observe(tick, names="value")
    for control in (data, act, opt, rate):
        control.observe(restart, names="value")
    reset.on_click(restart)
    restart()
    controls = widgets.VBox([widgets.HBox([play, reset, data]), widgets.HBox([act, opt, rate])])
    box = widgets.VBox([controls, output])
    box.output, box.state = output, holder  # type: ignore[attr-defined]
    return box
