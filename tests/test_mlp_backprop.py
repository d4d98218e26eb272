"""Backpropagation of course.mlp against finite differences.

Every hidden activation × every output/loss pair × 1 to 4 dense layers (0 to 3 hidden layers), through
both ``mlp_backward`` and ``MLP.gradients``; random networks are redrawn until no hidden
pre-activation is near a kink of the activation, so the central differences never straddle one.
"""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from course import gradcheck, losses, mlp
from course.activations import ACTIVATIONS

OUTPUTS = ["sigmoid", "softmax", "identity"]
KINK_MARGIN = 1e-3  # far beyond h * |input| = 1e-6 * O(1)


def _targets(rng, output, m, k):
    if output == "sigmoid":
        return rng.integers(0, 2, (m, k)).astype(float) if k > 1 else rng.integers(0, 2, m).astype(float)
    if output == "softmax":
        return rng.integers(0, k, m).astype(float)  # class labels; one-hot is tested below
    return rng.normal(size=(m, k))


def _network(rng, activation, output, n_layers):
    kinks = ACTIVATIONS[activation].kinks
    k = {"sigmoid": 1, "softmax": 3, "identity": 2}[output]
    sizes = [3, 5, 4, 4][:n_layers] + [k]
    while True:
        params = [(rng.normal(0, 1 / np.sqrt(a), (a, b)), rng.normal(0, 0.3, b)) for a, b in zip(sizes[:-1], sizes[1:])]
        X = rng.normal(size=(7, sizes[0]))
        _, cache = mlp.mlp_forward(X, params, activation=activation, output=output)
        if all(np.min(np.abs(Z - kink)) > KINK_MARGIN for _, Z in cache[:-1] for kink in kinks):
            return params, X, _targets(rng, output, 7, k)


def _loss(params, X, y, activation, output):
    out, _ = mlp.mlp_forward(X, params, activation=activation, output=output)
    Y = mlp._targets(y, out.shape, output)
    return losses.LOSSES[mlp.OUTPUT_LOSS[output]].value(out, Y)


def _assert_matches_finite_differences(params, grads, f):
    assert len(grads) == len(params)
    for (W, b), (dW, db) in zip(params, grads):
        assert dW.shape == W.shape and db.shape == b.shape
        for p, g in ((W, dW), (b, db)):
            error, where = gradcheck.significant_relative_error(g, gradcheck.numerical_gradient(f, p))
            assert error <= gradcheck.GRADING_MAX_RELATIVE_ERROR, (error, where)


@pytest.mark.parametrize("n_layers", [1, 2, 3, 4])
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_mlp_backward_matches_finite_differences(activation, output, n_layers):
    rng = np.random.default_rng(zlib.crc32(f"{activation}/{output}/{n_layers}".encode()))
    params, X, y = _network(rng, activation, output, n_layers)
    _, cache = mlp.mlp_forward(X, params, activation=activation, output=output)
    grads = mlp.mlp_backward(params, cache, y, activation=activation, output=output)
    _assert_matches_finite_differences(params, grads, lambda: _loss(params, X, y, activation, output))


@pytest.mark.parametrize("n_layers", [1, 2, 3, 4])
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_mlp_class_gradients_match_finite_differences(activation, output, n_layers):
    rng = np.random.default_rng(zlib.crc32(f"class/{activation}/{output}/{n_layers}".encode()))
    params, X, y = _network(rng, activation, output, n_layers)
    net = mlp.MLP([3] + [W.shape[1] for W, _ in params], rng, activation=activation, output=output)
    net.params = params
    l2 = 0.05
    value, grads = net.gradients(X, y, l2=l2)
    assert value == pytest.approx(net.loss(X, y, l2=l2))
    _assert_matches_finite_differences(params, grads, lambda: net.loss(X, y, l2=l2))
    _, plain = net.gradients(X, y)
    _, cache = mlp.mlp_forward(X, params, activation=activation, output=output)
    for (dW, db), (rW, rb) in zip(plain, mlp.mlp_backward(params, cache, y, activation=activation, output=output)):
        np.testing.assert_allclose(dW, rW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(db, rb, rtol=1e-12, atol=1e-15)


def test_target_forms_give_the_same_gradients(rng):
    params, X, labels = _network(rng, "tanh", "softmax", 2)
    _, cache = mlp.mlp_forward(X, params, activation="tanh", output="softmax")
    from_labels = mlp.mlp_backward(params, cache, labels, activation="tanh", output="softmax")
    from_one_hot = mlp.mlp_backward(params, cache, losses.one_hot(labels, 3), activation="tanh", output="softmax")
    for a, b in zip(from_labels, from_one_hot):
        np.testing.assert_array_equal(a[0], b[0])
    params, X, y = _network(rng, "relu", "sigmoid", 3)
    _, cache = mlp.mlp_forward(X, params, activation="relu", output="sigmoid")
    flat = mlp.mlp_backward(params, cache, y, activation="relu")
    column = mlp.mlp_backward(params, cache, y[:, None], activation="relu")
    for a, b in zip(flat, column):
        np.testing.assert_array_equal(a[0], b[0])


def test_the_gradient_is_the_mean_of_per_example_gradients(rng):
    """The notes' accumulation: Δ += a δ for each example, then Δ / N."""
    params, X, y = _network(rng, "sigmoid", "sigmoid", 3)
    _, cache = mlp.mlp_forward(X, params, activation="sigmoid")
    batch = mlp.mlp_backward(params, cache, y, activation="sigmoid")
    total = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
    for i in range(X.shape[0]):
        _, c = mlp.mlp_forward(X[i:i + 1], params, activation="sigmoid")
        for (aW, ab), (gW, gb) in zip(total, mlp.mlp_backward(params, c, y[i:i + 1], activation="sigmoid")):
            aW += gW
            ab += gb
    for (dW, db), (aW, ab) in zip(batch, total):
        np.testing.assert_allclose(dW, aW / X.shape[0], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(db, ab / X.shape[0], rtol=1e-12, atol=1e-15)
