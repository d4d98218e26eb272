"""course.diagnostics: per-layer outputs and statistics of a network, compared with a plain loop."""
from __future__ import annotations

import numpy as np
import pytest

from course import diagnostics as dg
from course.activations import sigmoid
from course.initializers import xavier_uniform
from course.validation import CourseInputError


def test_the_notes_zero_network_outputs_one_half_everywhere():
    X = np.random.default_rng(0).normal(size=(5, 3))
    params = [(np.zeros((3, 4)), np.zeros(4)), (np.zeros((4, 4)), np.zeros(4)), (np.zeros((4, 1)), np.zeros(1))]
    assert dg.layer_stats(X, params, "sigmoid") == [(0.5, 0.0)] * 3
    for A in dg.layer_outputs(X, params, sigmoid):
        np.testing.assert_array_equal(A, 0.5)  # a[l] = (1/2, ..., 1/2), whatever x is


def test_layer_stats_by_hand():
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    W = np.array([[1.0, 0.0, -1.0], [0.5, 1.0, 0.0]])
    b = np.array([0.0, 1.0, 0.5])
    Z = np.array([[2.0, 3.0, -0.5], [2.5, 0.0, -2.5]])
    ((mean, std),) = dg.layer_stats(X, [(W, b)], lambda z: z)
    assert mean == pytest.approx(Z.mean()) and std == pytest.approx(Z.std())
    ((mean, std),) = dg.layer_stats(X, [(W, b)], "relu")
    R = np.maximum(Z, 0)
    assert mean == pytest.approx(R.mean()) and std == pytest.approx(np.sqrt(np.mean((R - R.mean()) ** 2)))


def test_outputs_equal_a_plain_loop_and_names_equal_callables():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 6))
    params = [xavier_uniform(a, b, rng) for a, b in [(6, 5), (5, 4), (4, 3)]]
    A, expected = X, []
    for W, b in params:
        A = np.tanh(A @ W + b)
        expected.append(A)
    for got, want in zip(dg.layer_outputs(X, params, "tanh"), expected):
        np.testing.assert_allclose(got, want, rtol=1e-15)
    assert dg.layer_stats(X, params, np.tanh) == dg.layer_stats(X, params, "tanh")
    assert all(isinstance(v, float) for pair in dg.layer_stats(X, params, np.tanh) for v in pair)


def test_stack_outputs_shows_what_initialization_does():
    def last_std(init, act, width=128):
        return float(dg.stack_outputs(init, act, depth=10, width=width, m=256, seed=0)[-1].std())
    # U[-0.1, 0.1] ignores the width: M Var(w) = 64 / 300 shrinks every layer; 1024 / 300 > 2 blows ReLUs up.
    assert last_std("uniform", "tanh", width=64) < 1e-3
    assert last_std("uniform", "relu", width=1024) > 5.0
    assert 0.1 < last_std("xavier_uniform", "tanh") < 1.0  # shrinks slowly (tanh's slope is below 1)
    assert 0.4 < last_std("he_normal", "relu") < 3.0
    assert last_std("zeros", "sigmoid") == 0.0
    assert len(dg.stack_outputs("he_normal", "relu", depth=3, width=8, m=4)) == 3


@pytest.mark.parametrize("args, message", [
    ((None, [(np.ones((2, 2)), np.zeros(2))], "relu"), "`X` is None"),
    ((np.ones((3, 2)), [(np.ones((3, 2)), np.zeros(2))], "relu"), r"`X` must have shape \(any, 3\)"),
    ((np.ones((3, 2)), [], "relu"), "non-empty list"),
    ((np.ones((3, 2)), [(np.ones((2, 2)), np.zeros(2))], "swish"), "unknown activation 'swish'"),
    ((np.ones((3, 2)), [(np.ones((2, 2)), np.zeros(2))], 3), "`activation` must be a function"),
])
def test_bad_input(args, message):
    with pytest.raises(CourseInputError, match=message):
        dg.layer_stats(*args)


def test_stack_outputs_bad_sizes():
    with pytest.raises(CourseInputError, match="`depth` must be a positive integer"):
        dg.stack_outputs("he_normal", "relu", depth=0)
    with pytest.raises(CourseInputError, match="unknown initializer"):
        dg.stack_outputs("glorot", "relu", depth=2)
