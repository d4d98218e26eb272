"""Checks for lesson 01, logistic regression.

One :class:`~course.checks.core.Exercise` per graded function of CURRICULUM.md row 01:
``sigmoid``, ``predict_proba``, ``bce_loss``, ``logistic_gradients`` (also checked against
central differences of the mean BCE) and ``train_logistic_regression`` (compared with the
reference trajectory, which is deterministic from zeros).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .. import activations, gradcheck, logistic
from ..losses import _bce_logits
from .core import Case, Exercise, Mistake, Property, describe

Array = np.ndarray


@dataclass
class ListResultExercise(Exercise):
    """An exercise whose result is a tuple with list parts (``losses``, ``mistakes_per_epoch``).

    The contract asks for Python lists there, but a 1-D numpy array holding the same numbers
    is just as correct: it is turned into the list it holds before the comparison, so the
    student is judged on the numbers, not the container.

    Parameters
    ----------
    list_parts : tuple of int
        Positions in the returned tuple that hold lists.
    """

    list_parts: tuple[int, ...] = ()

    def run_case(self, fn: Callable[..., Any], case: Case):  # type: ignore[override]
        parts = self.list_parts

        def as_lists(*args: Any, **kwargs: Any) -> Any:
            out = fn(*args, **kwargs)
            if isinstance(out, (tuple, list)):
                adapted = [o.tolist() if i in parts and isinstance(o, np.ndarray) and o.ndim == 1 else o
                           for i, o in enumerate(out)]
                out = tuple(adapted) if isinstance(out, tuple) else adapted
            return out

        as_lists.__name__ = getattr(fn, "__name__", "fn")
        return super().run_case(as_lists, case)


# --- sigmoid(z) ---------------------------------------------------------------------------

def _sigmoid_visible(rng: np.random.Generator) -> list[Case]:
    return [
        Case((np.array(0.0),), label="z = 0 (a 0-d array): sigmoid(0) = 0.5"),
        Case((np.array([-2.0, -0.5, 0.0, 0.5, 2.0]),)),
        Case((np.array([0.78, 0.49, 1.062]),), label="z = [0.78, 0.49, 1.062] (the notes' worked example: "
                                                     "0.68, 0.62, 0.74)"),
        Case((rng.normal(0, 3, (4, 3)),), label="a (4, 3) array of z values"),
        Case((np.array([-1000.0, -40.0, 40.0, 1000.0]),), label="z = [-1000, -40, 40, 1000] (extreme values)"),
    ]


def _sigmoid_hidden(rng: np.random.Generator) -> list[Case]:
    shape = tuple(int(s) for s in rng.integers(1, 7, size=rng.integers(1, 4)))
    return [
        Case((rng.normal(0, 4, shape),), label=f"a random array of shape {shape}"),
        Case((rng.uniform(-30, 30, int(rng.integers(5, 50))),), label="random z in [-30, 30]"),
        Case((np.array([-1e4, -745.0, -710.0, 710.0, 1e4]) * rng.uniform(1, 1.1),), label="|z| up to 1e4"),
    ]


SIGMOID = Exercise(
    name="sigmoid",
    signature="sigmoid(z)",
    reference=activations.sigmoid,
    visible=_sigmoid_visible,
    hidden=_sigmoid_hidden,
    mistakes=[
        Mistake("exp(z)", lambda z: 1 / (1 + np.exp(z)),
                "you computed 1 / (1 + exp(z)); the sigmoid uses exp(-z)"),
        Mistake("overflowing ratio", lambda z: np.exp(z) / (1 + np.exp(z)),
                "your sigmoid overflows for large |z| (exp(1000) is inf, and inf / inf is nan): "
                "use 1 / (1 + exp(-z)), or exp(-|z|) to stay stable on both sides"),
        Mistake("1 + exp(-z)", lambda z: 1 + np.exp(-z), "you returned the denominator 1 + exp(-z); divide 1 by it"),
        Mistake("threshold", lambda z: (z > 0).astype(float),
                "that is the step function; the sigmoid is smooth: 1 / (1 + exp(-z))"),
    ],
)


# --- bce_loss(y_hat, y) ----------------------------------------------------------------------

def _probs(rng: np.random.Generator, m: int) -> tuple[Array, Array]:
    y = rng.integers(0, 2, m).astype(float)
    return rng.uniform(0.02, 0.98, m), y


def _bce_visible(rng: np.random.Generator) -> list[Case]:
    return [
        Case((np.array([0.9]), np.array([1.0])), label="one example: y_hat = 0.9, y = 1 (loss -log 0.9)"),
        Case((np.array([0.9]), np.array([0.0])), label="one example: y_hat = 0.9, y = 0 (loss -log 0.1)"),
        Case((np.array([0.74]), np.array([1.0])), label="one example: the notes' network output y_hat = 0.74 for a "
                                                        "kangaroo (y = 1): loss -log 0.74 = 0.301"),
        Case((np.array([0.74, 0.2, 0.5, 0.99]), np.array([1.0, 0.0, 1.0, 1.0]))),
        Case(_probs(rng, 12), label="12 random probabilities and labels"),
    ]


def _bce_hidden(rng: np.random.Generator) -> list[Case]:
    return [Case(_probs(rng, int(m)), label=f"{m} random probabilities and labels")
            for m in rng.integers(2, 200, size=4)]


BCE_LOSS = Exercise(
    name="bce_loss",
    signature="bce_loss(y_hat, y)",
    reference=logistic.bce_loss,
    visible=_bce_visible,
    hidden=_bce_hidden,
    mistakes=[
        Mistake("sum", lambda p, y: float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))),
                "looks like you summed over the examples: divide by m (take the mean)"),
        Mistake("no minus", lambda p, y: float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))),
                "the loss is the *negative* log-likelihood: put a minus sign in front"),
        Mistake("only positives", lambda p, y: float(-np.mean(y * np.log(p))),
                "you only kept the y log(y_hat) term; add (1 - y) log(1 - y_hat) for the y = 0 examples"),
        Mistake("swapped", lambda p, y: float(-np.mean(p * np.log(y + 1e-300) + (1 - p) * np.log(1 - y + 1e-300))),
                "you swapped y_hat and y: the log is of the prediction y_hat"),
        Mistake("log10", lambda p, y: float(-np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p))),
                "use the natural log np.log, not np.log10"),
    ],
)




# --- predict_proba(X, w, b) ----------------------------------------------------------------

def _predict_visible(rng: np.random.Generator) -> list[Case]:
    X = rng.normal(0, 1.5, (5, 3))
    return [
        Case((np.array([[0.4, 0.2, 0.2]]), np.array([1.0, 0.2, 1.2]), 0.1),
             label="the notes' first hidden unit: X = [[0.4, 0.2, 0.2]], w = [1.0, 0.2, 1.2], b = 0.1 "
                   "(z = 0.78, sigmoid 0.69)"),
        Case((np.array([[0.68, 0.62]]), np.array([0.3, 0.9]), 0.3),
             label="the notes' output unit: X = [[0.68, 0.62]], w = [0.3, 0.9], b = 0.3 (z = 1.062, sigmoid 0.74)"),
        Case((X, rng.normal(0, 1, 3), -0.7), label="X of shape (5, 3), random w, b = -0.7"),
        Case((np.array([[1000.0], [-1000.0], [0.0]]), np.array([1.0]), 0.0),
             label="scores z = 1000, -1000, 0 (X = [[1000], [-1000], [0]], w = [1], b = 0)"),
    ]


def _predict_hidden(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(3):
        m, n = int(rng.integers(1, 40)), int(rng.integers(1, 8))
        cases.append(Case((rng.normal(0, 2, (m, n)), rng.normal(0, 1, n), float(rng.normal(0, 2))),
                          label=f"random X of shape ({m}, {n}), w of shape ({n},), b a random float"))
    return cases


PREDICT_PROBA = Exercise(
    name="predict_proba",
    signature="predict_proba(X, w, b)",
    reference=logistic.predict_proba,
    visible=_predict_visible,
    hidden=_predict_hidden,
    mistakes=[
        Mistake("no sigmoid", lambda X, w, b: X @ w + b,
                "you returned the score X @ w + b; pass it through the sigmoid to get probabilities"),
        Mistake("no bias", lambda X, w, b: activations.sigmoid(X @ w),
                "you forgot the bias: the score is X @ w + b"),
        Mistake("minus bias", lambda X, w, b: activations.sigmoid(X @ w - b),
                "the bias is added, not subtracted: sigmoid(X @ w + b)"),
        Mistake("sigmoid(-z)", lambda X, w, b: activations.sigmoid(-(X @ w + b)),
                "you computed sigmoid(-z) = 1 - sigmoid(z), the probability of class 0"),
        Mistake("hard predictions", lambda X, w, b: (X @ w + b >= 0).astype(float),
                "return probabilities sigmoid(z), not 0/1 predictions (the 0.5 threshold comes afterwards)"),
    ],
)


# --- logistic_gradients(X, y, w, b) --------------------------------------------------------

def _mean_bce(X: Array, y: Array, w: Array, b: Array) -> float:
    """Mean BCE from the logits: stable and accurate, so central differences are clean."""
    return _bce_logits(X @ w + b.reshape(()), y)


def _gradient_matches_central_differences(X: Array, y: Array, w: Array, b: float) -> Property:
    """Compare the student's (dw, db) with central differences of the mean BCE (tolerance from gradcheck)."""
    m, n = X.shape

    def test(fn: Callable[..., Any]) -> str | None:
        got = fn(X.copy(), y.copy(), w.copy(), b)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return f"expected a pair (dw, db), got {describe(got)}"
        dw, db = got
        if not isinstance(dw, np.ndarray) or dw.shape != (n,):
            return f"dw should be an array of shape ({n},), got {describe(dw)}"
        if np.ndim(db) != 0 or isinstance(db, (bool, str)):
            return f"db should be a single number, got {describe(db)}"
        w_, b_ = w.copy(), np.array(float(b))
        loss = lambda: _mean_bce(X, y, w_, b_)  # noqa: E731  (reads w_ and b_, which are nudged in place)
        for name, param, grad in (("dw", w_, np.asarray(dw, dtype=np.float64)),
                                  ("db", b_, np.asarray(db, dtype=np.float64))):
            numerical = gradcheck.numerical_gradient(loss, param)
            error, index = gradcheck.significant_relative_error(grad, numerical)
            if error > gradcheck.GRADING_MAX_RELATIVE_ERROR:
                where = f"{name}{list(index)}" if index else name
                return (f"logistic_gradients(X, y, w, b): the gradient does not match central differences of the "
                        f"mean cross-entropy\n  input:    X of shape ({m}, {n}), random y, w and b\n"
                        f"  worst entry {where}: yours {float(grad[index]):.10g}, numerical "
                        f"{float(numerical[index]):.10g} (relative error {error:.1e} > "
                        f"{gradcheck.GRADING_MAX_RELATIVE_ERROR:g})")
        return None

    return Property(f"central differences of the mean BCE for X of shape ({m}, {n})", test)


