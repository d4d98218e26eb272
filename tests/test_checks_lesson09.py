"""Lesson 09 checks: update rules by trajectory and minibatches by properties.

Correct answers written in other ways pass (state kept under other names, updated in
place or rebuilt, other algebra, any way of drawing a permutation); every typical mistake
fails with its hint and loses points; bad input gets a clear message.
"""
from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from course import optimizers, preprocessing
from course.checks import lesson09 as L
from course.checks.core import CheckFailed

EXERCISES = L.EXERCISES


def quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        value = fn(*args, **kwargs)
    return value, out.getvalue()


# --- correct rules, written differently from the reference ------------------------------------------------

def sgd_b(theta, grad, state, lr):
    state["step"] = state.get("step", 0) + 1
    return np.subtract(theta, np.multiply(lr, grad)), state


def momentum_b(theta, grad, state, lr, gamma=0.9):
    # Sign-flipped velocity, updated in place inside the state: the same thetas.
    if "u" not in state:
        state["u"] = np.zeros_like(theta)
    state["u"] *= gamma
    state["u"] -= lr * grad
    return theta + state["u"], state


def nesterov_b(theta, grad, state, lr, gamma=0.9):
    v_old = state.get("velocity", 0.0)
    v = gamma * v_old + lr * grad
    return theta - gamma * gamma * v_old - (1 + gamma) * lr * grad, {"velocity": v}


def adagrad_b(theta, grad, state, lr, eps=1e-8):
    state.setdefault("sum_sq", np.zeros(theta.shape))
    state["sum_sq"] = state["sum_sq"] + grad**2
    return theta - (lr / (np.sqrt(state["sum_sq"]) + eps)) * grad, state


def adadelta_b(theta, grad, state, rho=0.95, eps=1e-6):
    if not state:
        state.update(acc_g=np.zeros_like(theta), acc_d=np.zeros_like(theta))
    state["acc_g"] = rho * state["acc_g"] + (1 - rho) * np.square(grad)
    rms_d, rms_g = np.sqrt(state["acc_d"] + eps), np.sqrt(state["acc_g"] + eps)
    step = rms_d / rms_g * grad
    state["acc_d"] = rho * state["acc_d"] + (1 - rho) * np.square(step)
    return theta - step, state


def rmsprop_b(theta, grad, state, lr, rho=0.9, eps=1e-8):
    sq = state.get("sq", np.zeros_like(theta))
    sq = sq + (1 - rho) * (grad * grad - sq)  # the same running average, written as an increment
    state["sq"] = sq
    return theta - lr * grad / (sq**0.5 + eps), state


