"""course.schedules: step decay as the notes define it, exponential decay, clear errors."""
from __future__ import annotations

import math

import pytest

from course.schedules import SCHEDULES, exponential_decay, step_decay
from course.validation import CourseInputError


@pytest.mark.parametrize("epoch,expected", [(0, 0.1), (9, 0.1), (10, 0.05), (19, 0.05), (20, 0.025), (25, 0.025)])
def test_step_decay_defaults(epoch, expected):
    assert step_decay(0.1, epoch) == pytest.approx(expected, rel=1e-15)


def test_step_decay_is_piecewise_constant_and_matches_the_formula():
    for every in (1, 3, 7):
        for epoch in range(40):
            assert step_decay(0.3, epoch, drop=0.8, every=every) == pytest.approx(
                0.3 * 0.8 ** math.floor(epoch / every), rel=1e-12)
        steps = [step_decay(1.0, e, 0.5, every) for e in range(3 * every)]
        assert len(set(steps)) == 3


def test_exponential_decay():
    assert exponential_decay(0.2, 0) == pytest.approx(0.2)
    assert exponential_decay(0.2, 10, rate=0.1) == pytest.approx(0.2 * math.exp(-1.0))
    assert set(SCHEDULES) == {"step", "exponential"}


@pytest.mark.parametrize("kwargs,match", [
    (dict(epoch=-1), "epoch"), (dict(epoch=2.5), "epoch"), (dict(epoch=True), "epoch"), (dict(epoch=None), "epoch"),
    (dict(epoch=3, every=0), "every"), (dict(epoch=3, every=2.0), "every"),
])
def test_step_decay_rejects_bad_input(kwargs, match):
    with pytest.raises(CourseInputError, match=match):
        step_decay(0.1, **kwargs)
