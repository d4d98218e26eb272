"""Lesson 03 gate explorer, headless: the table, the indicator, the figure and the widget's interface."""
from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from course.widgets import lesson03 as W


def _rows(table_html: str) -> list[list[str]]:
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table_html)]


def _sigmoid(z: float) -> float:
    return 1 / (1 + np.exp(-z))


# --- the truth table --------------------------------------------------------------------------------

def test_table_has_one_row_per_input_in_counting_order():
    html = W.truth_table_html(20, 20, -10, "AND")
    assert html.startswith('<table class="gate-truth-table"') and html.count("<tr>") == 4
    rows = _rows(html)
    assert [r[:2] for r in rows] == [["0", "0"], ["0", "1"], ["1", "0"], ["1", "1"]]


def test_table_shows_outputs_thresholds_and_target():
    rows = _rows(W.truth_table_html(20, 20, -10, "AND"))  # the notes' OR neuron, target AND
    assert [r[2] for r in rows] == ["0.00", "1.00", "1.00", "1.00"]
    assert [r[3] for r in rows] == ["0", "1", "1", "1"]
    assert [r[4] for r in rows] == ["0", "0", "0", "1"]
    assert [r[5] for r in rows] == ["✓", "✗", "✗", "✓"]


def test_table_changes_when_b_goes_to_its_minimum():
    before, after = W.truth_table_html(20, 20, -10, "AND"), W.truth_table_html(20, 20, -30, "AND")
    assert before != after
    assert [r[3] for r in _rows(after)] == ["0", "0", "0", "1"]


def test_table_rounds_outputs_to_two_decimals():
    rows = _rows(W.truth_table_html(1, -2, 0.5, "OR"))
    expected = [f"{_sigmoid(z):.2f}" for z in (0.5, -1.5, 1.5, -0.5)]
    assert [r[2] for r in rows] == expected
    assert [r[3] for r in rows] == ["1", "0", "1", "0"]


def test_threshold_at_exactly_one_half_counts_as_one():
    rows = _rows(W.truth_table_html(20, 20, -20, "AND"))  # z = 0 on rows 01 and 10
    assert [r[2] for r in rows] == ["0.00", "0.50", "0.50", "1.00"] and [r[3] for r in rows] == ["0", "1", "1", "1"]


# --- the indicator ------------------------------------------------------------------------------------

def test_indicator_at_start_is_not_met_then_met_after_home_on_b():
    start = W.indicator_html(W.START["w1"], W.START["w2"], W.START["b"], "AND")
    assert '<span class="gate-indicator">✗ not AND yet — ' in start and "gate-indicator met" not in start
    met = W.indicator_html(20, 20, -30, "AND")
    assert '<span class="gate-indicator met">✓ AND reached</span>' in met  # exactly as documented
    for html in (start, met):
        assert html.count("<span") == html.count("</span>")


@pytest.mark.parametrize("target, params", [
    ("AND", (20, 20, -30)), ("OR", (20, 20, -10)), ("NAND", (-20, -20, 30)), ("NOR", (-20, -20, 10)),
])
def test_each_gate_is_reachable_and_named(target, params):
    html = W.indicator_html(*params, target)
    assert f"✓ {target} reached" in html
    other = "AND" if target != "AND" else "OR"
    assert f"✗ not {other} yet" in W.indicator_html(*params, other)


def test_indicator_requires_confidence_not_just_the_right_side():
    state = W.gate_state(1, 1, -1.5, "AND")
    assert state.rows_right == 4 and not state.met and "right side of 0.5" in state.reason
    assert "✗ not AND yet" in W.indicator_html(1, 1, -1.5, "AND")


def test_indicator_names_the_function_computed_and_the_failing_row():
    state = W.gate_state(20, 20, -10, "AND")
    assert state.computes == "OR" and state.rows_right == 2
    assert "row (0, 1) gives 1.00 (needs ≤ 0.01)" in state.reason


