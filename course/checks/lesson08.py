"""Checks for lesson 08, initialization.

The random initializers are checked **statistically**, never against a seed or a draw
order: any correct implementation passes however it draws its numbers. Each check
pools at least :data:`MIN_SAMPLES` weights from calls with fresh generators and tests

* the structure: ``(W, b)``, ``W.shape == (n_in, n_out)``, ``b`` zeros of shape ``(n_out,)``,
  no two hidden units (columns of ``W``) alike;
* the mean (about 0) and the variance (about the formula), each within
  :data:`SIGMAS` standard errors of its sampling distribution, so that a correct
  initializer fails with probability below 1e-8 per check;
* the shape of the distribution: uniform ones stay inside ``[-r, r]`` and reach close to
  both ends; normal ones have about 4.55 % of their weights beyond 2 standard deviations
  (a uniform with the right variance has none);
* the randomness: the same seed gives the same ``W``, different seeds different ones, and
  numpy's global random state plays no part.

A wrong variance is matched against the typical mistakes (sampled the same way) to pick
the hint.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .. import diagnostics, initializers
from .core import Case, Exercise, Mistake, Property, describe

Array = np.ndarray

MIN_SAMPLES = 60_000
"""Weights pooled for one statistical check (relative standard error of the variance ~0.4-0.6 %)."""

SIGMAS = 6.0
"""Width of every statistical acceptance band, in standard errors (two-sided p ~ 2e-9)."""

NORMAL_TAIL = math.erfc(2.0 / math.sqrt(2.0))
"""P(|w| > 2 sigma) for a normal distribution: 0.0455."""

KURTOSIS = {"uniform": 1.8, "normal": 3.0}
"""E(w^4) / Var(w)^2 of each distribution, for the standard error of a sample variance."""


class _Problem(Exception):
    """A property found something wrong; its message is what the student reads."""


class StatisticalMistake(Mistake):
    """A wrong initializer recognised by the statistics of its weights (not by equal values)."""


_statistical = StatisticalMistake


# --- hints shared by properties and the Mistake list --------------------------------------

GLOBAL_STATE = ("you used numpy's global random state (np.random.uniform / np.random.randn ...); draw from the "
                "`rng` argument instead, e.g. rng.uniform(...) or rng.normal(...)")
OWN_GENERATOR = ("you made a new generator inside the function (np.random.default_rng() ...); draw from the `rng` "
                 "argument so that a seed reproduces the weights")
IGNORES_RNG = ("different generators gave the same weights: draw from the `rng` argument (not a generator "
               "seeded inside the function)")
TRANSPOSED = "W must have shape (n_in, n_out): rows are inputs, columns are units (Z = A_prev @ W + b)"
SAME_COLUMNS = ("two hidden units (columns of W) got identical weights: draw the whole (n_in, n_out) matrix at "
                "once so that every unit starts different (symmetry breaking)")


def _restore_global_state(test: Callable[..., str | None]) -> Callable[..., str | None]:
    """Run ``test`` without leaving a trace on numpy's global random state."""
    def wrapped(fn: Callable[..., Any]) -> str | None:
        saved = np.random.get_state()
        try:
            return test(fn)
        finally:
            np.random.set_state(saved)
    return wrapped


def _pair(result: Any, n_in: int, n_out: int, signature: str, label: str) -> tuple[Array, Array]:
    """Check one initializer result; return ``(W, b)`` as float arrays or raise :class:`_Problem`."""
    where = f"\n  input:    {label}"
    if result is None:
        raise _Problem(f"{signature} returned None{where}\n  hint: end with `return W, b`")
    if isinstance(result, np.ndarray) or not isinstance(result, (tuple, list)):
        raise _Problem(f"{signature} returned {describe(result)}, expected a pair (W, b){where}\n"
                       f"  hint: return both the weights and the bias: `return W, b`")
    if len(result) != 2:
        raise _Problem(f"{signature} returned {len(result)} values, expected 2: (W, b){where}")
    W, b = result
    for name, value, want in (("W", W, (n_in, n_out)), ("b", b, (n_out,))):
        if not isinstance(value, np.ndarray):
            raise _Problem(f"{signature}: {name} is {describe(value)} ({type(value).__name__}), expected a numpy "
                           f"array of shape {want}{where}")
        if not np.issubdtype(value.dtype, np.number):
            raise _Problem(f"{signature}: {name} has dtype {value.dtype}, expected numbers{where}")
        if value.shape != want:
            hint = TRANSPOSED if name == "W" and value.shape == want[::-1] else (
                "b has one entry per unit (n_out), not per input" if name == "b" and value.shape == (n_in,) else
                f"make {name} a {len(want)}-D array of shape {want}")
            raise _Problem(f"{signature}: {name} has shape {value.shape}, expected {want}{where}\n  hint: {hint}")
    W, b = W.astype(np.float64), b.astype(np.float64)
    if not np.all(np.isfinite(W)):
        raise _Problem(f"{signature}: W contains {W[~np.isfinite(W)][0]}{where}")
    if np.any(b != 0):
        i = int(np.flatnonzero(b)[0])
        raise _Problem(f"{signature}: b must be all zeros, but b[{i}] = {b[i]:.6g}{where}\n"
                       f"  hint: only W is random; the bias starts at zero: b = np.zeros(n_out)")
    return W, b


