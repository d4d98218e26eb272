"""Lesson 05 widgets: an activation explorer and a ReLU network that approximates a curve.

Both use the course's reference code (:mod:`course.activations`, :mod:`course.mlp`),
never a student's functions, so they work before any exercise is solved.

* :func:`activation_curves` / :func:`draw_activation` / :func:`activation_explorer` —
  f and f' of every elementwise activation, with its kinks (the two one-sided slopes)
  and the regions where almost no gradient flows (|f'| < :data:`SATURATION`).
* :func:`relu_interpolation_params` / :func:`draw_relu_approximation` /
  :func:`approximation_explorer` — a one-hidden-layer ReLU network with hand-set weights
  whose output joins the target's values at evenly spaced knots: more hidden units, smaller
  error (the universal approximation theorem, made concrete).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from matplotlib.figure import Figure

from .. import activations, mlp
from ..validation import CourseInputError
from .base import live_figure, new_figure

__all__ = ["ACTIVATION_NAMES", "FORMULAS", "SATURATION", "Curves", "activation_curves", "saturated_intervals",
           "draw_activation", "activation_explorer", "TARGETS", "relu_interpolation_params",
           "draw_relu_approximation", "approximation_explorer"]

Array = np.ndarray

ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "hardtanh", "sign", "identity")
"""The elementwise activations of :data:`course.activations.ACTIVATIONS`, in the lesson's order."""

FORMULAS: dict[str, tuple[str, str]] = {
    "sigmoid": (r"$\sigma(z) = 1/(1+e^{-z})$", r"$\sigma'(z) = \sigma(z)\,(1-\sigma(z))$"),
    "tanh": (r"$\tanh(z) = (e^{z}-e^{-z})/(e^{z}+e^{-z})$", r"$\tanh'(z) = 1-\tanh^2(z)$"),
    "relu": (r"$\max(0, z)$", r"$1$ for $z>0$, $0$ for $z<0$"),
    "leaky_relu": (r"$\max(z, kz)$", r"$1$ for $z>0$, $k$ for $z<0$"),
    "elu": (r"$z$ for $z>0$, $\alpha(e^{z}-1)$ for $z\leq 0$", r"$1$ for $z>0$, $\alpha e^{z}$ for $z<0$"),
    "hardtanh": (r"clip$(z, -1, 1)$", r"$1$ for $|z|<1$, $0$ for $|z|>1$"),
    "sign": (r"sign$(z)$", r"$0$ wherever it exists"),
    "identity": (r"$z$", r"$1$"),
}
"""(f, f') of each activation, as matplotlib mathtext."""

SATURATION = 0.05
"""Where |f'(z)| is below this, almost no gradient flows back through the unit."""


@dataclass(frozen=True)
class Curves:
    """Samples of an activation and its derivative on a grid, plus its kinks in range."""

    z: Array
    f: Array
    df: Array
    kinks: tuple[float, ...]
    left: tuple[float, ...]
    """The derivative just left of each kink."""
    right: tuple[float, ...]
    """The derivative just right of each kink."""


def _kwargs(name: str, k: float, alpha: float) -> dict[str, float]:
    return {"k": k} if name == "leaky_relu" else {"alpha": alpha} if name == "elu" else {}


def activation_curves(name: str, k: float = 0.1, alpha: float = 1.0, z_min: float = -5.0, z_max: float = 5.0,
                      n: int = 801) -> Curves:
    """Sample activation ``name`` and its derivative on ``n`` points of [z_min, z_max].

    Parameters
    ----------
    name : str
        One of :data:`ACTIVATION_NAMES`.
    k : float, default=0.1
        Leaky ReLU's negative slope (used only by ``"leaky_relu"``).
    alpha : float, default=1.0
        ELU's saturation level (used only by ``"elu"``).
    z_min, z_max : float
        The input range, ``z_min < z_max``.
    n : int, default=801

    Returns
    -------
    Curves
    """
    act = activations.get_activation(name)
    if not z_min < z_max:
        raise CourseInputError(f"the input range must have z_min < z_max, got [{z_min}, {z_max}]")
    kw = _kwargs(name, k, alpha)
    z = np.linspace(z_min, z_max, n)
    kinks = tuple(float(c) for c in act.kinks if z_min < c < z_max)
    eps = 1e-9 * max(1.0, abs(z_max - z_min))
    left = tuple(float(act.grad(np.array([c - eps]), **kw)[0]) for c in kinks)
    right = tuple(float(act.grad(np.array([c + eps]), **kw)[0]) for c in kinks)
    return Curves(z, act.forward(z, **kw), act.grad(z, **kw), kinks, left, right)


