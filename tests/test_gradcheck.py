"""course.gradcheck: numerical gradients and Jacobians, relative error, verdicts, reports, directional checks."""
from __future__ import annotations

import numpy as np
import pytest

from course import gradcheck
from course.validation import CourseInputError


def test_thresholds_are_cs231n_and_ordered():
    assert (gradcheck.CORRECT, gradcheck.NEAR_KINK, gradcheck.WRONG) == (1e-7, 1e-4, 1e-2)
    assert gradcheck.STEP == 1e-6
    assert gradcheck.CORRECT < gradcheck.GRADING_MAX_RELATIVE_ERROR < gradcheck.NEAR_KINK
    assert gradcheck.ROUNDING_ATOL < gradcheck.DIFFERENCE_ATOL


# --- numerical_gradient ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(), (4,), (3, 2), (2, 2, 3)])
def test_numerical_gradient_matches_the_analytic_gradient(rng, shape):
    x = rng.normal(size=shape)
    c = rng.normal(size=shape)
    grad = gradcheck.numerical_gradient(lambda: float(np.sum(c * np.sin(x) + x ** 3)), x)
    assert grad.shape == x.shape
    np.testing.assert_allclose(grad, c * np.cos(x) + 3 * x ** 2, rtol=1e-7, atol=1e-8)


def test_numerical_gradient_restores_x_exactly(rng):
    x = rng.normal(size=(5, 3)) * 10 ** rng.uniform(-3, 3, (5, 3))
    before = x.copy()
    seen = []
    gradcheck.numerical_gradient(lambda: seen.append(x.copy()) or float(np.sum(x ** 2)), x)
    assert x.tobytes() == before.tobytes()            # bit for bit
    assert len(seen) == 2 * x.size
    assert all(np.count_nonzero(s != before) == 1 for s in seen)  # one entry perturbed at a time


def test_numerical_gradient_restores_x_when_f_fails():
    x = np.array([1.0, 2.0])
    calls = []

    def f():
        calls.append(1)
        if len(calls) == 2:
            raise ZeroDivisionError("boom")
        return float(x.sum())

    with pytest.raises(ZeroDivisionError):
        gradcheck.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_central_differences_are_second_order():
    x = np.array([1.0])
    for h in (1e-2, 1e-3):
        g = gradcheck.numerical_gradient(lambda: float(np.exp(x[0])), x, h=h)
        assert abs(g[0] - np.e) < np.e * h ** 2  # error h²/6 · e, far below a forward difference's h/2 · e


@pytest.mark.parametrize("bad, message", [
    ([1.0, 2.0], "numpy array"),
    (np.array([1, 2]), "float64"),
    (np.ones(3, dtype=np.float32), "float64"),
    (np.ones((3, 4))[:, :2], "contiguous"),
])
def test_numerical_gradient_refuses_arrays_it_cannot_perturb(bad, message):
    with pytest.raises(CourseInputError, match=message):
        gradcheck.numerical_gradient(lambda: 0.0, bad)


@pytest.mark.parametrize("result", [np.ones(2), None, "loss"])
def test_numerical_gradient_needs_f_to_return_one_number(result):
    with pytest.raises(CourseInputError, match="f\\(\\) must return a single number"):
        gradcheck.numerical_gradient(lambda: result, np.ones(2))


# --- numerical_jacobian ---------------------------------------------------------------------------

def test_jacobian_of_a_linear_map_is_its_matrix(rng):
    W, b, x = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=2)
    J = gradcheck.numerical_jacobian(lambda v: W @ v + b, x)
    assert J.shape == (3, 2)
    np.testing.assert_allclose(J, W, rtol=1e-7, atol=1e-8)


def test_jacobians_of_elementwise_and_softmax(rng):
    z = rng.normal(size=4)
    np.testing.assert_allclose(gradcheck.numerical_jacobian(np.tanh, z), np.diag(1 - np.tanh(z) ** 2), atol=1e-8)
    softmax = lambda v: np.exp(v - v.max()) / np.exp(v - v.max()).sum()  # noqa: E731
    p = softmax(z)
    np.testing.assert_allclose(gradcheck.numerical_jacobian(softmax, z), np.diag(p) - np.outer(p, p), atol=1e-8)


def test_jacobian_of_a_scalar_function_has_one_row():
    x = np.array([1.0, 2.0, 3.0])
    J = gradcheck.numerical_jacobian(lambda v: float(v @ v), x)
    np.testing.assert_allclose(J, [2 * x], rtol=1e-7)


def test_jacobian_leaves_x_alone():
    x = np.array([0.5, -1.0])
    gradcheck.numerical_jacobian(np.sin, x)
    np.testing.assert_array_equal(x, [0.5, -1.0])


@pytest.mark.parametrize("bad, message", [([1.0, 2.0], "Python list"), (np.ones((2, 2)), "1-D"), (None, "None")])
def test_jacobian_bad_input(bad, message):
    with pytest.raises(CourseInputError, match=message):
        gradcheck.numerical_jacobian(np.sin, bad)


# --- relative error ---------------------------------------------------------------------------------

def test_relative_error_is_the_largest_entrywise_error():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.3])
    assert gradcheck.relative_error(a, b) == pytest.approx(0.3 / 6.3)
    assert gradcheck.relative_error(b, a) == gradcheck.relative_error(a, b)
    assert gradcheck.relative_error(np.array([1.0, -1.0]), np.array([-1.0, 1.0])) == 1.0


def test_relative_error_floor_avoids_zero_over_zero():
    assert gradcheck.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.relative_error(np.array([1e-9]), np.array([3e-9])) == pytest.approx(0.2)
    assert gradcheck.relative_error(np.zeros(0), np.zeros(0)) == 0.0