def _distinct_columns(W: Array, signature: str, label: str) -> None:
    if W.shape[1] > 1 and np.any(W != 0):
        cols = np.unique(W.T, axis=0)
        if cols.shape[0] < W.shape[1]:
            raise _Problem(f"{signature}: some columns of W are identical\n  input:    {label}\n  hint: {SAME_COLUMNS}")


# --- sampling and statistics ---------------------------------------------------------------

def _pool(fn: Callable[..., Any], n_in: int, n_out: int, kwargs: dict, signature: str, label: str,
          first_seed: int, samples: int = MIN_SAMPLES) -> Array:
    """Weights of enough calls with generators ``default_rng(first_seed + k)`` to reach ``samples``."""
    calls = max(1, math.ceil(samples / (n_in * n_out)))
    parts = []
    for k in range(calls):
        W, _ = _pair(fn(n_in, n_out, np.random.default_rng(first_seed + k), **kwargs), n_in, n_out, signature, label)
        if k == 0:
            _distinct_columns(W, signature, label)
        parts.append(W.ravel())
    return np.concatenate(parts)


def _moments(w: Array) -> tuple[float, float, float]:
    """Sample mean, variance and kurtosis E((w - mean)^4) / var^2."""
    mean = float(np.mean(w))
    centred = w - mean
    var = float(np.mean(centred * centred))
    kurt = float(np.mean(centred**4) / var**2) if var > 0 else 0.0
    return mean, var, kurt


def variance_band(var: float, n: int, kind: str) -> float:
    """Half-width of the acceptance band for a sample variance of ``n`` draws: SIGMAS standard errors."""
    return SIGMAS * var * math.sqrt((KURTOSIS[kind] - 1.0) / n)


def _matching_mistake(w: Array, mistakes: list[Mistake], n_in: int, n_out: int, kwargs: dict) -> str | None:
    """The hint of the first statistical mistake whose weights look like ``w``."""
    mean, var, kurt = _moments(w)
    n = w.size
    for mistake in mistakes:
        if not isinstance(mistake, StatisticalMistake):
            continue
        saved = np.random.get_state()
        try:
            parts, k = [], 0
            while sum(p.size for p in parts) < n:
                W = mistake.impl(n_in, n_out, np.random.default_rng(10_000 + k), **kwargs)[0]
                parts.append(np.asarray(W, dtype=np.float64).ravel())
                k += 1
        except Exception:
            continue
        finally:
            np.random.set_state(saved)
        m_mean, m_var, m_kurt = _moments(np.concatenate(parts))
        if m_var <= 0:
            continue
        kind = "uniform" if m_kurt < 2.4 else "normal"
        if abs(var - m_var) <= math.sqrt(2.0) * variance_band(m_var, n, kind) \
                and abs(mean - m_mean) <= SIGMAS * math.sqrt(2.0 * m_var / n) \
                and (kurt < 2.4) == (m_kurt < 2.4):
            return mistake.hint
    return None


class Stats:
    """What an initializer's weights should look like: a mean-zero distribution of ``kind``."""

    def __init__(self, kind: str, variance: Callable[..., float], formula: str, bound: Callable[..., float] | None = None):
        self.kind, self.variance, self.formula, self.bound = kind, variance, formula, bound


