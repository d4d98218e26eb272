"""Lesson 06 widget: step through the backward pass of the notes' computational graphs.

:func:`layout` places the nodes (inputs on the left, the output on the right),
:func:`draw_graph` draws one snapshot of :func:`course.graph.trace` — every node's value
in green above it, its gradient in red below it once one has arrived, the gate whose
backward just ran highlighted with its "upstream × local = downstream" arithmetic
underneath — and :func:`graph_explorer` wires next / previous / reset buttons and a
choice of graph to it.
"""
from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from .. import graph
from ..graph import Value
from ..validation import CourseInputError
from .base import live_figure, new_figure

__all__ = ["layout", "n_snapshots", "node_labels", "draw_graph", "graph_explorer"]

VALUE_COLOR, GRAD_COLOR, ACTIVE_COLOR, EDGE_COLOR = "#1a7f37", "#c62828", "#ffb74d", "#555555"
_LABEL_BOX = dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85)  # keeps numbers readable over edges
_OP_SYMBOL = {"*": "×", "+": "+", "max": "max", "exp": "exp", "1/x": "1/x", "σ": "σ"}


def layout(root: Value) -> dict[int, tuple[float, float]]:
    """Positions ``id(node) -> (x, y)``: inputs in column 0, every gate one column right of
    its deepest input; rows follow a depth-first walk from the output, so each gate sits at
    the mean height of its inputs and the drawing reads like the notes' figures."""
    order = graph.topological_order(root)
    column: dict[int, int] = {}
    for node in order:  # parents come first in a topological order
        column[id(node)] = 1 + max((column[id(p)] for p in node.parents), default=-1)
    row: dict[int, float] = {}
    next_leaf = [0]

    def place(node: Value) -> float:
        if id(node) in row:
            return row[id(node)]
        if not node.parents:
            row[id(node)] = float(next_leaf[0])
            next_leaf[0] += 1
        else:
            heights = [place(p) for p in node.parents]
            row[id(node)] = sum(heights) / len(heights)
        return row[id(node)]

    place(root)
    return {id(n): (float(column[id(n)]), -row[id(n)]) for n in order}


def n_snapshots(example: str) -> int:
    """How many snapshots the backward pass of ``example`` has (forward, seed, one per gate)."""
    return len(graph.trace(graph.example_graph(example)))


def _symbol(node: Value) -> str:
    if not node.parents:
        return node.label
    if node.op in _OP_SYMBOL:
        return _OP_SYMBOL[node.op]
    if node.op.startswith("*"):
        return "×" + node.op[1:].replace("-", "−")
    return node.op


def node_labels(example: str, step: int) -> dict[str, tuple[str, str]]:
    """What the drawing shows at ``step``: ``{node name: (value text, gradient text)}``.

    The gradient text is ``""`` where no gradient has arrived yet. Unnamed gates are
    called by their position in the topological order (``"#3"``).
    """
    root = graph.example_graph(example)
    order = graph.topological_order(root)
    snaps = graph.trace(root)
    snap = snaps[_clamp(step, len(snaps))]
    return {(n.label or f"#{i}"): (f"{n.data:.2f}", "" if g is None else f"{g:.2f}")
            for i, (n, g) in enumerate(zip(order, snap.grads))}


def _clamp(step: int, n: int) -> int:
    if isinstance(step, bool) or not isinstance(step, int):
        raise CourseInputError(f"`step` must be an integer, got {type(step).__name__}")
    return min(max(step, 0), n - 1)


