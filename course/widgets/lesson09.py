"""Lesson 09 widgets: batch vs mini-batch vs stochastic descent, shuffling, and an optimizer race.

Everything runs the course's reference code (:mod:`course.optimizers`,
:mod:`course.preprocessing`, :mod:`course.surfaces`, :mod:`course.mlp`), never a
student's functions, so it works before any exercise is solved.

* :func:`gd_variant_curves` / :func:`draw_gd_variants` — logistic regression on the same
  data by batch, mini-batch and stochastic gradient descent: loss per epoch and per update.
* :func:`shuffling_curves` / :func:`draw_shuffling` — stochastic descent on data sorted by
  label, visited in that order or reshuffled every epoch.
* :func:`optimizer_curves` / :func:`draw_optimizer_curves` — every update rule training the
  same small network.
* :func:`draw_race` / :func:`race_explorer` — update rules racing on 2-D loss surfaces
  (:func:`course.surfaces.race`): trajectories over the contour plot and loss per step.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from .. import datasets
from ..activations import _sigmoid
from ..losses import _bce
from ..mlp import MLP
from ..optimizers import OPTIMIZERS, sgd_update
from ..preprocessing import minibatches
from ..surfaces import SURFACES, get_surface, race
from ..validation import CourseInputError
from .base import live_figure, new_figure

__all__ = ["COLORS", "Curve", "VARIANTS", "gd_variant_curves", "draw_gd_variants", "shuffling_curves",
           "draw_shuffling", "TYPICAL_LR", "optimizer_curves", "draw_optimizer_curves", "draw_race",
           "race_explorer"]

Array = np.ndarray

COLORS = {"sgd": "black", "momentum": "tab:blue", "nesterov": "tab:cyan", "adagrad": "tab:olive",
          "adadelta": "tab:brown", "rmsprop": "tab:purple", "adam": "tab:red", "adamw": "tab:orange",
          "adafactor": "tab:green"}
"""One color per update rule, the same in every figure."""


@dataclass(frozen=True)
class Curve:
    """Training loss on the whole training set after each update.

    Attributes
    ----------
    epochs : ndarray of shape (k + 1,)
        Epochs completed at each point (fractional inside an epoch); starts at 0.
    losses : ndarray of shape (k + 1,)
        Mean loss over the whole training set; ``losses[0]`` is before any update.
    """

    epochs: Array
    losses: Array

    @property
    def updates(self) -> int:
        return len(self.losses) - 1


VARIANTS: dict[str, int | None] = {"batch": None, "mini-batch (32)": 32, "stochastic (1)": 1}
"""The notes' three variants and their batch sizes (None: the whole training set)."""


def _logistic_problem(seed: int, m: int = 256) -> tuple[Array, Array]:
    """Two overlapping blobs with a ones column for the bias: X of shape (m, 3), y in {0, 1}."""
    X, y = datasets.blobs(np.random.default_rng(seed), m=m, separation=2.5, spread=1.0)
    return np.column_stack([X, np.ones(m)]), y


def _full_loss(X: Array, y: Array, theta: Array) -> float:
    return _bce(_sigmoid(X @ theta), y)


def _train_logistic(X: Array, y: Array, batch_size: int | None, lr: float, epochs: int, rng: np.random.Generator,
                    shuffle: bool = True) -> Curve:
    m = X.shape[0]
    size = m if batch_size is None else batch_size
    theta, state = np.zeros(X.shape[1]), {}
    seen, points, losses = 0, [0.0], [_full_loss(X, y, theta)]
    for _ in range(epochs):
        for Xb, yb in minibatches(X, y, size, rng, shuffle=shuffle):
            grad = Xb.T @ (_sigmoid(Xb @ theta) - yb) / Xb.shape[0]  # gradient of the batch-mean loss
            theta, state = sgd_update(theta, grad, state, lr=lr)
            seen += Xb.shape[0]
            points.append(seen / m)
            losses.append(_full_loss(X, y, theta))
    return Curve(np.array(points), np.array(losses))


def _positive(value: Any, name: str, integer: bool = False) -> None:
    ok = isinstance(value, (int, np.integer)) if integer else isinstance(value, (int, float, np.number))
    if isinstance(value, bool) or not ok or not np.isfinite(value) or value <= 0:
        raise CourseInputError(f"`{name}` must be a positive {'integer' if integer else 'number'}, got {value!r}")