def saturated_intervals(z: Array, df: Array, threshold: float = SATURATION) -> list[tuple[float, float]]:
    """The maximal runs of grid points where ``|df| < threshold``, as (start, end) pairs of z."""
    flat = np.abs(df) < threshold
    runs, start = [], None
    for i, is_flat in enumerate(flat):
        if is_flat and start is None:
            start = i
        if start is not None and (not is_flat or i == len(flat) - 1):
            end = i if is_flat else i - 1
            runs.append((float(z[start]), float(z[end])))
            start = None
    return runs


def _pieces(z: Array, kinks: tuple[float, ...]) -> list[slice]:
    """Index ranges of ``z`` between consecutive kinks, so lines are not drawn across a jump."""
    cuts = [0, *[int(np.searchsorted(z, c)) for c in kinks], len(z)]
    return [slice(a, b) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]


def draw_activation(name: str = "relu", k: float = 0.1, alpha: float = 1.0,
                    z_range: tuple[float, float] = (-5.0, 5.0)) -> Figure:
    """Plot f (left) and f' (right) of activation ``name`` over ``z_range``.

    Kinks are dotted vertical lines; on the f' panel the two one-sided slopes at each kink
    are an open and a filled circle (either is a correct derivative there). Regions where
    |f'| < :data:`SATURATION` are shaded: a unit there passes almost no gradient back.
    """
    z_min, z_max = (float(v) for v in z_range)
    c = activation_curves(name, k, alpha, z_min, z_max)
    fig = new_figure(9.0, 3.6)
    ax_f, ax_d = fig.subplots(1, 2)
    for piece in _pieces(c.z, c.kinks):
        ax_f.plot(c.z[piece], c.f[piece], color="tab:blue", lw=2)
        ax_d.plot(c.z[piece], c.df[piece], color="tab:orange", lw=2)
    for kink, lo, hi in zip(c.kinks, c.left, c.right):
        for ax in (ax_f, ax_d):
            ax.axvline(kink, color="grey", ls=":", lw=1)
        ax_d.plot([kink], [lo], "o", mfc="white", mec="tab:orange", ms=7)
        ax_d.plot([kink], [hi], "o", color="tab:orange", ms=5)
    for start, end in saturated_intervals(c.z, c.df):
        ax_d.axvspan(start, end, color="grey", alpha=0.15, lw=0)
    f_text, d_text = FORMULAS[name]
    params = {"leaky_relu": f" (k = {k:g})", "elu": f" (α = {alpha:g})"}.get(name, "")
    ax_f.set_title(f"{name}{params}: {f_text}", fontsize=9)
    ax_d.set_title(f"derivative: {d_text}", fontsize=9)
    for ax, label in ((ax_f, "f(z)"), (ax_d, "f'(z)")):
        ax.set_xlim(z_min, z_max)
        ax.axhline(0, color="black", lw=0.5)
        ax.axvline(0, color="black", lw=0.5)
        ax.set_xlabel("z")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    low, high = float(np.min(c.df)), float(np.max(c.df))
    pad = 0.1 * max(high - low, 0.5)
    ax_d.set_ylim(low - pad, high + pad)
    if saturated_intervals(c.z, c.df):
        ax_d.set_xlabel(f"z   (shaded: |f'| < {SATURATION:g}, little gradient flows back)")
    return fig


