"""Learning-rate schedules: a function of the epoch number (from 0)."""
from __future__ import annotations

import numpy as np

from .validation import CourseInputError

__all__ = ["step_decay", "exponential_decay", "SCHEDULES"]


def _epoch(epoch: object) -> int:
    if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 0:
        raise CourseInputError(f"`epoch` must be a non-negative integer, got {epoch!r}")
    return int(epoch)


def step_decay(lr0: float, epoch: int, drop: float = 0.5, every: int = 10) -> float:
    """``lr0 * drop ** (epoch // every)``: multiply by ``drop`` every ``every`` epochs.

    Parameters
    ----------
    lr0 : float
        The learning rate of epochs ``0 .. every - 1``.
    epoch : int
        The epoch, counted from 0.
    drop : float, default=0.5
        Factor applied at each step.
    every : int, default=10
        Epochs between steps; the floor division makes the schedule piecewise constant.
    """
    if not isinstance(every, (int, np.integer)) or every < 1:
        raise CourseInputError(f"`every` must be a positive integer, got {every!r}")
    return float(lr0 * drop ** (_epoch(epoch) // every))


def exponential_decay(lr0: float, epoch: int, rate: float = 0.05) -> float:
    """``lr0 * exp(-rate * epoch)``: a smooth decay."""
    return float(lr0 * np.exp(-rate * _epoch(epoch)))


SCHEDULES = {"step": step_decay, "exponential": exponential_decay}