def _gradient_problem(rng: np.random.Generator, m: int, n: int) -> tuple[Array, Array, Array, float]:
    """Random (X, y, w, b) whose gradient entries are all clearly away from 0.

    A relative error is only meaningful for entries that are not tiny, so draws with an
    entry below 1e-3 are redrawn (rarely needed).
    """
    for _ in range(50):
        X = rng.normal(0, 1.5, (m, n))
        y = rng.integers(0, 2, m).astype(float)
        w, b = rng.normal(0, 1, n), float(rng.normal(0, 1))
        dw, db = logistic.logistic_gradients(X, y, w, b)
        if min(np.min(np.abs(dw)), abs(db)) > 1e-3:
            break
    return X, y, w, b


def _gradients_visible(rng: np.random.Generator) -> list[Case | Property]:
    X0 = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0]])
    X, y, w, b = _gradient_problem(rng, 6, 3)
    return [
        Case((X0, np.array([1.0, 0.0, 1.0]), np.zeros(2), 0.0),
             label="w = 0, b = 0 (every y_hat is 0.5): X = [[1, 2], [-1, 0.5], [0.3, -2]], y = [1, 0, 1]"),
        Case((np.array([[0.68, 0.62]]), np.array([1.0]), np.array([0.3, 0.9]), 0.3),
             label="one example, the notes' output unit: X = [[0.68, 0.62]], y = [1], w = [0.3, 0.9], b = 0.3 "
                   "(y_hat - y = 0.743 - 1)"),
        Case((X, y, w, b), label="X of shape (6, 3), random labels, w and b"),
        _gradient_matches_central_differences(X, y, w, b),
    ]


