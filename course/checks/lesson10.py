"""Checks for lesson 10, training tricks.

Most exercises are compared with the reference (``Case``). Two are not deterministic
functions and are checked by :class:`Property` instead:

* ``dropout_forward`` is random: any correct way of drawing the keep-mask from ``rng``
  must pass (``rng.random(A.shape) >= p``, ``rng.random(...) < 1 - p``,
  ``rng.binomial(1, 1 - p, A.shape)``, ``rng.uniform(...)``), so the checks test what every
  correct answer shares: a 0/1 mask, a keep rate of ``1 - p`` within sampling error, output
  consistent with the mask and the ``1 / (1 - p)`` scale, the mean preserved, the same mask
  from the same seed and different masks from different seeds, and the identity at test time.
* ``EarlyStopping`` is a class: the checks drive instances with sequences of validation
  losses (ties, improvements after waits, patience 0, 1 and k) and compare when ``step``
  first returns True and the final ``best_epoch`` with the reference.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from .. import gradcheck, losses, preprocessing, regularization, schedules
from ..early_stopping import EarlyStopping as _ReferenceEarlyStopping
from .core import Case, CheckFailed, Exercise, Mistake, Property, describe

Array = np.ndarray


def _random_shape(rng: np.random.Generator) -> tuple[int, int]:
    return int(rng.integers(1, 7)), int(rng.integers(1, 7))


def _layers(rng: np.random.Generator, sizes: Sequence[int], away_from_zero: bool = False) -> list[tuple[Array, Array]]:
    """Random ``(W, b)`` pairs; biases are large so that penalizing them is visible.

    ``away_from_zero`` keeps every |w| >= 0.1: away from the kink of |w|, and large enough that
    central differences resolve the gradient of a single weight.
    """
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        if away_from_zero:  # |w| >= 0.1: far from the kink of |w|
            W = rng.uniform(0.1, 2.0, (n_in, n_out)) * rng.choice([-1.0, 1.0], (n_in, n_out))
        else:
            W = rng.normal(0.0, 1.0, (n_in, n_out))
        params.append((W, rng.uniform(1.0, 3.0, n_out) * rng.choice([-1.0, 1.0], n_out)))
    return params


def _random_sizes(rng: np.random.Generator) -> list[int]:
    return [int(s) for s in rng.integers(1, 7, size=int(rng.integers(2, 5)))]


def _penalty_gradient_property(name: str, signature: str, params: list[tuple[Array, Array]], lam: float,
                               label: str) -> Property:
    """The returned gradient must match central differences of the returned value."""

    def test(fn: Callable[..., Any]) -> str | None:
        work = [(W.copy(), b.copy()) for W, b in params]
        result = fn(work, lam)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            return f"{signature} should return (value, grads); got {describe(result)}"
        _, grads = result
        if not isinstance(grads, (list, tuple)) or len(grads) != len(params):
            return f"{signature}: grads should be a list of {len(params)} (dW, db) pairs, got {describe(grads)}"
        for k, (W, b) in enumerate(work):
            for which, x, g in (("dW", W, grads[k][0]), ("db", b, grads[k][1])):
                if not isinstance(g, np.ndarray) or g.shape != x.shape:
                    return (f"{signature}: grads[{k}] {which} should be an array of shape {x.shape}, got "
                            f"{describe(g)}\n  hint: every gradient has the shape of what it differentiates"
                            + ("; a bias gets np.zeros_like(b)" if which == "db" else ""))
                numeric = gradcheck.numerical_gradient(lambda: float(fn(work, lam)[0]), x)
                error = gradcheck.relative_error(g, numeric)
                if error > gradcheck.GRADING_MAX_RELATIVE_ERROR:
                    idx = tuple(int(i) for i in np.argwhere(~np.isclose(g, numeric, rtol=1e-4, atol=1e-7))[0]) \
                        if not np.allclose(g, numeric, rtol=1e-4, atol=1e-7) else None
                    entry = (f"\n  first differing entry {list(idx)}: numerical {numeric[idx]:.8g}, yours {g[idx]:.8g}"
                             if idx is not None else "")
                    return (f"{signature}: grads[{k}] {which} does not match central differences of your own value "
                            f"(relative error {error:.2e})\n  input: {label}{entry}\n  hint: the gradient of "
                            f"lam * sum(W**2) is 2 * lam * W; of lam * sum(|W|) it is lam * sign(W); biases get 0")
        return None

    return Property(f"the gradient of {name} matches central differences ({label})", test)


def _params_unchanged_property(name: str, signature: str, params: list[tuple[Array, Array]], lam: float) -> Property:
    def test(fn: Callable[..., Any]) -> str | None:
        work = [(W.copy(), b.copy()) for W, b in params]
        fn(work, lam)
        for k, ((W, b), (W0, b0)) in enumerate(zip(work, params)):
            if not (np.array_equal(W, W0) and np.array_equal(b, b0)):
                return (f"{signature} modified params[{k}] in place\n  hint: build new arrays "
                        f"(2 * lam * W makes a new one); `W *= ...` changes the network's weights")
        return None

    return Property(f"{name} leaves params unchanged", test)


# --- l2_penalty(params, lam) ----------------------------------------------------------------

_EXAMPLE = [(np.array([[1.0, -2.0], [-1.0, 3.0]]), np.array([5.0, 5.0]))]


def _l2_visible(rng: np.random.Generator) -> list[Any]:
    two = _layers(rng, [3, 4, 2])
    three = _layers(rng, [2, 5, 3, 1])
    return [
        Case((_EXAMPLE, 0.1), label="one layer W = [[1, -2], [-1, 3]], b = [5, 5], lam = 0.1: "
                                    "value 0.1 * (1 + 4 + 1 + 9) = 1.5 (b is not penalized)"),
        Case((two, 0.01), label="two layers (3-4-2) with random weights and biases, lam = 0.01"),
        Case((three, 0.5), label="three layers (2-5-3-1), lam = 0.5"),
        Case((two, 0.0), label="lam = 0: no penalty, zero gradients"),
        _params_unchanged_property("l2_penalty", "l2_penalty(params, lam)", two, 0.1),
        _penalty_gradient_property("l2_penalty", "l2_penalty(params, lam)", _layers(rng, [2, 3, 2], True), 0.3,
                                   "two layers (2-3-2), lam = 0.3"),
    ]


def _l2_hidden(rng: np.random.Generator) -> list[Any]:
    checks: list[Any] = []
    for _ in range(3):
        sizes = _random_sizes(rng)
        lam = float(10 ** rng.uniform(-4, 0))
        checks.append(Case((_layers(rng, sizes), lam), label=f"random layers {sizes}, lam = {lam:.4g}"))
    sizes = _random_sizes(rng)
    # |w| >= 0.1: central differences of a sum of squares lose about eps * sum(W**2) / h, which would
    # swamp the gradient 2 lam w of a weight near 0
    checks.append(_penalty_gradient_property("l2_penalty", "l2_penalty(params, lam)",
                                             _layers(rng, sizes, away_from_zero=True),
                                             float(rng.uniform(0.01, 1.0)), f"random layers {sizes}"))
    return checks


def _l2_with_biases(params, lam):
    value = lam * sum(np.sum(W**2) + np.sum(b**2) for W, b in params)
    return value, [(2 * lam * W, 2 * lam * b) for W, b in params]


L2_PENALTY = Exercise(
    name="l2_penalty",
    signature="l2_penalty(params, lam)",
    reference=regularization.l2_penalty,
    visible=_l2_visible,
    hidden=_l2_hidden,
    mistakes=[
        Mistake("penalized biases", _l2_with_biases,
                "you penalized the biases too: the notes apply the penalty only on weights, not on biases; "
                "return np.zeros_like(b) as their gradient"),
        Mistake("no factor 2 in the gradient",
                lambda params, lam: (lam * sum(np.sum(W**2) for W, _ in params),
                                     [(lam * W, np.zeros_like(b)) for W, b in params]),
                "the value is right but the gradient lacks the factor 2: d/dW of lam * W**2 is 2 * lam * W"),
        Mistake("1/2 convention",
                lambda params, lam: (0.5 * lam * sum(np.sum(W**2) for W, _ in params),
                                     [(lam * W, np.zeros_like(b)) for W, b in params]),
                "you used the (lam / 2) * ||W||^2 convention; here the penalty is lam * ||W||_F^2 "
                "(no 1/2), so the gradient is 2 * lam * W"),
        Mistake("1/2 in the value only",
                lambda params, lam: (0.5 * lam * sum(np.sum(W**2) for W, _ in params),
                                     [(2 * lam * W, np.zeros_like(b)) for W, b in params]),
                "the gradient is right but the value has an extra 1/2: the penalty is lam * sum of W**2"),
        Mistake("norm not squared",
                lambda params, lam: (lam * sum(np.sqrt(np.sum(W**2)) for W, _ in params),
                                     [(2 * lam * W, np.zeros_like(b)) for W, b in params]),
                "you took the Frobenius norm ||W||_F itself; the penalty uses its square, the sum of W**2"),
        Mistake("forgot lam",
                lambda params, lam: (sum(np.sum(W**2) for W, _ in params),
                                     [(2 * W, np.zeros_like(b)) for W, b in params]),
                "you forgot to multiply by lam"),
        Mistake("mean instead of sum",
                lambda params, lam: (lam * sum(np.mean(W**2) for W, _ in params),
                                     [(2 * lam * W / W.size, np.zeros_like(b)) for W, b in params]),
                "you averaged the squared weights; the penalty sums them: np.sum(W**2)"),
        Mistake("bias gradient None",
                lambda params, lam: (lam * sum(np.sum(W**2) for W, _ in params),
                                     [(2 * lam * W, None) for W, _ in params]),
                "the bias gradient must be an array of zeros (np.zeros_like(b)), not None"),
        Mistake("only the first layer",
                lambda params, lam: (lam * np.sum(params[0][0]**2),
                                     [(2 * lam * W if k == 0 else np.zeros_like(W), np.zeros_like(b))
                                      for k, (W, b) in enumerate(params)]),
                "only the first layer is penalized: sum over every layer's W"),
    ],
)


# --- l1_penalty(params, lam) ----------------------------------------------------------------

def _l1_visible(rng: np.random.Generator) -> list[Any]:
    two = _layers(rng, [3, 4, 2], away_from_zero=True)
    return [
        Case((_EXAMPLE, 0.1), label="one layer W = [[1, -2], [-1, 3]], b = [5, 5], lam = 0.1: "
                                    "value 0.1 * (1 + 2 + 1 + 3) = 0.7 (b is not penalized)"),
        Case((two, 0.01), label="two layers (3-4-2) with random weights and biases, lam = 0.01"),
        Case((_layers(rng, [2, 5, 3, 1], away_from_zero=True), 0.5), label="three layers (2-5-3-1), lam = 0.5"),
        _params_unchanged_property("l1_penalty", "l1_penalty(params, lam)", two, 0.1),
        _penalty_gradient_property("l1_penalty", "l1_penalty(params, lam)",
                                   _layers(rng, [2, 3, 2], away_from_zero=True), 0.3, "two layers (2-3-2), lam = 0.3"),
    ]


def _l1_hidden(rng: np.random.Generator) -> list[Any]:
    checks: list[Any] = []
    for _ in range(3):
        sizes = _random_sizes(rng)
        lam = float(10 ** rng.uniform(-4, 0))
        checks.append(Case((_layers(rng, sizes, away_from_zero=True), lam),
                           label=f"random layers {sizes} (no weight near 0), lam = {lam:.4g}"))
    sizes = _random_sizes(rng)
    checks.append(_penalty_gradient_property("l1_penalty", "l1_penalty(params, lam)",
                                             _layers(rng, sizes, away_from_zero=True),
                                             float(rng.uniform(0.01, 1.0)), f"random layers {sizes}"))
    return checks


L1_PENALTY = Exercise(
    name="l1_penalty",
    signature="l1_penalty(params, lam)",
    reference=regularization.l1_penalty,
    visible=_l1_visible,
    hidden=_l1_hidden,
    mistakes=[
        Mistake("penalized biases",
                lambda params, lam: (lam * sum(np.sum(np.abs(W)) + np.sum(np.abs(b)) for W, b in params),
                                     [(lam * np.sign(W), lam * np.sign(b)) for W, b in params]),
                "you penalized the biases too: L1, like L2, is applied only on weights; "
                "return np.zeros_like(b) as their gradient"),
        Mistake("L2 gradient",
                lambda params, lam: (lam * sum(np.sum(np.abs(W)) for W, _ in params),
                                     [(lam * W, np.zeros_like(b)) for W, b in params]),
                "the derivative of |w| is sign(w) (+1 or -1), not w: use lam * np.sign(W)"),
        Mistake("L2 gradient with 2",
                lambda params, lam: (lam * sum(np.sum(np.abs(W)) for W, _ in params),
                                     [(2 * lam * W, np.zeros_like(b)) for W, b in params]),
                "that is the L2 gradient 2 * lam * W; the derivative of lam * |w| is lam * sign(w)"),
        Mistake("squared value",
                lambda params, lam: (lam * sum(np.sum(W**2) for W, _ in params),
                                     [(lam * np.sign(W), np.zeros_like(b)) for W, b in params]),
                "the L1 penalty sums absolute values |W|, not squares"),
        Mistake("no abs",
                lambda params, lam: (lam * sum(np.sum(W) for W, _ in params),
                                     [(lam * np.ones_like(W), np.zeros_like(b)) for W, b in params]),
                "take the absolute value: lam * np.sum(np.abs(W)); negative weights count as much as positive ones"),
        Mistake("factor 2 in the gradient",
                lambda params, lam: (lam * sum(np.sum(np.abs(W)) for W, _ in params),
                                     [(2 * lam * np.sign(W), np.zeros_like(b)) for W, b in params]),
                "the derivative of lam * |w| is lam * sign(w): there is no factor 2 (that belongs to L2)"),
        Mistake("sign flipped",
                lambda params, lam: (lam * sum(np.sum(np.abs(W)) for W, _ in params),
                                     [(-lam * np.sign(W), np.zeros_like(b)) for W, b in params]),
                "the gradient points the wrong way: d|w|/dw = +sign(w); gradient descent then subtracts it"),
        Mistake("forgot lam",
                lambda params, lam: (sum(np.sum(np.abs(W)) for W, _ in params),
                                     [(np.sign(W), np.zeros_like(b)) for W, b in params]),
                "you forgot to multiply by lam"),
    ],
)


# --- dropout_forward(A, p, rng, train=True) ---------------------------------------------------

_FIVE_SIGMA = 5.0
"""Statistical checks allow five standard errors: a correct answer fails about once in 3.5 million runs."""


def _dropout_result(fn: Callable[..., Any], A: Array, p: float, rng: np.random.Generator,
                    **kwargs: Any) -> tuple[Array, Any]:
    """Call ``fn`` and return ``(out, mask)`` as float arrays; raise CheckFailed on a malformed result."""
    where = f"dropout_forward(A of shape {A.shape}, p={p}, rng{', train=False' if kwargs.get('train') is False else ''})"
    result = fn(A, p, rng, **kwargs)
    if result is None:
        raise CheckFailed(f"{where} returned None\n  hint: did you forget `return out, mask`?")
    if isinstance(result, np.ndarray) or not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailed(f"{where} should return a pair (out, mask); got {describe(result)}\n"
                          f"  hint: return both: `return out, mask` (the backward pass needs the mask)")
    out, mask = result
    if not isinstance(out, np.ndarray) or out.shape != A.shape:
        raise CheckFailed(f"{where}: out should be an array of shape {A.shape}, got {describe(out)}")
    if kwargs.get("train") is False:
        return out.astype(np.float64), mask
    if not isinstance(mask, np.ndarray) or mask.shape != A.shape:
        raise CheckFailed(f"{where}: mask should be an array of shape {A.shape}, got {describe(mask)}\n"
                          f"  hint: draw one keep/drop decision per entry, e.g. rng.random(A.shape)")
    return out.astype(np.float64), mask.astype(np.float64)


def _dropout_properties(rng: np.random.Generator, shape: tuple[int, ...], p: float, seeds: tuple[int, int]) -> list[Any]:
    """The checks every correct inverted dropout passes, on activations of ``shape``."""
    A = rng.normal(0.0, 1.0, shape) + 0.05 * np.sign(rng.normal(size=shape))  # no entry is exactly 0
    sig = "dropout_forward(A, p, rng, train=True)"
    label = f"A of shape {shape}, p = {p}"

    def structure(fn: Callable[..., Any]) -> str | None:
        work = A.copy()
        _, mask = _dropout_result(fn, work, p, np.random.default_rng(seeds[0]))
        if not np.array_equal(A, work):
            return (f"{sig} modified A in place\n  input: {label}\n  hint: build a new array "
                    f"(out = A * mask / (1 - p)); `A *= ...` would change the layer's activations")
        values = np.unique(mask)
        if not np.all(np.isin(values, (0.0, 1.0))):
            hint = ("your mask seems to be scaled by 1/(1 - p) already; return the 0/1 mask and scale `out`"
                    if np.allclose(values[values > 0], 1.0 / (1.0 - p)) else
                    "the mask marks kept units with 1 and dropped units with 0, e.g. (rng.random(A.shape) >= p)")
            return f"{sig}: mask should hold only 0 and 1, got values {describe(values[:6])}\n  input: {label}\n  hint: {hint}"
        return None

    def keep_rate(fn: Callable[..., Any]) -> str | None:
        big = np.ones((400, 250))
        _, mask = _dropout_result(fn, big, p, np.random.default_rng(seeds[0] + 1))
        rate, want = float(mask.mean()), 1.0 - p
        bound = _FIVE_SIGMA * math.sqrt(p * (1.0 - p) / big.size)
        if abs(rate - want) <= bound:
            return None
        if abs(rate - p) <= bound:
            hint = "you kept units with probability p; p is the DROP probability: keep a unit with probability 1 - p"
        elif rate in (0.0, 1.0):
            hint = "every unit was kept or every unit dropped: compare one random number per unit with p"
        else:
            hint = "draw the mask so that a unit is kept with probability 1 - p, e.g. rng.random(A.shape) >= p"
        return (f"{sig}: {rate:.4f} of the units were kept, expected 1 - p = {want:.4f} "
                f"(± {bound:.4f})\n  input: 100,000 units, p = {p}\n  hint: {hint}")

    def scaling(fn: Callable[..., Any]) -> str | None:
        out, mask = _dropout_result(fn, A.copy(), p, np.random.default_rng(seeds[0] + 2))
        expected = A * mask / (1.0 - p)
        if np.allclose(out, expected, rtol=gradcheck.VALUE_RTOL, atol=gradcheck.VALUE_ATOL):
            return None
        idx = tuple(int(i) for i in np.argwhere(~np.isclose(out, expected, rtol=gradcheck.VALUE_RTOL,
                                                             atol=gradcheck.VALUE_ATOL))[0])
        if np.allclose(out, A * mask):
            hint = ("you dropped units but did not scale the kept ones: inverted dropout divides by (1 - p) "
                    "so that the expected activation stays A (and nothing changes at test time)")
        elif p > 0 and np.allclose(out, A * mask / p):
            hint = "you divided by p; divide by the keep probability 1 - p"
        elif np.allclose(out, A * mask * (1.0 - p)):
            hint = "you multiplied by (1 - p); inverted dropout divides the kept units by (1 - p)"
        elif np.allclose(out, A / (1.0 - p)):
            hint = "you scaled A but did not apply the mask: out = A * mask / (1 - p)"
        else:
            hint = "out must be A * mask / (1 - p) with the mask you return"
        return (f"{sig}: out does not match A * mask / (1 - p) for the mask you returned\n  input: {label}\n"
                f"  first wrong entry {list(idx)}: A = {A[idx]:.6g}, mask = {mask[idx]:g}, expected "
                f"{expected[idx]:.6g}, got {out[idx]:.6g}\n  hint: {hint}")

    def mean_preserved(fn: Callable[..., Any]) -> str | None:
        const = np.full((400, 250), 2.0)
        out, _ = _dropout_result(fn, const, p, np.random.default_rng(seeds[1] + 3))
        bound = _FIVE_SIGMA * 2.0 * math.sqrt(p / ((1.0 - p) * const.size))
        if abs(out.mean() - 2.0) <= bound:
            return None
        return (f"{sig}: the mean activation changed from 2 to {out.mean():.4f} (expected 2 ± {bound:.4f})\n"
                f"  input: A = 2 everywhere (100,000 units), p = {p}\n  hint: scale the kept units by "
                f"1 / (1 - p) so that E[out] = A")

    def same_seed(fn: Callable[..., Any]) -> str | None:
        state = np.random.get_state()  # leave numpy's global state as we found it
        try:
            _, m1 = _dropout_result(fn, A.copy(), p, np.random.default_rng(seeds[0]))
            np.random.seed(int(rng.integers(1, 2**31)))
            _, m2 = _dropout_result(fn, A.copy(), p, np.random.default_rng(seeds[0]))
        finally:
            np.random.set_state(state)
        if np.array_equal(m1, m2):
            return None
        return (f"{sig}: two generators with the same seed gave different masks\n  input: {label}, "
                f"rng = np.random.default_rng({seeds[0]}) twice\n  hint: draw the mask from the `rng` argument "
                f"(e.g. rng.random(A.shape)), not from np.random.rand / np.random.random (global state)")

    def different_seeds(fn: Callable[..., Any]) -> str | None:
        _, m1 = _dropout_result(fn, A.copy(), p, np.random.default_rng(seeds[0]))
        _, m2 = _dropout_result(fn, A.copy(), p, np.random.default_rng(seeds[1]))
        if not np.array_equal(m1, m2):
            return None
        return (f"{sig}: generators with different seeds gave the same mask\n  input: {label}, seeds {seeds[0]} "
                f"and {seeds[1]}\n  hint: use the `rng` you are given; do not create your own generator "
                f"(np.random.default_rng(0)) inside the function")

    def test_time(fn: Callable[..., Any]) -> str | None:
        work = A.copy()
        out, _ = _dropout_result(fn, work, p, np.random.default_rng(seeds[0]), train=False)
        if not np.array_equal(A, work):
            return f"dropout_forward(A, p, rng, train=False) modified A in place\n  input: {label}"
        if np.allclose(out, A, rtol=gradcheck.VALUE_RTOL, atol=gradcheck.VALUE_ATOL):
            return None
        if np.allclose(out, A * (1.0 - p)):
            hint = ("you scaled by (1 - p) at test time (classic dropout); with inverted dropout the scaling "
                    "happened during training, so test time returns A unchanged")
        else:
            hint = "dropout is on only during training: with train=False return A unchanged (and no mask is drawn)"
        idx = tuple(int(i) for i in np.argwhere(~np.isclose(out, A))[0])
        return (f"dropout_forward(A, p, rng, train=False): out should equal A\n  input: {label}\n"
                f"  first wrong entry {list(idx)}: expected {A[idx]:.6g}, got {out[idx]:.6g}\n  hint: {hint}")

    return [
        Property(f"returns (out, mask) with a 0/1 mask and leaves A unchanged ({label})", structure),
        Property(f"keeps a fraction 1 - p = {1 - p:g} of the units (p = {p})", keep_rate),
        Property(f"out = A * mask / (1 - p) ({label})", scaling),
        Property(f"preserves the mean activation (p = {p})", mean_preserved),
        Property("draws the mask from rng: the same seed gives the same mask", same_seed),
        Property("draws the mask from rng: different seeds give different masks", different_seeds),
        Property(f"with train=False returns A unchanged ({label})", test_time),
    ]


def _dropout_zero_p(fn: Callable[..., Any]) -> str | None:
    A = np.arange(1.0, 13.0).reshape(3, 4)
    out, mask = _dropout_result(fn, A, 0.0, np.random.default_rng(5))
    if np.allclose(out, A) and np.all(mask == 1.0):
        return None
    return (f"dropout_forward(A, p=0.0, rng): with p = 0 nothing is dropped, so out = A and mask is all ones\n"
            f"  input: A = {describe(A)}\n  got: out = {describe(out)}, mask = {describe(mask)}\n"
            f"  hint: keep a unit when rng.random() >= p (or < 1 - p); with p = 0 every unit is kept")


def _dropout_visible(rng: np.random.Generator) -> list[Any]:
    return _dropout_properties(rng, (50, 40), 0.2, (11, 12)) + [
        Property("p = 0 keeps every unit", _dropout_zero_p),
        *_dropout_properties(rng, (30, 7), 0.5, (21, 22))[2:3],
    ]


def _dropout_hidden(rng: np.random.Generator) -> list[Any]:
    shape = tuple(int(s) for s in rng.integers(20, 60, size=int(rng.integers(1, 4))))
    p = float(np.round(rng.uniform(0.1, 0.8), 3))
    seeds = tuple(int(s) for s in rng.choice(10_000, size=2, replace=False))
    return _dropout_properties(rng, shape, p, seeds)  # type: ignore[arg-type]


def _dropout_keep_prob(A, p, rng, train=True):
    if not train:
        return A.copy(), np.ones_like(A)
    mask = (rng.random(A.shape) < p).astype(float)
    return A * mask / p, mask


def _dropout_no_scale(A, p, rng, train=True):
    if not train:
        return A.copy(), np.ones_like(A)
    mask = (rng.random(A.shape) >= p).astype(float)
    return A * mask, mask


def _dropout_always(A, p, rng, train=True):
    mask = (rng.random(A.shape) >= p).astype(float)
    return A * mask / (1 - p), mask


def _dropout_classic(A, p, rng, train=True):
    if not train:
        return A * (1 - p), np.ones_like(A)
    mask = (rng.random(A.shape) >= p).astype(float)
    return A * mask, mask


def _dropout_global(A, p, rng, train=True):
    if not train:
        return A.copy(), np.ones_like(A)
    mask = (np.random.random(A.shape) >= p).astype(float)
    return A * mask / (1 - p), mask


def _dropout_own_rng(A, p, rng, train=True):
    if not train:
        return A.copy(), np.ones_like(A)
    mask = (np.random.default_rng(0).random(A.shape) >= p).astype(float)
    return A * mask / (1 - p), mask


def _dropout_scaled_mask(A, p, rng, train=True):
    if not train:
        return A.copy(), np.ones_like(A)
    mask = (rng.random(A.shape) >= p) / (1 - p)
    return A * mask, mask


def _dropout_in_place(A, p, rng, train=True):
    if not train:
        return A, np.ones_like(A)
    mask = (rng.random(A.shape) >= p).astype(float)
    A *= mask / (1 - p)
    return A, mask


def _dropout_only_out(A, p, rng, train=True):
    if not train:
        return A.copy()
    return A * (rng.random(A.shape) >= p) / (1 - p)


DROPOUT_FORWARD = Exercise(
    name="dropout_forward",
    signature="dropout_forward(A, p, rng, train=True)",
    reference=regularization.dropout_forward,
    visible=_dropout_visible,
    hidden=_dropout_hidden,
    mistakes=[
        Mistake("p as keep probability", _dropout_keep_prob, "p is the DROP probability"),
        Mistake("no 1/(1 - p) scale", _dropout_no_scale, "did not scale the kept ones"),
        Mistake("applied at test time", _dropout_always, "dropout is on only during training"),
        Mistake("classic dropout", _dropout_classic, "did not scale the kept ones"),
        Mistake("global random state", _dropout_global, "not from np.random.rand"),
        Mistake("own generator", _dropout_own_rng, "do not create your own generator"),
        Mistake("scaled mask", _dropout_scaled_mask, "your mask seems to be scaled"),
        Mistake("in place", _dropout_in_place, "modified A in place"),
        Mistake("only out", _dropout_only_out, "return both"),
    ],
)
"""For dropout the mistakes are whole implementations and ``hint`` is a fragment of the message
the properties give them (tests feed each one to the check)."""


# --- dropout_backward(dout, mask, p) ----------------------------------------------------------

def _mask(rng: np.random.Generator, shape: tuple[int, ...], p: float) -> Array:
    mask = (rng.random(shape) >= p).astype(np.float64)
    mask.flat[0], mask.flat[-1] = 1.0, 0.0  # at least one kept and one dropped unit
    return mask


def _dropout_backward_visible(rng: np.random.Generator) -> list[Case]:
    return [
        Case((np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([[1.0, 0.0, 1.0, 0.0]]), 0.5),
             label="dout = [[1, 2, 3, 4]], mask = [[1, 0, 1, 0]], p = 0.5: expected [[2, 0, 6, 0]]"),
        Case((rng.normal(size=(5, 6)), _mask(rng, (5, 6), 0.2), 0.2), label="a (5, 6) gradient, p = 0.2"),
        Case((rng.normal(size=(3, 8)), _mask(rng, (3, 8), 0.7), 0.7), label="a (3, 8) gradient, p = 0.7"),
        Case((rng.normal(size=(4, 3)), np.ones((4, 3)), 0.0), label="p = 0 and a mask of ones: the gradient passes"),
    ]


def _dropout_backward_numerical(rng: np.random.Generator) -> Property:
    """With the mask fixed, out(A) = A * mask / (1 - p); compare with central differences of sum(dout * out)."""
    shape = (int(rng.integers(2, 6)), int(rng.integers(2, 6)))
    p = float(rng.uniform(0.1, 0.8))
    A, dout, mask = rng.normal(size=shape), rng.normal(size=shape), _mask(rng, shape, p)

    def test(fn: Callable[..., Any]) -> str | None:
        got = fn(dout.copy(), mask.copy(), p)
        if not isinstance(got, np.ndarray) or got.shape != shape:
            return f"dropout_backward(dout, mask, p) should return an array of shape {shape}, got {describe(got)}"
        work = A.copy()
        numeric = gradcheck.numerical_gradient(lambda: float(np.sum(dout * work * mask / (1.0 - p))), work)
        error = gradcheck.relative_error(got, numeric)
        if error <= gradcheck.GRADING_MAX_RELATIVE_ERROR:
            return None
        return (f"dropout_backward(dout, mask, p): does not match central differences of the forward pass "
                f"(relative error {error:.2e})\n  input: dout and mask of shape {shape}, p = {p:.3f}\n"
                f"  hint: out = A * mask / (1 - p), so dL/dA = dout * mask / (1 - p)")

    return Property(f"matches central differences of the forward pass (shape {shape})", test)


def _dropout_backward_hidden(rng: np.random.Generator) -> list[Any]:
    cases: list[Any] = []
    for _ in range(3):
        shape = tuple(int(s) for s in rng.integers(1, 9, size=int(rng.integers(1, 4))))
        p = float(rng.uniform(0.05, 0.9))
        cases.append(Case((rng.normal(size=shape), _mask(rng, shape, p), p),
                          label=f"a random gradient of shape {shape}, p = {p:.3f}"))
    cases.append(_dropout_backward_numerical(rng))
    return cases


DROPOUT_BACKWARD = Exercise(
    name="dropout_backward",
    signature="dropout_backward(dout, mask, p)",
    reference=regularization.dropout_backward,
    visible=_dropout_backward_visible,
    hidden=_dropout_backward_hidden,
    mistakes=[
        Mistake("no scale", lambda dout, mask, p: dout * mask,
                "the forward pass divided by (1 - p), so the gradient is divided by (1 - p) too"),
        Mistake("divided by p", lambda dout, mask, p: dout * mask / p,
                "divide by the keep probability 1 - p, not by p"),
        Mistake("times (1 - p)", lambda dout, mask, p: dout * mask * (1 - p),
                "divide by (1 - p) rather than multiplying"),
        Mistake("no mask", lambda dout, mask, p: dout / (1 - p),
                "dropped units passed nothing forward, so they get no gradient: multiply by the mask"),
        Mistake("returned the mask", lambda dout, mask, p: mask / (1 - p),
                "multiply the upstream gradient dout by mask / (1 - p)"),
    ],
)


# --- step_decay(lr0, epoch, drop=0.5, every=10) ----------------------------------------------

def _step_visible(rng: np.random.Generator) -> list[Case]:
    return [
        Case((0.1, 0), label="lr0 = 0.1, epoch = 0: expected 0.1"),
        Case((0.1, 10), label="lr0 = 0.1, epoch = 10: expected 0.05"),
        Case((0.1, 1), label="lr0 = 0.1, epoch = 1: expected 0.1"),
        Case((0.1, 3), {"drop": 0.5, "every": 1}, label="lr0 = 0.1, epoch = 3, drop = 0.5, every = 1: "
                                                        "expected 0.0125"),
        Case((0.1, 6), label="lr0 = 0.1, epoch = 6: expected 0.1"),
        Case((0.1, 9), label="lr0 = 0.1, epoch = 9 (still the first step): expected 0.1"),
        Case((0.1, 15), label="lr0 = 0.1, epoch = 15: expected 0.05 (the rate is constant between steps)"),
        Case((0.1, 25), label="lr0 = 0.1, epoch = 25: expected 0.025"),
        Case((0.01, 12), {"drop": 0.1, "every": 5}, label="lr0 = 0.01, epoch = 12, drop = 0.1, every = 5: "
                                                          "expected 0.0001"),
        Case((0.3, 7), {"drop": 0.8, "every": 3}, label="lr0 = 0.3, epoch = 7, drop = 0.8, every = 3"),
    ]


def _step_hidden(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(4):
        lr0, drop, every = float(10 ** rng.uniform(-4, 0)), float(rng.uniform(0.1, 0.9)), int(rng.integers(2, 15))
        epoch = int(rng.integers(0, 6 * every))
        if rng.random() < 0.5:
            epoch = every * int(rng.integers(1, 5)) - int(rng.integers(0, 2))  # just at or before a step
        cases.append(Case((lr0, epoch), {"drop": drop, "every": every},
                          label=f"lr0 = {lr0:.4g}, epoch = {epoch}, drop = {drop:.3f}, every = {every}"))
    return cases


STEP_DECAY = Exercise(
    name="step_decay",
    signature="step_decay(lr0, epoch, drop=0.5, every=10)",
    reference=schedules.step_decay,
    visible=_step_visible,
    hidden=_step_hidden,
    mistakes=[
        Mistake("no floor", lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** (epoch / every),
                "you used epoch / every; the rate drops in steps, so use the floor division epoch // every"),
        Mistake("round", lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** round(epoch / every),
                "you rounded to the nearest integer; use the floor division epoch // every"),
        Mistake("ceil", lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** math.ceil(epoch / every),
                "you rounded up; use the floor division epoch // every"),
        Mistake("drop every epoch", lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** epoch,
                "you multiplied by drop every epoch (drop ** epoch); it drops once every `every` epochs: "
                "drop ** (epoch // every)"),
        Mistake("off by one", lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** ((epoch + 1) // every),
                "the first drop comes one epoch early: epochs count from 0, so with every = 10 epoch 9 "
                "still uses lr0"),
        Mistake("multiplied", lambda lr0, epoch, drop=0.5, every=10: lr0 * drop * (epoch // every),
                "you multiplied by drop * (epoch // every); the schedule raises drop to that power: "
                "lr0 * drop ** (epoch // every)"),
        Mistake("swapped", lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** (every // max(epoch, 1)),
                "you divided the wrong way round: the exponent is epoch // every"),
    ],
)


# --- EarlyStopping(patience) -------------------------------------------------------------------

Trace = tuple[Any, Any]
"""(0-based index of the call where step first returned True, or None; best_epoch afterwards)."""


def _trace(cls: type, patience: int, losses_: Sequence[float]) -> Trace:
    """Drive ``cls(patience)`` with ``losses_`` until ``step`` says stop."""
    stopper = cls(patience)
    stop = None
    for i, loss in enumerate(losses_):
        answer = stopper.step(float(loss))
        if answer is None:
            raise CheckFailed(f"EarlyStopping({patience}).step({float(loss):g}) returned None\n"
                              f"  hint: step must `return` True (stop) or False (keep training)")
        if not isinstance(answer, (bool, np.bool_)):
            raise CheckFailed(f"EarlyStopping({patience}).step({float(loss):g}) returned {describe(answer)} "
                              f"({type(answer).__name__})\n  hint: return True (stop) or False (keep training)")
        if answer:
            stop = i
            break
    if not hasattr(stopper, "best_epoch"):
        raise CheckFailed(f"EarlyStopping({patience}) has no attribute best_epoch\n"
                          f"  hint: set self.best_epoch in __init__ and update it when the loss improves")
    best = stopper.best_epoch
    if isinstance(best, (np.integer, float, np.floating)) and float(best) == int(best):
        best = int(best)
    return stop, best


def _describe_trace(trace: Trace) -> str:
    stop, best = trace
    first = "never returned True" if stop is None else f"returned True first at call {stop}"
    return f"step {first}; best_epoch = {describe(best)}"


class _LessOrEqual(_ReferenceEarlyStopping):
    def step(self, val_loss):
        if val_loss <= self.best_loss:
            self.best_loss, self.best_epoch, self.bad_epochs = val_loss, self.calls, 0
        else:
            self.bad_epochs += 1
        self.calls += 1
        return self.bad_epochs >= self.patience


class _WaitsTooLong(_ReferenceEarlyStopping):
    def step(self, val_loss):
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch, self.bad_epochs = val_loss, self.calls, 0
        else:
            self.bad_epochs += 1
        self.calls += 1
        return self.bad_epochs > self.patience


class _OneBased(_ReferenceEarlyStopping):
    def step(self, val_loss):
        self.calls += 1
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch, self.bad_epochs = val_loss, self.calls, 0
        else:
            self.bad_epochs += 1
        return self.bad_epochs >= self.patience


class _NoReset(_ReferenceEarlyStopping):
    def step(self, val_loss):
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch = val_loss, self.calls
        else:
            self.bad_epochs += 1
        self.calls += 1
        return self.bad_epochs >= self.patience


class _ComparesWithPrevious(_ReferenceEarlyStopping):
    def step(self, val_loss):
        previous = getattr(self, "previous", math.inf)
        if val_loss < previous:
            self.bad_epochs = 0
            if val_loss < self.best_loss:
                self.best_loss, self.best_epoch = val_loss, self.calls
        else:
            self.bad_epochs += 1
        self.previous = val_loss
        self.calls += 1
        return self.bad_epochs >= self.patience


class _StartsAtZero(_ReferenceEarlyStopping):
    def __init__(self, patience=5):
        super().__init__(patience)
        self.best_loss = 0.0


def shared_state_class() -> type:
    """A fresh class that (wrongly) keeps its state on the class: every instance shares it."""

    class SharedState:
        best, best_epoch, wait, calls = math.inf, -1, 0, 0  # class attributes, changed on the class itself

        def __init__(self, patience=5):
            self.patience = patience

        def step(self, val_loss):
            cls = type(self)
            if val_loss < cls.best:
                cls.best, cls.best_epoch, cls.wait = val_loss, cls.calls, 0
            else:
                cls.wait += 1
            cls.calls += 1
            self.best_epoch = cls.best_epoch
            return cls.wait >= self.patience

    return SharedState


class _StopsOnImprovement(_ReferenceEarlyStopping):
    """Returns True when the loss improves (the meaning of the return value reversed)."""

    def step(self, val_loss):
        return not super().step(val_loss)


class _PatienceZeroAlt(_ReferenceEarlyStopping):
    """Stops at the first call without improvement when patience is 0 (also accepted)."""

    def step(self, val_loss):
        improved = val_loss < self.best_loss
        super().step(val_loss)
        return (not improved) and self.bad_epochs >= max(self.patience, 1)


_ES_MISTAKES = [
    Mistake("<= counts as improvement", _LessOrEqual,
            "a loss equal to the best is not an improvement: use a strict `val_loss < self.best`"),
    Mistake("waits one epoch too long", _WaitsTooLong,
            "you stop one epoch late: return True as soon as the count of epochs without improvement "
            "reaches patience (`>=`, not `>`)"),
    Mistake("best_epoch 1-based", _OneBased,
            "best_epoch is the 0-based index of the call (the first call is epoch 0): record the call "
            "count *before* incrementing it"),
    Mistake("counter never reset", _NoReset,
            "reset the count of epochs without improvement to 0 whenever the loss improves"),
    Mistake("compares with the previous loss", _ComparesWithPrevious,
            "compare each loss with the best loss so far, not with the previous epoch's loss"),
    Mistake("best starts at 0", _StartsAtZero,
            "start the best loss at infinity (math.inf or float('inf')) so that the first loss is an improvement"),
    Mistake("state on the class", shared_state_class(),
            "keep the state on the instance (self.best = ... in __init__), not on the class: each "
            "EarlyStopping must start fresh"),
    Mistake("returns True to continue", _StopsOnImprovement,
            "step returns True when training should STOP, False to keep going"),
]


def _es_property(patience: int, losses_: Sequence[float], label: str,
                 also_accept: Sequence[type] = ()) -> Property:
    losses_ = [float(v) for v in losses_]

    def test(cls: type) -> str | None:
        got = _trace(cls, patience, losses_)
        expected = _trace(_ReferenceEarlyStopping, patience, losses_)
        accepted = [expected] + [_trace(alt, patience, losses_) for alt in also_accept]
        if got in accepted:
            return None
        hint = None
        for mistake in _ES_MISTAKES:
            if mistake.name == "state on the class":  # its answers depend on earlier instances
                continue
            try:
                if _trace(mistake.impl, patience, losses_) == got:
                    hint = mistake.hint
                    break
            except Exception:
                continue
        shown = ", ".join(f"{v:g}" for v in losses_)
        return (f"EarlyStopping({patience}): wrong stopping behaviour\n  input: patience = {patience}, "
                f"validation losses [{shown}] ({label})\n  expected: {_describe_trace(expected)}\n"
                f"  got:      {_describe_trace(got)}" + (f"\n  hint: {hint}" if hint else ""))

    return Property(f"EarlyStopping({patience}) on {label}", test)


def _fresh_instances(cls: type) -> str | None:
    """A new instance must behave the same whatever other instances did before."""
    before = _trace(cls, 2, [5.0, 6.0, 7.0])
    _trace(cls, 2, [-1e6, -2e6, -3e6, -4e6])
    after = _trace(cls, 2, [5.0, 6.0, 7.0])
    if after == before:
        return None
    return (f"EarlyStopping: a new instance did not start fresh\n  input: EarlyStopping(2) stepped with "
            f"[5, 6, 7]; another instance stepped with [-1e6, -2e6, -3e6, -4e6]; then a new EarlyStopping(2) "
            f"stepped with [5, 6, 7] again\n  first time:  {_describe_trace(before)}\n  second time: "
            f"{_describe_trace(after)}\n  hint: keep the state on the instance (self.best = ... in __init__), "
            f"not on the class: each EarlyStopping must start fresh")


def _early_stopping_visible(rng: np.random.Generator) -> list[Any]:
    return [
        Property("separate instances do not share state", _fresh_instances),
        _es_property(3, [1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76, 0.77, 0.6],
                     "two waits, an improvement, then three waits"),
        _es_property(2, [1.0, 0.5, 0.5, 0.5, 0.4], "ties with the best are not improvements"),
        _es_property(1, [3.0, 2.0, 2.5, 1.0], "patience 1 stops at the first epoch without improvement"),
        _es_property(3, [1.0, 0.5, 0.9, 0.8, 0.7, 0.6], "losses that fall again but stay above the best"),
        _es_property(2, [1e6, 2e6, 5e5, 6e5, 7e5], "large losses"),
        _es_property(4, [0.9, 0.7, 0.8, 0.75, 0.72], "best_epoch counts calls from 0"),
        _es_property(1, [5.0, 4.0, 3.0, 2.0, 1.0], "steadily improving losses never stop"),
        _es_property(0, [2.0, 1.0, 1.5, 1.2], "patience 0 (stopping at once or at the first epoch without "
                                              "improvement are both accepted)", also_accept=[_PatienceZeroAlt]),
    ]


def _random_losses(rng: np.random.Generator, n: int) -> list[float]:
    """A noisy U-shaped validation curve: falls, then rises (continuous values: no accidental ties)."""
    t = np.arange(n)
    turn = rng.uniform(0.3, 0.7) * n
    return list(1.0 + 0.002 * (t - turn) ** 2 + rng.normal(0, 0.05, n))


def _early_stopping_hidden(rng: np.random.Generator) -> list[Any]:
    checks: list[Any] = []
    for _ in range(3):
        n, patience = int(rng.integers(15, 40)), int(rng.integers(1, 7))
        checks.append(_es_property(patience, _random_losses(rng, n), f"a random curve of {n} epochs"))
    losses_ = _random_losses(rng, 30)
    for i in sorted(rng.choice(np.arange(5, 30), size=4, replace=False)):
        losses_[i] = min(losses_[:i])  # an exact tie with the best so far
    checks.append(_es_property(int(rng.integers(2, 6)), losses_, "a random curve with ties"))
    return checks


EARLY_STOPPING = Exercise(
    name="EarlyStopping",
    signature="EarlyStopping(patience)",
    reference=_ReferenceEarlyStopping,
    visible=_early_stopping_visible,
    hidden=_early_stopping_hidden,
    mistakes=_ES_MISTAKES,
    subject="class",
)


# --- standardize(X_train, *others) ------------------------------------------------------------

def _own_stats(*arrays):
    return tuple((X - X.mean(0)) / np.where(X.std(0) > 0, X.std(0), 1.0) for X in arrays)


def _pooled(*arrays):
    allX = np.concatenate(arrays)
    std = allX.std(0)
    return tuple((X - allX.mean(0)) / np.where(std > 0, std, 1.0) for X in arrays)


def _ddof1(*arrays):
    X0 = arrays[0]
    std = X0.std(0, ddof=1)
    return tuple((X - X0.mean(0)) / np.where(std > 0, std, 1.0) for X in arrays)


def _no_zero_guard(*arrays):
    X0 = arrays[0]
    return tuple((X - X0.mean(0)) / X0.std(0) for X in arrays)


def _zero_std_left_raw(*arrays):
    X0 = arrays[0]
    std = X0.std(0)
    return tuple(np.where(std > 0, (X - X0.mean(0)) / np.where(std > 0, std, 1.0), X) for X in arrays)


def _center_only(*arrays):
    return tuple(X - arrays[0].mean(0) for X in arrays)


def _scale_only(*arrays):
    std = arrays[0].std(0)
    return tuple(X / np.where(std > 0, std, 1.0) for X in arrays)


def _global_stats(*arrays):
    X0 = arrays[0]
    return tuple((X - X0.mean()) / X0.std() for X in arrays)


def _per_row(*arrays):
    return tuple((X - X.mean(1, keepdims=True)) / X.std(1, keepdims=True) for X in arrays)


def _variance(*arrays):
    var = arrays[0].var(0)
    return tuple((X - arrays[0].mean(0)) / np.where(var > 0, var, 1.0) for X in arrays)


def _std_visible(rng: np.random.Generator) -> list[Case]:
    X_train = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])
    X_test = np.array([[5.0, 50.0], [0.0, 25.0]])
    wide = rng.normal([5.0, -3.0, 100.0], [2.0, 0.5, 20.0], (30, 3))
    val = rng.normal([6.0, -2.5, 90.0], [3.0, 0.4, 10.0], (10, 3))
    test = rng.normal([4.0, -3.5, 130.0], [1.0, 1.0, 30.0], (12, 3))
    const = np.column_stack([rng.normal(2.0, 1.5, 8), np.full(8, 7.0), rng.normal(-1.0, 0.5, 8)])
    const_test = np.column_stack([rng.normal(3.0, 1.0, 5), np.full(5, 7.0), rng.normal(0.0, 2.0, 5)])
    return [
        Case((X_train, X_test), label="X_train = [[1, 10], [2, 20], [3, 30], [4, 40]] (mean [2.5, 25], "
                                      "sigma = sqrt(1.25) * [1, 10]), X_test = [[5, 50], [0, 25]]"),
        Case((wide, val, test), label="X_train (30, 3), X_val (10, 3), X_test (12, 3) from shifted distributions"),
        Case((const, const_test), label="X_train (8, 3) whose middle feature is always 7 (std 0), X_test (5, 3)"),
    ]


def _std_hidden(rng: np.random.Generator) -> list[Case]:
    cases = []
    for k in range(3):
        m, n, n_others = int(rng.integers(5, 60)), int(rng.integers(1, 8)), int(rng.integers(1, 4))
        mean, scale = rng.uniform(-50, 50, n), 10 ** rng.uniform(-1, 2, n)
        X_train = rng.normal(mean, scale, (m, n))
        others = [rng.normal(mean + rng.uniform(-1, 1, n) * scale, scale * rng.uniform(0.5, 2, n),
                             (int(rng.integers(2, 30)), n)) for _ in range(n_others)]
        if k == 2 or rng.random() < 0.3:  # a constant feature (an exact integer: its std is exactly 0)
            j, c = int(rng.integers(0, n)), float(rng.integers(-9, 10))
            for X in (X_train, *others):
                X[:, j] = c
        cases.append(Case((X_train, *others), label=f"random X_train ({m}, {n}) and {n_others} other array(s)"))
    return cases


STANDARDIZE = Exercise(
    name="standardize",
    signature="standardize(X_train, *others)",
    reference=preprocessing.standardize,
    visible=_std_visible,
    hidden=_std_hidden,
    arg_names=["X_train", "others[0]", "others[1]", "others[2]"],
    mistakes=[
        Mistake("each array's own statistics", _own_stats,
                "you standardized each array with its own mean and std; use the TRAIN statistics for every "
                "array: computing them on the test set leaks it into the model"),
        Mistake("pooled statistics", _pooled,
                "you computed the mean and std over all arrays together; compute them on X_train only "
                "and apply them unchanged to the others"),
        Mistake("ddof=1", _ddof1,
                "you used the sample std (ddof=1, dividing by N - 1); the notes' sigma divides by N: "
                "np.std(X_train, axis=0) (ddof=0)"),
        Mistake("divide by zero", _no_zero_guard,
                "a feature that is constant in X_train has std 0 and you divided by it (0/0 = nan): "
                "leave such features unscaled (divide by 1 where std == 0)"),
        Mistake("zero-std feature not centred", _zero_std_left_raw,
                "subtract the train mean from every feature, the constant ones too; only skip the division"),
        Mistake("only centred", _center_only, "step 1 (subtract the mean) is done; step 2 divides by the std"),
        Mistake("only scaled", _scale_only, "subtract the train mean before dividing by the std (step 1)"),
        Mistake("one mean for all features", _global_stats,
                "standardize each feature (column) separately: mean and std with axis=0"),
        Mistake("per example", _per_row,
                "you standardized each example (row); standardize each feature (column): axis=0"),
        Mistake("divided by the variance", _variance,
                "you divided by the variance; divide by the standard deviation (its square root)"),
    ],
)


# --- hinge_loss(scores, y) ----------------------------------------------------------------------

def _scores(rng: np.random.Generator, m: int) -> tuple[Array, Array]:
    y = rng.choice([-1.0, 1.0], m)
    margin = rng.uniform(-2.5, 3.0, m)
    margin[np.abs(margin - 1.0) < 0.05] += 0.2  # away from the kink at margin 1
    return y * margin, y


def _hinge_visible(rng: np.random.Generator) -> list[Case]:
    return [
        Case((np.array([2.0, 0.5, -2.0]), np.array([1.0, 1.0, 1.0])),
             label="scores = [2, 0.5, -2], y = [1, 1, 1]: losses [0, 0.5, 3], mean 1.1667"),
        Case((np.array([2.0, 0.5, -2.0]), np.array([-1.0, -1.0, -1.0])),
             label="scores = [2, 0.5, -2], y = [-1, -1, -1]: losses [3, 1.5, 0], mean 1.5"),
        Case((np.array([3.0, -0.2, 0.7, -4.0]), np.array([1.0, -1.0, -1.0, 1.0]))),
        Case(_scores(rng, 20), label="20 random scores and labels in {-1, +1}"),
    ]


def _hinge_hidden(rng: np.random.Generator) -> list[Case]:
    return [Case(_scores(rng, int(m)), label=f"{m} random scores and labels in {{-1, +1}}")
            for m in rng.integers(2, 300, size=4)]


HINGE_LOSS = Exercise(
    name="hinge_loss",
    signature="hinge_loss(scores, y)",
    reference=losses.hinge_loss,
    visible=_hinge_visible,
    hidden=_hinge_hidden,
    mistakes=[
        Mistake("sum", lambda s, y: float(np.sum(np.maximum(0, 1 - y * s))),
                "looks like you summed over the examples: take the mean"),
        Mistake("no max", lambda s, y: float(np.mean(1 - y * s)),
                "clip at 0: max(0, 1 - y * score); a confidently correct example costs nothing"),
        Mistake("labels converted from {0, 1}", lambda s, y: float(np.mean(np.maximum(0, 1 - (2 * y - 1) * s))),
                "the labels are already in {-1, +1} here: do not convert them with 2y - 1 (that is for {0, 1})"),
        Mistake("no margin", lambda s, y: float(np.mean(np.maximum(0, -y * s))),
                "you dropped the margin 1: the hinge is max(0, 1 - y * score), so correct but unconfident "
                "examples (0 < y * score < 1) still cost something"),
        Mistake("squared hinge", lambda s, y: float(np.mean(np.maximum(0, 1 - y * s) ** 2)),
                "that is the squared hinge; the hinge loss is max(0, 1 - y * score) without the square"),
        Mistake("0-1 loss", lambda s, y: float(np.mean(y * s <= 0)),
                "that is the 0-1 loss (the error rate) itself; the hinge is its convex surrogate "
                "max(0, 1 - y * score)"),
        Mistake("sign flipped", lambda s, y: float(np.mean(np.maximum(0, 1 + y * s))),
                "the sign is flipped: max(0, 1 - y * score)"),
    ],
)


EXERCISES = {e.name: e for e in [L2_PENALTY, L1_PENALTY, DROPOUT_FORWARD, DROPOUT_BACKWARD, STEP_DECAY,
                                  EARLY_STOPPING, STANDARDIZE, HINGE_LOSS]}

check_l2_penalty = L2_PENALTY.check
check_l1_penalty = L1_PENALTY.check
check_dropout_forward = DROPOUT_FORWARD.check
check_dropout_backward = DROPOUT_BACKWARD.check
check_step_decay = STEP_DECAY.check
check_EarlyStopping = EARLY_STOPPING.check
check_standardize = STANDARDIZE.check
check_hinge_loss = HINGE_LOSS.check
