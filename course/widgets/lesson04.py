"""Lesson 04 widget: the 2-2-1 network explorer.

Interface (kept stable for the browser tests)
---------------------------------------------
``network_explorer()`` returns one ``ipywidgets.VBox`` that contains

* nine ``FloatSlider``s, one per parameter, min -30, max 30, step 1,
  ``continuous_update=False``, with these descriptions (keys of :data:`PARAMETERS`):
  ``"x1→h1"``, ``"x2→h1"``, ``"bias h1"``, ``"x1→h2"``, ``"x2→h2"``, ``"bias h2"``,
  ``"h1→out"``, ``"h2→out"``, ``"bias out"``. They start at :data:`START`, the lesson's XOR
  network (h1 = AND, h2 = NOR, output = NOR of h1 and h2);
* the indicator, an ``ipywidgets.HTML`` whose value is :func:`indicator_html`:
  ``<span class="gate-indicator met">✓ XOR reached</span>`` when the network computes XOR
  (>= 0.99 on 01 and 10, <= 0.01 on 00 and 11), else
  ``<span class="gate-indicator">✗ not XOR yet — …</span>``;
* the table, an ``ipywidgets.HTML`` with :func:`network_table_html`: a
  ``<table class="network-truth-table">`` with one ``<tr>`` per input row (00, 01, 10, 11)
  holding x1, x2, h1, h2, the output (2 decimals) and XOR;
* the ``Output`` of :func:`course.widgets.base.live_figure` with :func:`draw_network` as a PNG:
  the input plane shaded by the network's output with each hidden unit's line, and the
  hidden plane (h1, h2) where the four rows land, with the output neuron's line.

The box also carries ``.sliders`` (dict key -> slider), ``.table``, ``.indicator``,
``.output`` and ``.update``.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from .. import gates
from ..activations import _sigmoid
from ..datasets import truth_table_inputs
from .base import live_figure, new_figure
from .lesson03 import _MET, _NOT_MET

__all__ = ["PARAMETERS", "START", "NetworkState", "network_params", "network_state", "network_table_html",
           "indicator_html", "draw_network", "network_explorer"]

PARAMETERS: dict[str, str] = {
    "w11": "x1→h1", "w21": "x2→h1", "b1": "bias h1",
    "w12": "x1→h2", "w22": "x2→h2", "b2": "bias h2",
    "v1": "h1→out", "v2": "h2→out", "c": "bias out",
}
"""Keyword of :func:`draw_network` -> slider description. ``w_ij`` = W1[i-1, j-1] (input i to hidden
unit j), ``b_j`` = b1[j-1], ``v_j`` = W2[j-1], ``c`` = b2."""

START: dict[str, float] = {
    "w11": float(gates.XOR_W1[0, 0]), "w21": float(gates.XOR_W1[1, 0]), "b1": float(gates.XOR_b1[0]),
    "w12": float(gates.XOR_W1[0, 1]), "w22": float(gates.XOR_W1[1, 1]), "b2": float(gates.XOR_b1[1]),
    "v1": float(gates.XOR_W2[0]), "v2": float(gates.XOR_W2[1]), "c": float(gates.XOR_b2),
}
"""The lesson's XOR network: h1 = AND (20, 20, −30), h2 = NOR (−20, −20, +10), output NOR (−20, −20, +10)."""

ROWS = truth_table_inputs(2)
_CELL = 'style="padding: 1px 12px; border: 1px solid #ccc"'


