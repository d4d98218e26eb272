"""Widget for lesson 02: step through the online perceptron one example at a time.

:class:`PerceptronState` is the whole state of a run (weights, position in the epoch,
mistake counts) as an immutable value; its pure methods :meth:`~PerceptronState.step`,
:meth:`~PerceptronState.epoch` and :meth:`~PerceptronState.run` return the next state, so
the tests drive it without a browser and compare it with :func:`course.perceptron.online_perceptron`.
:func:`draw_perceptron` draws a state; :func:`perceptron_stepper` wires buttons
("next example", "next epoch", "run") and a data-set selector to them.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np
from matplotlib.figure import Figure

from .. import datasets, perceptron
from ..validation import CourseInputError, as_array, check_labels
from .base import live_figure, new_figure
from .lesson01 import CLASS_COLORS, decision_line

__all__ = ["STEPPER_DATASETS", "stepper_data", "PerceptronState", "plot_box", "boundary", "status_text", "draw_perceptron",
           "perceptron_stepper"]

Array = np.ndarray


def _separable() -> tuple[Array, Array]:
    # Off-centre, so the bias weight has work to do; the online perceptron needs 7 epochs here.
    rng = np.random.default_rng(49)
    X, y = datasets.blobs(rng, m=20, separation=2.2, spread=0.45, signed=True)
    return X + np.array([1.0, 0.6]), y


def _overlapping() -> tuple[Array, Array]:
    rng = np.random.default_rng(5)
    return datasets.blobs(rng, m=20, separation=1.6, spread=0.8, signed=True)


def _xor() -> tuple[Array, Array]:
    rng = np.random.default_rng(11)
    X, y = datasets.xor(rng, m=16, noise=0.12, signed=True)
    return 2.0 * X - 1.0, y  # corners at (+-1, +-1), centred on the origin


STEPPER_DATASETS: dict[str, Callable[[], tuple[Array, Array]]] = {
    "separable": _separable,
    "overlapping (not separable)": _overlapping,
    "XOR (not separable)": _xor,
}
"""The selector's data sets: 2-D points with labels in {-1, +1}."""


def stepper_data(name: str) -> tuple[Array, Array]:
    """``(X, y)`` of a data set of :data:`STEPPER_DATASETS`; ``X`` has shape (m, 2), no bias column."""
    if name not in STEPPER_DATASETS:
        raise CourseInputError(f"unknown data set {name!r}; choose one of {sorted(STEPPER_DATASETS)}")
    return STEPPER_DATASETS[name]()


