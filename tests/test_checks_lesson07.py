"""Lesson 07 checks: correct answers (however written) pass, every known mistake fails with its hint.

Also: bad arguments give a clear message, grade() gives full points for correct answers and fewer for
each mistake, in-place contracts (numerical_gradient restores x exactly) are enforced, and the hidden
checks never fail a correct answer on fresh random inputs.
"""
from __future__ import annotations

import numpy as np
import pytest

from course import gradcheck, mlp
from course.checks import lesson07
from course.checks.core import CheckFailed
from course.grading import grade

EXERCISES = lesson07.EXERCISES
POINTS = 2.0


# --- differently written correct answers ------------------------------------------------------

def sigmoid_bce_delta(y_hat, y):
    return (y_hat - y) * (1.0 / len(y_hat))


def softmax_ce_delta(probs, Y):
    return np.subtract(probs, Y) / np.shape(probs)[0]


def mse_identity_delta(y_hat, y):
    return np.divide(y_hat - y, y_hat.shape[0])


def dense_backward(dZ, A_prev, W):
    return (np.einsum("mo,io->mi", dZ, W), np.einsum("mi,mo->io", A_prev, dZ), np.einsum("mo->o", dZ))


def mlp_backward(params, cache, y, activation="sigmoid"):
    """Derivatives written with the activations a = g(z) (the next layer's input), layers prepended."""
    from_a = {"sigmoid": lambda a: a * (1 - a), "tanh": lambda a: 1 - a * a, "relu": lambda a: (a > 0) * 1.0}
    out = 1 / (1 + np.exp(-cache[-1][1]))
    dZ = (out - y[:, None]) / len(y)
    grads = []
    for layer in reversed(range(len(params))):
        A_prev = cache[layer][0]
        grads.insert(0, (A_prev.T @ dZ, np.sum(dZ, axis=0)))
        if layer:
            dZ = dZ @ params[layer][0].T * from_a[activation](A_prev)
    return grads


def numerical_gradient(f, x, h=1e-6):
    flat = x.reshape(-1)  # a view: writing into it perturbs x
    grad = np.empty(flat.size)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        up = f()
        flat[i] = saved - h
        down = f()
        flat[i] = saved
        grad[i] = (up - down) / (2 * h)
    return grad.reshape(x.shape)


def relative_error(a, b):
    worst = 0.0
    for ai, bi in zip(np.ravel(a), np.ravel(b)):
        worst = max(worst, abs(ai - bi) / max(1e-8, abs(ai) + abs(bi)))
    return worst


def gradient_check(f, params, grads):
    errors = [gradcheck.relative_error(g, numerical_gradient(f, p)) for p, g in zip(params, grads)]
    return max(errors)


ALTERNATIVES = {fn.__name__: fn for fn in [sigmoid_bce_delta, softmax_ce_delta, mse_identity_delta, dense_backward,
                                           mlp_backward, numerical_gradient, relative_error, gradient_check]}
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


def test_grade_looks_up_lesson_07():
    assert grade("07", "relative_error", gradcheck.relative_error, points=1, seed=3) == 1


