"""Lesson-02 stepper, headless: the state's pure step/epoch/run against the reference, and what is drawn."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from course import perceptron
from course.widgets import lesson02 as w02
from course.widgets.lesson02 import PerceptronState

NAMES = list(w02.STEPPER_DATASETS)


@pytest.mark.parametrize("name", NAMES)
def test_run_reproduces_the_reference_online_perceptron(name):
    X, y = w02.stepper_data(name)
    state = PerceptronState.start(X, y).run(max_epochs=30)
    theta, counts = perceptron.online_perceptron(perceptron.add_bias_feature(X), y, max_epochs=30)
    np.testing.assert_array_equal(state.theta, theta)
    assert list(state.mistakes_per_epoch) == counts
    assert state.converged == (counts[-1] == 0)


def test_the_data_sets_are_what_their_names_say():
    assert PerceptronState.start(*w02.stepper_data("separable")).run(100).converged
    assert len(PerceptronState.start(*w02.stepper_data("separable")).run(100).mistakes_per_epoch) >= 4
    for name in ("overlapping (not separable)", "XOR (not separable)"):
        assert not PerceptronState.start(*w02.stepper_data(name)).run(100).converged


def test_the_first_step_from_zero_is_a_mistake_and_adds_y_x():
    X, y = w02.stepper_data("separable")
    start = PerceptronState.start(X, y)
    after = start.step()
    np.testing.assert_array_equal(after.theta, y[0] * np.concatenate([[1.0], X[0]]))
    assert (after.index, after.last, after.last_was_mistake, after.mistakes_this_epoch) == (1, 0, True, 1)
    np.testing.assert_array_equal(start.theta, np.zeros(3))  # pure: the old state is unchanged
    assert start.index == 0 and start.last is None


def test_steps_follow_the_rule_one_example_at_a_time():
    state = PerceptronState.start(*w02.stepper_data("overlapping (not separable)"))
    for _ in range(3 * state.m + 5):
        i, before = state.index, state.theta
        state = state.step()
        x, label = state.X[i], state.y[i]
        mistake = label * (before @ x) <= 0
        assert state.last == i and state.last_was_mistake == mistake
        np.testing.assert_array_equal(state.theta, before + label * x if mistake else before)


def test_epoch_finishes_the_current_pass_and_records_its_mistakes():
    X, y = w02.stepper_data("XOR (not separable)")
    state = PerceptronState.start(X, y).step().step()
    done = state.epoch()
    assert done.index == 0 and done.epochs_done == 1 and done.mistakes_this_epoch == 0
    assert done.mistakes_per_epoch == tuple(perceptron.online_perceptron(perceptron.add_bias_feature(X), y, 1)[1])
    assert done.epoch().epochs_done == 2


def test_a_converged_state_stays_put():
    state = PerceptronState.start(*w02.stepper_data("separable")).run()
    assert state.converged and state.mistakes_per_epoch[-1] == 0
    assert state.step() is state and state.epoch() is state and state.run() is state


def test_run_stops_at_max_epochs_on_data_that_is_not_separable():
    state = PerceptronState.start(*w02.stepper_data("XOR (not separable)")).run(max_epochs=7)
    assert state.epochs_done == 7 and not state.converged and min(state.mistakes_per_epoch) > 0


def test_start_checks_its_input():
    with pytest.raises(ValueError, match=r"must be in \{-1, 1\}"):
        PerceptronState.start(np.zeros((3, 2)), np.array([0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="unknown data set"):
        w02.stepper_data("spirals")


# --- what is drawn -----------------------------------------------------------------------------------

def test_boundary_end_points_satisfy_theta_dot_x_equals_zero():
    state = PerceptronState.start(*w02.stepper_data("separable")).epoch()
    xs, ys = w02.boundary(state)
    np.testing.assert_allclose(state.theta[0] + state.theta[1] * xs + state.theta[2] * ys, 0.0, atol=1e-9)
    assert w02.boundary(PerceptronState.start(*w02.stepper_data("separable"))) is None  # theta = 0: no line


def test_status_text_reports_epoch_example_and_mistakes():
    state = PerceptronState.start(*w02.stepper_data("separable"))
    assert "press 'next example'" in w02.status_text(state)
    state = state.step().step().step()
    text = w02.status_text(state)
    assert f"epoch 1 · example 3 of {state.m}" in text
    assert f"mistakes this epoch: {state.mistakes_this_epoch}" in text
    finished = state.run()
    assert f"converged after {finished.epochs_done} epochs" in w02.status_text(finished)
    assert str(list(finished.mistakes_per_epoch)) in w02.status_text(finished)


def _drawn(fig: Figure):
    ax, bars = fig.axes[:2]
    lines = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    return ax, bars, lines


def test_draw_shows_the_boundary_the_ring_and_the_counts():
    state = PerceptronState.start(*w02.stepper_data("separable")).epoch().step().step()
    fig = w02.draw_perceptron(state)
    ax, bars, lines = _drawn(fig)
    (line,) = lines
    xs, ys = w02.boundary(state)
    np.testing.assert_allclose(line.get_xdata(), xs)
    np.testing.assert_allclose(line.get_ydata(), ys)
    ring = ax.collections[-1]  # drawn last: the example just seen
    np.testing.assert_allclose(ring.get_offsets()[0], state.X[state.last, 1:])
    heights = [p.get_height() for p in bars.patches]
    assert heights == [*state.mistakes_per_epoch, state.mistakes_this_epoch]
    assert fig._suptitle.get_text() == w02.status_text(state)


def test_the_drawn_boundary_moves_after_a_mistake():
    state = PerceptronState.start(*w02.stepper_data("overlapping (not separable)")).epoch()
    while True:
        nxt = state.step()
        if nxt.last_was_mistake:
            break
        state = nxt
    before, after = _drawn(w02.draw_perceptron(state))[2], _drawn(w02.draw_perceptron(nxt))[2]
    assert not np.allclose(np.r_[before[0].get_xydata().ravel()], np.r_[after[0].get_xydata().ravel()])


def test_the_stepper_buttons_drive_the_state():
    pytest.importorskip("ipywidgets")
    box = w02.perceptron_stepper(max_epochs=30)
    buttons = box.buttons
    assert box.current().index == 0
    buttons["next example"].click()
    assert box.current().index == 1 and box.current().last == 0
    buttons["next epoch"].click()
    assert box.current().epochs_done == 1 and box.current().index == 0
    buttons["run (30 epochs max)"].click()
    assert box.current().converged
    buttons["reset"].click()
    assert box.current().epochs_done == 0 and not np.any(box.current().theta)
    box.selector.value = "XOR (not separable)"
    buttons["run (30 epochs max)"].click()
    assert box.current().epochs_done == 30 and not box.current().converged
