"""Lesson 08 widgets: what initialization does to a deep stack, and why all-zero weights never learn.

Both use the course's reference code (:mod:`course.initializers`, :mod:`course.diagnostics`,
:mod:`course.mlp`), never a student's functions, so they work before any exercise is solved.

* :func:`layer_histograms` / :func:`draw_layer_histograms` / :func:`explorer` — feed
  standard-normal inputs through ``depth`` layers of ``width`` units initialized with a
  chosen scheme and see every layer's activation histogram and standard deviation:
  vanishing (a spike at 0), exploding, saturating (piled up at ±1) or steady.
* :func:`symmetry_experiment` / :func:`draw_symmetry` — train the same small network
  from all-zero weights and from Xavier weights: from zeros, every hidden unit keeps
  exactly the same weights as the others, step after step.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from .. import datasets, diagnostics
from ..initializers import INITIALIZERS
from ..mlp import MLP
from ..validation import CourseInputError
from .base import live_figure, new_figure

__all__ = ["INIT_NAMES", "ACTIVATION_NAMES", "WIDTHS", "LayerHistograms", "layer_histograms",
           "draw_layer_histograms", "explorer", "Symmetry", "symmetry_experiment", "draw_symmetry"]

Array = np.ndarray

INIT_NAMES = ("zeros", "uniform", "xavier_uniform", "xavier_normal", "lecun_normal", "he_normal", "he_uniform")
ACTIVATION_NAMES = ("tanh", "relu", "sigmoid", "identity", "leaky_relu", "elu")
WIDTHS = (32, 64, 128, 256, 512, 1024)
BINS = 40

BOUNDED = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}


@dataclass(frozen=True)
class LayerHistograms:
    """Per-layer histograms of a stack's activations on a shared range.

    Attributes
    ----------
    edges : ndarray of shape (BINS + 1,)
        Shared bin edges; values outside are counted in the first or last bin (clipped),
        so an exploding layer shows as a pile at the edge.
    counts : ndarray of shape (depth, BINS)
        Fraction of the layer's activations in each bin. For ReLU, exact zeros are left
        out (they would dwarf the rest) and counted in ``zeros`` instead.
    means, stds : ndarray of shape (depth,)
    zeros : ndarray of shape (depth,)
        Fraction of each layer's activations that are exactly 0.
    """

    edges: Array
    counts: Array
    means: Array
    stds: Array
    zeros: Array


def _check_choice(value: Any, allowed: tuple, name: str) -> None:
    if value not in allowed:
        raise CourseInputError(f"unknown {name} {value!r}; choose one of {list(allowed)}")


def layer_histograms(init: str, activation: str, depth: int, width: int = 256, m: int = 256,
                     seed: int = 0) -> LayerHistograms:
    """Histogram every layer's output of :func:`course.diagnostics.stack_outputs`.

    The shared range is the activation's own for tanh and sigmoid; otherwise it is
    symmetric (or [0, ...] for ReLU) at four standard deviations of the first layer.
    """
    _check_choice(init, tuple(INITIALIZERS), "initializer")
    _check_choice(activation, ACTIVATION_NAMES, "activation")
    outputs = diagnostics.stack_outputs(init, activation, depth, width, m, seed)
    if activation in BOUNDED:
        low, high = BOUNDED[activation]
    else:
        spread = 4.0 * float(np.std(outputs[0])) or 1.0
        low, high = (0.0, spread) if activation == "relu" else (-spread, spread)
    edges = np.linspace(low, high, BINS + 1)
    shown = [A[A != 0] if activation == "relu" else A for A in outputs]
    counts = np.array([np.histogram(np.clip(S, low, high), bins=edges)[0] / A.size for S, A in zip(shown, outputs)])
    return LayerHistograms(edges, counts, np.array([A.mean() for A in outputs]), np.array([A.std() for A in outputs]),
                           np.array([np.mean(A == 0) for A in outputs]))


def draw_layer_histograms(init: str = "xavier_uniform", activation: str = "tanh", depth: int = 10,
                          width: int = 256, seed: int = 0) -> Figure:
    """One histogram per layer (left to right, top to bottom) and the std per layer (bottom)."""
    data = layer_histograms(init, activation, depth, width, seed=seed)
    cols = min(depth, 5)
    rows = int(np.ceil(depth / cols))
    fig = new_figure(9.0, 1.7 * rows + 2.4)
    fig.set_layout_engine("none")  # a fixed grid: constrained layout of many axes doubles the drawing time
    height = 1.7 * rows + 2.4
    grid = fig.add_gridspec(rows + 1, cols, height_ratios=[1.0] * rows + [1.3], left=0.09, right=0.98,
                            bottom=0.5 / height, top=1 - 0.55 / height, hspace=0.65, wspace=0.12)
    for layer in range(depth):
        ax = fig.add_subplot(grid[layer // cols, layer % cols])
        ax.stairs(data.counts[layer], data.edges, fill=True, color="tab:blue", alpha=0.8)  # one patch: fast to draw
        ax.set_xlim(data.edges[0], data.edges[-1])
        ax.set_ylim(0, 1.05 * max(float(data.counts.max()), 1e-9))
        ax.set_yticks([])
        ax.tick_params(labelsize=7)
        ax.locator_params(axis="x", nbins=3)
        zeros = f", {data.zeros[layer]:.0%} at 0" if activation == "relu" else ""
        ax.set_title(f"layer {layer + 1}: std {data.stds[layer]:.2g}{zeros}", fontsize=8)
    ax = fig.add_subplot(grid[rows, :])
    layers = np.arange(1, depth + 1)
    stds = np.maximum(data.stds, 1e-12)
    ax.plot(layers, stds, "o-", color="tab:red", label="std of the layer's output")
    ax.plot(layers, np.abs(data.means) + 1e-12, "s--", color="tab:gray", ms=4, label="|mean|")
    values = np.concatenate([stds, np.abs(data.means) + 1e-12])
    if values.max() / values.min() > 20:  # vanishing or exploding: only a log scale shows every layer
        ax.set_yscale("log")
        ax.yaxis.set_minor_formatter(NullFormatter())  # labels only at powers of ten
    else:
        ax.set_ylim(0, 1.15 * values.max())
    ax.set_xlabel("layer")
    ax.set_xticks(layers)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.suptitle(f"{init} initialization, {activation}, {depth} layers of {width} units "
                 f"(inputs ~ N(0, 1); bins clipped at the edges)", fontsize=10)
    return fig


def explorer() -> Any:
    """Initializer × activation × depth × width → per-layer activation histograms."""
    import ipywidgets as widgets

    style = {"description_width": "initial"}
    controls = {
        "init": widgets.Dropdown(options=INIT_NAMES, value="xavier_uniform", description="initializer", style=style),
        "activation": widgets.Dropdown(options=ACTIVATION_NAMES, value="tanh", description="activation", style=style),
        "depth": widgets.IntSlider(value=10, min=1, max=15, description="layers", style=style,
                                   continuous_update=False),
        "width": widgets.SelectionSlider(options=WIDTHS, value=256, description="units per layer", style=style,
                                         continuous_update=False),
    }
    return live_figure(draw_layer_histograms, controls, columns=2)


# --- symmetry of all-zero weights ------------------------------------------------------------------

@dataclass(frozen=True)
class Symmetry:
    """A small network trained from one initialization.

    Attributes
    ----------
    W1 : ndarray of shape (epochs + 1, 2, hidden)
        First-layer weights before training and after every epoch.
    losses : ndarray of shape (epochs,)
    accuracy : float
        Training accuracy at the end.
    """

    W1: Array
    losses: Array
    accuracy: float


def symmetry_experiment(init: str, epochs: int = 200, hidden: int = 4, lr: float = 5.0, seed: int = 0) -> Symmetry:
    """Train a 2-``hidden``-1 sigmoid network on noisy XOR by batch gradient descent from ``init``."""
    _check_choice(init, tuple(INITIALIZERS), "initializer")
    rng = np.random.default_rng(seed)
    X, y = datasets.xor(rng, m=200, noise=0.1)
    net = MLP([2, hidden, 1], rng, activation="sigmoid", output="sigmoid", init=init)
    snapshots = [net.params[0][0].copy()]

    def record(epoch: int, history: Any) -> bool:
        snapshots.append(net.params[0][0].copy())
        return False

    history = net.fit(X, y, epochs=epochs, batch_size=None, optimizer="sgd", lr=lr, callback=record)
    return Symmetry(np.array(snapshots), np.array(history.loss), net.accuracy(X, y))


def draw_symmetry(epochs: int = 200, hidden: int = 4, seed: int = 0) -> Figure:
    """Hidden units' incoming weights during training, from zeros and from Xavier, and both losses."""
    runs = {name: symmetry_experiment(name, epochs, hidden, seed=seed) for name in ("zeros", "xavier_uniform")}
    fig = new_figure(10.0, 3.4)
    axes = fig.subplots(1, 3)
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:olive"]
    for ax, (name, run) in zip(axes[:2], runs.items()):
        for unit in range(hidden):
            for i, style in enumerate(("-", ":")):
                ax.plot(run.W1[:, i, unit], style, color=colors[unit % len(colors)], lw=1.5,
                        label=f"unit {unit + 1}" if i == 0 else None)
        spread = float(np.max(np.ptp(run.W1, axis=2)))
        ax.set_title(f"from {name}: hidden units' weights\n(largest gap between two units: {spread:.2g})", fontsize=9)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="best")
    for name, run in runs.items():
        axes[2].plot(run.losses, label=f"{name} (accuracy {run.accuracy:.0%})")
    axes[2].set_title("training loss (noisy XOR)", fontsize=9)
    fig.suptitle("a 2-4-1 sigmoid network, batch gradient descent; solid: weight from x1, dotted: from x2",
                 fontsize=10)
    axes[2].set_xlabel("epoch")
    axes[2].legend(fontsize=8)
    axes[2].grid(alpha=0.3)
    return fig
