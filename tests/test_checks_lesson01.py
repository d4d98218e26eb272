"""The lesson-01 checks: correct answers, however written, pass; every typical mistake fails with its hint."""
from __future__ import annotations

import math

import numpy as np
import pytest

from check_helpers import (check_message, not_implemented, points, returning_list, returning_none,
                           returning_wrong_shape)
from course import activations, logistic
from course.checks import lesson01
from course.checks.core import CheckFailed, Exercise
from course.grading import grade

EXERCISES = lesson01.EXERCISES


# --- differently written correct answers ----------------------------------------------------------

def sigmoid_naive(z):
    return 1 / (1 + np.exp(-z))  # overflows (a warning) at z = -1000 but the value is right


def sigmoid_tanh(z):
    return 0.5 * (1 + np.tanh(np.asarray(z) / 2))


def predict_proba_loop(X, w, b):
    out = np.zeros(X.shape[0])
    for i in range(X.shape[0]):
        out[i] = 0.5 * (1 + math.tanh((np.dot(X[i], w) + b) / 2))
    return out


def bce_loop(y_hat, y):
    total = 0.0
    for p, t in zip(y_hat, y):
        total += -(t * math.log(p) + (1 - t) * math.log(1 - p))
    return total / len(y)


def bce_clipped_numpy_scalar(y_hat, y):
    p = np.clip(y_hat, 1e-12, 1 - 1e-12)
    return np.mean(-y * np.log(p) - (1 - y) * np.log1p(-p))  # a numpy float64, not a Python float


def gradients_loop(X, y, w, b):
    m, n = X.shape
    dw, db = np.zeros(n), 0.0
    for i in range(m):
        p = 1 / (1 + math.exp(-(X[i] @ w + b)))
        dw += (p - y[i]) * X[i]
        db += p - y[i]
    return dw / m, db / m


def gradients_dot(X, y, w, b):
    error = sigmoid_tanh(np.dot(X, w) + b) - y
    return [np.dot(error, X) / len(y), np.mean(error)]  # a list and a numpy scalar are fine too