def _gradients_hidden(rng: np.random.Generator) -> list[Case | Property]:
    checks: list[Case | Property] = []
    for _ in range(2):
        m, n = int(rng.integers(2, 50)), int(rng.integers(1, 7))
        X, y, w, b = _gradient_problem(rng, m, n)
        checks.append(Case((X, y, w, b), label=f"random X of shape ({m}, {n}), labels, w and b"))
        checks.append(_gradient_matches_central_differences(X, y, w, b))
    return checks


def _grads(error: Callable[[Array, Array, Array, float], Array], scale_m: bool = True):
    def grads(X: Array, y: Array, w: Array, b: float) -> tuple[Array, float]:
        e = error(X, y, w, b)
        m = X.shape[0] if scale_m else 1
        return X.T @ e / m, float(np.sum(e) / m)
    return grads


def _sig_error(X: Array, y: Array, w: Array, b: float) -> Array:
    return activations.sigmoid(X @ w + b) - y


LOGISTIC_GRADIENTS = Exercise(
    name="logistic_gradients",
    signature="logistic_gradients(X, y, w, b)",
    reference=logistic.logistic_gradients,
    visible=_gradients_visible,
    hidden=_gradients_hidden,
    mistakes=[
        Mistake("sum, not mean", _grads(_sig_error, scale_m=False),
                "looks like you forgot to divide by m: the loss is a mean over the examples, so is its gradient"),
        Mistake("flipped sign", _grads(lambda X, y, w, b: y - activations.sigmoid(X @ w + b)),
                "the sign is flipped: the error is y_hat - y = sigmoid(X @ w + b) - y (y - y_hat points uphill)"),
        Mistake("linear error", _grads(lambda X, y, w, b: X @ w + b - y),
                "you used the score z = X @ w + b instead of y_hat = sigmoid(z): the error is sigmoid(z) - y"),
        Mistake("extra sigmoid'", _grads(lambda X, y, w, b: _sig_error(X, y, w, b)
                                         * activations.sigmoid_grad(X @ w + b)),
                "you multiplied by sigmoid'(z); with cross-entropy it cancels: dL/dz = y_hat - y exactly"),
        Mistake("db not reduced", lambda X, y, w, b: (X.T @ _sig_error(X, y, w, b) / X.shape[0],
                                                      _sig_error(X, y, w, b) / X.shape[0]),
                "db is one number, the mean of (y_hat - y) over the examples: use np.mean"),
    ],
)


