"""course.mlp: mlp_forward and collapse_linear (training has its own tests)."""
from __future__ import annotations

import numpy as np
import pytest

from course import activations
from course.mlp import collapse_linear, mlp_forward
from course.validation import CourseInputError

# The lecture notes' single-hidden-layer example in row form.
X_NOTES = np.array([[0.4, 0.2, 0.2]])
PARAMS_NOTES = [(np.array([[1.0, 0.5], [0.2, 1.2], [1.2, 0.1]]), np.array([0.1, 0.2])),
                (np.array([[0.3], [0.9]]), np.array([0.3]))]


def _random_params(rng, sizes):
    return [(rng.normal(0, 1, (a, b)), rng.normal(0, 1, b)) for a, b in zip(sizes[:-1], sizes[1:])]


def _by_hand(X, params, activation, output):
    """Layer by layer, one example and one unit at a time."""
    g = activations.ACTIVATIONS[activation].forward
    rows = []
    for x in X:
        a = x
        for i, (W, b) in enumerate(params):
            z = np.array([sum(a[k] * W[k, j] for k in range(W.shape[0])) + b[j] for j in range(W.shape[1])])
            if i < len(params) - 1:
                a = g(z)
            elif output == "softmax":
                a = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
            elif output == "sigmoid":
                a = 1 / (1 + np.exp(-z))
            else:
                a = z
        rows.append(a)
    return np.array(rows)


# --- mlp_forward -------------------------------------------------------------------------------

def test_mlp_forward_reproduces_the_notes_example():
    y_hat, cache = mlp_forward(X_NOTES, PARAMS_NOTES)
    (A0, Z1), (A1, Z2) = cache
    np.testing.assert_allclose(Z1, [[0.78, 0.66]], rtol=1e-14)
    np.testing.assert_allclose(A1, [[0.685680, 0.659260]], atol=1e-6)
    np.testing.assert_allclose(Z2, [[1.099038]], atol=1e-6)
    np.testing.assert_allclose(y_hat, [[0.750080]], atol=1e-6)
    assert y_hat.shape == (1, 1)
    np.testing.assert_array_equal(A0, X_NOTES)


@pytest.mark.parametrize("activation", sorted(activations.ACTIVATIONS))
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity"])
def test_mlp_forward_against_a_computation_by_hand(activation, output, rng):
    sizes = [3, 4, 5, 2]
    X, params = rng.normal(0, 1, (4, 3)), _random_params(rng, sizes)
    y_hat, cache = mlp_forward(X, params, activation=activation, output=output)
    np.testing.assert_allclose(y_hat, _by_hand(X, params, activation, output), rtol=1e-12, atol=1e-15)
    assert len(cache) == 3
    for (A_prev, Z), (W, b) in zip(cache, params):
        np.testing.assert_allclose(Z, A_prev @ W + b, rtol=1e-14)
    for (A_prev, Z), (A_next, _) in zip(cache[:-1], cache[1:]):
        np.testing.assert_allclose(A_next, activations.ACTIVATIONS[activation].forward(Z))


def test_mlp_forward_single_layer_applies_only_the_output(rng):
    X, params = rng.normal(0, 1, (5, 3)), _random_params(rng, [3, 2])
    y_hat, cache = mlp_forward(X, params, activation="relu", output="identity")
    np.testing.assert_allclose(y_hat, X @ params[0][0] + params[0][1])
    assert len(cache) == 1


def test_mlp_forward_softmax_rows_and_stability(rng):
    params = _random_params(rng, [3, 4, 6])
    params[-1] = (params[-1][0] * 1e4, params[-1][1])
    y_hat, _ = mlp_forward(rng.normal(0, 1, (7, 3)), params, activation="tanh", output="softmax")
    assert y_hat.shape == (7, 6) and np.all(np.isfinite(y_hat))
    np.testing.assert_allclose(y_hat.sum(axis=1), 1.0)