def _stats_property(name: str, signature: str, stats: Stats, n_in: int, n_out: int, kwargs: dict,
                    mistakes: list[Mistake], first_seed: int) -> Property:
    shown = ", ".join([f"n_in = {n_in}", f"n_out = {n_out}"] + [f"{k} = {v:g}" for k, v in kwargs.items()])
    calls = max(1, math.ceil(MIN_SAMPLES / (n_in * n_out)))
    calls_text = f"{calls} calls with fresh generators" if calls > 1 else "1 call"
    label = f"{shown} ({calls_text}, {calls * n_in * n_out} weights)"

    def fail(what: str, expected: str, got: str, hint: str | None) -> str:
        lines = [f"{signature}: {what}", f"  input:    {label}", f"  expected: {expected}", f"  got:      {got}"]
        if hint:
            lines.append(f"  hint: {hint}")
        return "\n".join(lines)

    @_restore_global_state
    def test(fn: Callable[..., Any]) -> str | None:
        try:
            w = _pool(fn, n_in, n_out, kwargs, signature, label, first_seed)
        except _Problem as problem:
            return str(problem)
        n = w.size
        var0 = stats.variance(n_in, n_out, **kwargs)
        mean, var, kurt = _moments(w)
        mean_band = SIGMAS * math.sqrt(var0 / n)
        band = variance_band(var0, n, stats.kind)
        if abs(mean - 0.0) > mean_band or abs(var - var0) > band:
            hint = _matching_mistake(w, mistakes, n_in, n_out, kwargs)
            if abs(mean) > mean_band:
                return fail("the weights are not centred at 0", f"mean about 0 (within ± {mean_band:.3g})",
                            f"mean {mean:.6g}", hint or "draw from a symmetric range around 0: [-r, r], not [0, r]")
            return fail("the variance of W's entries is wrong",
                        f"Var(w) = {stats.formula} = {var0:.6g} (within ± {band:.2g}, {SIGMAS:g} standard errors)",
                        f"{var:.6g} ({var / var0:.3g} × the expected)" if var0 > 0 else f"{var:.6g}", hint)
        if stats.kind == "uniform":
            r = stats.bound(n_in, n_out, **kwargs)  # type: ignore[misc]
            if np.max(np.abs(w)) > r * (1 + 1e-12):
                return fail("a weight lies outside the range [-r, r]", f"|w| <= r = {r:.6g}",
                            f"max |w| = {np.max(np.abs(w)):.6g}",
                            _matching_mistake(w, mistakes, n_in, n_out, kwargs)
                            or "draw uniformly on [-r, r], e.g. rng.uniform(-r, r, size=(n_in, n_out))")
            # Both ends of the range are reached: P(no weight within r * 60/n of an end) < 1e-13.
            near = r * (1 - 60.0 / n)
            if np.max(w) < near or np.min(w) > -near:
                return fail("the weights do not fill the range [-r, r]", f"weights close to both -r and r = {r:.6g}",
                            f"min {np.min(w):.6g}, max {np.max(w):.6g}", None)
        else:
            sigma = math.sqrt(var0)
            tail = float(np.mean(np.abs(w) > 2 * sigma))
            tail_band = SIGMAS * math.sqrt(NORMAL_TAIL * (1 - NORMAL_TAIL) / n)
            if abs(tail - NORMAL_TAIL) > tail_band:
                hint = _matching_mistake(w, mistakes, n_in, n_out, kwargs) or (
                    "the variance is right but the weights are not normally distributed: use rng.normal(0, std, size)"
                    if tail < NORMAL_TAIL else "the weights are not normally distributed: use rng.normal(0, std, size)")
                return fail("the weights are not normally distributed",
                            f"about {100 * NORMAL_TAIL:.2f} % of them beyond 2 standard deviations (± {100 * tail_band:.2f} %)",
                            f"{100 * tail:.2f} %", hint)
        return None

    return Property(f"the distribution of W for {label}", test)


def _rng_property(signature: str, n_in: int, n_out: int, kwargs: dict) -> Property:
    shown = ", ".join([f"n_in = {n_in}", f"n_out = {n_out}"] + [f"{k} = {v:g}" for k, v in kwargs.items()])
    label = f"{shown}, rng = np.random.default_rng(seed) for seeds 7 and 8"

    @_restore_global_state
    def test(fn: Callable[..., Any]) -> str | None:
        try:
            def draw(seed: int, global_seed: int) -> Array:
                np.random.seed(global_seed)
                W, _ = _pair(fn(n_in, n_out, np.random.default_rng(seed), **kwargs), n_in, n_out, signature, label)
                return W
            a1, a1_again = draw(7, 1), draw(7, 1)
            a2 = draw(7, 2)
            b1 = draw(8, 1)
        except _Problem as problem:
            return str(problem)
        if not np.array_equal(a1, a2):
            hint = GLOBAL_STATE if np.array_equal(a1, a1_again) else OWN_GENERATOR
            return (f"{signature}: the same seed gave different weights\n  input:    {label}\n"
                    f"  expected: two calls with np.random.default_rng(7) return the same W\n  hint: {hint}")
        if np.array_equal(a1, b1):
            return (f"{signature}: different seeds gave the same weights\n  input:    {label}\n"
                    f"  expected: np.random.default_rng(7) and np.random.default_rng(8) give different W\n"
                    f"  hint: {IGNORES_RNG}")
        return None

    return Property(f"uses the rng argument ({label})", test)