# --- train_logistic_regression(X, y, lr=0.1, epochs=1000) -----------------------------------

def _overlapping_blobs(rng: np.random.Generator, m: int, n: int, gap: float) -> tuple[Array, Array]:
    """Two Gaussian clouds ``gap`` apart along a random direction: separable-ish, so w stays finite."""
    y = (np.arange(m) % 2).astype(float)
    rng.shuffle(y)
    direction = rng.normal(size=n)
    direction /= np.linalg.norm(direction)
    X = rng.normal(0, 1, (m, n)) + np.outer(y - 0.5, direction) * gap + rng.normal(0, 0.5, n)
    return X, y


def _train_visible(rng: np.random.Generator) -> list[Case]:
    x_1d = np.array([[0.5], [1.0], [1.5], [2.0], [2.5], [3.0], [3.5], [4.0]])
    y_1d = np.array([0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0])
    X, y = _overlapping_blobs(rng, 10, 2, 2.5)
    X3, y3 = _overlapping_blobs(rng, 12, 3, 2.0)
    return [
        Case((x_1d, y_1d), {"lr": 0.05, "epochs": 40},
             label="8 examples with one feature (x = 0.5, 1, ..., 4), lr = 0.05 (the notes' example rate), "
                   "40 epochs"),
        Case((X, y), {"lr": 0.5, "epochs": 1}, label="one epoch (a single update from w = 0, b = 0) on 10 points "
                                                     "in 2-D, lr = 0.5"),
        Case((X, y), label="10 points in 2-D with the default lr = 0.1 and epochs = 1000"),
        Case((X3, y3), {"lr": 0.3, "epochs": 25}, label="12 points in 3-D, lr = 0.3, 25 epochs"),
    ]


