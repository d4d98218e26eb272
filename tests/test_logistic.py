"""course.logistic against independent computations: scalar formulas, finite differences, scikit-learn."""
from __future__ import annotations

import math

import numpy as np
import pytest

from course import gradcheck, logistic
from course.validation import CourseInputError


def _sigmoid_scalar(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@pytest.fixture
def problem(rng):
    X = rng.normal(0, 1.5, (25, 3))
    y = (X @ np.array([1.0, -2.0, 0.5]) + rng.normal(0, 1, 25) > 0).astype(float)
    return X, y, rng.normal(0, 1, 3), float(rng.normal())


def test_predict_proba_matches_the_scalar_formula_row_by_row(problem):
    X, _, w, b = problem
    expected = [_sigmoid_scalar(sum(xj * wj for xj, wj in zip(row, w)) + b) for row in X]
    got = logistic.predict_proba(X, w, b)
    assert got.shape == (25,)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_predict_proba_notes_worked_examples():
    # The notes: g(0.78) = 0.68.. and g(1.062) = 0.74..
    p = logistic.predict_proba(np.array([[0.4, 0.2, 0.2]]), np.array([1.0, 0.2, 1.2]), 0.1)
    assert p[0] == pytest.approx(1 / (1 + math.exp(-0.78)))
    assert math.floor(p[0] * 100) == 68
    q = logistic.predict_proba(np.array([[0.68, 0.62]]), np.array([0.3, 0.9]), 0.3)
    assert q[0] == pytest.approx(1 / (1 + math.exp(-1.062)))
    assert math.floor(q[0] * 100) == 74


def test_predict_proba_is_stable_at_extreme_scores():
    # pytest turns RuntimeWarnings into errors (pyproject), so an overflow would fail here.
    p = logistic.predict_proba(np.array([[1e4], [-1e4], [745.0], [-745.0]]), np.array([1.0]), 0.0)
    assert np.all(np.isfinite(p))
    np.testing.assert_array_equal(p[:2], [1.0, 0.0])


def test_b_may_be_a_zero_d_or_one_element_array(problem):
    X, _, w, b = problem
    expected = logistic.predict_proba(X, w, b)
    np.testing.assert_array_equal(logistic.predict_proba(X, w, np.array(b)), expected)
    np.testing.assert_array_equal(logistic.predict_proba(X, w, np.array([b])), expected)


def test_predict_thresholds_at_one_half_which_is_the_sign_of_the_score(problem):
    X, _, w, b = problem
    np.testing.assert_array_equal(logistic.predict(X, w, b), (X @ w + b >= 0).astype(float))
    assert logistic.predict(np.array([[0.0]]), np.array([1.0]), 0.0)[0] == 1.0  # sigma(0) = 0.5 >= 0.5


def test_bce_loss_matches_the_per_instance_cost_averaged():
    y_hat = np.array([0.9, 0.9, 0.74, 0.2])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    cost = [-math.log(p) if t == 1 else -math.log(1 - p) for p, t in zip(y_hat, y)]
    assert logistic.bce_loss(y_hat, y) == pytest.approx(sum(cost) / 4, rel=1e-12)
    assert isinstance(logistic.bce_loss(y_hat, y), float)


def test_bce_loss_is_finite_at_probabilities_zero_and_one():
    loss = logistic.bce_loss(np.array([0.0, 1.0, 1.0]), np.array([1.0, 0.0, 1.0]))
    assert np.isfinite(loss) and loss > 10


def test_gradients_match_central_differences(problem):
    X, y, w, b = problem
    dw, db = logistic.logistic_gradients(X, y, w, b)
    assert dw.shape == (3,) and isinstance(db, float)
    w_, b_ = w.copy(), np.array(b)

    def loss() -> float:  # an independent loss: the scalar formula, example by example
        total = 0.0
        for row, label in zip(X, y):
            p = _sigmoid_scalar(float(row @ w_) + float(b_))
            total -= label * math.log(p) + (1 - label) * math.log(1 - p)
        return total / len(y)

    report = gradcheck.check_gradients(loss, [w_, b_], [dw, np.array(db)], names=["w", "b"])
    assert report.max_error <= gradcheck.CORRECT, str(report)


def test_gradients_match_torch_autograd(problem):
    torch = pytest.importorskip("torch")
    X, y, w, b = problem
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(X) @ wt + bt, torch.tensor(y))
    loss.backward()
    dw, db = logistic.logistic_gradients(X, y, w, b)
    np.testing.assert_allclose(dw, wt.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert db == pytest.approx(bt.grad.item(), rel=1e-10, abs=1e-12)


def test_training_one_epoch_is_one_gradient_step_from_zeros(problem):
    X, y, _, _ = problem
    w, b, losses = logistic.train_logistic_regression(X, y, lr=0.3, epochs=1)
    error = 0.5 - y  # sigma(0) = 0.5 for every example
    np.testing.assert_allclose(w, -0.3 * X.T @ error / len(y), rtol=1e-12)
    assert b == pytest.approx(-0.3 * error.mean(), rel=1e-12)
    assert len(losses) == 1
    assert losses[0] == pytest.approx(logistic.bce_loss(logistic.predict_proba(X, w, b), y), rel=1e-12)


def test_training_losses_are_after_each_update_and_decrease(problem):
    X, y, _, _ = problem
    w, b, losses = logistic.train_logistic_regression(X, y, lr=0.05, epochs=40)
    assert len(losses) == 40 and all(isinstance(v, float) for v in losses)
    assert losses[0] < math.log(2)  # below the loss at w = 0 (log 2): it is measured after the first update
    assert all(a > c for a, c in zip(losses, losses[1:]))  # small steps on a convex loss: monotone
    assert losses[-1] == pytest.approx(logistic.bce_loss(logistic.predict_proba(X, w, b), y), rel=1e-12)


def test_training_converges_to_scikit_learns_unregularised_fit(rng):
    sklearn = pytest.importorskip("sklearn.linear_model")
    X = rng.normal(0, 1, (60, 2))
    y = (X @ np.array([1.5, -1.0]) + 0.3 + rng.normal(0, 1.0, 60) > 0).astype(float)
    w, b, _ = logistic.train_logistic_regression(X, y, lr=1.0, epochs=5000)
    model = sklearn.LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(w, model.coef_[0], rtol=1e-4, atol=1e-5)
    assert b == pytest.approx(model.intercept_[0], rel=1e-4, abs=1e-5)


def test_zero_epochs_return_the_starting_point(problem):
    X, y, _, _ = problem
    w, b, losses = logistic.train_logistic_regression(X, y, epochs=0)
    np.testing.assert_array_equal(w, np.zeros(3))
    assert b == 0.0 and losses == []


@pytest.mark.parametrize("call, message", [
    (lambda X, y, w, b: logistic.predict_proba(None, w, b), "`X` is None"),
    (lambda X, y, w, b: logistic.predict_proba(X.tolist(), w, b), "Python list"),
    (lambda X, y, w, b: logistic.predict_proba(X, w[:2], b), "`w` must have shape (3,)"),
    (lambda X, y, w, b: logistic.predict_proba(X, w, w), "`b` must be a single number"),
    (lambda X, y, w, b: logistic.predict_proba(X, w, float("nan")), "`b` must be a finite number"),
    (lambda X, y, w, b: logistic.bce_loss(np.array([0.5, np.nan]), np.array([1.0, 0.0])), "contains nan"),
    (lambda X, y, w, b: logistic.bce_loss(np.array([0.5]), np.array([1.0, 0.0])), "must match"),
    (lambda X, y, w, b: logistic.bce_loss(np.array([0.5]), np.array([-1.0])), "must be in {0, 1}"),
    (lambda X, y, w, b: logistic.logistic_gradients(X, 2 * y - 1, w, b), "must be in {0, 1}"),
    (lambda X, y, w, b: logistic.logistic_gradients(X, y[:-1], w, b), "`y` must have shape (25,)"),
    (lambda X, y, w, b: logistic.logistic_gradients(X[:0], y[:0], w, b), "at least one example"),
    (lambda X, y, w, b: logistic.train_logistic_regression(X, y, lr=-0.1), "`lr` must be a positive number"),
    (lambda X, y, w, b: logistic.train_logistic_regression(X, y, epochs=2.5), "`epochs` must be a non-negative"),
])
def test_bad_input_gets_one_clear_sentence(problem, call, message):
    with pytest.raises(CourseInputError, match=None) as info:
        call(*problem)
    assert message in str(info.value)
