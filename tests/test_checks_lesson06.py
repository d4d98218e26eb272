"""Lesson 06 checks: correct answers (however written) pass, every known mistake fails with its hint.

Also: bad arguments give a clear message, grade() gives full points for correct answers and fewer for
each mistake, and the hidden checks never fail a correct answer on fresh random inputs.
"""
from __future__ import annotations

import numpy as np
import pytest

from course import graph
from course.checks import lesson06
from course.checks.core import CheckFailed
from course.grading import grade

EXERCISES = lesson06.EXERCISES
POINTS = 2.0


# --- differently written correct answers ------------------------------------------------------

def add_backward(upstream):
    return upstream + 0.0, 1.0 * upstream


def mul_backward(x, y, upstream):
    return np.multiply(y, upstream), np.multiply(upstream, x)


def max_backward(x, y, upstream):
    mask = np.greater(x, y).astype(float)
    return mask * upstream, (1.0 - mask) * upstream


def grad_xyz(x, y, z):
    xs, ys, zs = (graph.Value(float(v)) for v in (x, y, z)) if np.ndim(x) == 0 else (None, None, None)
    if xs is None:  # arrays: the closed form
        return z + 0 * x, z + 0 * y, x + y
    f = (xs + ys) * zs
    f.backward()
    return xs.grad, ys.grad, zs.grad


def sigmoid_backward(z, upstream):
    s = np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))  # log-space sigmoid: stable
    return upstream * (s - s * s)


def sigmoid_neuron_grads(w, x):
    ws = [graph.Value(float(v)) for v in w]
    xs = [graph.Value(float(v)) for v in x]
    f = (ws[0] * xs[0] + ws[1] * xs[1] + ws[2]).sigmoid()
    f.backward()
    return np.array([v.grad for v in ws]), np.array([v.grad for v in xs])


def grad_fork(x, y, z):
    if np.ndim(x) == 0:
        xs, ys, zs = graph.Value(float(x)), graph.Value(float(y)), graph.Value(float(z))
        f = (xs + ys) * ys.maximum(zs)
        f.backward()
        return xs.grad, ys.grad, zs.grad
    a, b = x + y, np.maximum(y, z)
    return b * 1.0, b + np.where(y > z, a, 0.0), np.where(z > y, a, 0.0)


def numerical_jacobian(f, x, h=1e-6):
    x = np.array(x, dtype=float)
    J = None
    for j in range(x.size):
        old = x[j]
        x[j] = old + h
        plus = np.asarray(f(x.copy()), dtype=float)
        x[j] = old - h
        minus = np.asarray(f(x.copy()), dtype=float)
        x[j] = old
        if J is None:
            J = np.empty((plus.size, x.size))
        J[:, j] = (plus - minus) / (2 * h)
    return J


ALTERNATIVES = {fn.__name__: fn for fn in [add_backward, mul_backward, max_backward, grad_xyz, sigmoid_backward,
                                           sigmoid_neuron_grads, grad_fork, numerical_jacobian]}
MISTAKES = [(name, m) for name, ex in sorted(EXERCISES.items()) for m in ex.mistakes]


def test_every_exercise_has_an_alternative_and_at_least_three_mistakes():
    assert sorted(ALTERNATIVES) == sorted(EXERCISES)
    for name, ex in EXERCISES.items():
        assert len(ex.mistakes) >= 3, name


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_reference_passes_self_check(name, capsys):
    EXERCISES[name].check(EXERCISES[name].reference)
    assert f"✓ {name} passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_differently_written_answer_passes_self_check(name):
    EXERCISES[name].check(ALTERNATIVES[name])


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_correct_answers_get_full_points_on_fresh_random_inputs(name):
    for seed in range(12):
        assert EXERCISES[name].grade(EXERCISES[name].reference, POINTS, seed=seed) == POINTS
        assert EXERCISES[name].grade(ALTERNATIVES[name], POINTS, seed=1000 + seed) == POINTS


def test_grade_looks_up_lesson_06():
    assert grade("06", "grad_fork", graph.grad_fork, points=2, seed=5) == 2