def _structure_property(signature: str, n_in: int, n_out: int, kwargs: dict) -> Property:
    shown = ", ".join([f"n_in = {n_in}", f"n_out = {n_out}"] + [f"{k} = {v:g}" for k, v in kwargs.items()])
    label = f"{shown}, rng = np.random.default_rng(0)"

    @_restore_global_state
    def test(fn: Callable[..., Any]) -> str | None:
        try:
            W, _ = _pair(fn(n_in, n_out, np.random.default_rng(0), **kwargs), n_in, n_out, signature, label)
            _distinct_columns(W, signature, label)
        except _Problem as problem:
            return str(problem)
        return None

    return Property(f"returns (W of shape ({n_in}, {n_out}), zero b of shape ({n_out},)) for {label}", test)




def _random_fans(rng: np.random.Generator) -> tuple[int, int]:
    """Fans far enough apart that fan-in and fan-out formulas differ by at least 1.5 times."""
    while True:
        n_in, n_out = (int(v) for v in rng.integers(8, 400, size=2))
        if max(n_in, n_out) >= 1.5 * min(n_in, n_out):
            return n_in, n_out


def _random_initializer(name: str, signature: str, reference: Callable[..., Any], stats: Stats,
                        visible_shapes: list[tuple[int, int, dict]], hidden_kwargs: Callable[[np.random.Generator], dict],
                        mistakes: list[Mistake]) -> Exercise:
    def visible(rng: np.random.Generator) -> list[Property]:
        checks: list[Property] = [_structure_property(signature, 5, 3, {}), _structure_property(signature, 1, 4, {}),
                                  _rng_property(signature, 6, 4, {})]
        for i, (n_in, n_out, kw) in enumerate(visible_shapes):
            checks.append(_stats_property(name, signature, stats, n_in, n_out, kw, mistakes, 1000 * (i + 1)))
        return checks

    def hidden(rng: np.random.Generator) -> list[Property]:
        checks: list[Property] = []
        n_in, n_out = (int(v) for v in rng.integers(1, 12, size=2))
        checks.append(_structure_property(signature, n_in, n_out, hidden_kwargs(rng)))
        checks.append(_rng_property(signature, int(rng.integers(2, 30)), int(rng.integers(2, 30)), hidden_kwargs(rng)))
        for _ in range(2):
            n_in, n_out = _random_fans(rng)
            checks.append(_stats_property(name, signature, stats, n_in, n_out, hidden_kwargs(rng), mistakes,
                                          int(rng.integers(0, 2**31))))
        return checks

    return Exercise(name=name, signature=signature, reference=reference, visible=visible, hidden=hidden,
                    mistakes=mistakes)


# --- zeros_init(n_in, n_out) -------------------------------------------------------------------

def _zeros_visible(rng: np.random.Generator) -> list[Case]:
    return [Case((3, 4), label="n_in = 3, n_out = 4 (the notes' layers: W = 0, b = 0)"),
            Case((2, 5)), Case((1, 1)), Case((7, 2))]


def _zeros_hidden(rng: np.random.Generator) -> list[Case]:
    return [Case((int(a), int(b))) for a, b in rng.integers(1, 40, size=(4, 2))]


ZEROS_INIT = Exercise(
    name="zeros_init",
    signature="zeros_init(n_in, n_out)",
    reference=lambda n_in, n_out: initializers.zeros_init(n_in, n_out),
    visible=_zeros_visible,
    hidden=_zeros_hidden,
    mistakes=[
        Mistake("transposed", lambda n_in, n_out: (np.zeros((n_out, n_in)), np.zeros(n_out)), TRANSPOSED),
        Mistake("b per input", lambda n_in, n_out: (np.zeros((n_in, n_out)), np.zeros(n_in)),
                "b has one entry per unit of the layer: shape (n_out,), not (n_in,)"),
        Mistake("b as a row", lambda n_in, n_out: (np.zeros((n_in, n_out)), np.zeros((1, n_out))),
                "b is 1-D: np.zeros(n_out), not np.zeros((1, n_out))"),
        Mistake("W only", lambda n_in, n_out: np.zeros((n_in, n_out)),
                "return both the weights and the bias: `return W, b`"),
        Mistake("ones", lambda n_in, n_out: (np.ones((n_in, n_out)), np.zeros(n_out)),
                "np.ones gives ones; all-zero weights are np.zeros((n_in, n_out))"),
    ],
)


# --- uniform_init(n_in, n_out, rng, a=0.1) ---------------------------------------------------------

UNIFORM_STATS = Stats("uniform", lambda n_in, n_out, a=0.1: a * a / 3.0, "a² / 3", lambda n_in, n_out, a=0.1: a)