def adam_b(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("step", 0) + 1
    m = beta1 * state.get("m", 0) + (1 - beta1) * grad
    v = beta2 * state.get("v", 0) + (1 - beta2) * grad**2
    step = lr * (m / (1 - np.power(beta1, t))) / (np.sqrt(v / (1 - np.power(beta2, t))) + eps)
    return theta - step, {"step": t, "m": m, "v": v}


def adamw_b(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    theta = theta * (1 - lr * weight_decay)
    return adam_b(theta, grad, state, lr, beta1, beta2, eps)


def minibatches_b(X, y, batch_size, rng, shuffle=True):
    idx = np.arange(len(X))
    if shuffle:
        rng.shuffle(idx)
    batches = []
    for start in range(0, len(X), batch_size):
        part = idx[start:start + batch_size]
        batches.append((X[part], y[part]))
    return batches  # a list, not a generator: iterating works the same


def minibatches_c(X, y, batch_size, rng, shuffle=True):
    m = X.shape[0]
    order = rng.choice(m, size=m, replace=False) if shuffle else range(m)
    order = np.asarray(order)
    n_batches = -(-m // batch_size)
    for k in range(n_batches):
        sel = order[k * batch_size:(k + 1) * batch_size]
        yield np.take(X, sel, axis=0), np.take(y, sel, axis=0)


def minibatches_d(X, y, batch_size, rng, shuffle=True):
    order = rng.permuted(np.arange(len(y))) if shuffle else np.arange(len(y))
    for start in range(0, len(y), batch_size):
        yield X[order][start:start + batch_size], y[order][start:start + batch_size]


CORRECT = {
    "minibatches": [preprocessing.minibatches, minibatches_b, minibatches_c, minibatches_d],
    "sgd_update": [optimizers.sgd_update, sgd_b],
    "momentum_update": [optimizers.momentum_update, momentum_b],
    "nesterov_update": [optimizers.nesterov_update, nesterov_b],
    "adagrad_update": [optimizers.adagrad_update, adagrad_b],
    "adadelta_update": [optimizers.adadelta_update, adadelta_b],
    "rmsprop_update": [optimizers.rmsprop_update, rmsprop_b],
    "adam_update": [optimizers.adam_update, adam_b],
    "adamw_update": [optimizers.adamw_update, adamw_b],
}
RULES = [n for n in EXERCISES if n != "minibatches"]


def test_every_exercise_is_covered():
    assert sorted(CORRECT) == sorted(EXERCISES)


@pytest.mark.parametrize("name, fn", [(n, f) for n, fs in CORRECT.items() for f in fs],
                         ids=lambda v: getattr(v, "__name__", v))
def test_correct_answers_pass_and_earn_full_points(name, fn):
    _, out = quiet(EXERCISES[name].check, fn)
    assert f"✓ {name} passed" in out
    for seed in range(5):
        points, _ = quiet(EXERCISES[name].grade, fn, 2, seed=seed)
        assert points == 2, seed


@pytest.mark.parametrize("name, mistake", [(n, m) for n, e in EXERCISES.items() for m in e.mistakes],
                         ids=lambda v: getattr(v, "name", v))
def test_each_mistake_fails_with_its_hint_and_loses_points(name, mistake):
    with pytest.raises(CheckFailed) as info:
        quiet(EXERCISES[name].check, mistake.impl)
    assert f"hint: {mistake.hint}" in str(info.value)
    for seed in range(3):
        try:
            points, _ = quiet(EXERCISES[name].grade, mistake.impl, 2, seed=seed)
        except CheckFailed:
            points = 0.0
        assert points < 2


def test_at_least_three_mistakes_per_exercise():
    assert all(len(e.mistakes) >= 3 for e in EXERCISES.values())


def test_every_rule_has_a_one_step_and_a_multi_step_visible_check():
    rng = np.random.default_rng(0)
    for name in RULES:
        labels = [c.label for c in EXERCISES[name].visible(rng)]
        assert any(label.startswith("one call from an empty state") for label in labels), name
        assert any("five calls" in label for label in labels), name


# --- what the trajectory messages say ------------------------------------------------------------------------

def test_message_names_call_step_input_expected_got_and_hint():
    def no_bias_correction(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * state.get("m", 0) + (1 - beta1) * grad
        v = beta2 * state.get("v", 0) + (1 - beta2) * grad**2
        return theta - lr * m / (np.sqrt(v) + eps), {"m": m, "v": v}
    with pytest.raises(CheckFailed) as info:
        quiet(L.check_adam_update, no_bias_correction)
    text = str(info.value)
    assert "adam_update(theta, grad, state, lr=0.1): the returned theta has wrong values after call 1 of 1" in text
    assert "input:    one call from an empty state: theta = [1, -2, 0.5], grad = [0.2, -0.5, 1]" in text
    assert "and state = {}" in text
    assert "first wrong entry [0]: expected 0.900000005, got 0.683772734" in text
    assert "m_hat = m / (1 - beta1**t)" in text


def test_later_steps_say_which_call_went_wrong():
    def forgets_after_three(theta, grad, state, lr, gamma=0.9):
        state["n"] = state.get("n", 0) + 1
        if state["n"] == 3:
            state["v"] = np.zeros_like(theta)
        return optimizers.momentum_update(theta, grad, state, lr=lr, gamma=gamma)
    with pytest.raises(CheckFailed) as info:
        quiet(L.check_momentum_update, forgets_after_three)
    assert "after call 3 of 5" in str(info.value) and "(calls 1 to 2 were right)" in str(info.value)


@pytest.mark.parametrize("name", RULES)
def test_modifying_theta_in_place_is_named(name):
    reference = CORRECT[name][0]

    def in_place(theta, grad, state, **hyper):
        new, state = reference(theta, grad, state, **hyper)
        theta[...] = new
        return theta, state
    with pytest.raises(CheckFailed) as info:
        quiet(EXERCISES[name].check, in_place)
    assert "modified its input `theta` in place" in str(info.value) and "theta = theta - step" in str(info.value)


def test_modifying_grad_in_place_is_named():
    def clips_grad(theta, grad, state, lr):
        np.clip(grad, -0.1, 0.1, out=grad)
        return theta - lr * grad, state
    with pytest.raises(CheckFailed, match="modified its input `grad` in place"):
        quiet(L.check_sgd_update, clips_grad)


@pytest.mark.parametrize("name", RULES)
@pytest.mark.parametrize("wrong, message", [
    (lambda theta, state: None, "returned None"),
    (lambda theta, state: theta, "expected a pair (theta, state)"),
    (lambda theta, state: (theta, None), "the returned state is None"),
    (lambda theta, state: (list(theta), state), "is a Python list, expected a numpy array"),
    (lambda theta, state: (theta[:-1], state), "has shape (2,), expected (3,)"),
    (lambda theta, state: (theta, state["v"]), "raised KeyError"),
])
def test_wrong_results_get_clear_messages(name, wrong, message):
    def fn(theta, grad, state, **hyper):
        return wrong(theta, state)
    with pytest.raises(CheckFailed) as info:
        quiet(EXERCISES[name].check, fn)
    assert message in str(info.value)


def test_empty_state_key_error_gets_the_state_hint():
    def expects_state(theta, grad, state, lr, gamma=0.9):
        v = gamma * state["v"] + lr * grad
        return theta - v, {"v": v}
    with pytest.raises(CheckFailed) as info:
        quiet(L.check_momentum_update, expects_state)
    assert "on the first call `state` is an empty dict {}" in str(info.value)


def test_missing_keyword_names_the_signature():
    def no_gamma(theta, grad, state, lr):
        return theta - lr * grad, state
    with pytest.raises(CheckFailed) as info:
        quiet(L.check_momentum_update, no_gamma)
    assert "the contract's signature is momentum_update(theta, grad, state, lr, gamma=0.9)" in str(info.value)


@pytest.mark.parametrize("name", sorted(EXERCISES))
@pytest.mark.parametrize("bad", [None, [1, 2], 3.0])
def test_check_needs_a_function(name, bad):
    with pytest.raises(CheckFailed, match=f"check_{name} needs your function itself"):
        EXERCISES[name].check(bad)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_not_implemented_says_so(name):
    def stub(*args, **kwargs):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not written yet"):
        EXERCISES[name].check(stub)


def test_the_mistakes_are_real_alternatives():
    """Each rule mistake differs from the reference somewhere in the visible checks but runs without error."""
    rng = np.random.default_rng(0)
    for name in RULES:
        ex = EXERCISES[name]
        for mistake in ex.mistakes:
            assert any(prop.test(mistake.impl) for prop in ex.visible(rng)), (name, mistake.name)


# --- minibatches ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("wrong, message", [
    (lambda X, y, bs, rng, shuffle=True: None, "returned None"),
    (lambda X, y, bs, rng, shuffle=True: (X, y), "expected batches (Xb, yb) one after another"),
    (lambda X, y, bs, rng, shuffle=True: iter([X[:bs]]), "expected a pair (Xb, yb)"),
    (lambda X, y, bs, rng, shuffle=True: iter([(X.tolist(), y)]), "Xb is [["),
    (lambda X, y, bs, rng, shuffle=True: iter([(X.ravel(), y)]), "Xb has shape"),
    (lambda X, y, bs, rng, shuffle=True: iter([(X, y[:-1])]), "rows of X but"),
    (lambda X, y, bs, rng, shuffle=True: iter([(X + 0.5, y)]), "contains rows that are not rows of X"),
])
def test_minibatches_wrong_forms(wrong, message):
    with pytest.raises(CheckFailed) as info:
        quiet(L.check_minibatches, wrong)
    assert message in str(info.value)


def test_minibatches_message_lists_sizes():
    with pytest.raises(CheckFailed) as info:
        quiet(L.check_minibatches, EXERCISES["minibatches"].mistakes[0].impl)  # drops the last batch
    text = str(info.value)
    assert "batch sizes: expected [3, 3, 3, 1], got [3, 3, 3]" in text
    assert "examples array([9.]) never appear" in text or "examples 9" in text or "never appear" in text


def test_minibatches_checks_leave_global_random_state_alone():
    np.random.seed(7)
    expected = np.random.random()
    np.random.seed(7)
    with pytest.raises(CheckFailed):
        quiet(L.check_minibatches, EXERCISES["minibatches"].mistakes[2].impl)  # np.random.permutation
    assert np.random.random() == expected


def test_correct_minibatches_pass_grading_on_many_seeds():
    for seed in range(40):
        for fn in CORRECT["minibatches"]:
            points, _ = quiet(EXERCISES["minibatches"].grade, fn, 1, seed=seed)
            assert points == 1, (fn, seed)