def network_params(w11: float, w21: float, b1: float, w12: float, w22: float, b2: float, v1: float, v2: float,
                   c: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The slider values as ``(W1 (2, 2), b1 (2,), W2 (2,), b2)`` in the row convention."""
    W1 = np.array([[w11, w12], [w21, w22]], dtype=np.float64)
    return W1, np.array([b1, b2], dtype=np.float64), np.array([v1, v2], dtype=np.float64), float(c)


@dataclass(frozen=True)
class NetworkState:
    """The network on the four rows."""

    hidden: np.ndarray      # (4, 2) hidden activations
    outputs: np.ndarray     # (4,) network outputs
    computes: str           # the Boolean function of the thresholded outputs
    met: bool               # XOR within the graded thresholds
    reason: str


def network_state(**values: float) -> NetworkState:
    """Run the network given by the nine keyword values (keys of :data:`PARAMETERS`) on 00, 01, 10, 11."""
    W1, b1, W2, b2 = network_params(**values)
    hidden = gates.hidden_layer(ROWS, W1, b1)
    outputs = gates.two_layer_forward(ROWS, W1, b1, W2, b2)
    target = gates.gate_target("XOR")
    computes = gates.function_name(outputs >= 0.5)
    met = gates.holds(outputs, target)
    reason = ""
    if not met:
        miss = int(np.argmax(np.where(target == 1, outputs < gates.TRUE_MIN, outputs > gates.FALSE_MAX)))
        need = f"≥ {gates.TRUE_MIN}" if target[miss] == 1 else f"≤ {gates.FALSE_MAX}"
        row = f"({int(ROWS[miss, 0])}, {int(ROWS[miss, 1])})"
        reason = f"the network computes {computes} now; row {row} gives {outputs[miss]:.2f} (needs {need})"
        if computes == "XOR":
            reason += ": make the weights and biases larger in size"
    return NetworkState(hidden, outputs, computes, met, reason)


def network_table_html(**values: float) -> str:
    """One ``<tr>`` per input row with x1, x2, h1, h2, the output and XOR (see the module docstring)."""
    state = network_state(**values)
    rows = []
    for x, h, out, want in zip(ROWS, state.hidden, state.outputs, gates.gate_target("XOR")):
        cells = [str(int(x[0])), str(int(x[1])), f"{h[0]:.2f}", f"{h[1]:.2f}", f"{out:.2f}", str(int(want))]
        rows.append("<tr>" + "".join(f"<td {_CELL}>{c}</td>" for c in cells) + "</tr>")
    return ('<table class="network-truth-table" style="border-collapse: collapse; text-align: center">'
            '<caption style="caption-side: top; text-align: left">columns: x1 · x2 · h1 · h2 · output · XOR'
            f'</caption>{"".join(rows)}</table>')


def indicator_html(**values: float) -> str:
    """``✓ XOR reached`` when the network computes XOR within the thresholds, else why not."""
    state = network_state(**values)
    if state.met:
        return f'<span style="{_MET}"><span class="gate-indicator met">✓ XOR reached</span></span>'
    return (f'<span style="{_NOT_MET}"><span class="gate-indicator">✗ not XOR yet — '
            f'{html.escape(state.reason)}</span></span>')


def _line(ax: Any, w: np.ndarray, b: float, lo: float, hi: float, **style: Any) -> None:
    """Draw w[0] u + w[1] v + b = 0 on [lo, hi]^2 (nothing when w = 0)."""
    if abs(w[1]) > 1e-12:
        u = np.array([lo, hi])
        ax.plot(u, -(w[0] * u + b) / w[1], **style)
    elif abs(w[0]) > 1e-12:
        ax.plot([-b / w[0]] * 2, [lo, hi], **style)


def _corners(ax: Any, points: np.ndarray, outputs: np.ndarray) -> None:
    """Mark the four rows at ``points``; rows landing on the same spot share one label."""
    target = gates.gate_target("XOR")
    labels: list[tuple[np.ndarray, list[str]]] = []
    for x, p, out, want in zip(ROWS, points, outputs, target):
        ax.scatter([p[0]], [p[1]], s=150, zorder=3, edgecolors="black", linewidths=1.5,
                   facecolors="black" if want == 1 else "white")
        text = f"{int(x[0])}{int(x[1])}: {out:.2f}"
        for spot, texts in labels:
            if np.hypot(*(spot - p)) < 0.04:
                texts.append(text)
                break
        else:
            labels.append((p, [text]))
    for spot, texts in labels:
        ax.annotate("\n".join(texts), (spot[0], spot[1]), textcoords="offset points", xytext=(8, 8), fontsize=9,
                    fontweight="bold")


def draw_network(w11: float, w21: float, b1: float, w12: float, w22: float, b2: float, v1: float, v2: float,
                 c: float) -> Figure:
    """Left: the input plane shaded by the output, with both hidden units' lines.
    Right: the hidden plane (h1, h2), where the rows land and the output neuron's line."""
    values = dict(w11=w11, w21=w21, b1=b1, w12=w12, w22=w22, b2=b2, v1=v1, v2=v2, c=c)
    W1, bias1, W2, bias2 = network_params(**values)
    state = network_state(**values)
    fig = new_figure(10.0, 4.6)
    left, right = fig.subplots(1, 2)

    lo, hi = -0.5, 1.5
    grid = np.linspace(lo, hi, 141)
    G1, G2 = np.meshgrid(grid, grid)
    out = gates.two_layer_forward(np.column_stack([G1.ravel(), G2.ravel()]), W1, bias1, W2, bias2)
    left.imshow(out.reshape(G1.shape), origin="lower", extent=(lo, hi, lo, hi), cmap="RdBu_r", vmin=0, vmax=1,
                alpha=0.55, interpolation="bilinear")
    _line(left, W1[:, 0], bias1[0], lo, hi, color="tab:green", lw=2, label="h1 = 0.5")
    _line(left, W1[:, 1], bias1[1], lo, hi, color="tab:purple", lw=2, ls="--", label="h2 = 0.5")
    _corners(left, ROWS, state.outputs)
    left.set(xlim=(lo, hi), ylim=(lo, hi), xlabel="x1", ylabel="x2", aspect="equal")
    left.set_title(f"input plane (x1, x2)\nthe network computes {state.computes}", fontsize=10)
    if left.get_lines():
        left.legend(loc="upper right", fontsize=8, framealpha=0.9)

    hlo, hhi = -0.1, 1.1
    hgrid = np.linspace(hlo, hhi, 121)
    H1, H2 = np.meshgrid(hgrid, hgrid)
    z = np.column_stack([H1.ravel(), H2.ravel()]) @ W2 + bias2
    image = right.imshow(_sigmoid(z).reshape(H1.shape), origin="lower", extent=(hlo, hhi, hlo, hhi),
                         cmap="RdBu_r", vmin=0, vmax=1, alpha=0.55, interpolation="bilinear")
    _line(right, W2, bias2, hlo, hhi, color="black", lw=2, label="output = 0.5")
    _corners(right, state.hidden, state.outputs)
    right.set(xlim=(hlo, hhi), ylim=(hlo, hhi), xlabel="h1", ylabel="h2", aspect="equal")
    right.set_title("hidden plane (h1, h2)\nwhere the rows land, and the output neuron's line", fontsize=10)
    if right.get_lines():
        right.legend(loc="upper right", fontsize=8, framealpha=0.9)
    fig.colorbar(image, ax=[left, right], shrink=0.8, label="network output (filled = XOR is 1)")
    return fig


def network_explorer() -> Any:
    """The 2-2-1 network explorer (interface in the module docstring)."""
    import ipywidgets as widgets

    sliders = {key: widgets.FloatSlider(value=START[key], min=-30.0, max=30.0, step=1.0, description=label,
                                        continuous_update=False, readout_format=".0f")
               for key, label in PARAMETERS.items()}
    indicator = widgets.HTML()
    table = widgets.HTML()

    def refresh(*_: Any) -> None:
        values = {key: s.value for key, s in sliders.items()}
        indicator.value = indicator_html(**values)
        table.value = network_table_html(**values)

    for slider in sliders.values():
        slider.observe(refresh, names="value")
    refresh()
    box = live_figure(draw_network, sliders, extra=[indicator, table], columns=3)
    box.sliders, box.table, box.indicator = sliders, table, indicator  # type: ignore[attr-defined]
    return box
