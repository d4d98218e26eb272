"""Lesson 08 checks: correct answers pass however they draw, every typical mistake fails with its hint.

The initializer checks are statistical; here they are also run over many seeds (a
correct initializer must never fail) and against slightly wrong variances (which must).
"""
from __future__ import annotations

import contextlib
import io
import math

import numpy as np
import pytest

from course import diagnostics, initializers
from course.checks import lesson08 as L
from course.checks.core import CheckFailed

EXERCISES = L.EXERCISES


# --- correct answers, written in different ways ----------------------------------------------------------------

def zeros_a(n_in, n_out):
    return np.zeros((n_in, n_out)), np.zeros(n_out)


def zeros_b(n_in, n_out):
    return np.full((n_in, n_out), 0.0), np.zeros((n_out,), dtype=int)


def uniform_a(n_in, n_out, rng, a=0.1):
    return rng.uniform(-a, a, size=(n_in, n_out)), np.zeros(n_out)


def uniform_b(n_in, n_out, rng, a=0.1):
    # Column by column, from rng.random: another draw order, the same distribution.
    W = np.column_stack([a * (2 * rng.random(n_in) - 1) for _ in range(n_out)])
    return W, np.zeros(n_out)


def xavier_a(n_in, n_out, rng):
    r = np.sqrt(6 / (n_in + n_out))
    return rng.uniform(-r, r, (n_in, n_out)), np.zeros(n_out)


def xavier_b(n_in, n_out, rng):
    r = math.sqrt(6.0 / (n_in + n_out))
    return (r * (2 * rng.random((n_out, n_in)) - 1)).T, np.zeros(n_out)


def lecun_a(n_in, n_out, rng):
    return rng.normal(0, np.sqrt(1 / n_in), (n_in, n_out)), np.zeros(n_out)


def lecun_b(n_in, n_out, rng):
    return rng.standard_normal((n_in, n_out)) / math.sqrt(n_in), np.zeros(n_out)


def he_a(n_in, n_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)), np.zeros(n_out)


def he_b(n_in, n_out, rng):
    # Box-Muller from uniforms: a normal drawn without rng.normal.
    u1, u2 = 1 - rng.random((n_in, n_out)), rng.random((n_in, n_out))
    z = np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)
    return math.sqrt(2 / n_in) * z, np.zeros(n_out)


def layer_stats_a(X, params, activation):
    stats, A = [], X
    for W, b in params:
        A = activation(A @ W + b)
        stats.append((np.mean(A), np.std(A)))
    return stats


def layer_stats_b(X, params, activation):
    out = []
    for W, b in params:
        X = activation(np.dot(X, W) + b[None, :])
        centred = X - X.sum() / X.size
        out.append([float(X.sum() / X.size), float(np.sqrt((centred**2).mean()))])
    return out


CORRECT = {
    "zeros_init": [zeros_a, zeros_b],
    "uniform_init": [uniform_a, uniform_b],
    "xavier_uniform": [xavier_a, xavier_b],
    "lecun_normal": [lecun_a, lecun_b],
    "he_normal": [he_a, he_b],
    "layer_stats": [layer_stats_a, layer_stats_b, diagnostics.layer_stats],
}
RANDOM = ["uniform_init", "xavier_uniform", "lecun_normal", "he_normal"]


def quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        value = fn(*args, **kwargs)
    return value, out.getvalue()


def test_every_exercise_is_covered():
    assert sorted(CORRECT) == sorted(EXERCISES)


@pytest.mark.parametrize("name, fn", [(n, f) for n, fs in CORRECT.items() for f in fs],
                         ids=lambda v: getattr(v, "__name__", v))
def test_correct_answers_pass_and_earn_full_points(name, fn):
    _, out = quiet(EXERCISES[name].check, fn)
    assert f"✓ {name} passed" in out
    points, _ = quiet(EXERCISES[name].grade, fn, 3, seed=11)
    assert points == 3


@pytest.mark.parametrize("name, mistake", [(n, m) for n, e in EXERCISES.items() for m in e.mistakes],
                         ids=lambda v: getattr(v, "name", v))
def test_each_mistake_fails_with_its_hint_and_loses_points(name, mistake):
    with pytest.raises(CheckFailed) as info:
        quiet(EXERCISES[name].check, mistake.impl)
    assert f"hint: {mistake.hint}" in str(info.value)
    try:
        points, _ = quiet(EXERCISES[name].grade, mistake.impl, 3, seed=5)
    except CheckFailed:
        points = 0.0
    assert points < 3


def test_at_least_three_mistakes_per_exercise():
    assert all(len(e.mistakes) >= 3 for e in EXERCISES.values())


# --- messages name the function, the input, expected and got ---------------------------------------------

