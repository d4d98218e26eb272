"""The lesson-02 checks: correct answers, however written, pass; every typical mistake fails with its hint."""
from __future__ import annotations

import numpy as np
import pytest

from check_helpers import (check_message, not_implemented, points, returning_list, returning_none,
                           returning_wrong_shape)
from course import perceptron
from course.checks import lesson02
from course.checks.core import CheckFailed
from course.grading import grade

EXERCISES = lesson02.EXERCISES


# --- differently written correct answers ----------------------------------------------------------

def step_int(z):
    return np.where(z > 0, 1, 0)  # integers are fine: the values are what counts


def step_heaviside(z):
    return np.heaviside(z, 0.0)


def step_bool_times_one(z):
    return (np.asarray(z) > 0) * 1.0


def update_copy_then_in_place(theta, x, y, lr=1.0):
    h = 1 if np.dot(theta, x) > 0 else 0
    new = theta.copy()
    new += lr * (y - h) * x
    return new


def update_loop(theta, x, y, lr=1.0):
    score = sum(t * v for t, v in zip(theta, x))
    h = 1.0 if score > 0 else 0.0
    return np.array([t + lr * (y - h) * v for t, v in zip(theta, x)])


def online_loop_array_counts(X, y, max_epochs=100):
    m, n = X.shape
    theta = np.zeros(n)
    counts = []
    while len(counts) < max_epochs:
        count = 0
        for i in range(m):
            if y[i] * np.dot(theta, X[i]) <= 0:
                theta += y[i] * X[i]
                count += 1
        counts.append(count)
        if count == 0:
            break
    return theta, np.array(counts)  # an array of counts is accepted as the list it holds


def online_tuple_float_counts(X, y, max_epochs=100):
    theta = np.zeros(X.shape[1])
    counts = []
    for _ in range(max_epochs):
        wrong = 0.0
        for x_i, y_i in zip(X, y):
            if np.sign(y_i * (x_i @ theta)) <= 0:
                theta = theta + y_i * x_i
                wrong += 1
        counts.append(wrong)
        if not wrong:
            break
    return (theta, counts)


def batch_loop(X, y, lr=1.0, eps=1e-6, max_epochs=1000):
    n, d = X.shape
    theta = np.zeros(d)
    for epoch in range(1, max_epochs + 1):
        delta = np.zeros(d)
        for i in range(n):
            if y[i] * (X[i] @ theta) <= 0:
                delta += y[i] * X[i]
        delta /= n
        theta += lr * delta
        if np.sqrt(np.sum(delta ** 2)) < eps:
            return theta, epoch
    return theta, max_epochs


def batch_vectorised_float_epochs(X, y, lr=1.0, eps=1e-6, max_epochs=1000):
    theta = np.zeros(X.shape[1])
    epochs = 0
    while epochs < max_epochs:
        wrong = (y * (X @ theta) <= 0).astype(float)
        delta = X.T @ (wrong * y) / len(y)
        theta = theta + lr * delta
        epochs += 1
        if np.linalg.norm(delta) < eps:
            break
    return theta, float(epochs)


CORRECT = {
    "step": [perceptron.step, step_int, step_heaviside, step_bool_times_one],
    "perceptron_update": [perceptron.perceptron_update, update_copy_then_in_place, update_loop],
    "online_perceptron": [perceptron.online_perceptron, online_loop_array_counts, online_tuple_float_counts],
    "batch_perceptron": [perceptron.batch_perceptron, batch_loop, batch_vectorised_float_epochs],
}
CORRECT_CASES = [(name, fn) for name, fns in CORRECT.items() for fn in fns]
MISTAKES = [(name, mistake) for name, ex in EXERCISES.items() for mistake in ex.mistakes]


def _id(value):
    return getattr(value, "name", None) or getattr(value, "__name__", None) or str(value)


def test_every_exercise_has_correct_alternatives_and_at_least_three_mistakes():
    assert sorted(CORRECT) == sorted(EXERCISES)
    for name, exercise in EXERCISES.items():
        assert len(CORRECT[name]) >= 3, name
        assert len(exercise.mistakes) >= 3, name


@pytest.mark.parametrize("name, fn", CORRECT_CASES, ids=[f"{n}-{_id(f)}" for n, f in CORRECT_CASES])
def test_correct_answers_pass_the_self_check(name, fn, capsys):
    EXERCISES[name].check(fn)
    assert f"✓ {name} passed all" in capsys.readouterr().out


@pytest.mark.parametrize("name, fn", CORRECT_CASES, ids=[f"{n}-{_id(f)}" for n, f in CORRECT_CASES])
def test_correct_answers_get_full_points_on_fresh_random_inputs(name, fn):
    for seed in range(8):
        assert points(EXERCISES[name], fn, 3.0, seed) == 3.0, f"seed {seed}"


