"""course.layers: the dense layer forward and backward, and the Dense class."""
from __future__ import annotations

import numpy as np
import pytest

from course import activations, gradcheck
from course.layers import Dense, dense_backward, dense_forward
from course.validation import CourseInputError


def _loop_dense(A, W, b):
    m, n_in = A.shape
    n_out = W.shape[1]
    Z = np.zeros((m, n_out))
    for i in range(m):
        for j in range(n_out):
            Z[i, j] = sum(A[i, k] * W[k, j] for k in range(n_in)) + b[j]
    return Z


def test_dense_forward_against_explicit_sums(rng):
    A, W, b = rng.normal(0, 1, (4, 3)), rng.normal(0, 1, (3, 5)), rng.normal(0, 1, 5)
    Z = dense_forward(A, W, b)
    assert Z.shape == (4, 5)
    np.testing.assert_allclose(Z, _loop_dense(A, W, b), rtol=1e-13)


def test_dense_forward_on_the_notes_hidden_layer():
    # Rows of W are the weights leaving each input (the notes' w_1 = {1.0, 0.5}, ...).
    x = np.array([[0.4, 0.2, 0.2]])
    W = np.array([[1.0, 0.5], [0.2, 1.2], [1.2, 0.1]])
    np.testing.assert_allclose(dense_forward(x, W, np.array([0.1, 0.2])), [[0.78, 0.66]], rtol=1e-14)


def test_dense_forward_is_the_transpose_of_the_column_form(rng):
    A, W_notes, b = rng.normal(0, 1, (6, 4)), rng.normal(0, 1, (3, 4)), rng.normal(0, 1, 3)
    column_form = (W_notes @ A.T + b[:, None]).T  # z = W a + b for each example a (a column)
    np.testing.assert_allclose(dense_forward(A, W_notes.T, b), column_form, rtol=1e-13)


def test_dense_forward_mnist_shapes(rng):
    Z = dense_forward(rng.uniform(0, 1, (2, 784)), rng.normal(0, 0.01, (784, 10)), np.zeros(10))
    assert Z.shape == (2, 10)


def test_dense_forward_errors_name_the_problem():
    A, W, b = np.zeros((2, 3)), np.zeros((3, 4)), np.zeros(4)
    with pytest.raises(CourseInputError, match="`A_prev` has 2 columns but `W` has 3 rows"):
        dense_forward(np.zeros((5, 2)), W, b)
    with pytest.raises(CourseInputError, match=r"`b` must have shape \(4,\)"):
        dense_forward(A, W, np.zeros(3))
    with pytest.raises(CourseInputError, match="`W` must be 2-D"):
        dense_forward(A, np.zeros(3), b)
    with pytest.raises(CourseInputError, match="`A_prev` is None"):
        dense_forward(None, W, b)
    with pytest.raises(CourseInputError, match="`W` is a Python list"):
        dense_forward(A, [[0.0] * 4] * 3, b)
    with pytest.raises(CourseInputError, match="nan"):
        dense_forward(np.full((2, 3), np.nan), W, b)


def test_dense_backward_against_central_differences(rng):
    A, W, b = rng.normal(0, 1, (5, 3)), rng.normal(0, 1, (3, 4)), rng.normal(0, 1, 4)
    G = rng.normal(0, 1, (5, 4))  # upstream dJ/dZ of J = sum(G * Z)

    def loss():
        return float(np.sum(G * dense_forward(A, W, b)))

    dA, dW, db = dense_backward(G, A, W)
    report = gradcheck.check_gradients(loss, [A, W, b], [dA, dW, db], names=["A_prev", "W", "b"])
    assert report.passed, str(report)
    assert dA.shape == A.shape and dW.shape == W.shape and db.shape == b.shape


def test_dense_backward_shape_errors():
    with pytest.raises(CourseInputError, match="dZ"):
        dense_backward(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((3, 4)))
    with pytest.raises(CourseInputError, match="A_prev"):
        dense_backward(np.zeros((2, 4)), np.zeros((2, 5)), np.zeros((3, 4)))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "elu"])
def test_dense_class_forward_and_backward(activation, rng):
    layer = Dense(3, 4, rng, activation=activation, init="xavier_uniform")
    assert repr(layer) == f"Dense(3, 4, activation={activation!r})"
    X = rng.normal(0, 1, (6, 3))
    out = layer.forward(X)
    np.testing.assert_allclose(out, activations.ACTIVATIONS[activation].forward(X @ layer.W + layer.b))
    G = rng.normal(0, 1, out.shape)
    dX = layer.backward(G)

    def loss():
        return float(np.sum(G * activations.ACTIVATIONS[activation].forward(X @ layer.W + layer.b)))

    report = gradcheck.check_gradients(loss, [layer.W, layer.b, X], [layer.dW, layer.db, dX],
                                       names=["W", "b", "X"], near_kink=activation == "relu")
    assert report.passed, str(report)
    assert [p.shape for p in layer.params] == [g.shape for g in layer.grads] == [(3, 4), (4,)]


def test_dense_backward_before_forward_is_a_clear_error(rng):
    with pytest.raises(CourseInputError, match="forward"):
        Dense(2, 2, rng).backward(np.zeros((1, 2)))


def test_dense_rejects_a_missing_rng():
    with pytest.raises(CourseInputError, match="Generator"):
        Dense(2, 2, None)


def test_dense_forward_matches_torch_linear(rng):
    torch = pytest.importorskip("torch")
    A, W, b = rng.normal(0, 1, (4, 3)), rng.normal(0, 1, (3, 2)), rng.normal(0, 1, 2)
    G = rng.normal(0, 1, (4, 2))
    tA, tW, tb = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (A, W, b))
    out = torch.nn.functional.linear(tA, tW.T, tb)  # torch stores weights as (n_out, n_in): the notes' form
    (out * torch.tensor(G)).sum().backward()
    np.testing.assert_allclose(dense_forward(A, W, b), out.detach().numpy(), rtol=1e-13)
    for ours, theirs in zip(dense_backward(G, A, W), (tA.grad, tW.grad, tb.grad)):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12, atol=1e-14)