@pytest.mark.parametrize("name,mistake", MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_mistake_fails_with_its_hint(name, mistake):
    with pytest.raises(CheckFailed) as info:
        EXERCISES[name].check(mistake.impl)
    message = str(info.value)
    assert mistake.hint in message
    assert EXERCISES[name].signature.split("(")[0] in message  # names the function
    assert "input" in message


@pytest.mark.parametrize("name,mistake", MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_mistake_loses_points(name, mistake):
    try:
        earned = EXERCISES[name].grade(mistake.impl, POINTS, seed=7)
    except CheckFailed:
        earned = 0.0
    assert earned < POINTS


@pytest.mark.parametrize("name", sorted(EXERCISES))
@pytest.mark.parametrize("bad", [None, [1, 2], "add_backward", 3.0])
def test_passing_something_else_than_a_function_is_explained(name, bad):
    with pytest.raises(CheckFailed, match="needs your function itself"):
        EXERCISES[name].check(bad)
    with pytest.raises(CheckFailed, match="needs your function itself"):
        EXERCISES[name].grade(bad, POINTS, seed=0)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_function_returning_none_is_explained(name):
    with pytest.raises(CheckFailed) as info:
        EXERCISES[name].check(lambda *args, **kwargs: None)
    assert "returned None" in str(info.value) and "return" in str(info.value)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_wrong_shape_is_explained(name):
    with pytest.raises(CheckFailed) as info:
        EXERCISES[name].check(lambda *args, **kwargs: np.zeros((7, 7)))
    message = str(info.value)
    assert any(word in message for word in ("shape", "tuple", "single number")), message


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_list_result_is_explained(name):
    ref = EXERCISES[name].reference

    def as_lists(*args, **kwargs):
        out = ref(*args, **kwargs)
        if isinstance(out, tuple):
            return tuple(np.asarray(o).tolist() if np.ndim(o) else o for o in out)
        return np.asarray(out).tolist()

    with pytest.raises(CheckFailed, match="Python list"):
        EXERCISES[name].check(as_lists)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_unimplemented_function_says_so(name):
    def stub(*args, **kwargs):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not written yet"):
        EXERCISES[name].check(stub)


def test_a_crash_names_the_input():
    def crashes(x, y, upstream):
        if x > y:  # fine for numbers, ambiguous for arrays
            return upstream, 0.0
        return 0.0, upstream

    with pytest.raises(CheckFailed) as info:
        lesson06.check_max_backward(crashes)
    assert "raised ValueError" in str(info.value) and "not `if`" in str(info.value)


def test_changing_an_input_in_place_is_reported():
    def mutates(x, y, upstream):
        if isinstance(upstream, np.ndarray):
            upstream *= 1.0
            x[...] = 0.0
        return upstream * y, upstream * x

    with pytest.raises(CheckFailed, match="in place"):
        lesson06.check_mul_backward(mutates)


def test_the_notes_numbers_are_what_the_checks_expect():
    assert graph.grad_xyz(-2.0, 5.0, -4.0) == (-4.0, -4.0, 3.0)
    assert graph.grad_fork(1.0, 2.0, 0.0) == (2.0, 5.0, 0.0)
    dw, dx = graph.sigmoid_neuron_grads(np.array([2.0, -3.0, -3.0]), np.array([-1.0, -2.0]))
    np.testing.assert_allclose(dw, [-0.20, -0.39, 0.20], atol=0.01)
    np.testing.assert_allclose(dx, [0.39, -0.59], atol=0.01)
    assert graph.sigmoid_backward(1.0, 1.0) == pytest.approx(0.2, abs=0.01)


def test_numeric_property_reports_the_first_wrong_entry():
    up = np.array([1.0, 2.0, 3.0])
    prop = lesson06.numeric_property(lambda: lesson06.ADD_BACKWARD, "three numbers", (up,), None,
                                     (up.copy(), up.copy()))
    assert prop.test(graph.add_backward) is None
    message = prop.test(lambda u: (u, u * np.array([1.0, 1.0, 0.5])))
    assert "[1][2]" in message and "numerical 3" in message


def test_hidden_checks_use_fresh_shapes():
    shapes = set()
    for seed in range(10):
        checks = lesson06.MUL_BACKWARD.hidden(np.random.default_rng(seed))
        shapes.add(checks[1].args[0].shape)
    assert len(shapes) > 2