def gd_variant_curves(epochs: int = 20, lr: float = 0.5, seed: int = 0,
                      variants: Mapping[str, int | None] | None = None) -> dict[str, Curve]:
    """Logistic regression on the same data by each variant, all from zeros with the same ``lr``.

    Each update uses the gradient of the *mean* loss over its batch; examples are
    reshuffled every epoch (the same generator seed for every variant).
    """
    _positive(epochs, "epochs", integer=True)
    _positive(lr, "lr")
    X, y = _logistic_problem(seed)
    return {name: _train_logistic(X, y, size, lr, epochs, np.random.default_rng(seed + 1))
            for name, size in (variants or VARIANTS).items()}


def draw_gd_variants(epochs: int = 20, lr: float = 0.5, seed: int = 0) -> Figure:
    """Loss against epochs (left) and against the number of updates (right) for each variant."""
    curves = gd_variant_curves(epochs, lr, seed)
    fig = new_figure(10.0, 3.6)
    left, right = fig.subplots(1, 2)
    colors = {"batch": "tab:blue", "mini-batch (32)": "tab:orange", "stochastic (1)": "tab:green"}
    for name, curve in curves.items():
        color = colors.get(name)
        left.plot(curve.epochs, curve.losses, color=color, lw=1.0, label=f"{name}: {curve.updates} updates")
        right.plot(np.arange(curve.updates + 1) + 1, curve.losses, color=color, lw=1.0, label=name)
    left.set_xlabel("epochs (passes over the 256 examples)")
    left.set_ylabel("training loss (whole set)")
    left.set_title(f"same data, same lr = {lr:g}, {epochs} epochs", fontsize=10)
    right.set_xscale("log")
    right.set_xlabel("updates (log scale)")
    right.set_title("the same runs against the number of updates", fontsize=10)
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return fig


def shuffling_curves(epochs: int = 4, lr: float = 0.3, batch_size: int = 1, seed: int = 0) -> dict[str, Curve]:
    """Stochastic descent on data sorted by label, in that order every epoch or reshuffled every epoch."""
    _positive(epochs, "epochs", integer=True)
    _positive(batch_size, "batch_size", integer=True)
    X, y = _logistic_problem(seed)
    order = np.argsort(y, kind="stable")  # all the 0s, then all the 1s: a "meaningful order"
    X, y = X[order], y[order]
    return {"sorted, never shuffled": _train_logistic(X, y, batch_size, lr, epochs, np.random.default_rng(seed),
                                                      shuffle=False),
            "reshuffled every epoch": _train_logistic(X, y, batch_size, lr, epochs, np.random.default_rng(seed),
                                                      shuffle=True)}