@dataclass(frozen=True)
class PerceptronState:
    """One moment of an online-perceptron run (labels in {-1, +1}, bias feature first).

    Attributes
    ----------
    X : ndarray of shape (m, n + 1)
    y : ndarray of shape (m,)
    theta : ndarray of shape (n + 1,)
    epochs_done : int
        Completed epochs.
    index : int
        The example the next :meth:`step` looks at.
    mistakes_this_epoch : int
        Mistakes so far in the current (unfinished) epoch.
    mistakes_per_epoch : tuple of int
        One count per completed epoch, as returned by ``online_perceptron``.
    last : int or None
        The example the last step looked at.
    last_was_mistake : bool
    converged : bool
        True once an epoch ended without a mistake; then nothing changes any more.
    """

    X: Array
    y: Array
    theta: Array
    epochs_done: int = 0
    index: int = 0
    mistakes_this_epoch: int = 0
    mistakes_per_epoch: tuple[int, ...] = ()
    last: int | None = None
    last_was_mistake: bool = False
    converged: bool = False

    @classmethod
    def start(cls, X: Array, y: Array) -> "PerceptronState":
        """A fresh run on ``X`` (shape (m, n), the bias feature is added here) from ``theta = 0``."""
        X = perceptron.add_bias_feature(as_array(X, "X", ndim=2))
        y = as_array(y, "y", shape=(X.shape[0],))
        check_labels(y, "y", (-1.0, 1.0))
        if X.shape[0] == 0:
            raise CourseInputError("`X` has no rows")
        return cls(X, y, np.zeros(X.shape[1]))

    @property
    def m(self) -> int:
        return self.X.shape[0]

    def step(self) -> "PerceptronState":
        """Look at the next example and apply the rule: if ``y theta . x <= 0`` then ``theta += y x``."""
        if self.converged:
            return self
        i = self.index
        x_i, y_i = self.X[i], self.y[i]
        mistake = bool(y_i * (self.theta @ x_i) <= 0)
        theta = self.theta + y_i * x_i if mistake else self.theta
        count = self.mistakes_this_epoch + mistake
        if i + 1 < self.m:
            return replace(self, theta=theta, index=i + 1, mistakes_this_epoch=count, last=i,
                           last_was_mistake=mistake)
        return replace(self, theta=theta, index=0, mistakes_this_epoch=0, epochs_done=self.epochs_done + 1,
                       mistakes_per_epoch=self.mistakes_per_epoch + (count,), last=i, last_was_mistake=mistake,
                       converged=count == 0)

    def epoch(self) -> "PerceptronState":
        """Step to the end of the current epoch."""
        state = self.step()
        while state.index != 0 and not state.converged:
            state = state.step()
        return state

    def run(self, max_epochs: int = 50) -> "PerceptronState":
        """Finish epochs until one has no mistake or ``max_epochs`` epochs are done in total."""
        state = self
        while not state.converged and state.epochs_done < max_epochs:
            state = state.epoch()
        return state


def plot_box(state: PerceptronState, pad: float = 0.8) -> tuple[tuple[float, float], tuple[float, float]]:
    """The plotted area: the examples' bounding box grown by ``pad`` on every side."""
    lo, hi = state.X[:, 1:].min(axis=0) - pad, state.X[:, 1:].max(axis=0) + pad
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def boundary(state: PerceptronState) -> tuple[Array, Array] | None:
    """End points of the line ``theta_0 + theta_1 x_1 + theta_2 x_2 = 0`` inside :func:`plot_box`, or None."""
    if state.theta.shape != (3,):
        raise CourseInputError("the drawing needs 2-D examples (theta of shape (3,))")
    b, w1, w2 = (float(t) for t in state.theta)
    return decision_line(w1, w2, b, *plot_box(state))


def status_text(state: PerceptronState) -> str:
    """The line under the plot: epoch, example, mistakes, theta."""
    theta = ", ".join(f"{t:+.2f}" for t in state.theta)
    if state.converged:
        head = f"converged after {state.epochs_done} epochs: an epoch without mistakes"
    elif state.last is None:
        head = "theta = 0: press 'next example'"
    else:
        verdict = "mistake, theta += y x" if state.last_was_mistake else "correct, no change"
        head = (f"epoch {state.epochs_done + (state.index != 0)} · example {state.last + 1} of {state.m}: {verdict}"
                f" · mistakes this epoch: {state.mistakes_this_epoch if state.index != 0 else state.mistakes_per_epoch[-1]}")
    return f"{head}\ntheta = (b, w1, w2) = ({theta})   ·   mistakes per epoch: {list(state.mistakes_per_epoch)}"


