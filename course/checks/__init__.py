"""Self-checks and autograder checks, one module per lesson (``course.checks.lesson01`` ...).

Each lesson module defines ``EXERCISES`` (name -> :class:`~course.checks.core.Exercise`)
and exports ``check_<name>`` for the notebooks' self-check cells; hidden test cells call
:func:`course.grading.grade`.
"""
from .core import Case, CheckFailed, Exercise, Mistake, Property

__all__ = ["Case", "CheckFailed", "Exercise", "Mistake", "Property"]
