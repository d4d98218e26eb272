"""course.regularization: penalties against independent computations, dropout statistics and gradients."""
from __future__ import annotations

import math

import numpy as np
import pytest

from course import gradcheck
from course.regularization import dropout_backward, dropout_forward, l1_penalty, l2_penalty
from course.validation import CourseInputError


def _params(rng, sizes):
    return [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes[:-1], sizes[1:])]


def test_worked_example():
    params = [(np.array([[1.0, -2.0], [-1.0, 3.0]]), np.array([5.0, 5.0]))]
    value, grads = l2_penalty(params, 0.1)
    assert value == pytest.approx(1.5)
    np.testing.assert_allclose(grads[0][0], [[0.2, -0.4], [-0.2, 0.6]])
    np.testing.assert_array_equal(grads[0][1], [0.0, 0.0])
    value, grads = l1_penalty(params, 0.1)
    assert value == pytest.approx(0.7)
    np.testing.assert_allclose(grads[0][0], [[0.1, -0.1], [-0.1, 0.1]])
    np.testing.assert_array_equal(grads[0][1], [0.0, 0.0])


@pytest.mark.parametrize("sizes", [[3, 2], [4, 5, 3], [2, 6, 6, 1]])
def test_penalties_match_entrywise_sums(rng, sizes):
    params = _params(rng, sizes)
    lam = 0.37
    l2 = lam * sum(w * w for W, _ in params for w in W.ravel())
    l1 = lam * sum(abs(w) for W, _ in params for w in W.ravel())
    assert l2_penalty(params, lam)[0] == pytest.approx(l2, rel=1e-12)
    assert l1_penalty(params, lam)[0] == pytest.approx(l1, rel=1e-12)


@pytest.mark.parametrize("penalty", [l2_penalty, l1_penalty])
def test_gradients_match_central_differences_and_biases_are_free(rng, penalty):
    params = _params(rng, [3, 4, 2])
    lam = 0.3
    _, grads = penalty(params, lam)
    for (W, b), (dW, db) in zip(params, grads):
        assert dW.shape == W.shape and db.shape == b.shape
        for x, g in ((W, dW), (b, db)):
            numeric = gradcheck.numerical_gradient(lambda: penalty(params, lam)[0], x)
            assert gradcheck.relative_error(g, numeric) <= gradcheck.GRADING_MAX_RELATIVE_ERROR
        np.testing.assert_array_equal(db, 0.0)


def test_penalties_leave_params_unchanged(rng):
    params = _params(rng, [3, 4, 2])
    copies = [(W.copy(), b.copy()) for W, b in params]
    for penalty in (l2_penalty, l1_penalty):
        penalty(params, 0.5)
    for (W, b), (W0, b0) in zip(params, copies):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)


def test_l1_subgradient_is_zero_at_zero():
    _, grads = l1_penalty([(np.array([[0.0, 2.0]]), np.zeros(2))], 1.0)
    np.testing.assert_array_equal(grads[0][0], [[0.0, 1.0]])


@pytest.mark.parametrize("penalty", [l2_penalty, l1_penalty])
@pytest.mark.parametrize("params,lam,match", [
    (None, 0.1, "list of"),
    (np.zeros((2, 2)), 0.1, "list of"),
    ([np.zeros((2, 2))], 0.1, "pair"),
    ([(None, np.zeros(2))], 0.1, "None"),
    ([([[1.0]], np.zeros(1))], 0.1, "Python list"),
    ([(np.zeros((2, 2)), np.zeros(2))], -1.0, "non-negative"),
    ([(np.zeros((2, 2)), np.zeros(2))], None, "non-negative"),
    ([(np.full((2, 2), np.nan), np.zeros(2))], 0.1, "nan"),
])
def test_penalties_reject_bad_input(penalty, params, lam, match):
    with pytest.raises(CourseInputError, match=match):
        penalty(params, lam)


# --- dropout -------------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_keep_rate_and_mean(p):
    A = np.full((300, 300), 2.0)
    out, mask = dropout_forward(A, p, np.random.default_rng(0))
    assert set(np.unique(mask)) <= {0.0, 1.0}
    assert abs(mask.mean() - (1 - p)) < 5 * math.sqrt(p * (1 - p) / A.size)
    np.testing.assert_allclose(out, A * mask / (1 - p))
    assert abs(out.mean() - 2.0) < 5 * 2.0 * math.sqrt(p / ((1 - p) * A.size))


def test_dropout_uses_only_the_given_generator():
    A = np.ones((20, 30))
    state = np.random.get_state()
    _, m1 = dropout_forward(A, 0.4, np.random.default_rng(3))
    np.random.seed(123)
    _, m2 = dropout_forward(A, 0.4, np.random.default_rng(3))
    _, m3 = dropout_forward(A, 0.4, np.random.default_rng(4))
    np.random.set_state(state)
    np.testing.assert_array_equal(m1, m2)
    assert not np.array_equal(m1, m3)


def test_dropout_is_off_at_test_time_and_with_p_zero(rng):
    A = rng.normal(size=(4, 5))
    out, mask = dropout_forward(A, 0.7, rng, train=False)
    np.testing.assert_array_equal(out, A)
    np.testing.assert_array_equal(mask, 1.0)
    out, mask = dropout_forward(A, 0.0, rng)
    np.testing.assert_array_equal(out, A)
    np.testing.assert_array_equal(mask, 1.0)


def test_dropout_does_not_modify_its_input(rng):
    A = rng.normal(size=(6, 6))
    before = A.copy()
    dropout_forward(A, 0.5, rng)
    np.testing.assert_array_equal(A, before)


def test_dropout_backward_is_the_derivative_for_a_fixed_mask(rng):
    A, p = rng.normal(size=(3, 4)), 0.3
    _, mask = dropout_forward(A, p, np.random.default_rng(1))
    upstream = rng.normal(size=A.shape)
    # with the mask fixed, out(A) = A * mask / (1 - p) is linear: compare with central differences
    f = lambda: float(np.sum(upstream * A * mask / (1 - p)))  # noqa: E731
    numeric = gradcheck.numerical_gradient(f, A)
    np.testing.assert_allclose(dropout_backward(upstream, mask, p), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("call,match", [
    (lambda rng: dropout_forward(np.ones(3), 1.0, rng), r"\[0, 1\)"),
    (lambda rng: dropout_forward(np.ones(3), -0.1, rng), r"\[0, 1\)"),
    (lambda rng: dropout_forward(np.ones(3), 0.5, None), "Generator"),
    (lambda rng: dropout_forward(np.ones(3), 0.5, 42), "Generator"),
    (lambda rng: dropout_forward(None, 0.5, rng), "None"),
    (lambda rng: dropout_forward([1.0, 2.0], 0.5, rng), "Python list"),
    (lambda rng: dropout_backward(np.ones(3), np.ones(4), 0.5), "shape"),
    (lambda rng: dropout_backward(np.ones(3), np.ones(3), 1.0), r"\[0, 1\)"),
])
def test_dropout_rejects_bad_input(rng, call, match):
    with pytest.raises(CourseInputError, match=match):
        call(rng)
