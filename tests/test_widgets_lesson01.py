"""Lesson-01 widgets, headless: what the student sees change (decision line, loss text, boundaries)."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from course import logistic
from course.widgets import lesson01 as w01


def _dashed_lines(fig: Figure):
    return [line for ax in fig.axes for line in ax.get_lines() if line.get_linestyle() == "--"]


# --- decision_line ----------------------------------------------------------------------------------

@pytest.mark.parametrize("w1, w2, b", [(1.0, -1.0, 0.0), (1.5, 1.0, 0.2), (0.0, 2.0, -1.0), (3.0, 0.0, 1.5),
                                       (-0.3, 2.5, 4.0)])
def test_decision_line_end_points_lie_on_the_line_and_on_the_box(w1, w2, b):
    xs, ys = w01.decision_line(w1, w2, b)
    np.testing.assert_allclose(w1 * xs + w2 * ys + b, 0.0, atol=1e-9)
    on_edge = np.isclose(np.abs(xs), 4.0) | np.isclose(np.abs(ys), 4.0)
    assert on_edge.all() and np.all(np.abs(xs) <= 4 + 1e-9) and np.all(np.abs(ys) <= 4 + 1e-9)
    assert np.hypot(xs[1] - xs[0], ys[1] - ys[0]) > 0


def test_decision_line_is_none_without_weights_or_outside_the_box():
    assert w01.decision_line(0.0, 0.0, 1.0) is None
    assert w01.decision_line(1.0, 1.0, 100.0) is None


def test_the_diagonal_through_the_corners():
    xs, ys = w01.decision_line(1.0, -1.0, 0.0)
    assert sorted(zip(xs.tolist(), ys.tolist())) == [(-4.0, -4.0), (4.0, 4.0)]


# --- the surface explorer -----------------------------------------------------------------------------

def test_surface_summary_reports_the_mean_loss_and_accuracy():
    X, y = w01.surface_data()
    s = w01.surface_summary(1.5, 1.0, 0.2, X, y)
    p = 1 / (1 + np.exp(-(X @ np.array([1.5, 1.0]) + 0.2)))
    assert s.loss == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), rel=1e-12)
    assert s.accuracy == pytest.approx(np.mean((p >= 0.5) == (y == 1)))
    assert f"J = {s.loss:.4f}" in s.text and f"accuracy {100 * s.accuracy:.0f}%" in s.text


def test_at_zero_weights_the_loss_is_log_two():
    X, y = w01.surface_data()
    s = w01.surface_summary(0.0, 0.0, 0.0, X, y)
    assert s.loss == pytest.approx(np.log(2)) and s.line is None


def test_draw_sigmoid_surface_shows_the_line_and_the_loss_that_change_with_the_sliders():
    X, y = w01.surface_data()
    before, after = w01.draw_sigmoid_surface(1.0, -1.0, 0.0), w01.draw_sigmoid_surface(2.0, 0.5, -1.0)
    for fig, params in ((before, (1.0, -1.0, 0.0)), (after, (2.0, 0.5, -1.0))):
        assert isinstance(fig, Figure)
        summary = w01.surface_summary(*params, X, y)
        (line,) = _dashed_lines(fig)
        np.testing.assert_allclose(line.get_xdata(), summary.line[0])
        np.testing.assert_allclose(line.get_ydata(), summary.line[1])
        assert fig.axes[0].get_title() == summary.text
    assert before.axes[0].get_title() != after.axes[0].get_title()


def test_the_trained_weights_beat_a_guess():
    X, y = w01.surface_data()
    w, b, _ = logistic.train_logistic_regression(X, y, lr=0.5, epochs=2000)
    assert w01.surface_summary(*w, b, X, y).loss < w01.surface_summary(1.0, -1.0, 0.0, X, y).loss


def test_the_surface_explorer_redraws_and_its_button_sets_the_trained_weights():
    pytest.importorskip("ipywidgets")
    box = w01.sigmoid_surface_explorer()
    sliders = {s.description: s for row in box.children[0].children for s in row.children}
    assert set(sliders) == {"w1", "w2", "b"}
    sliders["w1"].value = 2.5  # a redraw: must not raise
    (button,) = [c for c in box.children if getattr(c, "description", "").startswith("set to the trained")]
    button.click()
    X, y = w01.surface_data()
    w, b, _ = logistic.train_logistic_regression(X, y, lr=0.5, epochs=2000)
    assert sliders["w1"].value == pytest.approx(round(w[0], 1))
    assert sliders["w2"].value == pytest.approx(round(w[1], 1))
    assert sliders["b"].value == pytest.approx(round(b, 1))


# --- linear vs logistic regression -----------------------------------------------------------------------

def test_least_squares_line_matches_polyfit():
    x, y = w01.one_d_data(17.0)
    slope, intercept = w01.least_squares_line(x, y)
    np.testing.assert_allclose([slope, intercept], np.polyfit(x, y, 1), rtol=1e-10)


def test_logistic_fit_1d_matches_scikit_learn():
    sklearn = pytest.importorskip("sklearn.linear_model")
    x, y = w01.one_d_data(25.0)
    w, b = w01.logistic_fit_1d(x, y)
    model = sklearn.LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(x[:, None], y)
    assert w == pytest.approx(model.coef_[0, 0], rel=1e-4)
    assert b == pytest.approx(model.intercept_[0], rel=1e-4)


def test_logistic_fit_1d_is_the_minimum_of_the_mean_cross_entropy():
    x, y = w01.one_d_data(10.0)
    w, b = w01.logistic_fit_1d(x, y)
    dw, db = logistic.logistic_gradients(x[:, None], y, np.array([w]), b)
    assert abs(dw[0]) < 1e-10 and abs(db) < 1e-10


def test_a_distant_point_drags_the_linear_boundary_but_not_the_logistic_one():
    near, far = w01.one_d_summary(6.0), w01.one_d_summary(40.0)
    assert far.linear_boundary - near.linear_boundary > 2.0
    assert abs(far.logistic_boundary - near.logistic_boundary) < 0.01
    assert far.linear_errors > near.linear_errors
    assert far.logistic_errors == near.logistic_errors
    positions = [w01.one_d_summary(x).linear_boundary for x in (6.0, 10.0, 20.0, 30.0, 40.0)]
    assert positions == sorted(positions)


def test_boundaries_are_where_each_fit_crosses_one_half():
    s = w01.one_d_summary(20.0)
    assert s.slope * s.linear_boundary + s.intercept == pytest.approx(0.5)
    assert 1 / (1 + np.exp(-(s.w * s.logistic_boundary + s.b))) == pytest.approx(0.5)


def test_draw_linear_vs_logistic_marks_both_boundaries_and_the_distant_point():
    for far_x in (6.0, 30.0):
        fig = w01.draw_linear_vs_logistic(far_x)
        s = w01.one_d_summary(far_x)
        verticals = sorted(line.get_xdata()[0] for line in _dashed_lines(fig))
        assert verticals == pytest.approx(sorted([s.linear_boundary, s.logistic_boundary]))
        assert fig.axes[0].get_title(loc="left") == s.text
        assert fig.axes[0].get_xlim()[1] >= far_x


def test_the_linear_vs_logistic_explorer_moves_the_point():
    pytest.importorskip("ipywidgets")
    box = w01.linear_vs_logistic_explorer()
    (slider,) = box.children[0].children
    slider.value = 35.0  # redraws without error
    assert slider.description == "distant x" and slider.max >= 35


# --- training figure ------------------------------------------------------------------------------------

def test_draw_training_plots_the_losses_and_the_weights_as_an_image():
    losses, w = [0.6, 0.4, 0.3], np.arange(64.0) - 32
    fig = w01.draw_training(losses, w, image_shape=(8, 8))
    curve = fig.axes[0].get_lines()[0]
    np.testing.assert_array_equal(curve.get_ydata(), losses)
    np.testing.assert_array_equal(curve.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(fig.axes[1].get_images()[0].get_array(), w.reshape(8, 8))


def test_draw_training_without_an_image_shape_draws_bars():
    fig = w01.draw_training([0.5], np.array([0.3, -1.0]))
    heights = [patch.get_height() for patch in fig.axes[1].patches]
    assert heights == pytest.approx([0.3, -1.0])


def test_draw_training_names_an_impossible_image_shape():
    with pytest.raises(ValueError, match="cannot be shown as an image of shape"):
        w01.draw_training([0.5], np.ones(5), image_shape=(2, 2))