def draw_perceptron(state: PerceptronState, title: str = "") -> Figure:
    """The data, the current boundary (theta . x = 0), the example just seen and the mistake counts.

    Parameters
    ----------
    state : PerceptronState
        With 2-D examples (``theta`` of shape (3,)).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = new_figure(8.4, 4.2)
    ax, bars = fig.subplots(1, 2, width_ratios=(1.7, 1.0))
    X, y = state.X[:, 1:], state.y
    xlim, ylim = plot_box(state)
    if np.any(state.theta[1:] != 0):  # shade the side the perceptron calls +1
        g1, g2 = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
        side = state.theta[0] + state.theta[1] * g1 + state.theta[2] * g2 > 0
        ax.contourf(g1, g2, side.astype(float), levels=[-0.5, 0.5, 1.5], colors=[CLASS_COLORS[0], CLASS_COLORS[1]],
                    alpha=0.12)
    for label, color, marker in ((-1.0, CLASS_COLORS[0], "o"), (1.0, CLASS_COLORS[1], "^")):
        rows = y == label
        ax.scatter(X[rows, 0], X[rows, 1], c=color, marker=marker, s=50, edgecolors="black", linewidths=0.6,
                   label=f"y = {label:+.0f}", zorder=3)
    line = boundary(state)
    if line is not None:
        ax.plot(*line, "k-", linewidth=2, label=r"boundary $\theta \cdot x = 0$", zorder=2)
    if state.last is not None:
        ring = "tab:orange" if state.last_was_mistake else "tab:green"
        ax.scatter(*X[state.last], s=320, facecolors="none", edgecolors=ring, linewidths=2.5, zorder=4,
                   label="mistake: update" if state.last_was_mistake else "correct: no change")
    ax.set(xlim=xlim, ylim=ylim, xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax.legend(loc="best", fontsize=7, framealpha=0.9)
    ax.set_title(title or "online perceptron", fontsize=10)

    counts = list(state.mistakes_per_epoch)
    epochs = np.arange(1, len(counts) + 1)
    if counts:
        bars.bar(epochs, counts, color="tab:gray", label="finished epochs")
    if not state.converged and state.index != 0:
        bars.bar([len(counts) + 1], [state.mistakes_this_epoch], color="tab:orange", alpha=0.6,
                 label="current epoch (so far)")
    top = max([*counts, state.mistakes_this_epoch, 1])
    bars.set(xlabel="epoch", ylabel="mistakes", ylim=(0, top + 1), xlim=(0.3, max(len(counts) + 1.7, 5.7)))
    bars.xaxis.get_major_locator().set_params(integer=True)
    bars.yaxis.get_major_locator().set_params(integer=True)
    bars.set_title("mistakes per epoch", fontsize=10)
    if counts or state.index:
        bars.legend(fontsize=7, loc="upper right")
    fig.suptitle(status_text(state), x=0.01, ha="left", fontsize=8, family="monospace")
    return fig


def perceptron_stepper(max_epochs: int = 30) -> Any:
    """Buttons: next example / next epoch / run (to convergence or ``max_epochs``) / reset, and a data-set selector.

    Returns
    -------
    ipywidgets.VBox
        With ``buttons`` (label -> Button), ``selector`` and ``current()`` (the shown :class:`PerceptronState`).
    """
    import ipywidgets as widgets

    names = list(STEPPER_DATASETS)
    selector = widgets.Dropdown(options=names, value=names[0], description="data")
    held: dict[str, Any] = {"name": None, "state": None}

    def draw(dataset: str) -> Figure:
        if held["name"] != dataset:
            held["name"], held["state"] = dataset, PerceptronState.start(*stepper_data(dataset))
        return draw_perceptron(held["state"], title=f"online perceptron on '{dataset}' data")

    buttons = {label: widgets.Button(description=label) for label in
               ("next example", "next epoch", f"run ({max_epochs} epochs max)", "reset")}
    actions: dict[str, Callable[[PerceptronState], PerceptronState]] = {
        "next example": PerceptronState.step,
        "next epoch": PerceptronState.epoch,
        f"run ({max_epochs} epochs max)": lambda s: s.run(max_epochs),
        "reset": lambda s: PerceptronState.start(s.X[:, 1:], s.y),
    }
    box = live_figure(draw, {"dataset": selector}, extra=[widgets.HBox(list(buttons.values()))])

    def press(label: str) -> Callable[[Any], None]:
        def on_click(_: Any) -> None:
            held["state"] = actions[label](held["state"])
            box.update()
        return on_click

    for label, button in buttons.items():
        button.on_click(press(label))
    box.buttons, box.selector = buttons, selector  # type: ignore[attr-defined]
    box.current = lambda: held["state"]  # type: ignore[attr-defined]  # for tests and curious students
    return box