def activation_explorer() -> Any:
    """Dropdown of activations, sliders for k (leaky ReLU) and α (ELU), and the input range."""
    import ipywidgets as widgets

    style = {"description_width": "initial"}
    controls = {
        "name": widgets.Dropdown(options=list(ACTIVATION_NAMES), value="relu", description="activation"),
        "k": widgets.FloatSlider(value=0.1, min=0.01, max=0.5, step=0.01, description="k (leaky ReLU)",
                                 style=style, continuous_update=False),
        "alpha": widgets.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.1, description="α (ELU)", style=style,
                                     continuous_update=False),
        "z_range": widgets.FloatRangeSlider(value=(-5.0, 5.0), min=-20.0, max=20.0, step=0.5,
                                            description="z range", style=style, continuous_update=False),
    }

    def enable_relevant(*_: Any) -> None:
        controls["k"].disabled = controls["name"].value != "leaky_relu"
        controls["alpha"].disabled = controls["name"].value != "elu"

    controls["name"].observe(enable_relevant, names="value")
    enable_relevant()
    return live_figure(draw_activation, controls, columns=2)


# --- universal approximation with ReLU hinges ------------------------------------------------

TARGETS: dict[str, Callable[[Array], Array]] = {
    "sin(2x)": lambda x: np.sin(2.0 * x),
    "x²": lambda x: x ** 2,
    "|x| - 1": lambda x: np.abs(x) - 1.0,
    "bump": lambda x: np.exp(-4.0 * x ** 2),
}
"""Curves on [-2, 2] for :func:`draw_relu_approximation`."""


def relu_interpolation_params(target: Callable[[Array], Array], n_hidden: int, x_min: float = -2.0,
                              x_max: float = 2.0) -> list[tuple[Array, Array]]:
    """Weights of a 1 → n_hidden → 1 ReLU network that joins ``target`` at n_hidden + 1 knots.

    With knots ``x_0 < ... < x_n`` and slopes ``s_i`` of the chords between them,
    ``f(x) = y_0 + sum_i c_i relu(x - x_i)`` with ``c_0 = s_0`` and ``c_i = s_i - s_{i-1}``:
    hidden unit i switches on at knot i and bends the line by ``c_i``.

    Returns
    -------
    list of (W, b)
        ``[(W1 (1, n), b1 (n,)), (W2 (n, 1), b2 (1,))]`` for ``mlp_forward(..., "relu", "identity")``.
    """
    if not isinstance(n_hidden, (int, np.integer)) or n_hidden < 1:
        raise CourseInputError(f"`n_hidden` must be a positive integer, got {n_hidden!r}")
    knots = np.linspace(x_min, x_max, int(n_hidden) + 1)
    values = np.asarray(target(knots), dtype=np.float64)
    slopes = np.diff(values) / np.diff(knots)
    bends = np.concatenate([slopes[:1], np.diff(slopes)])
    W1, b1 = np.ones((1, int(n_hidden))), -knots[:-1]
    W2, b2 = bends[:, None], values[:1].copy()
    return [(W1, b1), (W2, b2)]


def draw_relu_approximation(n_hidden: int = 4, target: str = "sin(2x)") -> Figure:
    """Plot a target curve and the ReLU network of :func:`relu_interpolation_params` on [-2, 2]."""
    fn = TARGETS[target]
    params = relu_interpolation_params(fn, n_hidden)
    x = np.linspace(-2.0, 2.0, 600)
    y_net = mlp.mlp_forward(x[:, None], params, activation="relu", output="identity")[0][:, 0]
    y = fn(x)
    error = float(np.max(np.abs(y_net - y)))
    fig = new_figure(6.5, 3.6)
    ax = fig.subplots()
    ax.plot(x, y, color="black", lw=1.5, label=f"target {target}")
    ax.plot(x, y_net, color="tab:red", lw=2, label=f"ReLU network, {n_hidden} hidden units")
    knots = -params[0][1]
    ax.plot(knots, fn(knots), "o", color="tab:red", ms=4, label="knots (a hidden unit switches on)")
    ax.set_title(f"1 → {n_hidden} → 1 ReLU network: largest error {error:.3f}", fontsize=10)
    ax.set_xlabel("x")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    return fig


def approximation_explorer() -> Any:
    """Slider for the number of hidden units and a dropdown of target curves."""
    import ipywidgets as widgets

    controls = {
        "n_hidden": widgets.IntSlider(value=4, min=1, max=40, description="hidden units", continuous_update=False,
                                      style={"description_width": "initial"}),
        "target": widgets.Dropdown(options=list(TARGETS), value="sin(2x)", description="target"),
    }
    return live_figure(draw_relu_approximation, controls, columns=2)
