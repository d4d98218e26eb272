"""Widgets for lesson 01: a logistic model's sigmoid surface, and linear vs logistic regression.

Two explorers, each a pure ``draw_*`` function (plain numbers in, a Figure out) wired to
sliders with :func:`course.widgets.base.live_figure`:

* :func:`sigmoid_surface_explorer` — sliders for ``w1, w2, b`` over 2-D data: the filled
  contour of ``sigmoid(w1 x1 + w2 x2 + b)``, the 0.5 decision line and the mean loss;
* :func:`linear_vs_logistic_explorer` — the notes' 1-D slides: a least-squares line and a
  logistic curve fitted to 0/1 labels, with a slider moving one distant positive example.
  The line's 0.5 crossing is dragged along by the distant point; the logistic one barely moves.

Everything shown is computed by the pure helpers (:func:`decision_line`,
:func:`surface_summary`, :func:`least_squares_line`, :func:`logistic_fit_1d`,
:func:`one_d_summary`), which the tests call directly. Nothing here uses a student's code.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from .. import logistic
from ..activations import _sigmoid
from ..losses import _bce
from ..validation import CourseInputError, as_array
from .base import live_figure, new_figure

__all__ = [
    "surface_data", "decision_line", "SurfaceSummary", "surface_summary", "draw_sigmoid_surface",
    "sigmoid_surface_explorer", "one_d_data", "least_squares_line", "logistic_fit_1d", "OneDSummary",
    "one_d_summary", "draw_linear_vs_logistic", "linear_vs_logistic_explorer", "draw_training",
]

Array = np.ndarray
CLASS_COLORS = ("#1f77b4", "#d62728")  # class 0 blue, class 1 red, as in the contour's colour map
BOX = (-4.0, 4.0)


# --- the 2-D sigmoid surface -----------------------------------------------------------------

def surface_data(rng: np.random.Generator | None = None, m: int = 40) -> tuple[Array, Array]:
    """Two overlapping clouds in 2-D with labels in {0, 1} (a fixed draw unless ``rng`` is given)."""
    rng = np.random.default_rng(7) if rng is None else rng
    y = (np.arange(m) % 2).astype(np.float64)
    X = rng.normal(0.0, 0.9, (m, 2)) + np.where(y[:, None] == 1, [1.0, 0.8], [-1.0, -0.6])
    return X, y


def decision_line(w1: float, w2: float, b: float, xlim: tuple[float, float] = BOX,
                  ylim: tuple[float, float] = BOX) -> tuple[Array, Array] | None:
    """The part of the line ``w1 x1 + w2 x2 + b = 0`` inside the box, as two end points.

    On this line ``sigmoid = 0.5``: it is the decision boundary of the threshold 0.5.

    Returns
    -------
    (x1s, x2s) : two arrays of shape (2,), or None
        The end points' coordinates; None when ``w1 = w2 = 0`` (no boundary) or when the
        line misses the box.
    """
    if w1 == 0 and w2 == 0:
        return None
    points = []
    (x_lo, x_hi), (y_lo, y_hi) = xlim, ylim
    tol = 1e-12 * (1 + abs(b))
    if w2 != 0:  # crossings with the left and right edges
        for x in (x_lo, x_hi):
            y = -(w1 * x + b) / w2
            if y_lo - tol <= y <= y_hi + tol:
                points.append((x, min(max(y, y_lo), y_hi)))
    if w1 != 0:  # crossings with the bottom and top edges
        for y in (y_lo, y_hi):
            x = -(w2 * y + b) / w1
            if x_lo - tol <= x <= x_hi + tol:
                points.append((min(max(x, x_lo), x_hi), y))
    unique: list[tuple[float, float]] = []
    for p in points:
        if all(abs(p[0] - q[0]) > 1e-9 or abs(p[1] - q[1]) > 1e-9 for q in unique):
            unique.append(p)
    if len(unique) < 2:
        return None
    (a, c) = max(((p, q) for p in unique for q in unique), key=lambda pq: np.hypot(pq[0][0] - pq[1][0],
                                                                                      pq[0][1] - pq[1][1]))
    return np.array([a[0], c[0]]), np.array([a[1], c[1]])


@dataclass(frozen=True)
class SurfaceSummary:
    """What the surface explorer reports for one setting of ``(w1, w2, b)``."""

    loss: float
    accuracy: float
    line: tuple[Array, Array] | None

    @property
    def text(self) -> str:
        """The figure's title line."""
        return f"mean cross-entropy J = {self.loss:.4f}   ·   accuracy {100 * self.accuracy:.0f}%"


