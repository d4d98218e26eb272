"""course.early_stopping: strict improvement, patience 0/1/k, 0-based best epoch, clear errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

from course.early_stopping import EarlyStopping
from course.validation import CourseInputError


def run(patience, losses):
    """(index of the first True or None, best_epoch) by stepping until a stop."""
    stopper = EarlyStopping(patience)
    for i, loss in enumerate(losses):
        if stopper.step(loss):
            return i, stopper.best_epoch
    return None, stopper.best_epoch


def brute_force(patience, losses):
    """An independent statement of the rule: stop at the first i where the last `patience` losses
    (including i) are all >= the minimum of everything before them."""
    for i in range(len(losses)):
        if patience == 0:
            return i, 0
        if i >= patience:
            window = losses[i - patience + 1:i + 1]
            before = losses[:i - patience + 1]
            if before and min(window) >= min(before):
                return i, int(np.argmin(before))
    return None, int(np.argmin(losses))


@pytest.mark.parametrize("patience,losses,expected", [
    (3, [1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76, 0.77, 0.6], (7, 4)),  # the lesson's worked example
    (2, [1.0, 0.5, 0.5, 0.5, 0.4], (3, 1)),                           # ties are not improvements
    (1, [3.0, 2.0, 2.5, 1.0], (2, 1)),
    (1, [5.0, 4.0, 3.0, 2.0, 1.0], (None, 4)),
    (4, [0.9, 0.7, 0.8, 0.75, 0.72], (None, 1)),
    (3, [1.0, 0.5, 0.9, 0.8, 0.7, 0.6], (4, 1)),                      # compared with the best, not the previous
    (2, [-1.0, -2.0, -1.5, -1.2], (3, 1)),                            # negative losses
    (0, [2.0, 1.0], (0, 0)),                                          # no patience: stop at once
])
def test_sequences(patience, losses, expected):
    assert run(patience, losses) == expected


def test_random_curves_match_an_independent_statement_of_the_rule():
    rng = np.random.default_rng(0)
    for _ in range(300):
        n, patience = int(rng.integers(2, 30)), int(rng.integers(1, 6))
        losses = list(np.round(rng.normal(size=n).cumsum(), 1))  # rounding creates ties
        assert run(patience, losses) == brute_force(patience, losses), (patience, losses)


def test_state_and_repr():
    stopper = EarlyStopping(2)
    assert stopper.best_epoch == -1 and stopper.best_loss == math.inf
    stopper.step(np.float64(0.5))
    stopper.step(np.array(0.4))
    assert stopper.best_epoch == 1 and stopper.best_loss == 0.4
    assert "best_epoch=1" in repr(stopper)
    other = EarlyStopping(2)
    assert other.best_epoch == -1  # instances do not share state


@pytest.mark.parametrize("patience", [-1, 1.5, None, True, "3"])
def test_bad_patience(patience):
    with pytest.raises(CourseInputError, match="patience"):
        EarlyStopping(patience)


@pytest.mark.parametrize("loss", [float("nan"), None, "0.3", True, np.zeros(2)])
def test_bad_loss(loss):
    with pytest.raises(CourseInputError, match="val_loss"):
        EarlyStopping(3).step(loss)
