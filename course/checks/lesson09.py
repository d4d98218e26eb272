"""Checks for lesson 09, gradient-descent variants.

Update rules are checked by **trajectories**: starting from an empty ``state``, the
student's rule is called step after step with a sequence of gradients (and, where the
label says so, a changing learning rate), passing on the ``(theta, state)`` it returns,
exactly as a training loop does. After every call, ``theta`` is compared with the
reference rule of :mod:`course.optimizers` (the notes' formulas). The state's contents
are the student's business: only what it does to later steps is checked. Inputs must
not be modified in place (the lesson says so): a rule returns a new ``theta``.

``minibatches`` is checked by properties: coverage (every example exactly once), X/y
alignment, batch sizes, order kept when ``shuffle=False``, the permutation drawn from
``rng`` (any way of drawing one passes), a fresh order on every call, no global random
state, inputs untouched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

from .. import optimizers, preprocessing
from .core import Exercise, Mistake, Property, compare, describe, _exception_hint

Array = np.ndarray
Rule = Callable[..., tuple[Array, dict]]


class _Problem(Exception):
    """A property found something wrong; its message is what the student reads."""


# --- trajectories of update rules -----------------------------------------------------------------

@dataclass
class Scenario:
    """A sequence of calls ``theta, state = rule(theta, grads[k], state, **hyper[k])`` from ``state = {}``."""

    label: str
    theta: Array
    grads: list[Array]
    hyper: list[dict[str, float]] = field(default_factory=list)

    def settings(self, k: int) -> dict[str, float]:
        return dict(self.hyper[k] if len(self.hyper) > 1 else (self.hyper[0] if self.hyper else {}))


def _trajectory(rule: Rule, sc: Scenario) -> list[Array]:
    """The reference (or a mistake's) thetas after each call."""
    theta, state, out = sc.theta.copy(), {}, []
    for k, g in enumerate(sc.grads):
        theta, state = rule(theta.copy(), g.copy(), state, **sc.settings(k))
        theta = np.asarray(theta, dtype=np.float64)
        out.append(theta)
    return out


def _call_text(name: str, settings: dict[str, float]) -> str:
    extra = "".join(f", {k}={v:g}" for k, v in settings.items())
    return f"{name}(theta, grad, state{extra})"


def _student_trajectory(fn: Rule, name: str, signature: str, sc: Scenario, expected: list[Array],
                        mistakes: list[Mistake]) -> str | None:
    """Run ``fn`` through the scenario; None when every step matches, else the message."""
    theta, state = sc.theta.copy(), {}
    got: list[Array] = []
    n = len(sc.grads)
    for k, g in enumerate(sc.grads):
        settings = sc.settings(k)
        call = _call_text(name, settings)
        where = (f"  input:    {sc.label}\n  call {k + 1} of {n}: {call} with theta = {describe(theta)}, "
                 f"grad = {describe(g)}{' and the state returned by call ' + str(k) if k else ' and state = {}'}")
        theta_in, grad_in = theta.copy(), g.copy()
        try:
            result = fn(theta_in, grad_in, state, **settings)
        except NotImplementedError:
            raise
        except Exception as exc:
            hint = _exception_hint(exc)
            if isinstance(exc, KeyError) and k == 0:
                hint = ("on the first call `state` is an empty dict {}: create what you need, e.g. "
                        "`if not state: state['v'] = np.zeros_like(theta)`")
            if isinstance(exc, TypeError) and "argument" in str(exc):
                hint = f"the contract's signature is {signature}"
            return f"{call} raised {type(exc).__name__}: {exc}\n{where}" + (f"\n  hint: {hint}" if hint else "")
        if not np.array_equal(theta_in, theta) or not np.array_equal(grad_in, g):
            arg = "theta" if not np.array_equal(theta_in, theta) else "grad"
            return (f"{call} modified its input `{arg}` in place\n{where}\n"
                    f"  hint: return a new array, e.g. `theta = theta - step` rather than `theta -= step` "
                    f"(the caller may still need the old theta)")
        if result is None:
            return f"{call} returned None\n{where}\n  hint: end with `return theta, state`"
        if isinstance(result, np.ndarray) or not isinstance(result, (tuple, list)) or len(result) != 2:
            return (f"{call} returned {describe(result)}, expected a pair (theta, state)\n{where}\n"
                    f"  hint: return the new parameters and the state dict: `return theta, state`")
        new_theta, new_state = result
        if not isinstance(new_state, dict):
            return (f"{call}: the returned state is {describe(new_state)} ({type(new_state).__name__}), "
                    f"expected a dict\n{where}\n  hint: return the dict you were given, updated: `return theta, state`")
        mismatch = compare(new_theta, expected[k])
        if mismatch is None:
            got.append(np.asarray(new_theta, dtype=np.float64))
            theta, state = got[-1], new_state
            continue
        lines = [f"{call}: {mismatch.reason.replace('the result', 'the returned theta')} after call {k + 1} of {n}",
                 where]
        if mismatch.index is not None and isinstance(mismatch.expected, np.ndarray):
            i = mismatch.index
            lines.append(f"  first wrong entry {list(i)}: expected {mismatch.expected[i]:.10g}, got {mismatch.got[i]:.10g}")
            lines.append(f"  expected: {describe(mismatch.expected)}")
            lines.append(f"  got:      {describe(mismatch.got)}")
        if k:
            lines.append(f"  (calls 1 to {k} were right)")
        hint = _matching_hint(got + [new_theta], sc, mistakes) or mismatch.generic_hint
        if hint:
            lines.append(f"  hint: {hint}")
        return "\n".join(lines)
    return None


def _matching_hint(got: list[Any], sc: Scenario, mistakes: list[Mistake]) -> str | None:
    """The hint of the first mistake whose trajectory equals the student's so far."""
    for mistake in mistakes:
        try:
            theirs = _trajectory(mistake.impl, Scenario(sc.label, sc.theta, sc.grads[:len(got)], sc.hyper[:len(got)]
                                                        if len(sc.hyper) > 1 else sc.hyper))
            if compare(list(got), theirs, equal_nan=True) is None:
                return mistake.hint
        except Exception:
            continue
    return None


def _scenario_property(name: str, signature: str, reference: Rule, sc: Scenario,
                       mistakes: list[Mistake]) -> Property:
    def test(fn: Rule) -> str | None:
        expected = _trajectory(reference, sc)
        return _student_trajectory(fn, name, signature, sc, expected, mistakes)
    return Property(sc.label, test)


def _rule_exercise(name: str, signature: str, reference: Rule, visible: Callable[[np.random.Generator], list[Scenario]],
                   random_hyper: Callable[[np.random.Generator], dict[str, float]], mistakes: list[Mistake]) -> Exercise:
    def visible_checks(rng: np.random.Generator) -> list[Property]:
        return [_scenario_property(name, signature, reference, sc, mistakes) for sc in visible(rng)]

    def hidden_checks(rng: np.random.Generator) -> list[Property]:
        checks = []
        for _ in range(3):
            shape = tuple(int(s) for s in rng.integers(1, 6, size=int(rng.integers(1, 4))))
            steps = int(rng.integers(2, 13))
            scale = float(10 ** rng.uniform(-3, 0.5))
            hyper = random_hyper(rng)
            grads = [rng.normal(0, scale, shape) * rng.uniform(0.2, 2.0, shape) for _ in range(steps)]
            sc = Scenario(f"a random theta of shape {shape}, {steps} random gradients of scale {scale:.3g}, "
                          + ", ".join(f"{k} = {v:.4g}" for k, v in hyper.items()),
                          rng.normal(0, 1, shape), grads, [hyper])
            checks.append(_scenario_property(name, signature, reference, sc, mistakes))
        return checks

    return Exercise(name=name, signature=signature, reference=reference, visible=visible_checks,
                    hidden=hidden_checks, mistakes=mistakes)


# --- shared inputs ------------------------------------------------------------------------------------

THETA = np.array([1.0, -2.0, 0.5])
GRAD = np.array([0.2, -0.5, 1.0])
GRADS = [np.array([0.2, -0.5, 1.0]), np.array([0.1, -0.4, 0.5]), np.array([-0.3, -0.2, 0.4]),
         np.array([0.05, 0.3, -0.6]), np.array([0.2, -0.1, 0.1])]
"""The visible trajectory: five gradients for THETA (a sign flip in every coordinate along the way)."""


def _one_step(hyper: dict[str, float]) -> Scenario:
    shown = ", ".join(f"{k} = {v:g}" for k, v in hyper.items())
    return Scenario(f"one call from an empty state: theta = [1, -2, 0.5], grad = [0.2, -0.5, 1]"
                    f"{', ' + shown if shown else ''}", THETA, [GRAD], [hyper])


def _five_steps(hyper: dict[str, float]) -> Scenario:
    shown = ", ".join(f"{k} = {v:g}" for k, v in hyper.items())
    return Scenario(f"five calls passing the state along: theta = [1, -2, 0.5] and the gradients "
                    f"[0.2, -0.5, 1], [0.1, -0.4, 0.5], [-0.3, -0.2, 0.4], [0.05, 0.3, -0.6], [0.2, -0.1, 0.1]"
                    f"{', ' + shown if shown else ''}", THETA, GRADS, [hyper])


def _matrix(rng: np.random.Generator, hyper: dict[str, float], steps: int = 4) -> Scenario:
    shown = ", ".join(f"{k} = {v:g}" for k, v in hyper.items())
    return Scenario(f"a (3, 2) matrix theta, {steps} calls with random gradients, {shown}",
                    rng.normal(0, 1, (3, 2)), [rng.normal(0, 1, (3, 2)) for _ in range(steps)], [hyper])


def _tiny(rng: np.random.Generator, hyper: dict[str, float], steps: int = 3) -> Scenario:
    shown = ", ".join(f"{k} = {v:g}" for k, v in hyper.items())
    return Scenario(f"tiny gradients (about 1e-4) where eps matters, {steps} calls, {shown}",
                    rng.normal(0, 1, 4), [rng.normal(0, 1e-4, 4) for _ in range(steps)], [hyper])


# --- the rules' mistakes ----------------------------------------------------------------------------

def _buf(state: dict, key: str, like: Array) -> Array:
    return state.get(key, np.zeros_like(like))


def _sgd_plus(theta, grad, state, lr):
    return theta + lr * grad, state


def _sgd_no_lr(theta, grad, state, lr):
    return theta - grad, state


def _sgd_step_only(theta, grad, state, lr):
    return lr * grad, state


SGD_UPDATE = _rule_exercise(
    "sgd_update", "sgd_update(theta, grad, state, lr)", optimizers.sgd_update,
    lambda rng: [_one_step({"lr": 0.1}), _five_steps({"lr": 0.5}), _matrix(rng, {"lr": 0.03})],
    lambda rng: {"lr": float(rng.uniform(0.001, 0.5))},
    [
        Mistake("plus", _sgd_plus, "step *against* the gradient: theta - lr * grad"),
        Mistake("no lr", _sgd_no_lr, "multiply the gradient by the learning rate: theta - lr * grad"),
        Mistake("step only", _sgd_step_only, "return the new parameters theta - lr * grad, not the step lr * grad"),
    ],
)


def _momentum_torch(theta, grad, state, lr, gamma=0.9):
    v = gamma * _buf(state, "v", theta) + grad
    return theta - lr * v, {**state, "v": v}


def _momentum_ema(theta, grad, state, lr, gamma=0.9):
    v = gamma * _buf(state, "v", theta) + (1 - gamma) * grad
    return theta - lr * v, {**state, "v": v}


def _momentum_fresh(theta, grad, state, lr, gamma=0.9):
    return theta - lr * grad, state


def _momentum_lr_twice(theta, grad, state, lr, gamma=0.9):
    v = gamma * _buf(state, "v", theta) + lr * grad
    return theta - lr * v, {**state, "v": v}


MOMENTUM_FRESH_HINT = ("v must carry over from the previous call: keep it in `state` (state['v'] = v) and start it at "
                       "zeros when the state is empty")

MOMENTUM_UPDATE = _rule_exercise(
    "momentum_update", "momentum_update(theta, grad, state, lr, gamma=0.9)", optimizers.momentum_update,
    lambda rng: [
        _one_step({"lr": 0.05, "gamma": 0.9}),
        _five_steps({"lr": 0.1, "gamma": 0.9}),
        Scenario("five calls with a decaying learning rate lr = 0.2, 0.1, 0.05, 0.025, 0.0125 (as a schedule does), "
                 "gamma = 0.9, the gradients of the five-call check", THETA, GRADS,
                 [{"lr": 0.2 / 2**k, "gamma": 0.9} for k in range(5)]),
        Scenario("five calls with the default gamma (0.9), lr = 0.1", THETA, GRADS, [{"lr": 0.1}]),
        _matrix(rng, {"lr": 0.05, "gamma": 0.5}),
    ],
    lambda rng: {"lr": float(rng.uniform(0.001, 0.5)), "gamma": float(rng.uniform(0.5, 0.99))},
    [
        Mistake("torch form", _momentum_torch,
                "you accumulate v = gamma v + g and step theta -= lr v (PyTorch's form); the notes fold lr into v: "
                "v = gamma v + lr g, theta -= v. They agree only while lr never changes"),
        Mistake("EMA", _momentum_ema, "the notes' velocity is v = gamma v + lr g (no (1 - gamma) factor), then theta -= v"),
        Mistake("not carried", _momentum_fresh, MOMENTUM_FRESH_HINT),
        Mistake("lr twice", _momentum_lr_twice, "v already contains lr: step theta -= v, not theta -= lr v"),
    ],
)


NESTEROV_LOOKAHEAD = ("Nesterov looks ahead: first v = gamma v + lr g, then theta -= gamma v + lr g with the *updated* "
                      "v (on the first call that is (1 + gamma) lr g). Stepping theta -= v is plain momentum, and "
                      "gamma times the old v misses the look-ahead")


def _nesterov_plain(theta, grad, state, lr, gamma=0.9):
    v = gamma * _buf(state, "v", theta) + lr * grad
    return theta - v, {**state, "v": v}


def _nesterov_old_v(theta, grad, state, lr, gamma=0.9):
    old = _buf(state, "v", theta)
    v = gamma * old + lr * grad
    return theta - (gamma * old + lr * grad), {**state, "v": v}


def _nesterov_no_lr(theta, grad, state, lr, gamma=0.9):
    v = gamma * _buf(state, "v", theta) + lr * grad
    return theta - (gamma * v + grad), {**state, "v": v}


def _nesterov_fresh(theta, grad, state, lr, gamma=0.9):
    v = lr * grad
    return theta - (gamma * v + lr * grad), state


NESTEROV_UPDATE = _rule_exercise(
    "nesterov_update", "nesterov_update(theta, grad, state, lr, gamma=0.9)", optimizers.nesterov_update,
    lambda rng: [
        _one_step({"lr": 0.05, "gamma": 0.9}),
        _five_steps({"lr": 0.1, "gamma": 0.9}),
        Scenario("five calls with the default gamma (0.9), lr = 0.1", THETA, GRADS, [{"lr": 0.1}]),
        _matrix(rng, {"lr": 0.05, "gamma": 0.5}),
    ],
    lambda rng: {"lr": float(rng.uniform(0.001, 0.5)), "gamma": float(rng.uniform(0.5, 0.99))},
    [
        Mistake("no look-ahead", _nesterov_plain, NESTEROV_LOOKAHEAD),
        Mistake("old v", _nesterov_old_v, NESTEROV_LOOKAHEAD),
        Mistake("no lr", _nesterov_no_lr, "the gradient term of the step needs the learning rate: theta -= gamma v + lr g"),
        Mistake("not carried", _nesterov_fresh, MOMENTUM_FRESH_HINT),
    ],
)


def _adagrad_current(theta, grad, state, lr, eps=1e-8):
    return theta - lr * grad / (np.sqrt(grad * grad) + eps), state


def _adagrad_eps_inside(theta, grad, state, lr, eps=1e-8):
    G = _buf(state, "G", theta) + grad * grad
    return theta - lr * grad / np.sqrt(G + eps), {**state, "G": G}


def _adagrad_no_sqrt(theta, grad, state, lr, eps=1e-8):
    G = _buf(state, "G", theta) + grad * grad
    return theta - lr * grad / (G + eps), {**state, "G": G}


ADAGRAD_UPDATE = _rule_exercise(
    "adagrad_update", "adagrad_update(theta, grad, state, lr, eps=1e-8)", optimizers.adagrad_update,
    lambda rng: [
        _one_step({"lr": 0.1}),
        _five_steps({"lr": 0.5}),
        _tiny(rng, {"lr": 0.1, "eps": 1e-3}),
        _matrix(rng, {"lr": 0.05, "eps": 1e-6}),
    ],
    lambda rng: {"lr": float(rng.uniform(0.001, 0.5)), "eps": float(10 ** rng.uniform(-8, -3))},
    [
        Mistake("current g only", _adagrad_current,
                "G accumulates *all* past squared gradients: G = G + g² (kept in state), not just the current g²"),
        Mistake("eps inside", _adagrad_eps_inside, "eps goes outside the square root: lr g / (sqrt(G) + eps)"),
        Mistake("no sqrt", _adagrad_no_sqrt, "divide by the square root of G: lr g / (sqrt(G) + eps)"),
    ],
)


def _adadelta_parts(theta, grad, state, rho, eps, *, eps_outside=False, swap=False, ed_of_g=False, sign=1.0):
    a, c = (1 - rho, rho) if swap else (rho, 1 - rho)
    Eg = a * _buf(state, "Eg", theta) + c * grad * grad
    Ed = _buf(state, "Ed", theta)
    if eps_outside:
        delta = -(np.sqrt(Ed) + eps) / (np.sqrt(Eg) + eps) * grad
    else:
        delta = -np.sqrt(Ed + eps) / np.sqrt(Eg + eps) * grad
    Ed = a * Ed + c * (grad * grad if ed_of_g else delta * delta)
    return theta + sign * delta, {**state, "Eg": Eg, "Ed": Ed}


ADADELTA_UPDATE = _rule_exercise(
    "adadelta_update", "adadelta_update(theta, grad, state, rho=0.95, eps=1e-6)", optimizers.adadelta_update,
    lambda rng: [
        _one_step({"rho": 0.95, "eps": 1e-6}),
        _five_steps({"rho": 0.9, "eps": 1e-2}),
        Scenario("five calls with the defaults rho = 0.95, eps = 1e-6", THETA, GRADS, [{}]),
        _matrix(rng, {"rho": 0.8, "eps": 1e-4}, steps=6),
    ],
    lambda rng: {"rho": float(rng.uniform(0.8, 0.99)), "eps": float(10 ** rng.uniform(-6, -2))},
    [
        Mistake("eps outside", lambda t, g, s, rho=0.95, eps=1e-6: _adadelta_parts(t, g, s, rho, eps, eps_outside=True),
                "eps goes *inside* both square roots: Delta = -sqrt(Ed + eps) / sqrt(Eg + eps) * g (with Ed = 0 "
                "at the start, sqrt(Ed + eps) is what gets Adadelta moving)"),
        Mistake("rho swapped", lambda t, g, s, rho=0.95, eps=1e-6: _adadelta_parts(t, g, s, rho, eps, swap=True),
                "rho weighs the *old* average: Eg = rho Eg + (1 - rho) g², and the same for Ed"),
        Mistake("Ed of g", lambda t, g, s, rho=0.95, eps=1e-6: _adadelta_parts(t, g, s, rho, eps, ed_of_g=True),
                "Ed averages the squared *updates*: Ed = rho Ed + (1 - rho) Delta², computed after Delta"),
        Mistake("sign", lambda t, g, s, rho=0.95, eps=1e-6: _adadelta_parts(t, g, s, rho, eps, sign=-1.0),
                "Delta already carries the minus sign (Delta = -... * g): update with theta + Delta"),
    ],
)


def _rms(theta, grad, state, lr, rho=0.9, eps=1e-8, *, swap=False, eps_inside=False, no_sqrt=False, fresh=False):
    a, c = (1 - rho, rho) if swap else (rho, 1 - rho)
    Eg = a * (0 * theta if fresh else _buf(state, "Eg", theta)) + c * grad * grad
    denom = np.sqrt(Eg + eps) if eps_inside else (Eg + eps if no_sqrt else np.sqrt(Eg) + eps)
    return theta - lr * grad / denom, {**state, "Eg": Eg}


RMSPROP_UPDATE = _rule_exercise(
    "rmsprop_update", "rmsprop_update(theta, grad, state, lr, rho=0.9, eps=1e-8)", optimizers.rmsprop_update,
    lambda rng: [
        _one_step({"lr": 0.01, "rho": 0.9}),
        _five_steps({"lr": 0.1, "rho": 0.8}),
        Scenario("five calls with the defaults rho = 0.9, eps = 1e-8, lr = 0.01", THETA, GRADS, [{"lr": 0.01}]),
        _tiny(rng, {"lr": 0.01, "rho": 0.9, "eps": 1e-3}),
        _matrix(rng, {"lr": 0.05, "rho": 0.95}),
    ],
    lambda rng: {"lr": float(rng.uniform(0.001, 0.1)), "rho": float(rng.uniform(0.8, 0.99)),
                 "eps": float(10 ** rng.uniform(-8, -3))},
    [
        Mistake("rho swapped", lambda *a, **k: _rms(*a, **k, swap=True),
                "rho weighs the *old* average: Eg = rho Eg + (1 - rho) g², not (1 - rho) Eg + rho g²"),
        Mistake("eps inside", lambda *a, **k: _rms(*a, **k, eps_inside=True),
                "eps goes outside the square root: lr g / (sqrt(Eg) + eps)"),
        Mistake("no sqrt", lambda *a, **k: _rms(*a, **k, no_sqrt=True),
                "divide by the *root* mean square: lr g / (sqrt(Eg) + eps)"),
        Mistake("not carried", lambda *a, **k: _rms(*a, **k, fresh=True),
                "Eg is a running average over calls: keep it in `state` and start it at zeros"),
    ],
)


def _adam(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8, *, correct=True, t0=False, eps_inside=False,
          t_stuck=False, decay=0.0, decay_where="first", l2=0.0):
    state = dict(state)
    t = state.get("t", 0) + (0 if t0 else 1)
    state["t"] = t + (1 if t0 else 0)
    if t_stuck:
        t, state["t"] = 1, 0
    if decay and decay_where == "first":
        theta = theta - decay * theta
    if l2:
        grad = grad + l2 * theta
    m = beta1 * _buf(state, "m", theta) + (1 - beta1) * grad
    v = beta2 * _buf(state, "v", theta) + (1 - beta2) * grad * grad
    state["m"], state["v"] = m, v
    m_hat, v_hat = (m / (1 - beta1**t), v / (1 - beta2**t)) if correct else (m, v)
    new = theta - lr * m_hat / (np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps)
    if decay and decay_where == "after":
        new = new - decay * new
    return new, state


ADAM_HYPER = {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}

ADAM_MISTAKES = [
    Mistake("no bias correction", lambda *a, **k: _adam(*a, **k, correct=False),
            "correct the bias of the zero-started moments: m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t)"),
    Mistake("t from 0", lambda *a, **k: _adam(*a, **k, t0=True),
            "count steps from 1: increment t *before* the bias correction (with t = 0, 1 - beta1**0 = 0 divides by "
            "zero)"),
    Mistake("eps inside", lambda *a, **k: _adam(*a, **k, eps_inside=True),
            "eps goes outside the square root: lr m_hat / (sqrt(v_hat) + eps)"),
    Mistake("t stuck", lambda *a, **k: _adam(*a, **k, t_stuck=True),
            "t must count the calls (1, 2, 3, ...): store it in `state` and increase it on every call"),
]


def _adam_visible(rng: np.random.Generator) -> list[Scenario]:
    return [
        _one_step({"lr": 0.1}),
        _five_steps(ADAM_HYPER),
        Scenario("five calls with the defaults beta1 = 0.9, beta2 = 0.999, eps = 1e-8, lr = 0.01", THETA, GRADS,
                 [{"lr": 0.01}]),
        _tiny(rng, {"lr": 0.01, "eps": 1e-4}),
        _matrix(rng, {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}, steps=6),
    ]


def _adam_random(rng: np.random.Generator) -> dict[str, float]:
    return {"lr": float(rng.uniform(0.001, 0.3)), "beta1": float(rng.uniform(0.7, 0.95)),
            "beta2": float(rng.uniform(0.9, 0.9999)), "eps": float(10 ** rng.uniform(-8, -3))}


ADAM_UPDATE = _rule_exercise(
    "adam_update", "adam_update(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8)", optimizers.adam_update,
    _adam_visible, _adam_random, ADAM_MISTAKES,
)


def _adamw(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01, **how):
    return _adam(theta, grad, state, lr, beta1, beta2, eps, **how)


ADAMW_UPDATE = _rule_exercise(
    "adamw_update", "adamw_update(theta, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01)",
    optimizers.adamw_update,
    lambda rng: [
        Scenario("one call from an empty state: theta = [1, -2, 0.5], grad = [-0.05, 0.1, 1], lr = 0.1, "
                 "weight_decay = 0.1", THETA, [np.array([-0.05, 0.1, 1.0])], [{"lr": 0.1, "weight_decay": 0.1}]),
        _five_steps({"lr": 0.1, "weight_decay": 0.1}),
        Scenario("five calls with the defaults beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.01, lr = 0.1",
                 THETA, GRADS, [{"lr": 0.1}]),
        Scenario("a large theta ([50, -80, 20]) and small gradients, so the decay dominates: 4 calls, lr = 0.05, "
                 "weight_decay = 0.5", np.array([50.0, -80.0, 20.0]), [0.01 * g for g in GRADS[:4]],
                 [{"lr": 0.05, "weight_decay": 0.5}]),
        _matrix(rng, {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.2}, steps=6),
    ],
    lambda rng: {**_adam_random(rng), "weight_decay": float(rng.uniform(0.01, 0.5))},
    [
        Mistake("decay after", lambda t, g, s, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01: _adam(
            t, g, s, lr, beta1, beta2, eps, decay=lr * weight_decay, decay_where="after"),
            "decay the weights *first*: theta = theta - lr * weight_decay * theta, then take the Adam step from it"),
        Mistake("L2 in the gradient", lambda t, g, s, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01: _adam(
            t, g, s, lr, beta1, beta2, eps, l2=weight_decay),
            "you added weight_decay * theta to the gradient: that is L2 regularization inside Adam, whose decay "
            "gets divided by sqrt(v_hat). AdamW decouples it: theta -= lr * weight_decay * theta, then the Adam "
            "step with the plain gradient"),
        Mistake("decay without lr", lambda t, g, s, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01: _adam(
            t, g, s, lr, beta1, beta2, eps, decay=weight_decay),
            "the decay is scaled by the learning rate: theta -= lr * weight_decay * theta"),
        Mistake("no decay", lambda t, g, s, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01: _adam(
            t, g, s, lr, beta1, beta2, eps), "that is plain Adam: AdamW first decays theta -= lr * weight_decay * theta"),
        Mistake("no bias correction", lambda t, g, s, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01: _adam(
            t, g, s, lr, beta1, beta2, eps, decay=lr * weight_decay, correct=False), ADAM_MISTAKES[0].hint),
        Mistake("t from 0", lambda t, g, s, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01: _adam(
            t, g, s, lr, beta1, beta2, eps, decay=lr * weight_decay, t0=True), ADAM_MISTAKES[1].hint),
    ],
)


# --- minibatches(X, y, batch_size, rng, shuffle=True) -------------------------------------------

DROP_LAST = ("the last, shorter batch is missing: loop over range(0, m, batch_size) and let the last slice be short "
             "(every example must be used once per epoch)")
SEPARATE = ("X and y rows no longer match: draw ONE permutation and index both with it (X[idx], y[idx]); shuffling "
            "X and y separately scrambles the labels")
REPLACEMENT = ("some examples appear twice and others never: draw a permutation (rng.permutation(m), or "
               "rng.choice(m, m, replace=False)); rng.integers or rng.choice without replace=False repeat examples")
GLOBAL_STATE = ("the order does not follow `rng`: draw it from the generator you are given (rng.permutation(m)), "
                "not from np.random.permutation / np.random.shuffle")
OWN_GENERATOR = ("you made a new generator inside the function; draw the order from the `rng` argument so that a seed "
                 "reproduces it")
IGNORES_RNG = ("different generators gave the same order: draw the permutation from the `rng` argument, not a "
               "generator seeded inside the function")
NEVER_SHUFFLES = "with shuffle=True the order must be a random permutation drawn from rng (rng.permutation(m))"
ALWAYS_SHUFFLES = "with shuffle=False keep the original order: idx = np.arange(m)"
IN_PLACE = ("you shuffled the caller's X or y in place (rng.shuffle(X) or X[:] = ...): index with a permutation "
            "instead, X[idx], which makes new arrays")
SAME_ORDER = ("every call gave the same order: draw a fresh permutation from rng on each call (one call = one "
              "epoch, and the notes reshuffle every epoch)")
OVERLAP = "consecutive batches overlap: advance the start index by batch_size (range(0, m, batch_size))"


def _data(m: int, n: int, y_2d: bool) -> tuple[Array, Array]:
    """Rows that say who they are: X[i, 0] = i, X[i, j] = 10 i + j; y[i] = 1000 + i (and -i)."""
    ids = np.arange(m, dtype=np.float64)
    X = np.column_stack([ids] + [10 * ids + j for j in range(1, n)]) if n > 1 else ids[:, None].copy()
    y = np.column_stack([1000 + ids, -ids]) if y_2d else 1000 + ids
    return X, y


def _collect(fn: Callable[..., Any], X: Array, y: Array, batch_size: int, rng: Any, shuffle: bool,
             label: str) -> list[tuple[Array, Array]]:
    """Call ``fn`` and gather its batches, checking their form; raise :class:`_Problem` with the message."""
    call = f"minibatches(X, y, batch_size={batch_size}, rng, shuffle={shuffle})"
    where = f"\n  input:    {label}"
    X_in, y_in = X.copy(), y.copy()
    result = fn(X_in, y_in, batch_size, rng, shuffle=shuffle)
    if result is None:
        raise _Problem(f"{call} returned None{where}\n  hint: make it a generator: `yield Xb, yb` inside the loop")
    if isinstance(result, (np.ndarray, tuple)) or not isinstance(result, Iterable):
        raise _Problem(f"{call} returned {describe(result)}, expected batches (Xb, yb) one after another{where}\n"
                       f"  hint: make it a generator: `yield Xb, yb` inside the loop")
    batches = []
    for i, item in enumerate(result):
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise _Problem(f"{call}: batch {i} is {describe(item)}, expected a pair (Xb, yb){where}\n"
                           f"  hint: `yield X[idx], y[idx]`")
        Xb, yb = item
        for name, part, full in (("Xb", Xb, X), ("yb", yb, y)):
            if not isinstance(part, np.ndarray):
                raise _Problem(f"{call}: in batch {i}, {name} is {describe(part)} ({type(part).__name__}), expected a "
                               f"numpy array{where}\n  hint: index the arrays: X[idx], y[idx]")
            if part.ndim != full.ndim or part.shape[1:] != full.shape[1:]:
                want = "(k,)" if full.ndim == 1 else f"(k, {', '.join(map(str, full.shape[1:]))})"
                raise _Problem(f"{call}: in batch {i}, {name} has shape {part.shape}, expected {want}{where}\n"
                               f"  hint: select whole rows: X[idx] and y[idx] with an index array idx")
        if Xb.shape[0] != yb.shape[0]:
            raise _Problem(f"{call}: batch {i} has {Xb.shape[0]} rows of X but {yb.shape[0]} of y{where}")
        batches.append((Xb, yb))
        if len(batches) > 10 * X.shape[0] + 10:
            raise _Problem(f"{call} yielded more than {10 * X.shape[0] + 10} batches for {X.shape[0]} examples{where}\n"
                           f"  hint: {OVERLAP}")
    if not np.array_equal(X_in, X) or not np.array_equal(y_in, y):
        raise _Problem(f"{call} changed the caller's X or y{where}\n  hint: {IN_PLACE}")
    return batches


def _ids(batches: list[tuple[Array, Array]], X: Array, y: Array, call: str, label: str) -> list[Array]:
    """The example index of every row of every batch; checks rows are whole and X/y aligned."""
    out = []
    m = X.shape[0]
    for i, (Xb, yb) in enumerate(batches):
        ids = Xb[:, 0].astype(np.float64)
        whole = np.all((ids >= 0) & (ids < m) & (ids == np.round(ids)))
        if not whole or not np.array_equal(Xb, X[ids.astype(int)]):
            raise _Problem(f"{call}: batch {i} contains rows that are not rows of X\n  input:    {label}\n"
                           f"  hint: select whole rows with one index array: X[idx]")
        if not np.array_equal(yb, y[ids.astype(int)]):
            j = int(np.flatnonzero(np.any((yb != y[ids.astype(int)]).reshape(len(yb), -1), axis=1))[0])
            raise _Problem(f"{call}: in batch {i}, row {j} of Xb is example {int(ids[j])} but row {j} of yb is not "
                           f"its label\n  input:    {label}\n  hint: {SEPARATE}")
        out.append(ids.astype(int))
    return out


def _order_property(m: int, n: int, batch_size: int, y_2d: bool, shuffle: bool, seed: int) -> Property:
    label = (f"X of shape ({m}, {n}) whose row i is example i, y of shape {(m, 2) if y_2d else (m,)}, "
             f"batch_size = {batch_size}, rng = np.random.default_rng({seed}), shuffle = {shuffle}")
    call = f"minibatches(X, y, batch_size={batch_size}, rng, shuffle={shuffle})"

    def test(fn: Callable[..., Any]) -> str | None:
        X, y = _data(m, n, y_2d)
        saved = np.random.get_state()
        try:
            ids = _ids(_collect(fn, X, y, batch_size, np.random.default_rng(seed), shuffle, label), X, y, call, label)
        except _Problem as problem:
            return str(problem)
        finally:
            np.random.set_state(saved)
        sizes = [len(i) for i in ids]
        want = [batch_size] * (m // batch_size) + ([m % batch_size] if m % batch_size else [])
        order = np.concatenate(ids) if ids else np.zeros(0, dtype=int)
        seen = np.bincount(order, minlength=m)
        if np.any(seen > 1) or np.any(seen == 0):
            missing, twice = np.flatnonzero(seen == 0), np.flatnonzero(seen > 1)
            if sizes == want[:-1] and m % batch_size and len(missing) == m % batch_size and not len(twice):
                hint = DROP_LAST
            elif len(twice) and sum(sizes) > m:
                hint = OVERLAP
            else:
                hint = REPLACEMENT if len(twice) else DROP_LAST
            detail = (f"examples {describe(missing[:8].astype(float))} never appear" if len(missing) else "") + \
                     ("; " if len(missing) and len(twice) else "") + \
                     (f"examples {describe(twice[:8].astype(float))} appear more than once" if len(twice) else "")
            return (f"{call}: every example must appear exactly once per call, but {detail}\n  input:    {label}\n"
                    f"  batch sizes: expected {want}, got {sizes}\n  hint: {hint}")
        if sizes != want:
            return (f"{call}: the batch sizes are wrong\n  input:    {label}\n  expected: {want}\n  got:      {sizes}\n"
                    f"  hint: batches of batch_size examples in turn; only the last may be shorter")
        in_order = np.array_equal(order, np.arange(m))
        if not shuffle and not in_order:
            return (f"{call}: with shuffle=False the examples must come in their original order\n  input:    {label}\n"
                    f"  expected: examples 0, 1, 2, ...\n  got:      examples {describe(order[:8].astype(float))}\n"
                    f"  hint: {ALWAYS_SHUFFLES}")
        if shuffle and in_order and m >= 8:
            return (f"{call}: with shuffle=True the examples came in their original order\n  input:    {label}\n"
                    f"  hint: {NEVER_SHUFFLES}")
        return None

    return Property(label, test)


def _rng_property(m: int, batch_size: int) -> Property:
    label = (f"X of shape ({m}, 2), batch_size = {batch_size}, shuffle = True: the order must come from rng "
             f"(seeds 5 and 6)")
    call = f"minibatches(X, y, batch_size={batch_size}, rng, shuffle=True)"

    def test(fn: Callable[..., Any]) -> str | None:
        X, y = _data(m, 2, False)
        saved = np.random.get_state()
        try:
            def order(seed: int, global_seed: int) -> Array:
                np.random.seed(global_seed)
                ids = _ids(_collect(fn, X, y, batch_size, np.random.default_rng(seed), True, label), X, y, call, label)
                return np.concatenate(ids)
            a1, a1_again, a2, b1 = order(5, 1), order(5, 1), order(5, 2), order(6, 1)
            # One generator, two calls: two epochs need two different orders.
            shared = np.random.default_rng(9)
            e1 = np.concatenate(_ids(_collect(fn, X, y, batch_size, shared, True, label), X, y, call, label))
            e2 = np.concatenate(_ids(_collect(fn, X, y, batch_size, shared, True, label), X, y, call, label))
        except _Problem as problem:
            return str(problem)
        finally:
            np.random.set_state(saved)
        if a1.shape != a2.shape or not np.array_equal(a1, a2):
            hint = GLOBAL_STATE if a1.shape == a1_again.shape and np.array_equal(a1, a1_again) else OWN_GENERATOR
            return (f"{call}: the same seed gave different orders\n  input:    {label}\n"
                    f"  expected: two calls with np.random.default_rng(5) give the same batches\n  hint: {hint}")
        if a1.shape == b1.shape and np.array_equal(a1, b1):
            hint = NEVER_SHUFFLES if np.array_equal(a1, np.arange(m)) else IGNORES_RNG
            return (f"{call}: different seeds gave the same order\n  input:    {label}\n"
                    f"  expected: np.random.default_rng(5) and np.random.default_rng(6) give different orders\n"
                    f"  hint: {hint}")
        if e1.shape == e2.shape and np.array_equal(e1, e2):
            return (f"{call}: two calls with the same generator gave the same order\n  input:    {label}\n"
                    f"  hint: {SAME_ORDER}")
        return None

    return Property(label, test)


def _minibatches_visible(rng: np.random.Generator) -> list[Property]:
    return [
        _order_property(10, 2, 3, False, False, 0),
        _order_property(8, 3, 4, True, False, 0),
        _order_property(10, 2, 3, False, True, 1),
        _order_property(7, 1, 10, False, True, 2),
        _order_property(9, 2, 1, True, True, 3),
        _order_property(30, 2, 30, False, True, 4),
        _rng_property(20, 6),
    ]


def _minibatches_hidden(rng: np.random.Generator) -> list[Property]:
    checks = []
    for _ in range(4):
        m = int(rng.integers(1, 120))
        batch_size = int(rng.integers(1, m + 4))
        checks.append(_order_property(m, int(rng.integers(1, 5)), batch_size, bool(rng.integers(0, 2)),
                                      bool(rng.integers(0, 2)), int(rng.integers(0, 2**31))))
    m = int(rng.integers(12, 120))
    checks.append(_rng_property(m, int(rng.integers(1, m))))
    return checks


def _mb_drop_last(X, y, batch_size, rng, shuffle=True):
    idx = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    for s in range(0, len(X) - batch_size + 1, batch_size):
        yield X[idx[s:s + batch_size]], y[idx[s:s + batch_size]]


def _mb_separate(X, y, batch_size, rng, shuffle=True):
    Xs, ys = (X[rng.permutation(len(X))], y[rng.permutation(len(y))]) if shuffle else (X, y)
    for s in range(0, len(X), batch_size):
        yield Xs[s:s + batch_size], ys[s:s + batch_size]


def _mb_global(X, y, batch_size, rng, shuffle=True):
    idx = np.random.permutation(len(X)) if shuffle else np.arange(len(X))
    for s in range(0, len(X), batch_size):
        yield X[idx[s:s + batch_size]], y[idx[s:s + batch_size]]


def _mb_never(X, y, batch_size, rng, shuffle=True):
    for s in range(0, len(X), batch_size):
        yield X[s:s + batch_size], y[s:s + batch_size]


def _mb_always(X, y, batch_size, rng, shuffle=True):
    idx = rng.permutation(len(X))
    for s in range(0, len(X), batch_size):
        yield X[idx[s:s + batch_size]], y[idx[s:s + batch_size]]


def _mb_replacement(X, y, batch_size, rng, shuffle=True):
    idx = rng.choice(len(X), len(X)) if shuffle else np.arange(len(X))
    for s in range(0, len(X), batch_size):
        yield X[idx[s:s + batch_size]], y[idx[s:s + batch_size]]


def _mb_in_place(X, y, batch_size, rng, shuffle=True):
    if shuffle:
        idx = rng.permutation(len(X))
        X[:], y[:] = X[idx], y[idx]
    for s in range(0, len(X), batch_size):
        yield X[s:s + batch_size].copy(), y[s:s + batch_size].copy()


def _mb_own(X, y, batch_size, rng, shuffle=True):
    idx = np.random.default_rng().permutation(len(X)) if shuffle else np.arange(len(X))
    for s in range(0, len(X), batch_size):
        yield X[idx[s:s + batch_size]], y[idx[s:s + batch_size]]


def _mb_overlap(X, y, batch_size, rng, shuffle=True):
    idx = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    for s in range(0, len(X)):
        yield X[idx[s:s + batch_size]], y[idx[s:s + batch_size]]


def _mb_fixed_seed(X, y, batch_size, rng, shuffle=True):
    idx = np.random.default_rng(0).permutation(len(X)) if shuffle else np.arange(len(X))
    for s in range(0, len(X), batch_size):
        yield X[idx[s:s + batch_size]], y[idx[s:s + batch_size]]


MINIBATCHES = Exercise(
    name="minibatches",
    signature="minibatches(X, y, batch_size, rng, shuffle=True)",
    reference=preprocessing.minibatches,
    visible=_minibatches_visible,
    hidden=_minibatches_hidden,
    mistakes=[
        Mistake("drop last", _mb_drop_last, DROP_LAST),
        Mistake("separate shuffles", _mb_separate, SEPARATE),
        Mistake("global state", _mb_global, GLOBAL_STATE),
        Mistake("never shuffles", _mb_never, NEVER_SHUFFLES),
        Mistake("always shuffles", _mb_always, ALWAYS_SHUFFLES),
        Mistake("with replacement", _mb_replacement, REPLACEMENT),
        Mistake("in place", _mb_in_place, IN_PLACE),
        Mistake("own generator", _mb_own, OWN_GENERATOR),
        Mistake("overlapping", _mb_overlap, OVERLAP),
        Mistake("fixed seed", _mb_fixed_seed, IGNORES_RNG),
    ],
)


# --- registry ------------------------------------------------------------------------------------

EXERCISES = {e.name: e for e in [MINIBATCHES, SGD_UPDATE, MOMENTUM_UPDATE, NESTEROV_UPDATE, ADAGRAD_UPDATE,
                                 ADADELTA_UPDATE, RMSPROP_UPDATE, ADAM_UPDATE, ADAMW_UPDATE]}

check_minibatches = MINIBATCHES.check
check_sgd_update = SGD_UPDATE.check
check_momentum_update = MOMENTUM_UPDATE.check
check_nesterov_update = NESTEROV_UPDATE.check
check_adagrad_update = ADAGRAD_UPDATE.check
check_adadelta_update = ADADELTA_UPDATE.check
check_rmsprop_update = RMSPROP_UPDATE.check
check_adam_update = ADAM_UPDATE.check
check_adamw_update = ADAMW_UPDATE.check

__all__ = ["EXERCISES", "Scenario"] + [f"check_{n}" for n in EXERCISES]