@pytest.mark.parametrize("name,mistake", MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_mistake_fails_with_its_hint(name, mistake):
    with pytest.raises(CheckFailed) as info:
        EXERCISES[name].check(mistake.impl)
    message = str(info.value)
    assert mistake.hint in message
    assert EXERCISES[name].signature.split("(")[0] in message
    assert "input" in message


@pytest.mark.parametrize("name,mistake", MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_mistake_loses_points(name, mistake):
    try:
        earned = EXERCISES[name].grade(mistake.impl, POINTS, seed=11)
    except CheckFailed:
        earned = 0.0
    assert earned < POINTS


@pytest.mark.parametrize("name", sorted(EXERCISES))
@pytest.mark.parametrize("bad", [None, [1, 2], "relative_error", 3.0])
def test_passing_something_else_than_a_function_is_explained(name, bad):
    with pytest.raises(CheckFailed, match="needs your function itself"):
        EXERCISES[name].check(bad)
    with pytest.raises(CheckFailed, match="needs your function itself"):
        EXERCISES[name].grade(bad, POINTS, seed=0)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_function_returning_none_is_explained(name):
    with pytest.raises(CheckFailed) as info:
        EXERCISES[name].check(lambda *args, **kwargs: None)
    message = str(info.value)
    assert "None" in message and EXERCISES[name].signature.split("(")[0] in message


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_wrong_shape_is_explained(name):
    with pytest.raises(CheckFailed) as info:
        EXERCISES[name].check(lambda *args, **kwargs: np.zeros((7, 7)))
    message = str(info.value)
    assert any(word in message for word in ("shape", "tuple", "one number", "single number")), message


@pytest.mark.parametrize("name", ["sigmoid_bce_delta", "softmax_ce_delta", "mse_identity_delta", "dense_backward",
                                  "mlp_backward", "numerical_gradient"])
def test_a_list_result_is_explained(name):
    ref = EXERCISES[name].reference

    def as_lists(*args, **kwargs):
        out = ref(*args, **kwargs)
        if isinstance(out, (tuple, list)):
            return type(out)(np.asarray(o).tolist() if not isinstance(o, tuple) else tuple(np.asarray(p).tolist()
                                                                                           for p in o) for o in out)
        return np.asarray(out).tolist()

    with pytest.raises(CheckFailed, match="Python list"):
        EXERCISES[name].check(as_lists)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_unimplemented_function_says_so(name):
    def stub(*args, **kwargs):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not written yet"):
        EXERCISES[name].check(stub)


def test_numerical_gradient_must_restore_x_bit_for_bit():
    """The arithmetic restore (x += h; x -= 2h; x += h) leaves some entries one ulp off: refused."""
    x = np.array([0.1, 0.7, 1.3, 2.9, 3.3])
    y = x.copy()
    for i in range(y.size):
        y[i] += 1e-6
        y[i] -= 2e-6
        y[i] += 1e-6
    assert not np.array_equal(x, y)  # the visible case really catches it
    with pytest.raises(CheckFailed, match="changed after the call"):
        lesson07.check_numerical_gradient(next(m.impl for m in lesson07.NUMERICAL_GRADIENT.mistakes
                                               if m.name == "arithmetic restore"))


def test_closure_checks_give_every_call_fresh_arrays():
    """A student's function that corrupts x cannot affect the next check or the reference."""
    calls = []

    def leaves_x_changed(f, x, h=1e-6):
        calls.append(x.copy())
        x += 1.0
        return np.zeros_like(x)

    with pytest.raises(CheckFailed):
        lesson07.check_numerical_gradient(leaves_x_changed)
    assert np.allclose(calls[0], [-0.8, 0.3])  # the notes' W, untouched before the call


def test_gradient_check_rejects_a_non_number():
    with pytest.raises(CheckFailed, match="expected one number"):
        lesson07.check_gradient_check(lambda f, params, grads: [0.0, 0.0])


def test_mlp_backward_accepts_lists_of_lists():
    def as_lists(params, cache, y, activation="sigmoid"):
        return [[dW, db] for dW, db in mlp.mlp_backward(params, cache, y, activation=activation)]

    lesson07.check_mlp_backward(as_lists)


def test_hidden_checks_use_fresh_shapes_and_activations():
    seen = set()
    for seed in range(30):
        case = lesson07.MLP_BACKWARD.hidden(np.random.default_rng(seed))[0]
        seen.add((len(case.args[0]), case.kwargs["activation"]))
    assert len(seen) >= 6


def test_random_networks_keep_away_from_relu_kinks():
    rng = np.random.default_rng(0)
    for _ in range(20):
        _, cache, _, _ = lesson07._net(rng, [3, 5, 4, 1], 9, "relu")
        assert all(np.min(np.abs(Z)) > 0.01 for _, Z in cache[:-1])