def draw_shuffling(epochs: int = 4, lr: float = 0.3, batch_size: int = 1, seed: int = 0) -> Figure:
    """Loss after every update with and without shuffling."""
    curves = shuffling_curves(epochs, lr, batch_size, seed)
    fig = new_figure(8.0, 3.4)
    ax = fig.subplots()
    for (name, curve), color in zip(curves.items(), ("tab:red", "tab:blue")):
        ax.plot(curve.epochs, curve.losses, color=color, lw=1.2, label=name)
    for e in range(1, epochs):
        ax.axvline(e, color="gray", lw=0.5, ls=":")
    ax.set_xlabel("epochs (dotted lines: epoch boundaries)")
    ax.set_ylabel("training loss (whole set)")
    what = "one example at a time" if batch_size == 1 else f"mini-batches of {batch_size}"
    ax.set_title(f"{what}, lr = {lr:g}, data sorted by label (first all 0s, then all 1s)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    return fig


TYPICAL_LR = {"sgd": 0.5, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.3, "adadelta": None, "rmsprop": 0.02,
              "adam": 0.02, "adamw": 0.02, "adafactor": 0.05}
"""A learning rate that works for each rule on :func:`optimizer_curves`' problem (Adadelta has none)."""


def optimizer_curves(names: Iterable[str] | None = None, epochs: int = 40, seed: int = 0) -> dict[str, Array]:
    """Training loss per epoch of a 2-16-16-1 tanh network on two moons, for each update rule.

    Mini-batches of 32 reshuffled every epoch, the same initial weights for every rule,
    each rule at its :data:`TYPICAL_LR`.
    """
    _positive(epochs, "epochs", integer=True)
    out = {}
    X, y = datasets.moons(np.random.default_rng(seed), m=300, noise=0.15)
    for name in (names or list(OPTIMIZERS)):
        if name not in OPTIMIZERS:
            raise CourseInputError(f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}")
        net = MLP([2, 16, 16, 1], np.random.default_rng(seed + 1), activation="tanh", output="sigmoid")
        hyper = {} if TYPICAL_LR[name] is None else {"lr": TYPICAL_LR[name]}
        out[name] = np.array(net.fit(X, y, epochs=epochs, batch_size=32, optimizer=name, **hyper).loss)
    return out


def draw_optimizer_curves(epochs: int = 40, seed: int = 0) -> Figure:
    """Every update rule training the same network: loss per epoch."""
    curves = optimizer_curves(epochs=epochs, seed=seed)
    fig = new_figure(8.0, 3.8)
    ax = fig.subplots()
    for name, losses in curves.items():
        lr = TYPICAL_LR[name]
        ax.plot(np.arange(1, epochs + 1), losses, color=COLORS[name], lw=1.4,
                label=f"{name} ({'no lr' if lr is None else f'lr {lr:g}'})")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean training loss in the epoch")
    ax.set_title("a 2-16-16-1 tanh network on two moons, mini-batches of 32", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    return fig


# --- the race ----------------------------------------------------------------------------------------

def draw_race(surface: str = "ravine", optimizers: Iterable[str] = ("sgd", "momentum", "adam"), lr: float = 0.1,
              momentum: float = 0.9, steps: int = 100) -> Figure:
    """Trajectories over the contour plot (left) and the loss above the minimum per step (right)."""
    surf = get_surface(surface)
    names = list(optimizers)
    runs = race(surf, names, lr=lr, momentum=momentum, steps=steps)
    fig = new_figure(11.0, 4.4)
    left, right = fig.subplots(1, 2, width_ratios=[1.25, 1.0])
    X, Y, Z = surf.grid(200)
    gap = Z - surf.min_value
    low = max(float(np.quantile(gap, 0.002)), 1e-3)
    levels = np.geomspace(low, float(gap.max()), 18)
    left.contourf(X, Y, np.maximum(gap, low), levels=levels, norm=LogNorm(), cmap="Greys_r", alpha=0.55)
    left.contour(X, Y, np.maximum(gap, low), levels=levels, norm=LogNorm(), colors="gray", linewidths=0.4)
    for mx, my in surf.minima:
        left.plot(mx, my, "*", color="gold", ms=14, mec="black", zorder=5)
    left.plot(*surf.start, "o", color="white", mec="black", ms=7, zorder=5)
    for name, run in runs.items():
        color = COLORS.get(name, None)
        label = name + (f" (diverged at step {run.path.shape[0]})" if run.diverged else "")
        left.plot(run.path[:, 0], run.path[:, 1], ".-", color=color, lw=1.2, ms=3, label=label, zorder=4)
        if run.diverged:
            left.plot(*run.path[-1], "x", color=color, ms=10, mew=2, zorder=6)
        right.plot(np.arange(len(run.losses)), np.maximum(run.losses - surf.min_value, 1e-16), color=color, lw=1.4,
                   label=label)
    left.set_xlim(surf.xlim)
    left.set_ylim(surf.ylim)
    left.set_title(surf.title, fontsize=10)
    if names:
        left.legend(fontsize=8, loc="lower right")
    right.set_yscale("log")
    right.set_xlim(0, steps)
    right.set_xlabel("step")
    right.set_ylabel("loss − minimum")
    right.set_title(f"lr = {lr:.3g}, momentum γ = {momentum:.2f} (Adadelta ignores lr)", fontsize=10)
    right.grid(alpha=0.3)
    return fig


def race_explorer() -> Any:
    """Pick a surface, the racing update rules, the learning rate, momentum and the number of steps."""
    import ipywidgets as widgets

    style = {"description_width": "initial"}
    surface = widgets.Dropdown(options=list(SURFACES), value="ravine", description="surface", style=style)
    controls = {
        "surface": surface,
        "optimizers": widgets.SelectMultiple(options=list(OPTIMIZERS), value=("sgd", "momentum", "adam"), rows=9,
                                             description="optimizers (Ctrl/⌘-click)", style=style),
        "lr": widgets.FloatLogSlider(value=SURFACES["ravine"].default_lr, base=10, min=-4, max=0.5, step=0.05,
                                     description="learning rate", style=style, continuous_update=False,
                                     readout_format=".4f"),
        "momentum": widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="momentum γ",
                                        style=style, continuous_update=False),
        "steps": widgets.IntSlider(value=100, min=10, max=500, step=10, description="steps", style=style,
                                   continuous_update=False),
    }
    box = live_figure(draw_race, controls, columns=2)

    def reset_lr(change: Any) -> None:
        controls["lr"].value = SURFACES[change["new"]].default_lr

    surface.observe(reset_lr, names="value")
    return box