def surface_summary(w1: float, w2: float, b: float, X: Array, y: Array) -> SurfaceSummary:
    """Mean BCE, accuracy at the 0.5 threshold and the decision line for ``(w1, w2, b)`` on ``(X, y)``."""
    X = as_array(X, "X", shape=(None, 2))
    y = as_array(y, "y", shape=(X.shape[0],))
    w = np.array([w1, w2], dtype=np.float64)
    p = logistic.predict_proba(X, w, b)
    accuracy = float(np.mean((p >= 0.5) == (y == 1)))
    return SurfaceSummary(_bce(p, y), accuracy, decision_line(w1, w2, b))


def draw_sigmoid_surface(w1: float = 1.0, w2: float = 1.0, b: float = 0.0, X: Array | None = None,
                         y: Array | None = None) -> Figure:
    """Filled contour of ``sigmoid(w1 x1 + w2 x2 + b)`` with the data, the 0.5 line and the loss.

    Parameters
    ----------
    w1, w2, b : float
    X : ndarray of shape (m, 2), optional
        Default: :func:`surface_data`.
    y : ndarray of shape (m,), labels in {0, 1}, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if X is None or y is None:
        X, y = surface_data()
    summary = surface_summary(w1, w2, b, X, y)
    fig = new_figure(6.4, 4.8)
    ax = fig.add_subplot()
    grid = np.linspace(*BOX, 121)
    g1, g2 = np.meshgrid(grid, grid)
    surface = _sigmoid(w1 * g1 + w2 * g2 + b)
    filled = ax.contourf(g1, g2, surface, levels=np.linspace(0.0, 1.0, 11), cmap="RdBu_r", alpha=0.75)
    fig.colorbar(filled, ax=ax, label=r"$\sigma(w_1x_1 + w_2x_2 + b)$ = P(y = 1)")
    for label, marker in ((0, "o"), (1, "^")):
        rows = y == label
        ax.scatter(X[rows, 0], X[rows, 1], c=CLASS_COLORS[label], marker=marker, edgecolors="black",
                   linewidths=0.7, s=55, label=f"y = {label}", zorder=3)
    if summary.line is not None:
        ax.plot(*summary.line, "k--", linewidth=2, label=r"$\sigma = 0.5$ (decision line)", zorder=4)
    ax.set(xlim=BOX, ylim=BOX, xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax.set_title(summary.text, fontsize=10)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    return fig


def sigmoid_surface_explorer(X: Array | None = None, y: Array | None = None) -> Any:
    """Sliders for ``w1, w2, b`` and a button that jumps to what gradient descent finds.

    Returns
    -------
    ipywidgets.VBox
    """
    import ipywidgets as widgets

    if X is None or y is None:
        X, y = surface_data()
    style = {"description_width": "30px"}
    controls = {name: widgets.FloatSlider(value=value, min=-6.0, max=6.0, step=0.1, description=name, style=style,
                                          continuous_update=False)
                for name, value in (("w1", 1.0), ("w2", -1.0), ("b", 0.0))}
    fit = widgets.Button(description="set to the trained (w, b)", tooltip="2000 epochs of batch GD, lr = 0.5",
                         layout=widgets.Layout(width="220px"))

    def to_trained(_: Any) -> None:
        w, b, _losses = logistic.train_logistic_regression(X, y, lr=0.5, epochs=2000)
        for name, value in (("w1", w[0]), ("w2", w[1]), ("b", b)):
            controls[name].value = float(np.clip(round(value, 1), -6.0, 6.0))

    fit.on_click(to_trained)
    return live_figure(lambda w1, w2, b: draw_sigmoid_surface(w1, w2, b, X, y), controls, extra=[fit], columns=3)


# --- linear vs logistic regression in 1-D --------------------------------------------------------

BASE_X = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.4, 3.0, 4.0, 4.5, 5.0, 5.5])
BASE_Y = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0])
"""The notes' 1-D picture: negatives on the left, positives on the right, slightly overlapping
(0 at x = 3.4, 1 at x = 3.0) so that the logistic fit has finite weights."""


def one_d_data(far_x: float | None = None) -> tuple[Array, Array]:
    """The 1-D examples, plus one more positive example at ``far_x`` when given."""
    if far_x is None:
        return BASE_X.copy(), BASE_Y.copy()
    return np.append(BASE_X, float(far_x)), np.append(BASE_Y, 1.0)


def least_squares_line(x: Array, y: Array) -> tuple[float, float]:
    """Linear regression of ``y`` on ``x``: ``(slope, intercept)`` minimising the squared error."""
    x = as_array(x, "x", ndim=1)
    y = as_array(y, "y", shape=x.shape)
    A = np.column_stack([x, np.ones_like(x)])
    (slope, intercept), *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(slope), float(intercept)


def logistic_fit_1d(x: Array, y: Array, iterations: int = 60) -> tuple[float, float]:
    """Logistic regression of labels ``y`` in {0, 1} on one feature ``x`` by Newton's method.

    Minimises the same mean cross-entropy as gradient descent, in a few steps (the slider
    must feel instant). The data must not be separable, or the weights grow without bound.

    Returns
    -------
    (w, b) : floats
    """
    x = as_array(x, "x", ndim=1)
    y = as_array(y, "y", shape=x.shape)
    A = np.column_stack([x, np.ones_like(x)])
    theta = np.zeros(2)
    for _ in range(iterations):
        p = _sigmoid(A @ theta)
        gradient = A.T @ (p - y)
        hessian = A.T @ (A * (p * (1 - p))[:, None])
        step = np.linalg.solve(hessian + 1e-12 * np.eye(2), gradient)
        theta = theta - step
        if np.max(np.abs(step)) < 1e-12:
            break
    if not np.all(np.isfinite(theta)):
        raise CourseInputError("the logistic fit diverged: are the 1-D data separable?")
    return float(theta[0]), float(theta[1])


@dataclass(frozen=True)
class OneDSummary:
    """The two fits and where each crosses 0.5 (its decision boundary)."""

    slope: float
    intercept: float
    w: float
    b: float
    linear_boundary: float
    logistic_boundary: float
    linear_errors: int
    logistic_errors: int

    @property
    def text(self) -> str:
        return (f"linear regression: boundary x = {self.linear_boundary:.2f}, {self.linear_errors} errors\n"
                f"logistic regression: boundary x = {self.logistic_boundary:.2f}, {self.logistic_errors} errors")


def one_d_summary(far_x: float | None = None) -> OneDSummary:
    """Fit both models to :func:`one_d_data` and locate their 0.5 crossings."""
    x, y = one_d_data(far_x)
    slope, intercept = least_squares_line(x, y)
    w, b = logistic_fit_1d(x, y)
    linear_boundary = (0.5 - intercept) / slope
    logistic_boundary = -b / w
    linear_errors = int(np.sum((x >= linear_boundary) != (y == 1)))
    logistic_errors = int(np.sum((x >= logistic_boundary) != (y == 1)))
    return OneDSummary(slope, intercept, w, b, linear_boundary, logistic_boundary, linear_errors, logistic_errors)


def draw_linear_vs_logistic(far_x: float = 6.0) -> Figure:
    """The notes' slides: both fits on the 1-D data with one positive example at ``far_x``.

    Parameters
    ----------
    far_x : float
        Position of the extra positive example (drag it far to the right).

    Returns
    -------
    matplotlib.figure.Figure
    """
    x, y = one_d_data(far_x)
    s = one_d_summary(far_x)
    fig = new_figure(7.0, 4.0)
    ax = fig.add_subplot()
    right = max(12.0, far_x + 2.0)
    grid = np.linspace(0.0, right, 400)
    ax.axhline(0.5, color="0.6", linewidth=1, linestyle=":", label="threshold 0.5")
    ax.plot(grid, s.slope * grid + s.intercept, color="tab:green", linewidth=2, label="linear regression fit")
    ax.plot(grid, _sigmoid(s.w * grid + s.b), color="tab:purple", linewidth=2, label="logistic regression fit")
    ax.axvline(s.linear_boundary, color="tab:green", linestyle="--", linewidth=1.5)
    ax.axvline(s.logistic_boundary, color="tab:purple", linestyle="--", linewidth=1.5)
    for label in (0, 1):
        rows = y == label
        ax.scatter(x[rows], y[rows], c=CLASS_COLORS[label], s=45, zorder=3, edgecolors="black", linewidths=0.6,
                   label=f"y = {label}")
    ax.scatter([far_x], [1.0], s=160, facecolors="none", edgecolors="black", linewidths=1.5, zorder=4,
               label="the distant example")
    ax.set(xlim=(0.0, right), ylim=(-0.35, 1.35), xlabel="x", ylabel="prediction")
    ax.set_title(s.text, fontsize=9, loc="left")
    ax.legend(loc="center right", fontsize=8, framealpha=0.9)
    return fig


def linear_vs_logistic_explorer() -> Any:
    """A slider for the distant example's position, wired to :func:`draw_linear_vs_logistic`."""
    import ipywidgets as widgets

    slider = widgets.FloatSlider(value=6.0, min=6.0, max=40.0, step=0.5, description="distant x",
                                 continuous_update=False)
    return live_figure(draw_linear_vs_logistic, {"far_x": slider})


