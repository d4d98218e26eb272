"""Helpers shared by the tests of the lesson checks: run a check or a grade and capture what it says."""
from __future__ import annotations

import contextlib
import io
from typing import Any, Callable

import numpy as np

from course.checks.core import CheckFailed, Exercise


def check_message(exercise: Exercise, fn: Any) -> str | None:
    """Run the self-check; return the failure message (title first), or None when it passes."""
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            exercise.check(fn)
        except CheckFailed as failure:
            return f"{failure.title}\n{failure}"
    return None


def points(exercise: Exercise, fn: Any, total: float = 2.0, seed: int = 0) -> float:
    """Points earned by ``fn`` (a grade that raises, i.e. nothing passed, earns 0)."""
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            return exercise.grade(fn, total, seed=seed)
        except CheckFailed:
            return 0.0


def _first_array(value: Any, change: Callable[[np.ndarray], Any]) -> Any:
    """``value`` with ``change`` applied to its first numpy array (looking inside tuples and lists)."""
    if isinstance(value, np.ndarray):
        return change(value)
    if isinstance(value, (tuple, list)):
        for i, part in enumerate(value):
            if isinstance(part, np.ndarray):
                parts = list(value)
                parts[i] = change(part)
                return type(value)(parts)
    return change(np.asarray(value))


def returning_list(reference: Callable[..., Any]) -> Callable[..., Any]:
    """A student function that returns a Python list where an array is expected."""
    return lambda *args, **kwargs: _first_array(reference(*args, **kwargs), lambda a: a.tolist())


def returning_wrong_shape(reference: Callable[..., Any]) -> Callable[..., Any]:
    """A student function that returns its array as a column (one extra axis)."""
    return lambda *args, **kwargs: _first_array(reference(*args, **kwargs), lambda a: np.atleast_1d(a)[..., None])


def returning_none(*args: Any, **kwargs: Any) -> None:
    return None


def not_implemented(*args: Any, **kwargs: Any) -> None:
    raise NotImplementedError()