UNIFORM_INIT = _random_initializer(
    "uniform_init", "uniform_init(n_in, n_out, rng, a=0.1)", initializers.uniform_init, UNIFORM_STATS,
    [(300, 200, {}), (120, 500, {"a": 0.5})],
    lambda rng: {"a": float(rng.choice([rng.uniform(0.02, 0.07), rng.uniform(0.15, 0.7), rng.uniform(1.5, 3.0)]))},
    [
        _statistical("normal", lambda n_in, n_out, rng, a=0.1: (rng.normal(0, a, (n_in, n_out)), np.zeros(n_out)),
                     "you drew from a normal distribution with std a; U[-a, a] is uniform: rng.uniform(-a, a, size)"),
        _statistical("[0, a]", lambda n_in, n_out, rng, a=0.1: (rng.uniform(0, a, (n_in, n_out)), np.zeros(n_out)),
                     "your weights lie in [0, a]; the range is [-a, a]: rng.uniform(-a, a, size)"),
        _statistical("ignores a", lambda n_in, n_out, rng, a=0.1: (rng.uniform(-0.1, 0.1, (n_in, n_out)),
                                                                    np.zeros(n_out)),
                     "the range does not follow `a`: use rng.uniform(-a, a, ...) rather than the number 0.1"),
        _statistical("[-1, 1]", lambda n_in, n_out, rng, a=0.1: (rng.uniform(-1, 1, (n_in, n_out)), np.zeros(n_out)),
                     "your weights lie in [-1, 1]: scale them to [-a, a]"),
        Mistake("global", lambda n_in, n_out, rng, a=0.1: (np.random.uniform(-a, a, (n_in, n_out)), np.zeros(n_out)),
                GLOBAL_STATE),
        Mistake("transposed", lambda n_in, n_out, rng, a=0.1: (rng.uniform(-a, a, (n_out, n_in)), np.zeros(n_out)),
                TRANSPOSED),
    ],
)


# --- xavier_uniform(n_in, n_out, rng) -------------------------------------------------------------

XAVIER_STATS = Stats("uniform", lambda n_in, n_out: 2.0 / (n_in + n_out), "2 / (n_in + n_out)",
                     lambda n_in, n_out: math.sqrt(6.0 / (n_in + n_out)))


def _xavier_r(n_in: int, n_out: int) -> float:
    return math.sqrt(6.0 / (n_in + n_out))


XAVIER_UNIFORM = _random_initializer(
    "xavier_uniform", "xavier_uniform(n_in, n_out, rng)", initializers.xavier_uniform, XAVIER_STATS,
    [(300, 100, {}), (64, 256, {})],
    lambda rng: {},
    [
        _statistical("fan-in only", lambda n_in, n_out, rng: (
            rng.uniform(-math.sqrt(6 / n_in), math.sqrt(6 / n_in), (n_in, n_out)), np.zeros(n_out)),
            "you used r = sqrt(6 / n_in); Xavier's bound uses both fans: r = sqrt(6 / (n_in + n_out))"),
        _statistical("normal", lambda n_in, n_out, rng: (
            rng.normal(0, math.sqrt(2 / (n_in + n_out)), (n_in, n_out)), np.zeros(n_out)),
            "the variance is right but the distribution is normal: the notes' Xavier initialization is uniform "
            "on [-r, r] with r = sqrt(6 / (n_in + n_out))"),
        _statistical("normal with std r", lambda n_in, n_out, rng: (
            rng.normal(0, _xavier_r(n_in, n_out), (n_in, n_out)), np.zeros(n_out)),
            "you drew normal weights with std r; draw uniformly on [-r, r]: rng.uniform(-r, r, size)"),
        _statistical("no sqrt", lambda n_in, n_out, rng: (
            rng.uniform(-6 / (n_in + n_out), 6 / (n_in + n_out), (n_in, n_out)), np.zeros(n_out)),
            "your bound is 6 / (n_in + n_out); take its square root: r = sqrt(6 / (n_in + n_out))"),
        _statistical("bound from the variance", lambda n_in, n_out, rng: (
            rng.uniform(-math.sqrt(2 / (n_in + n_out)), math.sqrt(2 / (n_in + n_out)), (n_in, n_out)), np.zeros(n_out)),
            "you used r = sqrt(2 / (n_in + n_out)), the target *standard deviation*; a uniform on [-r, r] has "
            "variance r² / 3, so the bound is r = sqrt(6 / (n_in + n_out))"),
        Mistake("global", lambda n_in, n_out, rng: (
            np.random.uniform(-_xavier_r(n_in, n_out), _xavier_r(n_in, n_out), (n_in, n_out)), np.zeros(n_out)),
            GLOBAL_STATE),
    ],
)


# --- lecun_normal(n_in, n_out, rng) and he_normal(n_in, n_out, rng) -------------------------------

LECUN_STATS = Stats("normal", lambda n_in, n_out: 1.0 / n_in, "1 / n_in")
HE_STATS = Stats("normal", lambda n_in, n_out: 2.0 / n_in, "2 / n_in")


def _normal(var: Callable[[int, int], float]) -> Callable[..., tuple[Array, Array]]:
    return lambda n_in, n_out, rng: (rng.normal(0.0, math.sqrt(var(n_in, n_out)), (n_in, n_out)), np.zeros(n_out))