def test_variance_message_is_complete():
    def double_variance(n_in, n_out, rng):
        return rng.normal(0, math.sqrt(2 / n_in), (n_in, n_out)), np.zeros(n_out)
    with pytest.raises(CheckFailed) as info:
        quiet(L.check_lecun_normal, double_variance)
    text = str(info.value)
    assert "lecun_normal(n_in, n_out, rng): the variance of W's entries is wrong" in text
    assert "input:    n_in = 300, n_out = 100" in text
    assert "expected: Var(w) = 1 / n_in = 0.00333333" in text
    assert "got:      0.006" in text and "× the expected" in text
    assert "that is He initialization" in text


def test_zero_bias_shape_and_symmetry_messages():
    def random_bias(n_in, n_out, rng):
        return rng.normal(0, 1 / math.sqrt(n_in), (n_in, n_out)), rng.normal(size=n_out)

    def one_column(n_in, n_out, rng):
        return np.tile(rng.normal(0, math.sqrt(2 / n_in), (n_in, 1)), (1, n_out)), np.zeros(n_out)

    with pytest.raises(CheckFailed, match=r"b must be all zeros, but b\[0\]"):
        quiet(L.check_lecun_normal, random_bias)
    with pytest.raises(CheckFailed) as info:
        quiet(L.check_he_normal, one_column)
    assert L.SAME_COLUMNS in str(info.value)


@pytest.mark.parametrize("name", RANDOM)
def test_slightly_wrong_variances_fail(name):
    ref = CORRECT[name][0]

    def scaled(n_in, n_out, rng, *rest, **kw):
        W, b = ref(n_in, n_out, rng, *rest, **kw)
        return 1.05 * W, b  # variance 10 % too large: far outside 6 standard errors of 60 000 samples

    def narrower(n_in, n_out, rng, *rest, **kw):
        W, b = ref(n_in, n_out, rng, *rest, **kw)
        return 0.95 * W, b

    for wrong in (scaled, narrower):
        with pytest.raises(CheckFailed, match="variance of W's entries is wrong|outside the range"):
            quiet(EXERCISES[name].check, wrong)


@pytest.mark.parametrize("name", ["lecun_normal", "he_normal"])
def test_a_uniform_with_the_right_variance_is_not_normal(name):
    var = (lambda n_in: 1 / n_in) if name == "lecun_normal" else (lambda n_in: 2 / n_in)

    def uniform(n_in, n_out, rng):
        r = math.sqrt(3 * var(n_in))
        return rng.uniform(-r, r, (n_in, n_out)), np.zeros(n_out)

    def laplace(n_in, n_out, rng):  # right variance, heavier tails than a normal
        return rng.laplace(0, math.sqrt(var(n_in) / 2), (n_in, n_out)), np.zeros(n_out)

    for wrong in (uniform, laplace):
        with pytest.raises(CheckFailed, match="not normally distributed"):
            quiet(EXERCISES[name].check, wrong)


@pytest.mark.parametrize("name", RANDOM)
def test_rng_misuse_is_named(name):
    ref = CORRECT[name][0]

    def own_generator(n_in, n_out, rng, *rest, **kw):
        return ref(n_in, n_out, np.random.default_rng(), *rest, **kw)

    def fixed_seed(n_in, n_out, rng, *rest, **kw):
        return ref(n_in, n_out, np.random.default_rng(42), *rest, **kw)

    for wrong, hint in ((own_generator, L.OWN_GENERATOR), (fixed_seed, L.IGNORES_RNG)):
        with pytest.raises(CheckFailed) as info:
            quiet(EXERCISES[name].check, wrong)
        assert hint in str(info.value)


def test_checks_leave_global_random_state_alone():
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    with pytest.raises(CheckFailed):
        quiet(L.check_uniform_init, EXERCISES["uniform_init"].mistakes[4].impl)  # the np.random one
    assert np.random.random() == expected


# --- bad input -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXERCISES))
@pytest.mark.parametrize("bad", [None, [1, 2], "xavier"])
def test_check_needs_a_function(name, bad):
    with pytest.raises(CheckFailed, match=f"check_{name} needs your function itself"):
        EXERCISES[name].check(bad)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_function_returning_none_gets_a_clear_message(name):
    with pytest.raises(CheckFailed) as info:
        quiet(EXERCISES[name].check, lambda *args, **kw: None)
    assert "returned None" in str(info.value) and "return" in str(info.value)


