"""Lesson 06 widget, headless: layout, what each step shows, the drawing, the buttons."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from course import graph
from course.validation import CourseInputError
from course.widgets import lesson06 as w

XYZ = "f = (x + y) z"
FORK = "f = (x + y) max(y, z): a fork"


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _colored(fig: Figure, color: str) -> list[str]:
    from matplotlib.colors import to_hex

    return [t.get_text() for t in fig.axes[0].texts if to_hex(t.get_color()) == to_hex(color)]


@pytest.mark.parametrize("name", list(graph.EXAMPLES))
def test_layout_puts_inputs_left_and_every_gate_right_of_its_inputs(name):
    root = graph.example_graph(name)
    pos = w.layout(root)
    order = graph.topological_order(root)
    assert len(set(pos.values())) == len(order)  # no two nodes on top of each other
    for node in order:
        x, _ = pos[id(node)]
        if not node.parents:
            assert x == 0.0
        for p in node.parents:
            assert pos[id(p)][0] < x
    assert pos[id(root)][0] == max(p[0] for p in pos.values())


def test_node_labels_step_by_step():
    first = w.node_labels(XYZ, 0)
    assert first["q"] == ("3.00", "") and first["f"] == ("-12.00", "")
    assert all(g == "" for _, g in first.values())
    assert w.node_labels(XYZ, 1)["f"] == ("-12.00", "1.00")
    last = w.node_labels(XYZ, w.n_snapshots(XYZ) - 1)
    assert {k: g for k, (_, g) in last.items()} == {"x": "-4.00", "y": "-4.00", "q": "-4.00", "z": "3.00", "f": "1.00"}
    assert w.node_labels(XYZ, 99) == last and w.node_labels(XYZ, -5) == first  # clamped
    counts = [sum(g != "" for _, g in w.node_labels(FORK, s).values()) for s in range(w.n_snapshots(FORK))]
    assert counts == sorted(counts) and counts[0] == 0 and counts[-1] == 6


def test_fork_gradient_accumulates_at_y():
    ys = [w.node_labels(FORK, s)["y"][1] for s in range(w.n_snapshots(FORK))]
    assert ys == ["", "", "", "3.00", "5.00"]  # 3 from the max gate, then + 2 from the add gate


@pytest.mark.parametrize("name", list(graph.EXAMPLES))
def test_draw_graph_shows_values_and_more_gradients_each_step(name):
    n = w.n_snapshots(name)
    shown = []
    for step in range(n):
        fig = w.draw_graph(name, step)
        assert isinstance(fig, Figure)
        texts = _texts(fig)
        assert f"step {step} of {n - 1}" in fig.axes[0].get_title()
        labels = w.node_labels(name, step)
        assert all(value in texts for value, _ in labels.values())
        shown.append(len(_colored(fig, w.GRAD_COLOR)))
    n_nodes = len(graph.topological_order(graph.example_graph(name)))
    assert shown[0] == 0 and shown == sorted(shown) and shown[-1] == n_nodes


def test_active_gate_is_highlighted_and_explained():
    fig = w.draw_graph(XYZ, 0)
    assert not any(t.get_bbox_patch() is not None and t.get_bbox_patch().get_facecolor()[:3] == _rgb(w.ACTIVE_COLOR)
                   for t in fig.axes[0].texts)
    fig = w.draw_graph(XYZ, 3)  # the add gate q runs its backward
    active = [t.get_text() for t in fig.axes[0].texts
              if t.get_bbox_patch() is not None and t.get_bbox_patch().get_facecolor()[:3] == _rgb(w.ACTIVE_COLOR)]
    assert active == ["+"]
    explanation = fig.axes[1].texts[0].get_text()
    assert "'+' gate q" in explanation and "-4.00 × 1.00 = -4.00" in explanation


def _rgb(color: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    return to_rgb(color)


def test_draw_graph_bad_arguments():
    with pytest.raises(CourseInputError, match="unknown example"):
        w.draw_graph("f = x", 0)
    with pytest.raises(CourseInputError, match="integer"):
        w.draw_graph(XYZ, 1.5)


def test_explorer_buttons_and_graph_choice():
    box = w.graph_explorer()
    panel, buttons, output = box.children
    choice, step = panel.children
    previous, forward, reset = buttons.children
    assert step.value == 0 and step.max == w.n_snapshots(XYZ) - 1
    forward.click()
    forward.click()
    assert step.value == 2
    previous.click()
    assert step.value == 1
    for _ in range(10):
        forward.click()
    assert step.value == step.max
    reset.click()
    assert step.value == 0
    forward.click()
    choice.value = FORK
    assert step.value == 0 and step.max == w.n_snapshots(FORK) - 1
    with pytest.raises(CourseInputError):
        w.graph_explorer("nope")


def test_n_snapshots_counts_forward_seed_and_gates():
    for name in graph.EXAMPLES:
        gates = sum(1 for n in graph.topological_order(graph.example_graph(name)) if n.parents)
        assert w.n_snapshots(name) == gates + 2
    assert np.all(np.array([w.n_snapshots(n) for n in graph.EXAMPLES]) >= 4)