# --- a training run ---------------------------------------------------------------------------

def draw_training(losses: list[float], w: Array, image_shape: tuple[int, int] | None = None) -> Figure:
    """The loss after every epoch and the learned weights (as an image when the inputs are pixels).

    Parameters
    ----------
    losses : list of float
        One mean cross-entropy per epoch, as returned by ``train_logistic_regression``.
    w : ndarray of shape (n,)
    image_shape : (rows, cols), optional
        Draw ``w`` reshaped to this shape (e.g. (8, 8) for the digits), else as bars.

    Returns
    -------
    matplotlib.figure.Figure
    """
    losses_arr = as_array(np.asarray(losses, dtype=np.float64), "losses", ndim=1)
    w = as_array(w, "w", ndim=1)
    fig = new_figure(8.0, 3.2)
    curve, weights = fig.subplots(1, 2, width_ratios=(1.5, 1.0))
    curve.plot(np.arange(1, losses_arr.size + 1), losses_arr, color="tab:purple")
    curve.set(xlabel="epoch", ylabel="mean cross-entropy J", title="loss after each epoch's update")
    if image_shape is not None:
        if int(np.prod(image_shape)) != w.size:
            raise CourseInputError(f"`w` has {w.size} entries, which cannot be shown as an image of shape {image_shape}")
        limit = float(np.max(np.abs(w))) or 1.0
        shown = weights.imshow(w.reshape(image_shape), cmap="RdBu_r", vmin=-limit, vmax=limit)
        fig.colorbar(shown, ax=weights, label="weight")
        weights.set(xticks=[], yticks=[], title="w as an image (red: votes for 1)")
    else:
        weights.bar(np.arange(1, w.size + 1), w, color=np.where(w >= 0, CLASS_COLORS[1], CLASS_COLORS[0]))
        weights.set(xlabel="feature", ylabel="weight", title="learned weights w")
    return fig
