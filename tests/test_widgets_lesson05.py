"""course.widgets.lesson05, headless: what each control changes in the figures."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from course import activations, mlp
from course.validation import CourseInputError
from course.widgets import lesson05 as w


def _lines(ax):
    """The data lines of an axes (not the axhline/axvline guides, which have 2 points)."""
    return [line for line in ax.get_lines() if len(line.get_xdata()) > 2]


# --- activation_curves / saturated_intervals -----------------------------------------------------

@pytest.mark.parametrize("name", w.ACTIVATION_NAMES)
def test_curves_are_the_reference_activation_and_derivative(name):
    c = w.activation_curves(name, k=0.2, alpha=1.5, z_min=-3, z_max=4, n=141)
    kw = {"k": 0.2} if name == "leaky_relu" else {"alpha": 1.5} if name == "elu" else {}
    act = activations.ACTIVATIONS[name]
    assert c.z[0] == -3 and c.z[-1] == 4 and c.z.shape == c.f.shape == c.df.shape == (141,)
    np.testing.assert_array_equal(c.f, act.forward(c.z, **kw))
    np.testing.assert_array_equal(c.df, act.grad(c.z, **kw))
    assert c.kinks == tuple(k for k in act.kinks if -3 < k < 4)


def test_every_activation_has_formulas():
    assert set(w.FORMULAS) == set(w.ACTIVATION_NAMES) == set(activations.ACTIVATIONS)


def test_one_sided_slopes_at_the_kinks():
    c = w.activation_curves("relu")
    assert (c.kinks, c.left, c.right) == ((0.0,), (0.0,), (1.0,))
    c = w.activation_curves("leaky_relu", k=0.3)
    assert c.left == (pytest.approx(0.3),) and c.right == (1.0,)
    c = w.activation_curves("hardtanh")
    assert c.kinks == (-1.0, 1.0) and c.left == (0.0, 1.0) and c.right == (1.0, 0.0)
    c = w.activation_curves("elu", alpha=2.0)
    assert c.left == (pytest.approx(2.0),) and c.right == (1.0,)
    assert w.activation_curves("relu", z_min=1, z_max=3).kinks == ()  # kink outside the range


def test_saturated_intervals():
    z = np.linspace(-5, 5, 1001)
    relu = w.saturated_intervals(z, activations.relu_grad(z))
    assert len(relu) == 1 and relu[0][0] == -5 and relu[0][1] == pytest.approx(0, abs=0.011)
    assert w.saturated_intervals(z, activations.leaky_relu_grad(z, k=0.1)) == []
    assert len(w.saturated_intervals(z, activations.leaky_relu_grad(z, k=0.01))) == 1
    # sigma'(z) < 0.05 beyond |z| = ln(0.0528/0.9472) = 2.887: two tails.
    (a, b), (c, d) = w.saturated_intervals(z, activations.sigmoid_grad(z))
    assert a == -5 and b == pytest.approx(-2.89, abs=0.011) and c == pytest.approx(2.89, abs=0.011) and d == 5
    assert w.saturated_intervals(z, np.ones_like(z)) == []
    assert w.saturated_intervals(z, np.zeros_like(z)) == [(-5.0, 5.0)]


def test_bad_range_and_name():
    with pytest.raises(CourseInputError, match="z_min < z_max"):
        w.activation_curves("relu", z_min=2, z_max=1)
    with pytest.raises(CourseInputError, match="unknown activation"):
        w.activation_curves("swish")


# --- draw_activation -------------------------------------------------------------------------

@pytest.mark.parametrize("name", w.ACTIVATION_NAMES)
def test_draw_activation_has_f_and_its_derivative(name):
    fig = w.draw_activation(name, z_range=(-4.0, 6.0))
    assert isinstance(fig, Figure)
    ax_f, ax_d = fig.axes
    assert ax_f.get_xlim() == (-4.0, 6.0) and ax_d.get_xlim() == (-4.0, 6.0)
    assert name in ax_f.get_title() and "derivative" in ax_d.get_title()
    # One line per piece between kinks, on both panels.
    n_pieces = len(activations.ACTIVATIONS[name].kinks) + 1
    assert len(_lines(ax_f)) == len(_lines(ax_d)) == n_pieces


def test_k_changes_the_negative_slope():
    def negative_slope(k):
        line = _lines(w.draw_activation("leaky_relu", k=k).axes[0])[0]  # the piece left of 0
        x, y = line.get_xdata(), line.get_ydata()
        return (y[-1] - y[0]) / (x[-1] - x[0])

    assert negative_slope(0.1) == pytest.approx(0.1)
    assert negative_slope(0.4) == pytest.approx(0.4)
    assert "k = 0.4" in w.draw_activation("leaky_relu", k=0.4).axes[0].get_title()


def test_alpha_changes_the_elu_floor():
    for alpha in (0.5, 2.5):
        fig = w.draw_activation("elu", alpha=alpha, z_range=(-12.0, 2.0))
        lowest = min(np.min(line.get_ydata()) for line in _lines(fig.axes[0]))
        assert lowest == pytest.approx(-alpha, rel=1e-4)
        assert f"α = {alpha:g}" in fig.axes[0].get_title()


def test_kink_markers_show_both_one_sided_slopes():
    ax_d = w.draw_activation("hardtanh").axes[1]
    markers = [line for line in ax_d.get_lines() if line.get_marker() == "o"]
    assert sorted((float(m.get_xdata()[0]), float(m.get_ydata()[0])) for m in markers) == \
        [(-1.0, 0.0), (-1.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    assert not [line for line in w.draw_activation("tanh").axes[1].get_lines() if line.get_marker() == "o"]


def test_saturation_shading_follows_the_derivative():
    shaded = lambda fig: [p for p in fig.axes[1].patches]  # noqa: E731  (axvspan adds patches)
    assert len(shaded(w.draw_activation("sigmoid", z_range=(-8.0, 8.0)))) == 2
    assert len(shaded(w.draw_activation("sigmoid", z_range=(-2.0, 2.0)))) == 0
    assert len(shaded(w.draw_activation("relu"))) == 1
    assert len(shaded(w.draw_activation("leaky_relu", k=0.2))) == 0
    assert "shaded" in w.draw_activation("relu").axes[1].get_xlabel()


def test_explorer_builds_and_enables_only_the_relevant_slider():
    pytest.importorskip("ipywidgets")
    box = w.activation_explorer()
    assert hasattr(box, "output") and hasattr(box, "update")
    controls = {c.description: c for row in box.children[0].children for c in row.children}
    name, k, alpha = controls["activation"], controls["k (leaky ReLU)"], controls["α (ELU)"]
    assert k.disabled and alpha.disabled  # relu first
    name.value = "leaky_relu"
    assert not k.disabled and alpha.disabled
    name.value = "elu"
    assert k.disabled and not alpha.disabled


# --- universal approximation --------------------------------------------------------------------

@pytest.mark.parametrize("target", sorted(w.TARGETS))
def test_relu_network_passes_through_the_knots(target):
    fn = w.TARGETS[target]
    params = w.relu_interpolation_params(fn, 7)
    assert [p.shape for pair in params for p in pair] == [(1, 7), (7,), (7, 1), (1,)]
    knots = np.linspace(-2, 2, 8)
    y, _ = mlp.mlp_forward(knots[:, None], params, activation="relu", output="identity")
    np.testing.assert_allclose(y[:, 0], fn(knots), atol=1e-12)


def test_more_hidden_units_approximate_better():
    x = np.linspace(-2, 2, 1001)[:, None]

    def error(n):
        y, _ = mlp.mlp_forward(x, w.relu_interpolation_params(w.TARGETS["sin(2x)"], n), "relu", "identity")
        return np.max(np.abs(y[:, 0] - np.sin(2 * x[:, 0])))

    errors = [error(n) for n in (2, 4, 8, 16, 32)]
    assert all(a > b for a, b in zip(errors, errors[1:]))
    assert errors[-1] < 0.01


def test_a_piecewise_linear_target_is_exact_with_aligned_knots():
    x = np.linspace(-2, 2, 401)[:, None]
    y, _ = mlp.mlp_forward(x, w.relu_interpolation_params(w.TARGETS["|x| - 1"], 2), "relu", "identity")
    np.testing.assert_allclose(y[:, 0], np.abs(x[:, 0]) - 1, atol=1e-12)


def test_relu_interpolation_rejects_bad_sizes():
    for bad in (0, -1, 2.5, "3"):
        with pytest.raises(CourseInputError, match="n_hidden"):
            w.relu_interpolation_params(np.sin, bad)


def test_draw_relu_approximation_reports_a_shrinking_error():
    def shown_error(n):
        title = w.draw_relu_approximation(n, "bump").axes[0].get_title()
        assert f"1 → {n} → 1" in title
        return float(title.rsplit(" ", 1)[-1])

    assert shown_error(3) > shown_error(12) > shown_error(40)
    fig = w.draw_relu_approximation(5, "x²")
    knots = [line for line in fig.axes[0].get_lines() if line.get_marker() == "o"][0]
    assert len(knots.get_xdata()) == 5


def test_approximation_explorer_builds():
    pytest.importorskip("ipywidgets")
    box = w.approximation_explorer()
    controls = [c for row in box.children[0].children for c in row.children]
    assert [c.description for c in controls] == ["hidden units", "target"]
    controls[0].value = 10  # triggers a redraw without error
