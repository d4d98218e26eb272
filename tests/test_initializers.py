"""course.initializers, tested statistically: moments within sampling error, never a seed's exact draws."""
from __future__ import annotations

import math

import numpy as np
import pytest

from course import initializers as init
from course.validation import CourseInputError

SIGMAS = 6.0
UNIFORM = {"uniform", "xavier_uniform", "he_uniform"}
NORMAL = {"xavier_normal", "lecun_normal", "he_normal"}
RANDOM = sorted(UNIFORM | NORMAL)


def pooled(name, n_in, n_out, samples=80_000, first_seed=0, **kw):
    """Weights from enough calls with fresh generators to reach ``samples``."""
    make = init.get_initializer(name)
    calls = max(1, math.ceil(samples / (n_in * n_out)))
    return np.concatenate([make(n_in, n_out, np.random.default_rng(first_seed + k), **kw)[0].ravel()
                           for k in range(calls)])


def kurtosis_of(name):
    return 1.8 if name in UNIFORM else 3.0  # E(w^4) / Var(w)^2 of a uniform / a normal


@pytest.mark.parametrize("name", RANDOM)
@pytest.mark.parametrize("fans", [(300, 100), (40, 500), (7, 3)])
def test_mean_and_variance_within_sampling_error(name, fans):
    n_in, n_out = fans
    w = pooled(name, n_in, n_out)
    var0 = init.expected_variance(name, n_in, n_out)
    n = w.size
    assert abs(w.mean()) <= SIGMAS * math.sqrt(var0 / n)
    assert abs(w.var() - var0) <= SIGMAS * var0 * math.sqrt((kurtosis_of(name) - 1) / n)


@pytest.mark.parametrize("name", sorted(UNIFORM))
def test_uniform_ones_fill_exactly_their_range(name):
    n_in, n_out = 120, 80
    w = pooled(name, n_in, n_out)
    r = math.sqrt(3 * init.expected_variance(name, n_in, n_out))
    assert np.max(np.abs(w)) <= r
    assert w.max() > r * (1 - 60 / w.size) and w.min() < -r * (1 - 60 / w.size)  # fails with p < 1e-13
    # A uniform has flat density: each quarter of the range holds a quarter of the weights.
    counts = np.histogram(w, bins=4, range=(-r, r))[0] / w.size
    assert np.all(np.abs(counts - 0.25) <= SIGMAS * math.sqrt(0.25 * 0.75 / w.size))


@pytest.mark.parametrize("name", sorted(NORMAL))
def test_normal_ones_have_normal_tails(name):
    n_in, n_out = 200, 150
    w = pooled(name, n_in, n_out)
    sigma = math.sqrt(init.expected_variance(name, n_in, n_out))
    for k in (1, 2, 3):
        p = math.erfc(k / math.sqrt(2))
        assert abs(np.mean(np.abs(w) > k * sigma) - p) <= SIGMAS * math.sqrt(p * (1 - p) / w.size)


def test_uniform_init_follows_a():
    for a in (0.1, 0.5, 2.0):
        w = pooled("uniform", 100, 100, a=a)
        assert np.max(np.abs(w)) <= a and np.max(np.abs(w)) > 0.99 * a
        var0 = init.expected_variance("uniform", 100, 100, a=a)
        assert var0 == pytest.approx(a * a / 3)
        assert abs(w.var() - var0) <= SIGMAS * var0 * math.sqrt(0.8 / w.size)


def test_expected_variances_are_the_formulas():
    assert init.expected_variance("zeros", 3, 4) == 0
    assert init.expected_variance("uniform", 3, 4) == pytest.approx(0.01 / 3)
    assert init.expected_variance("xavier_uniform", 300, 100) == pytest.approx(2 / 400)
    assert init.expected_variance("xavier_normal", 300, 100) == pytest.approx(2 / 400)
    assert init.expected_variance("lecun_normal", 300, 100) == pytest.approx(1 / 300)
    assert init.expected_variance("he_normal", 300, 100) == pytest.approx(2 / 300)
    assert init.expected_variance("he_uniform", 300, 100) == pytest.approx(2 / 300)


@pytest.mark.parametrize("name", sorted(init.INITIALIZERS))
def test_shapes_zero_bias_and_float64(name):
    W, b = init.get_initializer(name)(5, 3, rng=np.random.default_rng(0))
    assert W.shape == (5, 3) and b.shape == (3,)
    assert W.dtype == np.float64 and b.dtype == np.float64
    np.testing.assert_array_equal(b, np.zeros(3))


def test_zeros_is_all_zero_and_needs_no_rng():
    W, b = init.zeros_init(4, 2)
    assert not W.any() and not b.any()


@pytest.mark.parametrize("name", RANDOM)
def test_draws_come_from_rng_not_global_state(name):
    make = init.get_initializer(name)
    saved = np.random.get_state()
    try:
        np.random.seed(1)
        a = make(6, 4, np.random.default_rng(7))[0]
        np.random.seed(2)
        a_again = make(6, 4, np.random.default_rng(7))[0]
        b = make(6, 4, np.random.default_rng(8))[0]
    finally:
        np.random.set_state(saved)
    np.testing.assert_array_equal(a, a_again)
    assert not np.array_equal(a, b)
    assert len(np.unique(a.T, axis=0)) == 4  # every unit (column) different: symmetry broken


@pytest.mark.parametrize("name", RANDOM)
@pytest.mark.parametrize("bad, message", [((0, 3), "`n_in` must be a positive integer"),
                                          ((3, 2.5), "`n_out` must be a positive integer"),
                                          ((True, 3), "`n_in` must be a positive integer")])
def test_bad_fans_get_a_clear_error(name, bad, message):
    with pytest.raises(CourseInputError, match=message):
        init.get_initializer(name)(*bad, np.random.default_rng(0))


@pytest.mark.parametrize("name", RANDOM)
@pytest.mark.parametrize("rng", [None, 0, np.random.RandomState(0)])
def test_bad_rng_gets_a_clear_error(name, rng):
    with pytest.raises(CourseInputError, match="numpy.random.Generator"):
        init.get_initializer(name)(3, 2, rng)


@pytest.mark.parametrize("a", [0.0, -0.1, float("nan")])
def test_uniform_rejects_a_bad_range(a):
    with pytest.raises(CourseInputError, match="`a` must be a positive number"):
        init.uniform_init(3, 2, np.random.default_rng(0), a=a)


def test_unknown_names_are_named():
    with pytest.raises(CourseInputError, match="unknown initializer 'xavier'"):
        init.get_initializer("xavier")
    with pytest.raises(CourseInputError, match="unknown initializer"):
        init.expected_variance("glorot", 3, 4)


def test_the_variance_is_what_keeps_a_deep_linear_stack_steady():
    """The notes' derivation: Var(u) = M Var(w) Var(z), so Var(w) = 1/M keeps the scale (2/M through ReLU)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2000, 256))
    for name, f in (("lecun_normal", lambda z: z), ("he_normal", lambda z: np.maximum(z, 0))):
        A = X
        for _ in range(10):
            W, b = init.get_initializer(name)(256, 256, rng)
            A = f(A @ W + b)
        second_moment = float(np.mean(A**2))
        assert 0.5 < second_moment < 2.0, (name, second_moment)  # 1 in expectation; 1e-3 or 1e3 if off by 2x
