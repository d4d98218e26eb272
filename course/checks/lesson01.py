"""Checks for lesson 01, logistic regression."""
from __future__ import annotations

import numpy as np

from .. import activations, logistic
from .core import Case, Exercise, Mistake

Array = np.ndarray


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


EXERCISES = {e.name: e for e in [SIGMOID, BCE_LOSS]}

check_sigmoid = SIGMOID.check
check_bce_loss = BCE_LOSS.check