@pytest.mark.parametrize("name, mistake", MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_mistake_fails_the_self_check_with_its_hint(name, mistake):
    message = check_message(EXERCISES[name], mistake.impl)
    assert message is not None, f"the mistake {mistake.name!r} passed the self-check"
    assert message.startswith(f"{name} is not right yet")
    assert f"hint: {mistake.hint}" in message


@pytest.mark.parametrize("name, mistake", MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_mistake_loses_points(name, mistake):
    assert points(EXERCISES[name], mistake.impl, 3.0, seed=1) < 3.0


def test_updating_theta_in_place_is_named():
    def in_place(theta, x, y, lr=1.0):
        theta += lr * (y - (1.0 if theta @ x > 0 else 0.0)) * x
        return theta

    message = check_message(EXERCISES["perceptron_update"], in_place)
    assert "modified its input `theta` in place" in message and "theta = theta.copy()" in message
    assert points(EXERCISES["perceptron_update"], in_place) < 2.0


def test_zero_one_labels_in_the_online_perceptron_are_named():
    message = check_message(EXERCISES["online_perceptron"], EXERCISES["online_perceptron"].mistakes[1].impl)
    assert "labels must be in {-1, +1} here" in message


def test_messages_name_function_input_expected_got_and_hint():
    message = check_message(EXERCISES["batch_perceptron"], lesson02._batch_with(per_n=False))
    for part in ("batch_perceptron(X, y, lr=1.0, eps=1e-6, max_epochs=1000)", "input:    the AND gate",
                 "first wrong entry [0][0]", "expected:", "got:", "hint: looks like you forgot to divide Delta by n"):
        assert part in message


# --- bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXERCISES))
@pytest.mark.parametrize("argument", [None, [1, 2], 3.0])
def test_the_check_needs_a_function(name, argument):
    message = check_message(EXERCISES[name], argument)
    assert f"check_{name} needs your function itself, e.g. check_{name}({name})" in message


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_function_returning_none_is_told_to_return(name):
    message = check_message(EXERCISES[name], returning_none)
    assert "returned None" in message and "`return`" in message


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_list_instead_of_an_array_is_named(name):
    message = check_message(EXERCISES[name], returning_list(EXERCISES[name].reference))
    assert "Python list, expected a numpy array" in message or "(list), expected a number" in message


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_wrong_shape_is_named(name):
    message = check_message(EXERCISES[name], returning_wrong_shape(EXERCISES[name].reference))
    assert ("has shape (" in message and "expected (" in message) or "expected a single number" in message


def test_a_result_that_is_not_a_pair_is_named():
    message = check_message(EXERCISES["online_perceptron"], lambda X, y, max_epochs=100: np.zeros(X.shape[1]))
    assert "should be a tuple of 2 values, got ndarray" in message


def test_an_unwritten_exercise_says_so_and_grades_zero():
    for exercise in EXERCISES.values():
        assert "is not written yet" in check_message(exercise, not_implemented)
        with pytest.raises(CheckFailed) as failure:
            exercise.grade(not_implemented, 3)
        assert failure.value.title == f"{exercise.name}: not implemented (0 of 3 points)"


# --- the checks themselves ------------------------------------------------------------------------------

def test_grade_through_the_grading_module_gives_the_cell_its_points():
    assert grade("02", "online_perceptron", perceptron.online_perceptron, points=3, seed=9) == 3


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_hidden_checks_use_fresh_shapes_or_values(name):
    def inputs(seed):
        return [c.args for c in EXERCISES[name].hidden(np.random.default_rng(seed)) if hasattr(c, "args")]

    first, second = inputs(1), inputs(2)
    assert first and len(first) == len(second)
    assert any(a[0].shape != b[0].shape or not np.allclose(a[0], b[0]) for a, b in zip(first, second))


def test_separable_data_has_its_margin_bias_feature_and_both_labels():
    for seed in range(20):
        rng = np.random.default_rng(seed)
        m, d = int(rng.integers(5, 50)), int(rng.integers(1, 6))
        X, y = lesson02.separable(rng, m, d, 0.1)
        assert X.shape == (m, d + 1) and np.all(X[:, 0] == 1.0)
        assert set(np.unique(y)) == {-1.0, 1.0}
        theta, counts = perceptron.online_perceptron(X, y, max_epochs=10_000)
        assert counts[-1] == 0 and sum(counts) <= 1.25 * (d + 1) / 0.1 ** 2  # the convergence theorem's bound


def test_hidden_separable_cases_converge_for_the_reference():
    for seed in range(10):
        for name in ("online_perceptron", "batch_perceptron"):
            for check in EXERCISES[name].hidden(np.random.default_rng(seed)):
                if not hasattr(check, "args"):  # the convergence Property
                    assert check.test(EXERCISES[name].reference) is None


def test_the_convergence_property_names_a_misclassified_example():
    X, y = lesson02.separable(np.random.default_rng(0), 12, 2, 0.1)
    prop = lesson02._converged("online_perceptron", X, y, 100)
    message = prop.test(lambda X, y, max_epochs=100: (np.zeros(3), [0]))
    assert "still misclassifies 12 example(s)" in message and "convergence theorem" in message
    assert "theta should be an array of shape (3,)" in prop.test(lambda X, y, max_epochs=100: ([0.0] * 3, [0]))


def test_overlapping_data_is_not_separable():
    X, y = lesson02.overlapping(np.random.default_rng(3), 10, 2)
    np.testing.assert_array_equal(X[0], X[1])
    assert y[0] == -y[1]
    assert min(perceptron.online_perceptron(X, y, max_epochs=30)[1]) > 0