@pytest.mark.parametrize("name", RANDOM)
@pytest.mark.parametrize("result, message", [
    (lambda n_in, n_out: [[0.0] * n_out] * n_in, "returned 5 values, expected 2: (W, b)"),
    (lambda n_in, n_out: np.zeros((n_in, n_out)), "expected a pair (W, b)"),
    (lambda n_in, n_out: ([[0.0] * n_out] * n_in, [0.0] * n_out), "W is [[0, 0, 0]"),
    (lambda n_in, n_out: (np.zeros((n_out, n_in)), np.zeros(n_out)), "W must have shape (n_in, n_out)"),
    (lambda n_in, n_out: (np.zeros((n_in, n_out)), np.zeros((1, n_out))), "b has shape (1,"),
    (lambda n_in, n_out: (np.zeros((n_in, n_out)), np.zeros(n_out), 0), "returned 3 values"),
])
def test_wrong_forms_are_named(name, result, message):
    def fn(n_in, n_out, rng, *rest, **kw):
        value = result(n_in, n_out)
        if n_in == n_out and message.startswith("W must"):
            return np.zeros((n_in + 1, n_out)), np.zeros(n_out)
        return value
    with pytest.raises(CheckFailed) as info:
        quiet(EXERCISES[name].check, fn)
    assert message in str(info.value)


def test_not_implemented_says_so():
    def stub(*args, **kwargs):
        raise NotImplementedError()
    for name in EXERCISES:
        with pytest.raises(CheckFailed, match="not written yet"):
            EXERCISES[name].check(stub)


def test_layer_stats_bad_shapes_are_reported():
    def crashes(X, params, activation):
        return [(float(np.mean(X @ W.T)), 0.0) for W, b in params]
    with pytest.raises(CheckFailed) as info:
        quiet(L.check_layer_stats, crashes)
    assert "raised ValueError" in str(info.value) and "check the shapes" in str(info.value)


# --- statistics over many seeds ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", RANDOM)
def test_correct_initializers_pass_grading_on_twenty_seeds(name):
    for seed in range(20):
        for fn in CORRECT[name]:
            points, _ = quiet(EXERCISES[name].grade, fn, 1, seed=seed)
            assert points == 1, (name, fn.__name__, seed)


@pytest.mark.slow
@pytest.mark.parametrize("name", RANDOM)
def test_statistical_checks_never_fail_a_correct_initializer_over_200_seeds(name):
    """Each statistical property on 200 independent samples: a false failure here would show the bands too tight."""
    ex = EXERCISES[name]
    stats = {"uniform_init": L.UNIFORM_STATS, "xavier_uniform": L.XAVIER_STATS, "lecun_normal": L.LECUN_STATS,
             "he_normal": L.HE_STATS}[name]
    kwargs = {"a": 0.3} if name == "uniform_init" else {}
    for seed in range(200):
        for fn in CORRECT[name]:
            prop = L._stats_property(name, ex.signature, stats, 150, 60, kwargs, ex.mistakes, first_seed=10_000 * seed)
            assert prop.test(fn) is None, (fn.__name__, seed)


def test_variance_bands_are_six_standard_errors():
    assert L.variance_band(1.0, 60_000, "normal") == pytest.approx(6 * math.sqrt(2 / 60_000))
    assert L.variance_band(1.0, 60_000, "uniform") == pytest.approx(6 * math.sqrt(0.8 / 60_000))


# --- the variance questions ------------------------------------------------------------------------------------

def test_variance_answers_right_wrong_and_missing():
    answers = [q[1] for q in L.QUESTIONS]
    results, out = quiet(L.check_variance_answers, *answers)
    assert results == [True] * len(L.QUESTIONS) and out.count("✓") == len(L.QUESTIONS)
    results, out = quiet(L.check_variance_answers, 0.01, 2 / 512, None, "0.003")
    assert results == [True, False, None, False]
    assert "2 / M is the variance" in out and "not answered yet" in out and "expected a number" in out
    results, out = quiet(L.check_variance_answers)
    assert results == [None] * len(L.QUESTIONS)


@pytest.mark.parametrize("index", range(4))
def test_every_typical_wrong_answer_has_its_hint(index):
    text, answer, wrong = L.QUESTIONS[index]
    for value, hint in wrong:
        answers = [None] * len(L.QUESTIONS)
        answers[index] = value
        results, out = quiet(L.check_variance_answers, *answers)
        assert results[index] is False and hint in out
    answers = [None] * len(L.QUESTIONS)
    answers[index] = float(f"{answer:.3g}")  # three significant digits are enough
    assert quiet(L.check_variance_answers, *answers)[0][index] is True


def test_answers_match_the_initializers():
    assert L.QUESTIONS[0][1] == initializers.expected_variance("lecun_normal", 100, 7)
    assert L.QUESTIONS[1][1] == pytest.approx(math.sqrt(initializers.expected_variance("he_normal", 512, 7)))
    assert L.QUESTIONS[2][1] == pytest.approx(math.sqrt(3 * initializers.expected_variance("xavier_uniform", 784, 256)))
    assert L.QUESTIONS[3][1] == pytest.approx(initializers.expected_variance("uniform", 3, 3, a=0.1))