def test_mlp_forward_errors_name_the_problem(rng):
    X, params = rng.normal(0, 1, (2, 3)), _random_params(rng, [3, 4, 1])
    with pytest.raises(CourseInputError, match="unknown activation"):
        mlp_forward(X, params, activation="swish")
    with pytest.raises(CourseInputError, match="unknown output"):
        mlp_forward(X, params, output="relu")
    with pytest.raises(CourseInputError, match="layer 1 expects 5 inputs but layer 0 gives 4"):
        mlp_forward(X, [params[0], (np.zeros((5, 1)), np.zeros(1))])
    with pytest.raises(CourseInputError, match="non-empty list"):
        mlp_forward(X, [])
    with pytest.raises(CourseInputError, match=r"params\[0\] must be a pair"):
        mlp_forward(X, [params[0][0]])
    with pytest.raises(CourseInputError, match=r"`X` must have shape \(any, 3\)"):
        mlp_forward(np.zeros((2, 4)), params)


# --- collapse_linear ---------------------------------------------------------------------------

def test_collapse_linear_the_notes_scalar_example():
    # O2 = x w1 w2 + (b1 w2 + b2) with w1 = 2, b1 = 1, w2 = 3, b2 = 0.5.
    W, b = collapse_linear([(np.array([[2.0]]), np.array([1.0])), (np.array([[3.0]]), np.array([0.5]))])
    np.testing.assert_array_equal(W, [[6.0]])
    np.testing.assert_array_equal(b, [3.5])


def test_collapse_linear_the_notes_network():
    W, b = collapse_linear(PARAMS_NOTES)
    np.testing.assert_allclose(W, [[0.75], [1.14], [0.45]], rtol=1e-14)
    np.testing.assert_allclose(b, [0.51], rtol=1e-14)


@pytest.mark.parametrize("sizes", [[3, 2], [3, 4, 2], [2, 5, 5, 1], [4, 1, 6, 3, 2], [1, 1, 1, 1, 1, 1]])
def test_collapse_linear_equals_the_identity_network(sizes, rng):
    params = _random_params(rng, sizes)
    X = rng.normal(0, 1, (10, sizes[0]))
    W, b = collapse_linear(params)
    assert W.shape == (sizes[0], sizes[-1]) and b.shape == (sizes[-1],)
    y_hat, _ = mlp_forward(X, params, activation="identity", output="identity")
    np.testing.assert_allclose(X @ W + b, y_hat, rtol=1e-10, atol=1e-12)


def test_collapse_linear_leaves_params_alone_and_returns_new_arrays(rng):
    params = _random_params(rng, [3, 3])
    saved = [(W.copy(), b.copy()) for W, b in params]
    W, b = collapse_linear(params)
    W[...] = 0.0
    b[...] = 0.0
    for (W0, b0), (W1, b1) in zip(saved, params):
        np.testing.assert_array_equal(W0, W1)
        np.testing.assert_array_equal(b0, b1)
    params = _random_params(rng, [3, 4, 2])
    saved = [(W.copy(), b.copy()) for W, b in params]
    collapse_linear(params)
    for (W0, b0), (W1, b1) in zip(saved, params):
        np.testing.assert_array_equal(W0, W1)
        np.testing.assert_array_equal(b0, b1)


def test_collapse_linear_fails_with_a_non_linearity(rng):
    params = _random_params(rng, [2, 8, 1])
    X = rng.normal(0, 1, (50, 2))
    W, b = collapse_linear(params)
    y_relu, _ = mlp_forward(X, params, activation="relu", output="identity")
    assert np.max(np.abs(y_relu - (X @ W + b))) > 1e-3


def test_collapse_linear_errors():
    with pytest.raises(CourseInputError, match="non-empty list"):
        collapse_linear([])
    with pytest.raises(CourseInputError, match="layer 1 expects 3 inputs but layer 0 gives 2"):
        collapse_linear([(np.zeros((2, 2)), np.zeros(2)), (np.zeros((3, 1)), np.zeros(1))])
    with pytest.raises(CourseInputError, match=r"params\[0\]\[1\] \(b\)"):
        collapse_linear([(np.zeros((2, 2)), None)])
