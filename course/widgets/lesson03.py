"""Lesson 03 widget: the gate explorer (one sigmoid neuron on two {0, 1} inputs).

Interface (browser tests are written against it; keep it stable)
-----------------------------------------------------------------
``gate_explorer()`` returns one ``ipywidgets.VBox`` that contains

* three ``FloatSlider``s with ``description`` exactly ``"w1"``, ``"w2"``, ``"b"``: min -30,
  max 30, step 1, ``continuous_update=False``; they start at w1 = 20, w2 = 20, b = -10
  (the notes' OR gate);
* a ``Dropdown`` with ``description`` ``"target"``, options AND, OR, NAND, NOR, XOR, starting
  at ``"AND"``;
* the indicator, an ``ipywidgets.HTML`` whose value is :func:`indicator_html`:
  ``<span class="gate-indicator met">✓ AND reached</span>`` when the target is met, else
  ``<span class="gate-indicator">✗ not AND yet — …</span>`` (the target's name in place of
  AND). "Met" means the graded thresholds: output >= 0.99 on the target's 1-rows and
  <= 0.01 on its 0-rows;
* the truth table, an ``ipywidgets.HTML`` whose value is :func:`truth_table_html`: a
  ``<table class="gate-truth-table">`` with exactly one ``<tr>`` per input row (00, 01, 10,
  11, in that order; the column names are in its ``<caption>``), each with the cells x1,
  x2, the neuron output to 2 decimals, the output thresholded at 0.5, the target's value,
  and ✓/✗;
* the ``Output`` of :func:`course.widgets.base.live_figure` showing :func:`draw_gate` as a PNG,
  redrawn on every change.

The returned box also carries ``.sliders`` (dict name -> slider), ``.target``, ``.table``,
``.indicator``, ``.output`` and ``.update``. Every value a student sees change comes from a
pure function here (:func:`gate_state`, :func:`truth_table_html`, :func:`indicator_html`,
:func:`draw_gate`), tested without a browser.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from .. import gates
from ..datasets import truth_table_inputs
from .base import live_figure, new_figure

__all__ = ["TARGETS", "START", "GateState", "expression", "gate_state", "truth_table_html", "indicator_html", "draw_gate",
           "gate_explorer"]

TARGETS = ("AND", "OR", "NAND", "NOR", "XOR")
START = {"w1": 20.0, "w2": 20.0, "b": -10.0}
"""The sliders' starting values: the notes' OR neuron."""

ROWS = truth_table_inputs(2)
_CELL = 'style="padding: 1px 12px; border: 1px solid #ccc"'
_MET, _NOT_MET = "color: #1a7f37; font-weight: bold", "color: #b42318"


@dataclass(frozen=True)
class GateState:
    """What the explorer shows for one setting of (w1, w2, b) and a target gate."""

    outputs: np.ndarray       # (4,) neuron outputs on rows 00, 01, 10, 11
    decisions: np.ndarray     # (4,) outputs thresholded at 0.5
    target: np.ndarray        # (4,) the target gate's column
    computes: str             # the Boolean function the thresholded neuron computes
    rows_right: int           # rows whose thresholded output equals the target
    met: bool                 # every row meets the graded thresholds (>= 0.99 / <= 0.01)
    reason: str               # why not met ("" when met)


def expression(w1: float, w2: float, b: float) -> str:
    """``"20·x1 + 20·x2 − 10"``: the neuron's z with tidy signs."""
    def term(v: float, name: str, first: bool) -> str:
        sign = ("−" if v < 0 else "") if first else (" − " if v < 0 else " + ")
        return f"{sign}{abs(v):g}{'·' + name if name else ''}"
    return term(w1, "x1", True) + term(w2, "x2", False) + term(b, "", False)


def _row(x: np.ndarray) -> str:
    return f"({int(x[0])}, {int(x[1])})"