def test_xor_is_never_met_and_explains_the_best_is_three_rows():
    for w1, w2, b in [(20, 20, -10), (-20, 20, -10), (30, -30, 0), (0, 0, 0)]:
        state = W.gate_state(w1, w2, b, "XOR")
        assert not state.met and state.rows_right <= 3
    html = W.indicator_html(20, 20, -10, "XOR")
    assert "✗ not XOR yet" in html and "3 of 4 rows" in html and "straight" in html


def test_unknown_target_is_refused():
    with pytest.raises(ValueError, match="unknown target"):
        W.gate_state(1, 1, 1, "XNOR")


def test_expression_has_tidy_signs():
    assert W.expression(20, 20, -10) == "20·x1 + 20·x2 − 10"
    assert W.expression(-20, 0, 30) == "−20·x1 + 0·x2 + 30"


# --- the figure ----------------------------------------------------------------------------------------

def test_draw_gate_shows_the_decision_line_and_the_four_rows():
    fig = W.draw_gate(20, 20, -10, "AND")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "decision line z = 0"]
    x, y = line.get_data()
    np.testing.assert_allclose(20 * np.asarray(x) + 20 * np.asarray(y) - 10, 0, atol=1e-9)
    assert len(ax.collections) == 4  # the four rows
    assert "computes OR" in ax.get_title() and "2 of 4 rows" in ax.get_title()
    labels = sorted(t.get_text() for t in ax.texts)
    assert labels.count("1.00") == 3 and "0.00" in labels


def test_draw_gate_vertical_line_and_no_line():
    ax = W.draw_gate(20, 0, -10, "OR").axes[0]
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "decision line z = 0"]
    np.testing.assert_allclose(line.get_data()[0], [0.5, 0.5])
    ax = W.draw_gate(0, 0, 5, "XOR").axes[0]
    assert not ax.get_lines() and any("no line" in t.get_text() for t in ax.texts)
    assert "✓ AND reached" in W.draw_gate(20, 20, -30, "AND").axes[0].get_title()


# --- the widget ---------------------------------------------------------------------------------------

def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_gate_explorer_interface():
    import ipywidgets as widgets

    box = W.gate_explorer()
    parts = list(_walk(box))
    sliders = {w.description: w for w in parts if isinstance(w, widgets.FloatSlider)}
    assert set(sliders) == {"w1", "w2", "b"}
    for s in sliders.values():
        assert (s.min, s.max, s.step) == (-30, 30, 1)
    assert (sliders["w1"].value, sliders["w2"].value, sliders["b"].value) == (20, 20, -10)
    (dropdown,) = [w for w in parts if isinstance(w, widgets.Dropdown)]
    assert dropdown.description == "target" and list(dropdown.options) == ["AND", "OR", "NAND", "NOR", "XOR"]
    assert dropdown.value == "AND"
    htmls = [w for w in parts if isinstance(w, widgets.HTML)]
    assert any('<table class="gate-truth-table"' in h.value for h in htmls)
    assert any('class="gate-indicator"' in h.value for h in htmls)
    assert any(isinstance(w, widgets.Output) for w in parts) and box.output in parts


def test_gate_explorer_updates_on_every_change():
    box = W.gate_explorer()
    before = box.table.value
    assert "✗ not AND yet" in box.indicator.value
    box.sliders["b"].value = box.sliders["b"].min  # what the Home key does in the browser
    assert box.sliders["b"].value == -30
    assert box.table.value != before and "✓ AND reached" in box.indicator.value
    assert "gate-indicator met" in box.indicator.value
    box.target.value = "NAND"
    assert "✗ not NAND yet" in box.indicator.value
    for name, value in (("w1", -20), ("w2", -20), ("b", 30)):
        box.sliders[name].value = value
    assert "✓ NAND reached" in box.indicator.value
    assert [r[3] for r in _rows(box.table.value)] == ["1", "1", "1", "0"]