def draw_graph(example: str = "f = (x + y) z", step: int = 0) -> Figure:
    """Draw ``example`` (a key of :data:`course.graph.EXAMPLES`) after ``step`` backward steps.

    Parameters
    ----------
    example : str
    step : int
        0 shows the forward pass only; 1 seeds the output's gradient; each further step
        runs one gate's backward. Out-of-range steps are clamped.

    Returns
    -------
    matplotlib.figure.Figure
    """
    root = graph.example_graph(example)
    order = graph.topological_order(root)
    snaps = graph.trace(root)
    snap = snaps[_clamp(step, len(snaps))]
    pos = layout(root)
    index = {id(n): i for i, n in enumerate(order)}
    active = order[snap.active] if snap.active is not None else None

    fig = new_figure(9.5, 6.0)
    grid = fig.add_gridspec(2, 1, height_ratios=[4.2, 1.0])
    ax = fig.add_subplot(grid[0])
    ax_text = fig.add_subplot(grid[1])
    ax.set_axis_off()
    ax_text.set_axis_off()

    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.8)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)

    for parent, child in graph.iter_edges(root):
        hot = active is not None and child is active and snap.step >= 2
        ax.annotate("", xy=pos[id(child)], xytext=pos[id(parent)],
                    arrowprops=dict(arrowstyle="-|>", color=ACTIVE_COLOR if hot else EDGE_COLOR,
                                    lw=2.6 if hot else 1.2, shrinkA=16, shrinkB=16))
    for node in order:
        x, y = pos[id(node)]
        is_active = node is active
        face = ACTIVE_COLOR if is_active else ("#e3f2fd" if not node.parents else "white")
        ax.text(x, y, _symbol(node), ha="center", va="center", fontsize=12 if node.parents else 13,
                fontweight="bold", bbox=dict(boxstyle="circle,pad=0.35", fc=face, ec="#333333", lw=1.2), zorder=3)
        # in points: the circle grows with its text
        radius = (12 if node.parents else 15) + 3.5 * max(len(_symbol(node)) - 1, 0)
        if node.parents and node.label:
            ax.annotate(node.label, (x, y), xytext=(0, radius + 6), textcoords="offset points", ha="center",
                        va="bottom", fontsize=9, color="#666666", zorder=3)
        ax.annotate(f"{node.data:.2f}", (x, y), xytext=(radius + 2, 5), textcoords="offset points", ha="left",
                    va="bottom", fontsize=10, color=VALUE_COLOR, zorder=4, bbox=_LABEL_BOX)
        g = snap.grads[index[id(node)]]
        if g is not None:
            bold = is_active or (active is not None and snap.step >= 2 and node in active.parents)
            ax.annotate(f"{g:.2f}", (x, y), xytext=(radius + 2, -5), textcoords="offset points", ha="left",
                        va="top", fontsize=10, color=GRAD_COLOR, fontweight="bold" if bold else "normal", zorder=4,
                        bbox=_LABEL_BOX)
    ax.set_title(f"{example}   ·   step {snap.step} of {len(snaps) - 1}   ·   "
                 f"green: value   red: gradient d(output)/d(node)", fontsize=10)
    ax_text.text(0.0, 1.0, snap.text, ha="left", va="top", family="monospace", fontsize=9.5,
                 transform=ax_text.transAxes)
    return fig


def graph_explorer(example: str = "f = (x + y) z") -> Any:
    """Buttons next / previous / reset and a choice of graph around :func:`draw_graph`."""
    import ipywidgets as widgets

    if example not in graph.EXAMPLES:
        raise CourseInputError(f"unknown example {example!r}; choose one of {list(graph.EXAMPLES)}")
    choice = widgets.Dropdown(options=list(graph.EXAMPLES), value=example, description="graph",
                              layout=widgets.Layout(width="420px"))
    step = widgets.IntSlider(value=0, min=0, max=n_snapshots(example) - 1, description="step",
                             continuous_update=False)
    previous = widgets.Button(description="◀ previous", layout=widgets.Layout(width="120px"))
    forward = widgets.Button(description="next ▶", button_style="primary", layout=widgets.Layout(width="120px"))
    reset = widgets.Button(description="reset", layout=widgets.Layout(width="90px"))

    def on_example(change: dict) -> None:
        step.value = 0
        step.max = n_snapshots(change["new"]) - 1

    choice.observe(on_example, names="value")
    previous.on_click(lambda _: setattr(step, "value", max(step.value - 1, step.min)))
    forward.on_click(lambda _: setattr(step, "value", min(step.value + 1, step.max)))
    reset.on_click(lambda _: setattr(step, "value", 0))
    return live_figure(draw_graph, {"example": choice, "step": step},
                       extra=[widgets.HBox([previous, forward, reset])])