def gate_state(w1: float, w2: float, b: float, target: str) -> GateState:
    """Evaluate the neuron ``sigmoid(w1 x1 + w2 x2 + b)`` on the four rows against ``target``."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; choose one of {TARGETS}")
    outputs = gates.neuron(ROWS, np.array([w1, w2], dtype=np.float64), float(b))
    decisions = (outputs >= 0.5).astype(np.float64)
    column = gates.gate_target(target)
    rows_right = int(np.sum(decisions == column))
    met = gates.holds(outputs, column)
    computes = gates.function_name(decisions)
    reason = ""
    if not met:
        if target == "XOR":
            best, _ = gates.best_single_neuron("XOR")
            reason = (f"{rows_right} of 4 rows right now. No single neuron can compute XOR: the best any setting "
                      f"reaches is {best} of 4 rows (e.g. the notes' OR, wrong only on (1, 1)), because no straight "
                      f"line puts (0, 1) and (1, 0) on one side and (0, 0), (1, 1) on the other. Lesson 04 adds a "
                      f"hidden layer.")
        else:
            miss = int(np.argmax(np.where(column == 1, outputs < gates.TRUE_MIN, outputs > gates.FALSE_MAX)))
            need = f"≥ {gates.TRUE_MIN}" if column[miss] == 1 else f"≤ {gates.FALSE_MAX}"
            where = f"row {_row(ROWS[miss])} gives {outputs[miss]:.2f} (needs {need})"
            if rows_right == 4:
                reason = (f"all 4 rows are on the right side of 0.5, but {where}: make the weights and the bias "
                          f"larger in size to push the outputs towards 0 and 1")
            else:
                reason = f"{rows_right} of 4 rows right; the neuron computes {computes} now; {where}"
    return GateState(outputs, decisions, column, computes, rows_right, met, reason)


def truth_table_html(w1: float, w2: float, b: float, target: str) -> str:
    """The live truth table: one ``<tr>`` per input row 00, 01, 10, 11 (see the module docstring)."""
    state = gate_state(w1, w2, b, target)
    caption = (f"columns: x1 · x2 · output σ({expression(w1, w2, b)}) · thresholded at 0.5 · "
               f"{html.escape(target)} · row met?")
    rows = []
    for x, out, dec, want in zip(ROWS, state.outputs, state.decisions, state.target):
        ok = out >= gates.TRUE_MIN if want == 1 else out <= gates.FALSE_MAX
        cells = [str(int(x[0])), str(int(x[1])), f"{out:.2f}", str(int(dec)), str(int(want))]
        mark = f'<td class="ok" {_CELL}>✓</td>' if ok else f'<td class="miss" {_CELL}>✗</td>'
        rows.append("<tr>" + "".join(f"<td {_CELL}>{c}</td>" for c in cells) + mark + "</tr>")
    return (f'<table class="gate-truth-table" style="border-collapse: collapse; text-align: center">'
            f'<caption style="caption-side: top; text-align: left">{caption}</caption>{"".join(rows)}</table>')


def indicator_html(w1: float, w2: float, b: float, target: str) -> str:
    """``✓ <target> reached`` when the target is met, else ``✗ not <target> yet — <reason>``."""
    state = gate_state(w1, w2, b, target)
    name = html.escape(target)
    # the styled outer span keeps the inner one exactly as the interface documents it
    if state.met:
        return f'<span style="{_MET}"><span class="gate-indicator met">✓ {name} reached</span></span>'
    return (f'<span style="{_NOT_MET}"><span class="gate-indicator">✗ not {name} yet — '
            f'{html.escape(state.reason)}</span></span>')


def _boundary(ax: Any, w1: float, w2: float, b: float, lo: float, hi: float) -> bool:
    """Draw the line w1 x1 + w2 x2 + b = 0 on [lo, hi]^2; False when w = 0 (no line)."""
    if abs(w2) > 1e-12:
        x1 = np.array([lo, hi])
        ax.plot(x1, -(w1 * x1 + b) / w2, color="black", lw=2, label="decision line z = 0")
    elif abs(w1) > 1e-12:
        ax.plot([-b / w1, -b / w1], [lo, hi], color="black", lw=2, label="decision line z = 0")
    else:
        return False
    return True


def draw_gate(w1: float, w2: float, b: float, target: str = "AND") -> Figure:
    """The unit square shaded by the neuron's output, its decision line, and the four rows.

    Filled markers are the target's 1-rows, hollow ones its 0-rows; each is labelled with
    the neuron's output.
    """
    state = gate_state(w1, w2, b, target)
    lo, hi = -0.5, 1.5
    fig = new_figure(5.6, 4.4)
    ax = fig.add_subplot()
    grid = np.linspace(lo, hi, 161)
    G1, G2 = np.meshgrid(grid, grid)
    P = gates.neuron(np.column_stack([G1.ravel(), G2.ravel()]), np.array([w1, w2], dtype=np.float64), float(b))
    image = ax.imshow(P.reshape(G1.shape), origin="lower", extent=(lo, hi, lo, hi), cmap="RdBu_r", vmin=0, vmax=1,
                      alpha=0.55, interpolation="bilinear")
    fig.colorbar(image, ax=ax, shrink=0.8, label="neuron output σ(z)")
    has_line = _boundary(ax, w1, w2, b, lo, hi)
    for x, out, want in zip(ROWS, state.outputs, state.target):
        ax.scatter([x[0]], [x[1]], s=160, zorder=3, edgecolors="black", linewidths=1.5,
                   facecolors="black" if want == 1 else "white")
        ax.annotate(f"{out:.2f}", (x[0], x[1]), textcoords="offset points", xytext=(10, 8), fontsize=10,
                    fontweight="bold")
    if has_line and (w1 or w2):
        # w is the line's normal and points to the side where z > 0 (output > 0.5)
        w = np.array([w1, w2], dtype=np.float64)
        norm = float(np.hypot(w1, w2))
        centre = np.array([0.5, 0.5])
        foot = centre - (w @ centre + b) / norm**2 * w  # the line's point nearest the square's centre
        tip = foot + 0.3 * w / norm
        if lo < foot[0] < hi and lo < foot[1] < hi:
            ax.annotate("", xy=tuple(tip), xytext=tuple(foot), arrowprops=dict(arrowstyle="->", lw=1.5))
            ax.annotate("w", xy=tuple(tip), textcoords="offset points", xytext=(4, 4))
    else:
        ax.text(0.5, hi - 0.12, f"w = 0: no line, the output is σ(b) = {state.outputs[0]:.2f} everywhere",
                ha="center", fontsize=9)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    verdict = f"✓ {target} reached" if state.met else f"target {target}: {state.rows_right} of 4 rows right"
    ax.set_title(f"σ({expression(w1, w2, b)}) computes {state.computes}\n{verdict}   "
                 f"(filled = {target} is 1)", fontsize=10)
    return fig


def gate_explorer() -> Any:
    """The gate explorer widget (interface in the module docstring)."""
    import ipywidgets as widgets

    sliders = {name: widgets.FloatSlider(value=START[name], min=-30.0, max=30.0, step=1.0, description=name,
                                         continuous_update=False, readout_format=".0f")
               for name in ("w1", "w2", "b")}
    target = widgets.Dropdown(options=list(TARGETS), value="AND", description="target")
    indicator = widgets.HTML()
    table = widgets.HTML()

    def refresh(*_: Any) -> None:
        values = (sliders["w1"].value, sliders["w2"].value, sliders["b"].value, target.value)
        indicator.value = indicator_html(*values)
        table.value = truth_table_html(*values)

    for control in [*sliders.values(), target]:
        control.observe(refresh, names="value")
    refresh()
    box = live_figure(draw_gate, {**sliders, "target": target}, extra=[indicator, table])
    box.sliders, box.target, box.table, box.indicator = sliders, target, table, indicator  # type: ignore[attr-defined]
    return box
