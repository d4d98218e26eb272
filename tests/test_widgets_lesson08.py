"""Lesson 08 widgets, headless: what the student sees change is computed by pure functions."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from course.validation import CourseInputError
from course.widgets import lesson08 as w


def test_histograms_are_fractions_on_a_shared_range():
    data = w.layer_histograms("xavier_uniform", "tanh", depth=6, width=64, m=128)
    assert data.counts.shape == (6, w.BINS) and data.edges.shape == (w.BINS + 1,)
    np.testing.assert_allclose(data.counts.sum(axis=1), 1.0)
    assert (data.edges[0], data.edges[-1]) == (-1.0, 1.0)  # tanh's own range
    relu = w.layer_histograms("he_normal", "relu", depth=4, width=64, m=128)
    np.testing.assert_allclose(relu.counts.sum(axis=1) + relu.zeros, 1.0)  # exact zeros are counted apart
    assert np.all((relu.zeros > 0.3) & (relu.zeros < 0.7))  # a ReLU zeroes about half of its inputs
    assert relu.edges[0] == 0.0


def test_what_the_histograms_show():
    zero = w.layer_histograms("zeros", "sigmoid", depth=5, width=32, m=64)
    np.testing.assert_array_equal(zero.stds, 0.0)            # every unit outputs 1/2 whatever x is
    np.testing.assert_array_equal(zero.means, 0.5)
    shrink = w.layer_histograms("uniform", "tanh", depth=10, width=64)
    assert shrink.stds[-1] < 1e-3 * shrink.stds[0]            # vanishing activations: a spike at 0
    he = w.layer_histograms("he_normal", "relu", depth=10, width=256)
    assert 0.5 < he.stds[-1] / he.stds[0] < 2.0               # He keeps ReLU layers steady
    lecun_relu = w.layer_histograms("lecun_normal", "relu", depth=10, width=256)
    assert lecun_relu.stds[-1] < 0.1 * lecun_relu.stds[0]     # without He's factor 2, each layer halves E(z²)


def test_draw_layer_histograms_follows_its_controls():
    fig = w.draw_layer_histograms("he_normal", "relu", depth=7, width=64)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 8                                 # 7 histograms and the std-per-layer panel
    titles = [ax.get_title() for ax in fig.axes[:7]]
    assert titles[0].startswith("layer 1: std") and "% at 0" in titles[0]
    assert "he_normal initialization, relu, 7 layers of 64 units" in fig._suptitle.get_text()
    stds = fig.axes[-1].lines[0].get_ydata()
    other = w.draw_layer_histograms("uniform", "relu", depth=7, width=64).axes[-1].lines[0].get_ydata()
    assert len(stds) == 7 and not np.allclose(stds, other)
    assert len(w.draw_layer_histograms("xavier_uniform", "tanh", depth=12, width=32).axes) == 13


@pytest.mark.parametrize("kwargs, message", [({"init": "glorot"}, "unknown initializer 'glorot'"),
                                             ({"activation": "swish"}, "unknown activation 'swish'"),
                                             ({"depth": 0}, "`depth` must be a positive integer")])
def test_bad_choices_are_named(kwargs, message):
    args = {"init": "he_normal", "activation": "relu", "depth": 3, **kwargs}
    with pytest.raises(CourseInputError, match=message):
        w.layer_histograms(**args, width=8, m=8)


def test_symmetry_experiment_keeps_zero_initialized_units_identical():
    zero = w.symmetry_experiment("zeros", epochs=60)
    assert zero.W1.shape == (61, 2, 4) and zero.losses.shape == (60,)
    assert np.abs(zero.W1).max() > 0                          # the weights do move...
    np.testing.assert_array_equal(np.ptp(zero.W1, axis=2), 0.0)  # ...but every hidden unit moves the same way
    xavier = w.symmetry_experiment("xavier_uniform", epochs=200)
    assert np.ptp(xavier.W1[-1], axis=1).min() > 0.1
    assert xavier.accuracy > 0.95 > 0.8 > w.symmetry_experiment("zeros", epochs=200).accuracy


def test_draw_symmetry_has_both_runs_and_their_losses():
    fig = w.draw_symmetry(epochs=30, hidden=3)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert "from zeros" in fig.axes[0].get_title() and "gap between two units: 0" in fig.axes[0].get_title()
    assert len(fig.axes[0].lines) == 6 and len(fig.axes[2].lines) == 2


def test_explorer_builds_and_redraws_on_change():
    box = w.explorer()
    controls = [c for row in box.children[0].children for c in row.children]
    assert [c.description for c in controls] == ["initializer", "activation", "layers", "units per layer"]
    calls = []
    original = box.output.clear_output
    box.output.clear_output = lambda *a, **k: (calls.append(1), original(*a, **k))
    controls[0].value = "he_normal"
    controls[2].value = 3
    assert len(calls) == 2