def test_relative_error_bad_input():
    with pytest.raises(CourseInputError, match="shapes"):
        gradcheck.relative_error(np.ones(2), np.ones(3))
    with pytest.raises(CourseInputError, match="None"):
        gradcheck.relative_error(None, np.ones(3))


def test_significant_relative_error_ignores_rounding_noise():
    a = np.array([1.0, 1e-9, 0.5])
    b = np.array([1.0 + 1e-12, 1e-9 + 5e-9, 0.5])
    assert gradcheck.relative_error(a, b) > 0.1                 # noise on a tiny entry looks huge ...
    assert gradcheck.significant_relative_error(a, b) == (0.0, None)  # ... and is ignored
    error, index = gradcheck.significant_relative_error(a, np.array([1.0, 1e-9, 0.6]))
    assert index == (2,) and error == pytest.approx(0.1 / 1.1)
    error, index = gradcheck.significant_relative_error(np.array([[1.0, np.nan]]), np.ones((1, 2)))
    assert error == np.inf and index == (0, 1)


# --- verdicts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("error, near_kink, words", [
    (0.0, False, "correct"), (1e-7, False, "correct"), (1.01e-7, False, "fine only if the check crossed a kink"),
    (1e-4, True, "acceptable (near a kink)"), (1e-4, False, "suspicious"), (1.01e-4, True, "probably a bug"),
    (1e-2, False, "probably a bug"), (1.01e-2, False, "wrong"), (0.5, True, "wrong"),
])
def test_verdict_thresholds(error, near_kink, words):
    assert words in gradcheck.verdict(error, near_kink)


# --- check_gradients, gradient_check --------------------------------------------------------------------

def _layer(rng):
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)

    def f():
        return float(0.5 * np.sum((np.tanh(X @ W + b) - Y) ** 2) / 6)

    H = np.tanh(X @ W + b)
    dZ = (H - Y) / 6 * (1 - H ** 2)
    return f, W, b, X.T @ dZ, dZ.sum(axis=0)


def test_check_gradients_passes_correct_gradients_and_localizes_a_bug(rng):
    f, W, b, dW, db = _layer(rng)
    report = gradcheck.check_gradients(f, [W, b], [dW, db], names=["W", "b"])
    assert report.passed and report.max_error < gradcheck.CORRECT
    bad_db = db.copy()
    bad_db[1] *= -1
    report = gradcheck.check_gradients(f, [W, b], [dW, bad_db], names=["W", "b"])
    assert not report.passed and report.worst.name == "b" and report.worst.worst_index == (1,)
    assert report.parameters[0].verdict == "correct" and report.parameters[1].verdict == "wrong"
    text = str(report)
    assert "W" in text and "worst entry: b[1]" in text


def test_check_gradients_default_names_and_near_kink():
    x = np.array([1.0, 2.0])
    report = gradcheck.check_gradients(lambda: float(x @ x), [x], [2 * x * (1 + 1e-6)])
    assert report.parameters[0].name == "p0"
    assert not report.passed
    assert gradcheck.check_gradients(lambda: float(x @ x), [x], [2 * x * (1 + 1e-6)], near_kink=True).passed


@pytest.mark.parametrize("params, grads, message", [
    ([np.ones(2)], [], "1 parameters but 0 gradients"),
    ([np.ones(2)], [np.ones(3)], "shape"),
    (np.ones(2), [np.ones(2)], "list of arrays"),
    ([np.ones(2)], None, "list of arrays"),
])
def test_check_gradients_bad_input(params, grads, message):
    with pytest.raises(CourseInputError, match=message):
        gradcheck.check_gradients(lambda: 0.0, params, grads)


def test_gradient_check_is_the_largest_error(rng):
    f, W, b, dW, db = _layer(rng)
    assert gradcheck.gradient_check(f, [W, b], [dW, db]) < gradcheck.CORRECT
    wrong = dW.copy()
    wrong[1, 0] *= 3
    error = gradcheck.gradient_check(f, [W, b], [wrong, db])
    assert error == pytest.approx(0.5, rel=1e-4)
    assert error == gradcheck.check_gradients(f, [W, b], [wrong, db]).max_error


# --- directional check ---------------------------------------------------------------------------

def test_directional_check_passes_right_and_catches_wrong_gradients(rng):
    f, W, b, dW, db = _layer(rng)
    before = W.copy(), b.copy()
    assert gradcheck.directional_check(f, [W, b], [dW, db], np.random.default_rng(0)) < gradcheck.CORRECT
    np.testing.assert_array_equal(W, before[0])
    np.testing.assert_array_equal(b, before[1])
    wrong = dW.copy()
    wrong[2, 1] += 0.5 * np.abs(dW).max()
    assert gradcheck.directional_check(f, [W, b], [wrong, db], np.random.default_rng(0)) > gradcheck.WRONG


def test_directional_check_bad_input():
    with pytest.raises(CourseInputError, match="Generator"):
        gradcheck.directional_check(lambda: 0.0, [np.ones(2)], [np.ones(2)], rng=0)
    with pytest.raises(CourseInputError, match="shape"):
        gradcheck.directional_check(lambda: 0.0, [np.ones(2)], [np.ones(3)], np.random.default_rng(0))


def test_crosses_kink():
    assert gradcheck.crosses_kink(np.array([0.5, 3e-7]), kinks=(0.0,))
    assert not gradcheck.crosses_kink(np.array([0.5, 1e-3]), kinks=(0.0,))
    assert gradcheck.crosses_kink(np.array([1.0 + 1e-7]), kinks=(-1.0, 1.0))
    assert gradcheck.crosses_kink(np.array([2e-6]), kinks=(0.0,), scale=10.0)