def train_loop_array_losses(X, y, lr=0.1, epochs=1000):
    m, n = X.shape
    w, b = np.zeros(n), np.array(0.0)
    losses = []
    for _ in range(epochs):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        dw, db = X.T @ (p - y) / m, np.sum(p - y) / m
        w, b = w - lr * dw, b - lr * db
        p = 1 / (1 + np.exp(-(X @ w + b)))
        losses.append(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return w, b, np.array(losses)  # an array of losses is accepted as the list it holds


def train_in_place(X, y, lr=0.1, epochs=1000):
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(epochs):
        error = activations.sigmoid(X @ w + b) - y
        w -= lr * (error @ X) / len(y)
        b -= lr * error.mean()
        p = activations.sigmoid(X @ w + b)
        losses.append(float(-(y @ np.log(p) + (1 - y) @ np.log(1 - p)) / len(y)))
    return w, b, losses


CORRECT = {
    "sigmoid": [activations.sigmoid, sigmoid_naive, sigmoid_tanh],
    "predict_proba": [logistic.predict_proba, predict_proba_loop],
    "bce_loss": [logistic.bce_loss, bce_loop, bce_clipped_numpy_scalar],
    "logistic_gradients": [logistic.logistic_gradients, gradients_loop, gradients_dot],
    "train_logistic_regression": [logistic.train_logistic_regression, train_loop_array_losses, train_in_place],
}
CORRECT_CASES = [(name, fn) for name, fns in CORRECT.items() for fn in fns]
MISTAKES = [(name, mistake) for name, ex in EXERCISES.items() for mistake in ex.mistakes]


def _id(value):
    return getattr(value, "name", None) or getattr(value, "__name__", None) or str(value)


def test_every_exercise_has_correct_alternatives_and_at_least_three_mistakes():
    assert sorted(CORRECT) == sorted(EXERCISES)
    for name, exercise in EXERCISES.items():
        assert len(CORRECT[name]) >= 2, name
        assert len(exercise.mistakes) >= 3, name


@pytest.mark.parametrize("name, fn", CORRECT_CASES, ids=[f"{n}-{_id(f)}" for n, f in CORRECT_CASES])
def test_correct_answers_pass_the_self_check(name, fn, capsys):
    EXERCISES[name].check(fn)
    assert f"✓ {name} passed all" in capsys.readouterr().out


@pytest.mark.parametrize("name, fn", CORRECT_CASES, ids=[f"{n}-{_id(f)}" for n, f in CORRECT_CASES])
def test_correct_answers_get_full_points_on_fresh_random_inputs(name, fn):
    for seed in range(4):
        assert points(EXERCISES[name], fn, 2.0, seed) == 2.0, f"seed {seed}"


@pytest.mark.parametrize("name, mistake", MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_mistake_fails_the_self_check_with_its_hint(name, mistake):
    message = check_message(EXERCISES[name], mistake.impl)
    assert message is not None, f"the mistake {mistake.name!r} passed the self-check"
    assert message.startswith(f"{name} is not right yet")
    assert f"hint: {mistake.hint}" in message


@pytest.mark.parametrize("name, mistake", MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_mistake_loses_points(name, mistake):
    assert points(EXERCISES[name], mistake.impl, 3.0, seed=1) < 3.0


def test_messages_name_function_input_expected_got_first_entry_and_hint():
    wrong = EXERCISES["logistic_gradients"].mistakes[0].impl  # forgot to divide by m
    message = check_message(EXERCISES["logistic_gradients"], wrong)
    for part in ("logistic_gradients(X, y, w, b)", "input:", "first wrong entry [0][0]", "expected:", "got:",
                 "hint: looks like you forgot to divide by m"):
        assert part in message


def test_browser_contract_for_sigmoid(capsys):
    # The browser test types a wrong sigmoid, expects this title, then fixes it and expects the ✓ line.
    with pytest.raises(CheckFailed) as failure:
        lesson01.check_sigmoid(lambda z: 1 / (1 + np.exp(z)))
    assert failure.value.title == "sigmoid is not right yet"
    assert "sigmoid is not right yet" in failure.value._render_traceback_()[0]
    lesson01.check_sigmoid(activations.sigmoid)
    assert "✓ sigmoid passed" in capsys.readouterr().out


# --- bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXERCISES))
@pytest.mark.parametrize("argument", [None, [1, 2], "sigmoid"])
def test_the_check_needs_a_function(name, argument):
    message = check_message(EXERCISES[name], argument)
    assert f"check_{name} needs your function itself, e.g. check_{name}({name})" in message


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_function_returning_none_is_told_to_return(name):
    message = check_message(EXERCISES[name], returning_none)
    assert "returned None" in message and "`return`" in message


@pytest.mark.parametrize("name", ["sigmoid", "predict_proba", "logistic_gradients", "train_logistic_regression"])
def test_a_list_instead_of_an_array_is_named(name):
    message = check_message(EXERCISES[name], returning_list(EXERCISES[name].reference))
    assert "Python list, expected a numpy array" in message


@pytest.mark.parametrize("name", ["sigmoid", "predict_proba", "logistic_gradients", "train_logistic_regression"])
def test_a_wrong_shape_is_named_with_both_shapes(name):
    message = check_message(EXERCISES[name], returning_wrong_shape(EXERCISES[name].reference))
    assert "has shape (" in message and "expected (" in message or "expected a single number" in message


def test_a_loss_returned_as_an_array_is_named():
    message = check_message(EXERCISES["bce_loss"], lambda y_hat, y: -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))
    assert "is an array of shape" in message and "expected a single number" in message
    assert "np.sum / np.mean" in message


def test_an_unwritten_exercise_says_so_and_grades_zero():
    for exercise in EXERCISES.values():
        message = check_message(exercise, not_implemented)
        assert "is not written yet: replace `raise NotImplementedError()`" in message
        with pytest.raises(CheckFailed) as failure:
            exercise.grade(not_implemented, 2)
        assert failure.value.title == f"{exercise.name}: not implemented (0 of 2 points)"


def test_a_crash_names_the_exception_and_the_input():
    message = check_message(EXERCISES["predict_proba"], lambda X, w, b: X.T @ w + b)
    assert "raised ValueError" in message and "input:" in message and "check the shapes" in message


# --- the checks themselves ----------------------------------------------------------------------------

def test_grade_through_the_grading_module_gives_the_cell_its_points():
    assert grade("01", "train_logistic_regression", logistic.train_logistic_regression, points=3, seed=5) == 3


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_hidden_checks_use_fresh_shapes_or_values(name):
    exercise: Exercise = EXERCISES[name]

    def inputs(seed):
        return [c.args for c in exercise.hidden(np.random.default_rng(seed)) if hasattr(c, "args")]

    first, second = inputs(1), inputs(2)
    assert first and len(first) == len(second)
    assert any(a[0].shape != b[0].shape or not np.allclose(a[0], b[0]) for a, b in zip(first, second))


def test_the_numerical_gradient_check_catches_a_slightly_wrong_gradient(rng):
    X, y, w, b = lesson01._gradient_problem(rng, 7, 3)
    prop = lesson01._gradient_matches_central_differences(X, y, w, b)
    assert prop.test(logistic.logistic_gradients) is None

    def one_percent_off(X, y, w, b):
        dw, db = logistic.logistic_gradients(X, y, w, b)
        return dw * 1.01, db

    message = prop.test(one_percent_off)
    assert "does not match central differences" in message and "relative error" in message
    assert "dw should be an array of shape (3,)" in prop.test(lambda X, y, w, b: (w.tolist(), 0.0))
    assert "db should be a single number" in prop.test(lambda X, y, w, b: (w, np.ones(2)))
    assert "expected a pair" in prop.test(lambda X, y, w, b: w)


def test_gradient_problems_keep_every_entry_away_from_zero():
    for seed in range(20):
        X, y, w, b = lesson01._gradient_problem(np.random.default_rng(seed), 10, 4)
        dw, db = logistic.logistic_gradients(X, y, w, b)
        assert min(np.min(np.abs(dw)), abs(db)) > 1e-3


def test_training_cases_never_saturate_the_sigmoid():
    # A naive (correct) cross-entropy gives nan at probabilities of exactly 0 or 1: keep |z| well below 36.
    exercise = EXERCISES["train_logistic_regression"]
    for seed in range(30):
        cases = exercise.hidden(np.random.default_rng(seed)) + exercise.visible(np.random.default_rng(seed))
        for case in cases:
            X, y = case.args
            w, b, _ = logistic.train_logistic_regression(X, y, **case.kwargs)
            assert np.max(np.abs(X @ w + b)) < 25


def test_list_result_exercise_accepts_an_array_only_in_its_list_parts():
    exercise = EXERCISES["train_logistic_regression"]
    both_arrays = lambda X, y, lr=0.1, epochs=1000: tuple(  # noqa: E731
        np.array(part) for part in logistic.train_logistic_regression(X, y, lr, epochs))
    assert check_message(exercise, both_arrays) is None  # w an array, b a 0-d array, losses an array: all fine
    losses_2d = lambda X, y, lr=0.1, epochs=1000: (  # noqa: E731
        *logistic.train_logistic_regression(X, y, lr, epochs)[:2],
        np.array(logistic.train_logistic_regression(X, y, lr, epochs)[2])[:, None])
    assert "should be a tuple" in check_message(exercise, losses_2d)
