"""What autograder test cells rely on: exercise lookup and tamper detection.

Student code and tests share one kernel, so a solution cell could replace the
functions the tests compare with (``np.isclose = lambda *a, **k: True``) or the
course's own checks. When ``course`` is first imported (by the locked setup cell,
before any student code runs) this module records the identity of every function the
checks depend on and a fingerprint of the course's checking code. Every
``Exercise.grade`` call verifies both first; a mismatch raises
:class:`TamperingDetected`, which scores the test cell 0 with the reason.

This is one layer: the autograder also scans submitted code outside the kernel
(see ``autograder/``).
"""
from __future__ import annotations

import builtins
import hashlib
import importlib
import os
import secrets
import sys
from types import FunctionType, ModuleType
from typing import Any, Callable

import numpy as np

from .checks.core import CheckFailed, Exercise

__all__ = ["TamperingDetected", "verify_integrity", "grade", "grading_seed", "exercise", "GUARDED_MODULES"]


class TamperingDetected(CheckFailed):
    """A function the checks rely on was replaced after the course was imported."""


GUARDED_MODULES = ("course.checks.core", "course.gradcheck", "course.grading", "course.validation")
"""Course modules whose functions must be exactly as shipped while grading."""

_NUMPY_NAMES = ("isclose", "allclose", "array_equal", "all", "any", "isfinite", "asarray", "array", "argwhere",
                "abs", "max", "maximum", "float64", "ndarray", "errstate", "issubdtype", "shape", "copy")
_BUILTIN_NAMES = ("float", "int", "isinstance", "len", "abs", "round", "sum", "print", "callable", "type",
                  "max", "min", "range", "zip", "getattr", "hasattr")


def _fingerprint(obj: Any) -> str:
    """Hash of a function's code (bytecode, constants, names), or of a class's methods."""
    digest = hashlib.sha256()

    def add_code(code: Any) -> None:
        digest.update(code.co_code)
        digest.update(repr(code.co_names).encode())
        for const in code.co_consts:
            if hasattr(const, "co_code"):
                add_code(const)
            else:
                digest.update(repr(const).encode())

    if isinstance(obj, FunctionType):
        add_code(obj.__code__)
    elif isinstance(obj, type):
        for name in sorted(vars(obj)):
            member = vars(obj)[name]
            member = getattr(member, "__func__", member)
            if isinstance(member, FunctionType):
                digest.update(name.encode())
                add_code(member.__code__)
    else:
        digest.update(repr(type(obj)).encode())
    return digest.hexdigest()


def _from_numpy(obj: Any) -> bool:
    """Whether ``obj`` is numpy's own (a patch made before ``import course`` would fool the snapshot alone)."""
    module = getattr(obj, "__module__", None) or getattr(type(obj), "__module__", "")
    return isinstance(obj, type) or module == "numpy" or str(module).startswith("numpy.")


def _module_members(module: ModuleType) -> dict[str, Any]:
    return {name: obj for name, obj in vars(module).items()
            if (isinstance(obj, (FunctionType, type)) and getattr(obj, "__module__", None) == module.__name__)}


def _take_snapshot() -> dict[str, Any]:
    snap: dict[str, Any] = {"numpy": {n: getattr(np, n) for n in _NUMPY_NAMES},
                            "builtins": {n: getattr(builtins, n) for n in _BUILTIN_NAMES},
                            "modules": {}}
    for name in GUARDED_MODULES:
        module = sys.modules.get(name) or importlib.import_module(name)
        snap["modules"][name] = (module, {k: (v, _fingerprint(v)) for k, v in _module_members(module).items()})
    return snap


_SNAPSHOT: dict[str, Any] = {}


def _problems() -> list[str]:
    snap = _SNAPSHOT
    found = []
    for n, original in snap["numpy"].items():
        now = getattr(np, n, None)
        if now is not original or not _from_numpy(now):
            found.append(f"numpy.{n} was replaced")
    for n, original in snap["builtins"].items():
        now = getattr(builtins, n, None)
        if now is not original or isinstance(now, FunctionType):
            found.append(f"the built-in {n}() was replaced")
    if sys.modules.get("numpy") is not np:
        found.append("the numpy module was replaced")
    for modname, (module, members) in snap["modules"].items():
        if sys.modules.get(modname) is not module:
            found.append(f"the module {modname} was replaced")
            continue
        for k, (obj, fp) in members.items():
            now = vars(module).get(k)
            if now is not obj or _fingerprint(now) != fp:
                found.append(f"{modname}.{k} was changed")
    return found


def verify_integrity(context: str = "", _find: Callable[[], list[str]] = _problems) -> None:
    """Raise :class:`TamperingDetected` if anything the checks rely on was replaced.

    ``_find`` is bound when this module is first imported, so replacing the module's
    ``_problems`` afterwards does not silence the check.
    """
    problems = _find()
    if problems:
        where = f" while grading {context}" if context else ""
        raise TamperingDetected(
            "the grading functions were modified by code in this notebook" + where + ":\n  "
            + "\n  ".join(problems[:5]) + "\nThis test scores 0. Remove the code that patches them.",
            title="tampering detected")


def exercise(lesson: str, name: str) -> Exercise:
    """Look up exercise ``name`` of ``lesson`` (e.g. ``"01"`` or ``"01_logistic_regression"``)."""
    number = lesson[:2]
    module = importlib.import_module(f"course.checks.lesson{number}")
    found = getattr(module, "EXERCISES", {}).get(name)
    if not isinstance(found, Exercise):
        raise KeyError(f"lesson {lesson} has no exercise {name!r}")
    return found


def grading_seed(name: str) -> int:
    """The seed of the hidden checks of exercise ``name``.

    The autograder gives each submission a seed derived from a secret and the submission's code
    (``WORKBOOK_GRADING_SEED``): regrading gives the same inputs and score, a changed submission
    new ones. Elsewhere (a student running the hidden tests by hand) it is fresh randomness.
    """
    base = os.environ.get("WORKBOOK_GRADING_SEED")
    if not base:
        return secrets.randbits(32)
    return int(hashlib.sha256(f"{base}:{name}".encode()).hexdigest()[:8], 16)


def grade(lesson: str, name: str, fn: Callable[..., Any], points: float, seed: int | None = None) -> float:
    """Grade ``fn`` as exercise ``name`` of ``lesson``; return the points earned (see Exercise.grade)."""
    verify_integrity(name)
    return exercise(lesson, name).grade(fn, points, seed)


_SNAPSHOT.update(_take_snapshot())
