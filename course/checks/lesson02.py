"""Checks for lesson 02, the perceptron.

One :class:`~course.checks.core.Exercise` per graded function of CURRICULUM.md row 02:
``step``, ``perceptron_update``, ``online_perceptron`` and ``batch_perceptron``. Both
training loops are deterministic (zeros start, fixed order), so they are compared with the
reference on random linearly separable data with a guaranteed margin — mistake counts and
epochs exactly, theta up to rounding — and also checked to have converged: the final theta
classifies every example correctly. Random data is continuous, so no score lands exactly on
0 after the start and every correct way of summing makes the same decisions; the gate cases
use integers, where all arithmetic is exact.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import activations, perceptron
from .core import Case, Exercise, Mistake, Property, describe
from .lesson01 import ListResultExercise

Array = np.ndarray


# --- data ------------------------------------------------------------------------------------

def _with_bias(X: Array) -> Array:
    return np.column_stack([np.ones(X.shape[0]), X])


AND_X = _with_bias(np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]))
AND_Y = np.array([-1.0, -1.0, -1.0, 1.0])
OR_Y = np.array([-1.0, 1.0, 1.0, 1.0])
XOR_Y = np.array([-1.0, 1.0, 1.0, -1.0])
BIAS_AGAIN = ("X already starts with the bias feature (its first column is all ones): use it as it is, "
              "theta has X.shape[1] entries")
GATE_LABEL = "the {} gate: X = [[1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1]] (bias feature first), y = {}"


def separable(rng: np.random.Generator, m: int, d: int, margin: float) -> tuple[Array, Array]:
    """``m`` points in ``[-1, 1]^d`` at distance >= ``margin`` from a random hyperplane.

    Returns ``X`` of shape (m, d + 1) with the bias feature first and labels in {-1, +1}
    (both present). By the convergence theorem the online perceptron makes at most
    ``(R / gamma)^2 <= 1.25 (d + 1) / margin^2`` mistakes on it.
    """
    for _ in range(100):
        w = rng.normal(size=d)
        w /= np.linalg.norm(w)
        b = float(rng.uniform(-0.5, 0.5))
        X = rng.uniform(-1.0, 1.0, (40 * m, d))
        score = X @ w + b
        keep = np.abs(score) >= margin
        X, score = X[keep][:m], score[keep][:m]
        y = np.where(score > 0, 1.0, -1.0)
        if len(y) == m and 0 < np.sum(y > 0) < m:
            return _with_bias(X), y
    raise RuntimeError("could not draw separable data")  # pragma: no cover (margin far too large)


def overlapping(rng: np.random.Generator, m: int, d: int) -> tuple[Array, Array]:
    """``m`` points whose labels are noisy, so (almost surely) not linearly separable."""
    X = rng.normal(0.0, 1.0, (m, d))
    y = np.where(X[:, 0] + 0.8 * rng.normal(size=m) > 0, 1.0, -1.0)
    X[1], y[:2] = X[0], [1.0, -1.0]  # one point with both labels: certainly not separable
    return _with_bias(X), y


def _interesting_separable(rng: np.random.Generator, min_epochs: int = 3) -> tuple[Array, Array, int, int]:
    """Separable data on which the online perceptron needs at least ``min_epochs`` epochs (if it can)."""
    for _ in range(20):
        m, d = int(rng.integers(8, 60)), int(rng.integers(1, 6))
        X, y = separable(rng, m, d, float(rng.uniform(0.05, 0.2)))
        if len(perceptron.online_perceptron(X, y, 1000)[1]) >= min_epochs:
            break
    return X, y, m, d


def _converged(kind: str, X: Array, y: Array, max_epochs: int) -> Property:
    """On separable data, the returned theta must classify every example correctly."""
    m, n = X.shape

    def test(fn: Callable[..., Any]) -> str | None:
        got = fn(X.copy(), y.copy(), max_epochs=max_epochs)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return f"expected a pair (theta, ...), got {describe(got)}"
        theta = got[0]
        if not isinstance(theta, np.ndarray) or theta.shape != (n,):
            return f"theta should be an array of shape ({n},), got {describe(theta)}"
        wrong = np.flatnonzero(y * (X @ theta.astype(np.float64)) <= 0)
        if wrong.size:
            i = int(wrong[0])
            return (f"{kind}: on linearly separable data (X of shape ({m}, {n})) the final theta still "
                    f"misclassifies {wrong.size} example(s), e.g. row {i}: y = {y[i]:g}, theta . x = "
                    f"{float(X[i] @ theta):.6g}\n  hint: by the convergence theorem the perceptron must end with "
                    f"every y_i theta . x_i > 0; keep going until an epoch has no mistake")
        return None

    return Property(f"convergence on separable data of shape ({m}, {n})", test)


# --- step(z) -------------------------------------------------------------------------------------

def _step_visible(rng: np.random.Generator) -> list[Case]:
    z = rng.normal(0, 2, (3, 4))
    z[0, 1] = z[2, 3] = 0.0
    return [
        Case((np.array([-2.0, -0.5, 0.0, 0.5, 2.0]),), label="z = [-2, -0.5, 0, 0.5, 2] (the notes: output 0 when "
                                                              "w . x + b <= 0, so step(0) = 0)"),
        Case((np.array(0.0),), label="z = 0 (a 0-d array)"),
        Case((z,), label="a (3, 4) array with two exact zeros"),
        Case((np.array([-1e4, -1e-12, 1e-12, 1e4]),), label="z = [-1e4, -1e-12, 1e-12, 1e4]"),
        Case((np.array([-3, 0, 2]),), label="integer scores z = [-3, 0, 2]"),
    ]


def _step_hidden(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(2):
        shape = tuple(int(s) for s in rng.integers(1, 7, size=rng.integers(1, 4)))
        z = rng.normal(0, 3, shape)
        z.reshape(-1)[rng.integers(0, z.size)] = 0.0
        cases.append(Case((z,), label=f"a random array of shape {shape} (one entry exactly 0)"))
    return cases


STEP = Exercise(
    name="step",
    signature="step(z)",
    reference=perceptron.step,
    visible=_step_visible,
    hidden=_step_hidden,
    mistakes=[
        Mistake(">= 0", lambda z: (np.asarray(z) >= 0).astype(float),
                "step(0) must be 0: the output is 1 only where z > 0 (strictly), as in the notes' w . x + b <= 0 -> 0"),
        Mistake("sign", lambda z: np.sign(z).astype(float),
                "that is sign(z), which gives -1 below 0; the step outputs 0 or 1"),
        Mistake("sigmoid", lambda z: activations.sigmoid(np.asarray(z, dtype=float)),
                "that is the sigmoid; the perceptron's step jumps straight from 0 to 1 at z = 0"),
        Mistake("relu", lambda z: np.maximum(z, 0).astype(float),
                "that is ReLU, max(0, z); the step outputs 1.0, not z, where z > 0"),
        Mistake("flipped", lambda z: (np.asarray(z) <= 0).astype(float),
                "the classes are flipped: output 1 where z > 0 and 0 elsewhere"),
    ],
)


# --- perceptron_update(theta, x, y, lr=1.0) ---------------------------------------------------

def _update_visible(rng: np.random.Generator) -> list[Case]:
    theta = rng.normal(0, 1, 5)
    x = np.concatenate([[1.0], rng.normal(0, 1, 4)])
    if theta @ x <= 0:  # make the output 1 (too high for y = 0)
        theta[0] += 1.0 - theta @ x
    return [
        Case((np.zeros(3), np.array([1.0, 1.0, 0.0]), 1.0),
             label="theta = [0, 0, 0], x = [1, 1, 0] (bias, x1 = 1, x2 = 0), y = 1: the output step(0) = 0 is too "
                   "low, so the weights of the inputs that are 1 go up"),
        Case((np.array([0.5, 1.0, -1.0]), np.array([1.0, 1.0, 1.0]), 0.0),
             label="theta = [0.5, 1, -1], x = [1, 1, 1], y = 0: the output 1 is too high, so the weights of the "
                   "inputs that are 1 go down"),
        Case((np.array([-1.0, 2.0, 0.5]), np.array([1.0, 1.0, 0.0]), 1.0),
             label="theta = [-1, 2, 0.5], x = [1, 1, 0], y = 1: the output 1 is right, nothing changes"),
        Case((np.array([0.2, -0.4, 0.1]), np.array([1.0, 2.0, -3.0]), 1.0), {"lr": 0.5},
             label="theta = [0.2, -0.4, 0.1], x = [1, 2, -3], y = 1, lr = 0.5"),
        Case((theta, x, 0.0), {"lr": 0.1}, label="random theta and x of shape (5,), y = 0, lr = 0.1"),
    ]


def _update_hidden(rng: np.random.Generator) -> list[Case]:
    cases = []
    for label in (0.0, 1.0, float(rng.integers(0, 2))):
        n = int(rng.integers(2, 10))
        theta = rng.normal(0, 1, n)
        x = np.concatenate([[1.0], rng.normal(0, 1.5, n - 1)])
        if abs(theta @ x) < 1e-3:  # keep the step's kink out of random cases
            theta[0] += 0.5
        lr = float(rng.uniform(0.05, 2.0))
        cases.append(Case((theta, x, label), {"lr": lr},
                          label=f"random theta and x of shape ({n},), y = {label:g}, lr = {lr:.4g}"))
    return cases


def _rule(theta: Array, x: Array, y: float, lr: float = 1.0, *, sign: float = 1.0, h_at_zero: float = 0.0,
          use_lr: bool = True, sigmoid_h: bool = False, skip_bias: bool = False, only_change: bool = False) -> Array:
    score = float(theta @ x)
    h = float(activations.sigmoid(np.array(score))) if sigmoid_h else (1.0 if score > 0 else h_at_zero if score == 0 else 0.0)
    change = sign * (lr if use_lr else 1.0) * (y - h) * x
    if skip_bias:
        change = change.copy()
        change[0] = 0.0
    return change if only_change else theta + change


def _rule_with(**mistake: Any) -> Callable[..., Array]:
    def update(theta: Array, x: Array, y: float, lr: float = 1.0) -> Array:
        return _rule(theta, x, y, lr, **mistake)
    return update


PERCEPTRON_UPDATE = Exercise(
    name="perceptron_update",
    signature="perceptron_update(theta, x, y, lr=1.0)",
    reference=perceptron.perceptron_update,
    visible=_update_visible,
    hidden=_update_hidden,
    mistakes=[
        Mistake("step(0) = 1", _rule_with(h_at_zero=1.0),
                "h = step(theta . x) is 0 when theta . x = 0 (the output is 1 only for a strictly positive score)"),
        Mistake("subtracted", _rule_with(sign=-1.0),
                "add the correction: theta + lr * (y - h) * x (when the output is too low, y - h = 1 raises the "
                "weights)"),
        Mistake("no lr", _rule_with(use_lr=False), "multiply the correction by the learning rate lr"),
        Mistake("sigmoid output", _rule_with(sigmoid_h=True),
                "h is the perceptron's output step(theta . x), 0 or 1, not a sigmoid"),
        Mistake("bias not updated", _rule_with(skip_bias=True),
                "theta[0] is the bias weight and is updated like the others, through its feature x[0] = 1"),
        Mistake("only the change", _rule_with(only_change=True),
                "return the new weights theta + lr * (y - h) * x, not just the change"),
    ],
)


# --- online_perceptron(X, y, max_epochs=100) ------------------------------------------------------

def _online(X: Array, y: Array, max_epochs: int = 100, *, strict: bool = False, zero_one: bool = False,
            drop_last_zero: bool = False, cumulative: bool = False, always_update: bool = False,
            never_stop: bool = False) -> tuple[Array, list[int]]:
    """The online perceptron with one typical mistake switched on."""
    theta = np.zeros(X.shape[1])
    counts: list[int] = []
    total = 0
    for _ in range(max_epochs):
        mistakes = 0 if not cumulative else total
        for x_i, y_i in zip(X, y):
            score = theta @ x_i
            if zero_one:  # the {0, 1} rule applied to {-1, +1} labels
                h = 1.0 if score > 0 else 0.0
                if h != y_i:
                    theta = theta + (y_i - h) * x_i
                    mistakes += 1
                continue
            wrong = y_i * score < 0 if strict else y_i * score <= 0
            if wrong:
                mistakes += 1
            if wrong or always_update:
                theta = theta + y_i * x_i
        total = mistakes
        counts.append(mistakes)
        if mistakes == 0 and not never_stop:
            break
    if drop_last_zero and counts and counts[-1] == 0:
        counts = counts[:-1]
    return theta, counts


def _online_with(**mistake: bool) -> Callable[..., tuple[Array, list[int]]]:
    def online(X: Array, y: Array, max_epochs: int = 100) -> tuple[Array, list[int]]:
        return _online(X, y, max_epochs, **mistake)
    return online


def _online_visible(rng: np.random.Generator) -> list[Case | Property]:
    X, y = separable(rng, 12, 2, 0.1)
    Xn, yn = overlapping(rng, 10, 2)
    return [
        Case((AND_X, AND_Y), label=GATE_LABEL.format("AND", "[-1, -1, -1, 1]")),
        Case((AND_X, OR_Y), label=GATE_LABEL.format("OR", "[-1, 1, 1, 1]")),
        Case((np.array([[1.0, -2.0], [1.0, -1.0], [1.0, 1.5], [1.0, 3.0]]), np.array([-1.0, -1.0, 1.0, 1.0])),
             label="one feature with the bias: X = [[1, -2], [1, -1], [1, 1.5], [1, 3]], y = [-1, -1, 1, 1]"),
        Case((X, y), label="12 linearly separable points in 2-D (X of shape (12, 3) with the bias feature)"),
        Case((AND_X, XOR_Y), {"max_epochs": 6},
             label="XOR, which is not linearly separable: y = [-1, 1, 1, -1], max_epochs = 6"),
        Case((Xn, yn), {"max_epochs": 4}, label="10 overlapping points (not separable), max_epochs = 4"),
        _converged("online_perceptron", X, y, 100),
    ]


def _online_hidden(rng: np.random.Generator) -> list[Case | Property]:
    checks: list[Case | Property] = []
    for _ in range(2):
        X, y, m, d = _interesting_separable(rng)
        checks.append(Case((X, y), {"max_epochs": 1000},
                           label=f"random linearly separable data, X of shape ({m}, {d + 1}), max_epochs = 1000"))
        checks.append(_converged("online_perceptron", X, y, 1000))
    m, d, epochs = int(rng.integers(6, 40)), int(rng.integers(1, 4)), int(rng.integers(2, 9))
    Xn, yn = overlapping(rng, m, d)
    checks.append(Case((Xn, yn), {"max_epochs": epochs},
                       label=f"random data that is not separable, X of shape ({m}, {d + 1}), max_epochs = {epochs}"))
    return checks


ONLINE_PERCEPTRON = ListResultExercise(
    name="online_perceptron",
    signature="online_perceptron(X, y, max_epochs=100)",
    reference=perceptron.online_perceptron,
    visible=_online_visible,
    hidden=_online_hidden,
    list_parts=(1,),
    mistakes=[
        Mistake("strict <", _online_with(strict=True),
                "a point on the boundary is a mistake too: test y * (theta @ x) <= 0, not < 0 (from theta = 0 "
                "every score is 0, so with < nothing is ever learned)"),
        Mistake("{0, 1} rule", _online_with(zero_one=True),
                "labels must be in {-1, +1} here: a mistake is y * (theta @ x) <= 0 and the fix is theta += y * x "
                "(the (y - h) rule is for labels in {0, 1})"),
        Mistake("last 0 dropped", _online_with(drop_last_zero=True),
                "mistakes_per_epoch must end with the epoch that had no mistake: append its 0 before stopping"),
        Mistake("cumulative count", _online_with(cumulative=True),
                "count the mistakes of each epoch separately: reset the counter at the start of every epoch"),
        Mistake("always update", _online_with(always_update=True),
                "update theta only when the example is a mistake (y * (theta @ x) <= 0)"),
        Mistake("never stops", _online_with(never_stop=True),
                "stop after the first epoch with no mistakes instead of always running max_epochs"),
        Mistake("bias added again", lambda X, y, max_epochs=100: _online(_with_bias(X), y, max_epochs),
                BIAS_AGAIN),
    ],
)


# --- batch_perceptron(X, y, lr=1.0, eps=1e-6, max_epochs=1000) ------------------------------------

def _batch(X: Array, y: Array, lr: float = 1.0, eps: float = 1e-6, max_epochs: int = 1000, *,
           strict: bool = False, online: bool = False, per_n: bool = True, per_mistake: bool = False,
           count_last: bool = True, keep_delta: bool = False, squared: bool = False) -> tuple[Array, int]:
    """The batch perceptron with one typical mistake switched on."""
    n = X.shape[0]
    theta = np.zeros(X.shape[1])
    delta = np.zeros(X.shape[1])
    epochs = 0
    for _ in range(max_epochs):
        if not keep_delta:
            delta = np.zeros(X.shape[1])
        wrong_count = 0
        for x_i, y_i in zip(X, y):
            score = theta @ x_i
            if (y_i * score < 0) if strict else (y_i * score <= 0):
                delta = delta + y_i * x_i
                wrong_count += 1
                if online:
                    theta = theta + lr * y_i * x_i / n
        if per_mistake:
            delta = delta / max(wrong_count, 1)
        elif per_n:
            delta = delta / n
        if not online:
            theta = theta + lr * delta
        epochs += 1
        size = float(delta @ delta) if squared else float(np.linalg.norm(delta))
        if size < eps:
            return theta, epochs if count_last else epochs - 1
    return theta, epochs


def _batch_with(**mistake: bool) -> Callable[..., tuple[Array, int]]:
    def batch(X: Array, y: Array, lr: float = 1.0, eps: float = 1e-6, max_epochs: int = 1000) -> tuple[Array, int]:
        return _batch(X, y, lr, eps, max_epochs, **mistake)
    return batch


def _batch_visible(rng: np.random.Generator) -> list[Case | Property]:
    X, y = separable(rng, 16, 2, 0.1)
    Xn, yn = overlapping(rng, 10, 2)
    return [
        Case((AND_X, AND_Y), label=GATE_LABEL.format("AND", "[-1, -1, -1, 1]")),
        Case((AND_X, OR_Y), {"lr": 0.5}, label=GATE_LABEL.format("OR", "[-1, 1, 1, 1]") + ", lr = 0.5"),
        Case((X, y), label="16 linearly separable points in 2-D (X of shape (16, 3) with the bias feature)"),
        Case((X, y), {"lr": 0.25, "eps": 0.05},
             label="the same 16 points with lr = 0.25 and eps = 0.05 (it may stop while a few mistakes remain)"),
        Case((AND_X, XOR_Y),
             label="XOR, y = [-1, 1, 1, -1]: at theta = 0 all four points are mistakes but their corrections "
                   "cancel (Delta = 0), so it stops after 1 epoch"),
        Case((Xn, yn), {"max_epochs": 5}, label="10 overlapping points (not separable), max_epochs = 5"),
        _converged("batch_perceptron", X, y, 1000),
    ]


def _batch_hidden(rng: np.random.Generator) -> list[Case | Property]:
    checks: list[Case | Property] = []
    for _ in range(2):
        X, y, m, d = _interesting_separable(rng)
        lr = float(rng.uniform(0.1, 2.0))
        checks.append(Case((X, y), {"lr": lr, "max_epochs": 5000},
                           label=f"random linearly separable data, X of shape ({m}, {d + 1}), lr = {lr:.4g}, "
                                 f"max_epochs = 5000"))
        checks.append(_converged("batch_perceptron", X, y, 5000))
    m, d, epochs = int(rng.integers(6, 40)), int(rng.integers(1, 4)), int(rng.integers(2, 9))
    Xn, yn = overlapping(rng, m, d)
    eps = float(rng.uniform(0.01, 0.1))
    checks.append(Case((Xn, yn), {"eps": eps, "max_epochs": epochs},
                       label=f"random data that is not separable, X of shape ({m}, {d + 1}), eps = {eps:.3g}, "
                             f"max_epochs = {epochs}"))
    return checks


BATCH_PERCEPTRON = Exercise(
    name="batch_perceptron",
    signature="batch_perceptron(X, y, lr=1.0, eps=1e-6, max_epochs=1000)",
    reference=perceptron.batch_perceptron,
    visible=_batch_visible,
    hidden=_batch_hidden,
    mistakes=[
        Mistake("strict <", _batch_with(strict=True),
                "a point on the boundary is a mistake too: test y * (theta @ x) <= 0, not < 0 (from theta = 0 "
                "every score is 0, so with < nothing is ever learned)"),
        Mistake("online updates", _batch_with(online=True),
                "in the batch perceptron theta stays fixed during the epoch: add up Delta over all examples, then "
                "update theta once"),
        Mistake("no 1/n", _batch_with(per_n=False),
                "looks like you forgot to divide Delta by n (the average update over all n examples)"),
        Mistake("1/mistakes", _batch_with(per_n=False, per_mistake=True),
                "divide Delta by n, the number of all examples, not by the number of mistakes"),
        Mistake("last epoch not counted", _batch_with(count_last=False),
                "epochs_run counts the last epoch too, the one in which ||Delta|| < eps"),
        Mistake("Delta not reset", _batch_with(keep_delta=True),
                "reset Delta to zeros at the start of every epoch"),
        Mistake("squared norm", _batch_with(squared=True),
                "compare the length ||Delta||_2 = np.linalg.norm(Delta) with eps, not its square"),
        Mistake("bias added again", lambda X, y, lr=1.0, eps=1e-6, max_epochs=1000:
                _batch(_with_bias(X), y, lr, eps, max_epochs), BIAS_AGAIN),
    ],
)


EXERCISES = {e.name: e for e in [STEP, PERCEPTRON_UPDATE, ONLINE_PERCEPTRON, BATCH_PERCEPTRON]}

check_step = STEP.check
check_perceptron_update = PERCEPTRON_UPDATE.check
check_online_perceptron = ONLINE_PERCEPTRON.check
check_batch_perceptron = BATCH_PERCEPTRON.check
