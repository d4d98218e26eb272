"""Lesson 07 training dashboard, headless: the pure state/step, the drawing, the Play-driven widget."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from course import mlp
from course.validation import CourseInputError
from course.widgets import lesson07 as w


def _params_equal(a, b):
    return all(np.array_equal(W1, W2) and np.array_equal(b1, b2) for (W1, b1), (W2, b2) in zip(a, b))


@pytest.mark.parametrize("dataset", sorted(w.DATASETS))
def test_make_state_starts_a_run(dataset):
    state = w.make_state(dataset, hidden=(5,), seed=1)
    assert state.epoch == 0 and state.losses == () and state.grad_norms == ()
    assert state.X.shape == (state.y.shape[0], 2)
    assert state.net.output == ("softmax" if dataset == "spirals" else "sigmoid")
    assert state.n_layers == 2


def test_step_is_pure_and_records_every_epoch():
    state = w.make_state("moons", hidden=(6, 4), seed=0)
    before = [(W.copy(), b.copy()) for W, b in state.net.params]
    later = state.step(5)
    assert state.epoch == 0 and state.losses == () and _params_equal(state.net.params, before)
    assert later.epoch == 5 and len(later.losses) == 5
    assert np.array(later.grad_norms).shape == (5, 3)
    assert not _params_equal(later.net.params, before)
    again = later.step(3)
    assert again.epoch == 8 and again.losses[:5] == later.losses
    assert state.step(0).epoch == 0


def test_step_records_the_loss_and_gradient_norms_of_the_network_it_trains():
    state = w.make_state("circles", hidden=(4,), seed=2)
    loss, grads = state.net.gradients(state.X, state.y)  # an independent evaluation before training
    later = state.step(1)
    assert later.losses[0] == pytest.approx(loss)
    np.testing.assert_allclose(later.grad_norms[0], [np.linalg.norm(dW) for dW, _ in grads])


def test_runs_are_reproducible_and_training_reduces_the_loss():
    a = w.make_state("xor", seed=3).step(150)
    b = w.make_state("xor", seed=3).step(150)
    assert a.losses == b.losses
    assert a.losses[-1] < 0.5 * a.losses[0]
    assert a.accuracy() > 0.9


def test_plain_gradient_descent_matches_the_update_rule():
    state = w.make_state("moons", hidden=(3,), optimizer="sgd", lr=0.1, seed=4)
    _, grads = state.net.gradients(state.X, state.y)
    later = state.step(1)
    for (W0, b0), (W1, b1), (dW, db) in zip(state.net.params, later.net.params, grads):
        np.testing.assert_allclose(W1, W0 - 0.1 * dW)
        np.testing.assert_allclose(b1, b0 - 0.1 * db)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_step_refuses_bad_epoch_counts(bad):
    with pytest.raises(CourseInputError, match="n_epochs"):
        w.make_state("moons").step(bad)


def test_make_state_refuses_unknown_names():
    with pytest.raises(CourseInputError, match="unknown dataset"):
        w.make_state("iris")
    with pytest.raises(CourseInputError, match="unknown activation"):
        w.make_state("moons", activation="swish")
    with pytest.raises(CourseInputError, match="unknown optimizer"):
        w.make_state("moons", optimizer="lbfgs")


def test_dashboard_before_and_after_training():
    state = w.make_state("moons", hidden=(6, 4), seed=0)
    fig = w.draw_dashboard(state)
    assert isinstance(fig, Figure) and len(fig.axes) >= 3
    data_ax, loss_ax, grad_ax = fig.axes[:3]
    assert "epoch 0" in data_ax.get_title()
    assert any("press" in t.get_text() for t in loss_ax.texts) and not loss_ax.lines and not grad_ax.lines
    trained = state.step(20)
    fig = w.draw_dashboard(trained)
    data_ax, loss_ax, grad_ax = fig.axes[:3]
    assert "epoch 20" in data_ax.get_title()
    np.testing.assert_allclose(loss_ax.lines[0].get_ydata(), trained.losses)
    assert len(grad_ax.lines) == trained.n_layers
    np.testing.assert_allclose(grad_ax.lines[0].get_ydata(), [g[0] for g in trained.grad_norms])
    assert [t.get_text() for t in grad_ax.get_legend().get_texts()] == ["layer 1", "layer 2", "layer 3"]


def test_decision_regions_follow_the_network():
    state = w.make_state("spirals", hidden=(6,), seed=0)
    fig = w.draw_dashboard(state.step(5))
    assert fig.axes[0].collections  # filled regions and points
    rng = np.random.default_rng(0)
    net = mlp.MLP([2, 1], rng, activation="tanh", output="sigmoid")
    net.params = [(np.array([[1.0], [0.0]]), np.array([0.0]))]  # boundary: x0 = 0
    X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    fig = w.draw_boundary(net.predict_proba, X, np.array([0.0, 1.0]), title="vertical")
    assert fig.axes[0].get_title() == "vertical"
    xx, yy, points = w._grid(X)
    p = net.predict_proba(points).reshape(xx.shape)
    assert np.all((p >= 0.5) == (xx >= 0))


def test_dashboard_widget_trains_on_play_ticks_and_restarts_on_changes():
    box = w.training_dashboard(dataset="xor", hidden=(4,), epochs_per_tick=3)
    controls, output = box.children
    play, reset, data = controls.children[0].children
    act, opt, rate = controls.children[1].children
    assert box.state["state"].epoch == 0
    play.value = 1
    play.value = 2
    assert box.state["state"].epoch == 6
    data.value = "circles"
    assert box.state["state"].epoch == 0 and box.state["state"].dataset == "circles"
    play.value = 3
    assert box.state["state"].epoch == 3
    reset.click()
    assert box.state["state"].epoch == 0
    act.value = "relu"
    assert box.state["state"].net.activation.name == "relu"
    with pytest.raises(CourseInputError):
        w.training_dashboard(dataset="iris")