def _train_hidden(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(3):
        m, n = int(rng.integers(6, 60)), int(rng.integers(1, 6))
        lr, epochs = float(rng.uniform(0.05, 1.0)), int(rng.integers(3, 150))
        X, y = _overlapping_blobs(rng, m, n, float(rng.uniform(1.0, 3.0)))
        cases.append(Case((X, y), {"lr": lr, "epochs": epochs},
                          label=f"random data X of shape ({m}, {n}), lr = {lr:.4g}, epochs = {epochs}"))
    return cases


def _bce_of(X: Array, y: Array, w: Array, b: float) -> float:
    p = np.clip(activations.sigmoid(X @ w + b), 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _gd(X: Array, y: Array, lr: float = 0.1, epochs: int = 1000, *, loss_first: bool = False, per_m: bool = True,
        sign: float = 1.0, update_b: bool = True, sequential: bool = False, sum_loss: bool = False,
        include_start: bool = False, linear_error: bool = False) -> tuple[Array, float, list[float]]:
    """Gradient descent with one typical mistake switched on: the mistakes below."""
    m = X.shape[0]
    w, b = np.zeros(X.shape[1]), 0.0
    scale = m if sum_loss else 1
    losses = [_bce_of(X, y, w, b) * scale] if include_start else []
    for _ in range(epochs):
        if loss_first:
            losses.append(_bce_of(X, y, w, b) * scale)
        z = X @ w + b
        error = (z if linear_error else activations.sigmoid(z)) - y
        div = m if per_m else 1
        w = w - sign * lr * (X.T @ error) / div
        if sequential:
            error = activations.sigmoid(X @ w + b) - y
        if update_b:
            b = b - sign * lr * float(np.sum(error)) / div
        if not loss_first:
            losses.append(_bce_of(X, y, w, b) * scale)
    return w, b, losses


def _gd_with(**mistake: bool) -> Callable[..., tuple[Array, float, list[float]]]:
    def train(X: Array, y: Array, lr: float = 0.1, epochs: int = 1000) -> tuple[Array, float, list[float]]:
        return _gd(X, y, lr, epochs, **mistake)
    return train


TRAIN_LOGISTIC_REGRESSION = ListResultExercise(
    name="train_logistic_regression",
    signature="train_logistic_regression(X, y, lr=0.1, epochs=1000)",
    reference=logistic.train_logistic_regression,
    visible=_train_visible,
    hidden=_train_hidden,
    list_parts=(2,),
    mistakes=[
        Mistake("loss before update", _gd_with(loss_first=True),
                "your loss list has the loss before the update: append the loss computed after each epoch's update"),
        Mistake("starting loss included", _gd_with(include_start=True),
                "losses must have one entry per epoch, the loss after that epoch's update; you also included the "
                "loss at w = 0, b = 0"),
        Mistake("no 1/m", _gd_with(per_m=False),
                "looks like you forgot to divide the gradient by m (use the mean, not the sum, over the examples)"),
        Mistake("ascent", _gd_with(sign=-1.0),
                "you climbed the loss: gradient descent subtracts, w = w - lr * dw and b = b - lr * db"),
        Mistake("b never updated", _gd_with(update_b=False), "you never updated the bias: b = b - lr * db"),
        Mistake("sequential update", _gd_with(sequential=True),
                "update w and b simultaneously: compute both gradients at the same (w, b) before changing either"),
        Mistake("summed loss", _gd_with(sum_loss=True),
                "the losses are sums over the examples; record the mean cross-entropy (divide by m)"),
        Mistake("linear error", _gd_with(linear_error=True),
                "your gradient uses the score z instead of sigmoid(z): the error is sigmoid(X @ w + b) - y"),
    ],
)


EXERCISES = {e.name: e for e in [SIGMOID, PREDICT_PROBA, BCE_LOSS, LOGISTIC_GRADIENTS, TRAIN_LOGISTIC_REGRESSION]}

check_sigmoid = SIGMOID.check
check_predict_proba = PREDICT_PROBA.check
check_bce_loss = BCE_LOSS.check
check_logistic_gradients = LOGISTIC_GRADIENTS.check
check_train_logistic_regression = TRAIN_LOGISTIC_REGRESSION.check