def _uniform_with_var(var: Callable[[int, int], float]) -> Callable[..., tuple[Array, Array]]:
    def impl(n_in: int, n_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
        r = math.sqrt(3 * var(n_in, n_out))
        return rng.uniform(-r, r, (n_in, n_out)), np.zeros(n_out)
    return impl


LECUN_NORMAL = _random_initializer(
    "lecun_normal", "lecun_normal(n_in, n_out, rng)", initializers.lecun_normal, LECUN_STATS,
    [(300, 100, {}), (50, 400, {})],
    lambda rng: {},
    [
        _statistical("std 1/n_in", lambda n_in, n_out, rng: (rng.normal(0, 1 / n_in, (n_in, n_out)), np.zeros(n_out)),
                     "you used std = 1 / n_in; the *variance* is 1 / n_in, so std = sqrt(1 / n_in) "
                     "(rng.normal's second argument is the standard deviation)"),
        _statistical("He", _normal(lambda n_in, n_out: 2 / n_in),
                     "that is He initialization (Var(w) = 2 / n_in, for ReLU); LeCun's is Var(w) = 1 / n_in"),
        _statistical("fan-out", _normal(lambda n_in, n_out: 1 / n_out),
                     "you divided by n_out; the notes' M is the number of inputs of the layer: Var(w) = 1 / n_in"),
        _statistical("uniform", _uniform_with_var(lambda n_in, n_out: 1 / n_in),
                     "the variance is right but the weights are uniform; LeCun *normal* draws rng.normal(0, std, size)"),
        Mistake("global", lambda n_in, n_out, rng: (np.random.randn(n_in, n_out) * math.sqrt(1 / n_in), np.zeros(n_out)),
                GLOBAL_STATE),
    ],
)

HE_NORMAL = _random_initializer(
    "he_normal", "he_normal(n_in, n_out, rng)", initializers.he_normal, HE_STATS,
    [(300, 100, {}), (50, 400, {})],
    lambda rng: {},
    [
        _statistical("std 2/n_in", lambda n_in, n_out, rng: (rng.normal(0, 2 / n_in, (n_in, n_out)), np.zeros(n_out)),
                     "you used std = 2 / n_in; the *variance* is 2 / n_in, so std = sqrt(2 / n_in) "
                     "(rng.normal's second argument is the standard deviation)"),
        _statistical("LeCun", _normal(lambda n_in, n_out: 1 / n_in),
                     "that is Var(w) = 1 / n_in (LeCun); a ReLU zeroes half of its inputs, E(z²) = Var(u) / 2, so He "
                     "doubles it: Var(w) = 2 / n_in"),
        _statistical("fan-out", _normal(lambda n_in, n_out: 2 / n_out),
                     "you divided by n_out; He's M is the number of inputs of the layer: Var(w) = 2 / n_in"),
        _statistical("uniform", _uniform_with_var(lambda n_in, n_out: 2 / n_in),
                     "the variance is right but the weights are uniform; He *normal* draws rng.normal(0, std, size)"),
        Mistake("global", lambda n_in, n_out, rng: (np.random.randn(n_in, n_out) * math.sqrt(2 / n_in), np.zeros(n_out)),
                GLOBAL_STATE),
    ],
)


# --- layer_stats(X, params, activation) -------------------------------------------------------------

def relu(z: Array) -> Array:
    """ReLU, as a student would pass it."""
    return np.maximum(z, 0.0)


def sigmoid(z: Array) -> Array:
    """A stable sigmoid, as a student would pass it."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def identity(z: Array) -> Array:
    return z


def leaky_relu(z: Array) -> Array:
    return np.where(z > 0, z, 0.01 * z)


_ACTIVATIONS: dict[str, Callable[[Array], Array]] = {"np.tanh": np.tanh, "relu": relu, "sigmoid": sigmoid,
                                                      "identity": identity, "leaky_relu": leaky_relu}


def _stack(rng: np.random.Generator, sizes: list[int], init: str) -> list[tuple[Array, Array]]:
    make = initializers.get_initializer(init)
    params = [make(a, b, rng=rng) for a, b in zip(sizes[:-1], sizes[1:])]
    # Non-zero biases, so that a function that forgets b is caught.
    return [(W, rng.normal(0, 0.1, W.shape[1])) for W, _ in params]


def _layer_stats_visible(rng: np.random.Generator) -> list[Case]:
    X4 = rng.normal(0, 1, (4, 3))
    zero = [(np.zeros((3, 4)), np.zeros(4)), (np.zeros((4, 4)), np.zeros(4)), (np.zeros((4, 1)), np.zeros(1))]
    X_small = np.array([[1.0, 2.0], [3.0, -1.0]])
    small = [(np.array([[1.0, 0.0, -1.0], [0.5, 1.0, 0.0]]), np.array([0.0, 1.0, 0.5]))]
    X50 = rng.normal(0, 1, (200, 50))
    return [
        Case((X4, zero, sigmoid), label="the notes' all-zero network: X of shape (4, 3), zero W and b in 3 layers "
                                        "(3 -> 4 -> 4 -> 1), activation = sigmoid: every a[l] = (1/2, ..., 1/2)"),
        Case((X_small, small, identity), label="X = [[1, 2], [3, -1]], one layer W = [[1, 0, -1], [0.5, 1, 0]], "
                                               "b = [0, 1, 0.5], activation = identity (Z = X @ W + b)"),
        Case((X_small, small, relu), label="the same layer with activation = relu"),
        Case((X50, _stack(rng, [50] * 11, "xavier_uniform"), np.tanh),
             label="X of shape (200, 50), 10 tanh layers of 50 units, Xavier-uniform W, small random b"),
        Case((X50, _stack(rng, [50] * 11, "he_normal"), relu),
             label="X of shape (200, 50), 10 ReLU layers of 50 units, He-normal W, small random b"),
        Case((rng.normal(0, 1, (30, 5)), _stack(rng, [5, 8, 3, 2], "lecun_normal"), sigmoid),
             label="X of shape (30, 5), layers 5 -> 8 -> 3 -> 2, activation = sigmoid"),
    ]


def _layer_stats_hidden(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(4):
        depth = int(rng.integers(1, 7))
        sizes = [int(s) for s in rng.integers(2, 40, size=depth + 1)]
        m = int(rng.integers(2, 80))
        name = str(rng.choice(list(_ACTIVATIONS)))
        init = str(rng.choice(["xavier_uniform", "lecun_normal", "he_normal", "uniform"]))
        cases.append(Case((rng.normal(0, 1.5, (m, sizes[0])), _stack(rng, sizes, init), _ACTIVATIONS[name]),
                          label=f"X of shape ({m}, {sizes[0]}), layers {' -> '.join(map(str, sizes))}, "
                                f"{init} W, random b, activation = {name}"))
    return cases


AFTER_ACTIVATION = ("these are not the statistics of each layer's output: apply the activation after the layer, "
                    "A = activation(A_prev @ W + b), and report np.mean(A) and np.std(A)")


def _stats_mistake(transform: Callable[[list[Array], list[Array]], Any]) -> Callable[..., Any]:
    """A layer_stats mistake built from the pre-activations Z and outputs A of every layer."""
    def impl(X: Array, params: list, activation: Callable[[Array], Array]) -> Any:
        A, Zs, As = X, [], []
        for W, b in params:
            Z = A @ W + b
            A = activation(Z)
            Zs.append(Z)
            As.append(A)
        return transform(Zs, As)
    return impl


def _last_without_activation(X: Array, params: list, activation: Callable[[Array], Array]) -> list:
    A, out = X, []
    for i, (W, b) in enumerate(params):
        Z = A @ W + b
        A = Z if i == len(params) - 1 else activation(Z)
        out.append((float(A.mean()), float(A.std())))
    return out


def _activation_first(X: Array, params: list, activation: Callable[[Array], Array]) -> list:
    A, out = X, []
    for W, b in params:
        A = activation(A) @ W + b
        out.append((float(A.mean()), float(A.std())))
    return out


def _with_input(X: Array, params: list, activation: Callable[[Array], Array]) -> list:
    return [(float(X.mean()), float(X.std()))] + diagnostics.layer_stats(X, params, activation)


def _no_bias(X: Array, params: list, activation: Callable[[Array], Array]) -> list:
    A, out = X, []
    for W, _ in params:
        A = activation(A @ W)
        out.append((float(A.mean()), float(A.std())))
    return out


LAYER_STATS = Exercise(
    name="layer_stats",
    signature="layer_stats(X, params, activation)",
    reference=diagnostics.layer_stats,
    visible=_layer_stats_visible,
    hidden=_layer_stats_hidden,
    mistakes=[
        Mistake("pre-activation", _stats_mistake(lambda Zs, As: [(float(Z.mean()), float(Z.std())) for Z in Zs]),
                AFTER_ACTIVATION),
        Mistake("last layer linear", _last_without_activation,
                "apply `activation` after every layer, the last one included (unlike mlp_forward's output layer)"),
        Mistake("ddof=1", _stats_mistake(lambda Zs, As: [(float(A.mean()), float(A.std(ddof=1))) for A in As]),
                "use the population standard deviation, np.std(A) (ddof=0), over all entries"),
        Mistake("variance", _stats_mistake(lambda Zs, As: [(float(A.mean()), float(A.var())) for A in As]),
                "the second number is the standard deviation np.std(A), not the variance"),
        Mistake("per unit", _stats_mistake(lambda Zs, As: [(A.mean(axis=0), A.std(axis=0)) for A in As]),
                "take the mean and std over *all* entries of the layer's output (np.mean(A), np.std(A)), not per unit"),
        Mistake("with input", _with_input, "return one (mean, std) per layer, without an entry for the input X"),
        Mistake("activation first", _activation_first, AFTER_ACTIVATION),
        Mistake("no bias", _no_bias, "you left out the bias: Z = A_prev @ W + b"),
        Mistake("array", _stats_mistake(lambda Zs, As: np.array([(A.mean(), A.std()) for A in As])),
                "return a Python list of (mean, std) pairs, e.g. stats.append((np.mean(A), np.std(A)))"),
    ],
)


# --- registry and self-checks --------------------------------------------------------------------

EXERCISES = {e.name: e for e in [ZEROS_INIT, UNIFORM_INIT, XAVIER_UNIFORM, LECUN_NORMAL, HE_NORMAL, LAYER_STATS]}

check_zeros_init = ZEROS_INIT.check
check_uniform_init = UNIFORM_INIT.check
check_xavier_uniform = XAVIER_UNIFORM.check
check_lecun_normal = LECUN_NORMAL.check
check_he_normal = HE_NORMAL.check
check_layer_stats = LAYER_STATS.check


# --- the variance questions (self-check only, never graded) -----------------------------------------

QUESTIONS: list[tuple[str, float, list[tuple[float, str]]]] = [
    ("Q1 · Var(w) that keeps Var(u) = Var(z) for an identity layer with M = 100 inputs", 1 / 100, [
        (0.1, "0.1 is the standard deviation sqrt(1/M); the question asks for the variance 1/M"),
        (100.0, "Var(u) = M Var(w) Var(z) = Var(z) gives Var(w) = 1 / M, not M"),
    ]),
    ("Q2 · the standard deviation of He initialization for a ReLU layer with M = 512 inputs", math.sqrt(2 / 512), [
        (2 / 512, "2 / M is the variance; the standard deviation is its square root"),
        (math.sqrt(1 / 512), "that is sqrt(1/M), right for identity layers; a ReLU halves E(z²), so He uses 2 / M"),
        (1 / 512, "1 / M is the variance for identity layers; He's ReLU variance is 2 / M and the std its square root"),
    ]),
    ("Q3 · the bound r of Xavier uniform for n_in = 784, n_out = 256", math.sqrt(6 / (784 + 256)), [
        (math.sqrt(6 / 784), "the bound uses both fans: r = sqrt(6 / (n_in + n_out))"),
        (6 / (784 + 256), "take the square root: r = sqrt(6 / (n_in + n_out))"),
        (math.sqrt(2 / (784 + 256)), "that is the standard deviation; the uniform's bound is sqrt(3) times it"),
    ]),
    ("Q4 · the variance of weights drawn uniformly from [-0.1, 0.1]", 0.01 / 3, [
        (0.01, "a uniform on [-a, a] has variance a² / 3, not a²"),
        (0.1 / math.sqrt(3), "that is the standard deviation a / sqrt(3); the variance is a² / 3"),
        (0.02 / 3, "the width of [-a, a] is 2a, but the variance is (2a)² / 12 = a² / 3"),
    ]),
]
"""Each question: its text, the answer, and (typical wrong answer, hint) pairs."""


def _close(x: float, y: float) -> bool:
    return abs(x - y) <= 5e-3 * abs(y)


def check_variance_answers(*answers: Any) -> list[bool | None]:
    """Check the numeric answers to :data:`QUESTIONS`, in order; ``None`` means not answered yet.

    Prints one line per question and never raises (these answers are not graded, and a
    wrong one must not stop "Run all"). Answers within 0.5 % count (three significant
    digits are enough). Returns ``True``/``False``/``None`` per question.
    """
    results: list[bool | None] = []
    for i, (text, answer, wrong) in enumerate(QUESTIONS):
        value = answers[i] if i < len(answers) else None
        if value is None:
            print(f"· {text}: not answered yet")
            results.append(None)
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not math.isfinite(float(value)):
            print(f"✗ {text}: expected a number, got {describe(value)} ({type(value).__name__})")
            results.append(False)
            continue
        value = float(value)
        if _close(value, answer):
            print(f"✓ {text}: {value:.6g} is right")
            results.append(True)
            continue
        hint = next((h for w, h in wrong if _close(value, w)), "work through Var(u) = M Var(w) Var(z) once more")
        print(f"✗ {text}: {value:.6g} is not right\n    hint: {hint}")
        results.append(False)
    return results


__all__ = ["EXERCISES", "QUESTIONS", "check_variance_answers", "MIN_SAMPLES", "SIGMAS",
           "variance_band"] + [f"check_{n}" for n in EXERCISES]
