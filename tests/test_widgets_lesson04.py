"""Lesson 04 network explorer, headless: state, table, indicator, figure and the widget's interface."""
from __future__ import annotations

import re

import numpy as np
from matplotlib.figure import Figure

from course import gates
from course.widgets import lesson04 as W


def _rows(table_html: str) -> list[list[str]]:
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table_html)]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _forward(values, x1, x2):
    h1 = _sigmoid(values["w11"] * x1 + values["w21"] * x2 + values["b1"])
    h2 = _sigmoid(values["w12"] * x1 + values["w22"] * x2 + values["b2"])
    return h1, h2, _sigmoid(values["v1"] * h1 + values["v2"] * h2 + values["c"])


XNOR = {**W.START, "v1": 20.0, "v2": 20.0, "c": -10.0}  # the notes' network as drawn


def test_start_is_the_lesson_xor_network():
    W1, b1, W2, b2 = W.network_params(**W.START)
    np.testing.assert_array_equal(W1, gates.XOR_W1)
    np.testing.assert_array_equal(b1, gates.XOR_b1)
    np.testing.assert_array_equal(W2, gates.XOR_W2)
    assert b2 == gates.XOR_b2
    state = W.network_state(**W.START)
    assert state.met and state.computes == "XOR" and state.reason == ""


def test_state_matches_an_independent_forward_pass():
    values = {"w11": 3.0, "w21": -2.0, "b1": 0.5, "w12": -1.0, "w22": 4.0, "b2": -1.5, "v1": 2.0, "v2": -3.0, "c": 0.7}
    state = W.network_state(**values)
    for i, (x1, x2) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        h1, h2, out = _forward(values, x1, x2)
        np.testing.assert_allclose(state.hidden[i], [h1, h2], rtol=1e-12)
        np.testing.assert_allclose(state.outputs[i], out, rtol=1e-12)


def test_table_rows_and_values():
    html = W.network_table_html(**W.START)
    assert html.startswith('<table class="network-truth-table"') and html.count("<tr>") == 4
    rows = _rows(html)
    assert [r[:2] for r in rows] == [["0", "0"], ["0", "1"], ["1", "0"], ["1", "1"]]
    assert [r[2:4] for r in rows] == [["0.00", "1.00"], ["0.00", "0.00"], ["0.00", "0.00"], ["1.00", "0.00"]]
    assert [r[4] for r in rows] == ["0.00", "1.00", "1.00", "0.00"] and [r[5] for r in rows] == ["0", "1", "1", "0"]
    assert W.network_table_html(**XNOR) != html


def test_indicator_met_and_not_met():
    assert '<span class="gate-indicator met">✓ XOR reached</span>' in W.indicator_html(**W.START)
    html = W.indicator_html(**XNOR)
    assert '<span class="gate-indicator">✗ not XOR yet — ' in html and "computes XNOR" in html
    assert html.count("<span") == html.count("</span>")


def test_timid_network_is_xor_but_not_met():
    timid = dict(w11=4, w21=4, b1=-6, w12=-4, w22=-4, b2=2, v1=-4, v2=-4, c=2)
    state = W.network_state(**timid)
    assert state.computes == "XOR" and not state.met and "larger" in state.reason


def test_draw_network_panels_and_lines():
    fig = W.draw_network(**W.START)
    assert isinstance(fig, Figure)
    left, right = fig.axes[:2]
    labels = {ln.get_label(): ln for ln in left.get_lines()}
    assert {"h1 = 0.5", "h2 = 0.5"} <= set(labels)
    x, y = labels["h1 = 0.5"].get_data()
    np.testing.assert_allclose(20 * np.asarray(x) + 20 * np.asarray(y) - 30, 0, atol=1e-9)
    (out_line,) = [ln for ln in right.get_lines() if ln.get_label() == "output = 0.5"]
    u, v = out_line.get_data()
    np.testing.assert_allclose(-20 * np.asarray(u) - 20 * np.asarray(v) + 10, 0, atol=1e-9)
    assert "computes XOR" in left.get_title()
    # rows 01 and 10 land on the same hidden point and share one label
    assert any("01: 1.00\n10: 1.00" == t.get_text() for t in right.texts)
    assert len(right.collections) == 4


def test_draw_network_with_zero_weights_has_no_lines():
    zero = {key: 0.0 for key in W.PARAMETERS}
    fig = W.draw_network(**zero)
    assert not fig.axes[0].get_lines() and not fig.axes[1].get_lines()
    assert "always 1" in fig.axes[0].get_title()  # sigmoid(0) = 0.5 counts as 1


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_network_explorer_interface_and_updates():
    import ipywidgets as widgets

    box = W.network_explorer()
    parts = list(_walk(box))
    sliders = [w for w in parts if isinstance(w, widgets.FloatSlider)]
    assert [s.description for s in sliders] == list(W.PARAMETERS.values())
    assert all((s.min, s.max, s.step) == (-30, 30, 1) for s in sliders)
    assert {key: s.value for key, s in box.sliders.items()} == W.START
    assert box.output in parts and box.table in parts and box.indicator in parts
    assert "✓ XOR reached" in box.indicator.value
    before = box.table.value
    for key in ("v1", "v2", "c"):
        box.sliders[key].value = -box.sliders[key].value
    assert "computes XNOR" in box.indicator.value and box.table.value != before
