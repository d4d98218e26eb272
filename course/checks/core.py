"""The engine behind every self-check and autograder check.

An :class:`Exercise` is a graded function of the contract (CURRICULUM.md) with

* ``reference`` — the course's implementation, which gives the expected values;
* ``visible(rng)`` — fixed checks a student runs at once (the lecture notes' worked
  examples, edge cases), drawn from a fixed seed;
* ``hidden(rng)`` — checks on fresh random shapes and values, run only by the autograder;
* ``mistakes`` — typical wrong implementations, each with the hint to show when a
  student's output matches it. Our tests feed them to the checks, so every hint is
  proven to fire.

A check is either a :class:`Case` (call the function, compare with the reference) or a
:class:`Property` (any custom test, e.g. a numerical gradient check or a statistical
test of an initializer). Failures become one :class:`CheckFailed` whose message names
the function, the input, expected vs got, the first differing entry and a hint; it
renders in IPython without a traceback into this package.

``exercise.check(fn)`` is the student's self-check; ``exercise.grade(fn, points)`` is
what a hidden test cell calls: it returns the points earned as the cell's last value,
which nbgrader takes as partial credit.
"""
from __future__ import annotations

import contextlib
import copy
import io
import os
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from .. import gradcheck

__all__ = ["CheckFailed", "Case", "Property", "Mistake", "Exercise", "describe", "compare", "first_difference",
           "gradient_mismatch"]

Array = np.ndarray
RED, GREEN, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m"


class CheckFailed(AssertionError):
    """A check failed. In IPython it shows only its message, not our stack frames."""

    def __init__(self, message: str, *, title: str = "check failed") -> None:
        super().__init__(message)
        self.title = title

    def _render_traceback_(self) -> list[str]:
        return [f"{RED}{BOLD}✗ {self.title}{RESET}", *str(self).splitlines()]


class NotImplementedYet(CheckFailed):
    """The student's function still raises NotImplementedError."""


# --- describing values -----------------------------------------------------------------

def describe(value: Any, limit: int = 8) -> str:
    """A short, readable description of a value for messages."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        if value.size <= limit:
            with np.printoptions(precision=6, suppress=True, floatmode="maxprec"):
                body = np.array2string(value, separator=", ")
            return f"array({body})" if value.ndim else f"{value.item()!r}"
        return f"an array of shape {value.shape}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.10g}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(describe(v, limit) for v in value[:limit])
        more = ", ..." if len(value) > limit else ""
        return f"({inner}{more}{',' if len(value) == 1 else ''})" if isinstance(value, tuple) else f"[{inner}{more}]"
    if callable(value):
        return getattr(value, "__name__", "a function")
    return repr(value)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.number, np.bool_)) and not isinstance(x, bool) or (
        isinstance(x, np.ndarray) and x.ndim == 0)


# --- comparing outputs -----------------------------------------------------------------

@dataclass
class Mismatch:
    """Why ``got`` differs from ``expected``; ``path`` names the part (e.g. "[1]" of a tuple)."""

    path: str
    reason: str
    index: tuple[int, ...] | None = None
    got: Any = None
    expected: Any = None
    generic_hint: str | None = None


def first_difference(got: Array, expected: Array, rtol: float, atol: float,
                     equal_nan: bool = False) -> tuple[int, ...] | None:
    """Index of the first entry where ``got`` and ``expected`` are not close, or None."""
    close = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if np.all(close):
        return None
    return tuple(int(i) for i in np.argwhere(~close)[0])


def _shape_hint(got_shape: tuple[int, ...], want: tuple[int, ...]) -> str | None:
    if got_shape == want[::-1] and len(want) == 2:
        return "the result looks transposed (check the order in your matrix product or add .T)"
    if len(want) == 1 and got_shape in ((want[0], 1), (1, want[0])):
        return f"you returned a 2-D column; return a 1-D array of shape {want} (e.g. with .ravel())"
    if len(got_shape) == 1 and want in ((got_shape[0], 1), (1, got_shape[0])):
        return f"return a 2-D array of shape {want} (e.g. with .reshape({want[0]}, {want[1]}))"
    if got_shape == () and want != ():
        return "you returned a single number; did you sum or average over an axis you should keep?"
    return None


def compare(got: Any, expected: Any, rtol: float = gradcheck.VALUE_RTOL, atol: float = gradcheck.VALUE_ATOL,
            path: str = "", equal_nan: bool = False) -> Mismatch | None:
    """Compare a returned value with the expected one, recursively through tuples and lists.

    ``equal_nan`` treats NaN as equal to NaN: used to recognise a known mistake that
    produces NaN, never to accept a student's NaN.
    """
    where = path or "the result"
    if isinstance(got, np.ndarray) and type(got) is not np.ndarray:
        got = got.view(np.ndarray)  # a subclass could redefine the comparisons themselves
    if got is None and expected is not None:
        return Mismatch(path, "returned None", generic_hint="did you forget the `return` statement?")
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return Mismatch(path, f"{where} should be a tuple of {len(expected)} values, got {type(got).__name__}",
                            generic_hint=f"return them together: `return {', '.join('...' for _ in expected)}`")
        if len(got) != len(expected):
            return Mismatch(path, f"{where} has {len(got)} parts, expected {len(expected)}")
        for i, (g, e) in enumerate(zip(got, expected)):
            m = compare(g, e, rtol, atol, f"{path}[{i}]", equal_nan)
            if m is not None:
                return m
        return None
    if isinstance(expected, np.ndarray) and expected.ndim > 0:
        if isinstance(got, (list, tuple)):
            return Mismatch(path, f"{where} is a Python {type(got).__name__}, expected a numpy array",
                            generic_hint="build it with numpy operations or wrap it in np.array(...)")
        if not isinstance(got, np.ndarray):
            return Mismatch(path, f"{where} is {describe(got)} ({type(got).__name__}), expected an array of "
                                  f"shape {expected.shape}", generic_hint=_shape_hint((), expected.shape))
        if got.dtype == object or not (np.issubdtype(got.dtype, np.number) or got.dtype == bool):
            return Mismatch(path, f"{where} has dtype {got.dtype}, expected numbers")
        if got.shape != expected.shape:
            return Mismatch(path, f"{where} has shape {got.shape}, expected {expected.shape}",
                            generic_hint=_shape_hint(got.shape, expected.shape))
        got_f = got.astype(np.float64)
        if not np.all(np.isfinite(got_f)) and np.all(np.isfinite(expected)):
            idx = tuple(int(i) for i in np.argwhere(~np.isfinite(got_f))[0])
            return Mismatch(path, f"{where} contains {got_f[idx]} at index {list(idx)}", idx, got_f, expected,
                            generic_hint="an overflow or a division by zero: look for exp() of a large number or log(0)")
        idx = first_difference(got_f, expected, rtol, atol, equal_nan)
        if idx is not None:
            hint = None
            if np.allclose(got_f, -expected, rtol=rtol, atol=atol):
                hint = "every entry has the wrong sign"
            return Mismatch(path, f"{where} has wrong values", idx, got_f, expected, generic_hint=hint)
        return None
    # A scalar is expected (a float, a number, a 0-d array).
    if _is_number(expected):
        if isinstance(got, np.ndarray) and got.ndim > 0:
            return Mismatch(path, f"{where} is an array of shape {got.shape}, expected a single number",
                            generic_hint="reduce it with np.sum / np.mean, or convert with float(...)")
        if isinstance(got, bool) or not _is_number(got):
            return Mismatch(path, f"{where} is {describe(got)} ({type(got).__name__}), expected a number")
        g, e = float(got), float(expected)
        if equal_nan and np.isnan(g) and np.isnan(e):
            return None
        if not np.isfinite(g) and np.isfinite(e):
            return Mismatch(path, f"{where} is {g}", None, g, e,
                            generic_hint="an overflow or log(0): clip probabilities or use a stable formula")
        if not np.isclose(g, e, rtol=rtol, atol=atol):
            hint = "the sign is flipped" if np.isclose(g, -e, rtol=rtol, atol=atol) and e != 0 else None
            return Mismatch(path, f"{where} has the wrong value", None, g, e, generic_hint=hint)
        return None
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(got, (bool, np.bool_)) or bool(got) != bool(expected):
            return Mismatch(path, f"{where} is {describe(got)}, expected {describe(expected)}", None, got, expected)
        return None
    # Same type first: an object of the student's own class could claim to equal anything.
    if type(got) is not type(expected) or got != expected:
        return Mismatch(path, f"{where} is {describe(got)}, expected {describe(expected)}", None, got, expected)
    return None


def gradient_mismatch(signature: str, loss: Callable[[], float], pairs: Sequence[tuple[str, Array, Any]],
                      input_label: str, what: str = "the loss") -> str | None:
    """Compare analytic gradients with central differences; the message for a :class:`Property`, or None.

    ``pairs`` holds ``(name, parameter, gradient)``: ``loss()`` must read each float64
    ``parameter`` (it is nudged in place and restored); ``gradient`` is what the student's code
    returned for it. The largest relative error allowed is
    :data:`course.gradcheck.GRADING_MAX_RELATIVE_ERROR`; draw inputs away from kinks.
    """
    limit = gradcheck.GRADING_MAX_RELATIVE_ERROR
    for name, param, grad in pairs:
        grad_arr = np.asarray(grad, dtype=np.float64) if _is_number(grad) or isinstance(grad, np.ndarray) else None
        if grad_arr is None or grad_arr.shape != np.shape(param):
            return f"{signature}: {name} should have shape {np.shape(param)}, got {describe(grad)}\n  input:    {input_label}"
        numerical = gradcheck.numerical_gradient(loss, param)
        error, index = gradcheck.significant_relative_error(grad_arr, numerical)
        if error > limit:
            where = f"{name}{list(index)}" if index else name
            at = index if index else ()
            return (f"{signature}: the gradient does not match central differences of {what}\n"
                    f"  input:    {input_label}\n  worst entry {where}: yours {float(grad_arr[at]):.10g}, "
                    f"numerical {float(numerical[at]):.10g} (relative error {error:.1e} > {limit:g})")
    return None


# --- checks -----------------------------------------------------------------------------

@dataclass
class Mistake:
    """A typical wrong implementation and the hint shown when a student's output matches it."""

    name: str
    impl: Callable[..., Any]
    hint: str


@dataclass
class Outcome:
    """The result of running one check."""

    label: str
    passed: bool
    message: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Case:
    """Call the function on ``args``/``kwargs`` and compare with the reference's output.

    ``label`` describes the input to the student (default: the arguments themselves).
    ``expected`` overrides the reference's output when given. ``rtol``/``atol`` override
    the exercise's tolerances.
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    expected: Any = None
    rtol: float | None = None
    atol: float | None = None


@dataclass
class Property:
    """A custom check: ``test(fn)`` returns None when fine, else a message saying what is wrong.

    ``test`` may call ``fn`` freely; exceptions it raises are reported like a Case's.
    """

    label: str
    test: Callable[[Callable[..., Any]], str | None]


Check = Case | Property


def _call(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[Any, list[str]]:
    """Call the student's function on copies of the arguments; collect warnings and stderr."""
    notes: list[str] = []
    sink = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"), contextlib.redirect_stderr(sink):
        warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    for w in caught:
        note = f"it emitted {w.category.__name__}: {w.message}"
        if note not in notes:
            notes.append(note)
    if sink.getvalue().strip():
        notes.append(f"it printed to stderr: {sink.getvalue().strip()[:200]}")
    return result, notes


def _mutated(before: Sequence[Any], after: Sequence[Any]) -> int | None:
    for i, (a, b) in enumerate(zip(before, after)):
        if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            if a.shape != b.shape or not np.array_equal(a, b, equal_nan=True):
                return i
    return None


@dataclass
class Exercise:
    """A graded function: its reference, its checks and its typical mistakes.

    Parameters
    ----------
    name : str
        The function's name, which is also its nbgrader ``grade_id``.
    signature : str
        How the student calls it, e.g. ``"sigmoid(z)"``; used in messages.
    reference : callable
        The course implementation giving expected values.
    visible : callable rng -> list of checks
        The self-check's fixed checks (called with a fixed-seed generator).
    hidden : callable rng -> list of checks
        Fresh random checks for grading (called with a fresh generator).
    mistakes : list of Mistake
    arg_names : sequence of str, optional
        Names of the positional arguments, for input labels (default: from ``signature``).
    rtol, atol : float
        Value tolerances (defaults from :mod:`course.gradcheck`).
    may_mutate : bool, default=False
        Allow the function to modify its array arguments in place.
    subject : {"function", "class", "value"}, default="function"
        What the student hands in: a function, a class (``EarlyStopping``), or a value such as a
        dict of graded constants (``gate_params``); values are checked with :class:`Property` only.
    """

    name: str
    signature: str
    reference: Callable[..., Any]
    visible: Callable[[np.random.Generator], list[Check]]
    hidden: Callable[[np.random.Generator], list[Check]] = lambda rng: []
    mistakes: list[Mistake] = field(default_factory=list)
    arg_names: Sequence[str] | None = None
    rtol: float = gradcheck.VALUE_RTOL
    atol: float = gradcheck.VALUE_ATOL
    may_mutate: bool = False
    subject: str = "function"
    visible_seed: int = 20240601

    def __post_init__(self) -> None:
        if self.arg_names is None:
            inside = self.signature.partition("(")[2].rpartition(")")[0]
            self.arg_names = [a.split("=")[0].strip() for a in inside.split(",") if a.strip() and "=" not in a]

    # -- running ---------------------------------------------------------------------
    def label_for(self, case: Case) -> str:
        if case.label:
            return case.label
        parts = [f"{n} = {describe(a)}" for n, a in zip(self.arg_names or [], case.args)]
        parts += [f"{k} = {describe(v)}" for k, v in case.kwargs.items()]
        return ", ".join(parts) or "no arguments"

    def _hint_for(self, case: Case, got: Any, rtol: float, atol: float) -> str | None:
        for mistake in self.mistakes:
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    theirs = mistake.impl(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            except Exception:  # a mistake that cannot run on this input says nothing about it
                continue
            try:
                if compare(got, theirs, rtol, atol, equal_nan=True) is None:
                    return mistake.hint
            except Exception:
                continue
        return None

    def run_case(self, fn: Callable[..., Any], case: Case) -> Outcome:
        label = self.label_for(case)
        rtol = self.rtol if case.rtol is None else case.rtol
        atol = self.atol if case.atol is None else case.atol
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        try:
            got, notes = _call(fn, args, kwargs)
        except NotImplementedError:
            raise NotImplementedYet(
                f"`{self.name}` is not written yet: replace `raise NotImplementedError()` with your code.",
                title=f"{self.name}: not implemented yet") from None
        except Exception as exc:  # the student's code failed: say where and on what
            hint = _exception_hint(exc)
            msg = f"{self.signature} raised {type(exc).__name__}: {exc}\n  input: {label}"
            return Outcome(label, False, msg + (f"\n  hint: {hint}" if hint else ""))
        expected = case.expected if case.expected is not None else self.reference(*copy.deepcopy(case.args),
                                                                                   **copy.deepcopy(case.kwargs))
        if not self.may_mutate:
            changed = _mutated(case.args, args)
            if changed is not None:
                name = (self.arg_names or [])[changed] if changed < len(self.arg_names or []) else f"argument {changed}"
                return Outcome(label, False, f"{self.signature} modified its input `{name}` in place\n  input: {label}\n"
                                             f"  hint: work on a copy (e.g. `{name} = {name}.copy()`) or build a new array")
        mismatch = compare(got, expected, rtol, atol)
        if mismatch is None:
            return Outcome(label, True, notes=notes)
        return Outcome(label, False, self._format(mismatch, label, self._hint_for(case, got, rtol, atol), notes))

    def _format(self, m: Mismatch, label: str, hint: str | None, notes: list[str]) -> str:
        lines = [f"{self.signature}: {m.reason}", f"  input:    {label}"]
        if m.index is not None and isinstance(m.expected, np.ndarray):
            i = list(m.index)
            lines.append(f"  first wrong entry {m.path}{i}: expected {m.expected[m.index]:.10g}, got {m.got[m.index]:.10g}")
            lines.append(f"  expected: {describe(m.expected)}")
            lines.append(f"  got:      {describe(m.got)}")
        elif m.expected is not None and m.got is not None and _is_number(m.expected):
            lines.append(f"  expected: {float(m.expected):.10g}")
            lines.append(f"  got:      {describe(m.got)}")
        hint = hint or m.generic_hint
        if hint:
            lines.append(f"  hint: {hint}")
        lines += [f"  note: {n}" for n in notes]
        return "\n".join(lines)

    def run_property(self, fn: Callable[..., Any], prop: Property) -> Outcome:
        sink = io.StringIO()
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stderr(sink):
                warnings.simplefilter("ignore")
                message = prop.test(fn)
        except NotImplementedError:
            raise NotImplementedYet(
                f"`{self.name}` is not written yet: replace `raise NotImplementedError()` with your code.",
                title=f"{self.name}: not implemented yet") from None
        except CheckFailed as exc:
            message = str(exc)
        except Exception as exc:
            message = f"{self.signature} raised {type(exc).__name__}: {exc}\n  while checking: {prop.label}"
        if message is None:
            return Outcome(prop.label, True)
        return Outcome(prop.label, False, message if "\n" in message or message.startswith(self.name)
                       else f"{self.signature}: {message}\n  check: {prop.label}")

    def run(self, fn: Callable[..., Any], checks: Iterable[Check]) -> list[Outcome]:
        outcomes = []
        for check in checks:
            try:
                outcomes.append(self.run_case(fn, check) if isinstance(check, Case) else self.run_property(fn, check))
            except NotImplementedYet:
                raise
            except Exception as exc:  # e.g. a returned object that breaks comparison: that check fails, not all
                label = self.label_for(check) if isinstance(check, Case) else check.label
                outcomes.append(Outcome(label, False, f"{self.signature}: its result could not be checked "
                                                      f"({type(exc).__name__}: {exc})\n  input: {label}"))
        return outcomes

    def _require_function(self, fn: Any, caller: str) -> None:
        if self.subject == "value":
            if fn is None:
                raise CheckFailed(f"{caller} got None: define the values in the cell above and run it first",
                                  title=f"{caller}: wrong argument")
            return
        if self.subject == "class" and not isinstance(fn, type):
            raise CheckFailed(f"{caller} needs your class itself, e.g. {caller}({self.name}); got {describe(fn)}",
                              title=f"{caller}: wrong argument")
        if fn is None or not callable(fn):
            raise CheckFailed(
                f"{caller} needs your function itself, e.g. {caller}({self.name}); got {describe(fn)}",
                title=f"{caller}: wrong argument")

    # -- the two entry points ----------------------------------------------------------
    def check(self, fn: Callable[..., Any]) -> None:
        """Self-check: run the visible checks; raise :class:`CheckFailed` at the first failure.

        Under the autograder (``NBGRADER_EXECUTION=autograde``) a failure is printed instead of
        raised, so that the hidden ``grade(...)`` below it in the test cell still runs and awards
        partial credit (it repeats these checks).
        """
        grading_run = os.environ.get("NBGRADER_EXECUTION") == "autograde"
        try:
            self._require_function(fn, f"check_{self.name}")
            checks = self.visible(np.random.default_rng(self.visible_seed))
            notes: list[str] = []
            for outcome in self.run(fn, checks):
                if not outcome.passed:
                    raise CheckFailed(outcome.message, title=f"{self.name} is not right yet")
                notes += outcome.notes
        except CheckFailed as failure:
            if not grading_run:
                raise
            print(f"✗ self-check: {failure.title}\n{failure}")
            return
        print(f"✓ {self.name} passed all {len(checks)} checks.")
        for note in dict.fromkeys(notes):
            print(f"  note: {note} (harmless here, but worth avoiding)")

    def grade(self, fn: Callable[..., Any], points: float, seed: int | None = None) -> float:
        """Autograder: visible plus fresh random checks; return the points earned.

        Returns ``points * passed / total`` so that nbgrader records partial credit; raises
        :class:`CheckFailed` (an error: zero points) when nothing passes.
        """
        from .. import grading  # imported here: grading imports this module

        grading.verify_integrity(self.name)
        self._require_function(fn, f"grade_{self.name}")
        seed = grading.grading_seed(self.name) if seed is None else seed
        checks = list(self.visible(np.random.default_rng(self.visible_seed)))
        checks += list(self.hidden(np.random.default_rng(seed)))
        try:
            outcomes = self.run(fn, checks)
        except NotImplementedYet as exc:
            raise CheckFailed(str(exc), title=f"{self.name}: not implemented (0 of {points:g} points)") from None
        passed = sum(o.passed for o in outcomes)
        failed = [o for o in outcomes if not o.passed]
        earned = round(points * passed / len(outcomes), 6)
        if failed:
            detail = f"{self.name}: {passed} of {len(outcomes)} checks passed (random seed {seed})\n" + failed[0].message
            if passed == 0:
                raise CheckFailed(detail, title=f"{self.name}: 0 of {points:g} points")
            print(f"✗ {detail}\n→ {earned:g} of {points:g} points")
        else:
            print(f"✓ {self.name}: all {len(outcomes)} checks passed → {points:g} of {points:g} points")
        return earned


def _exception_hint(exc: BaseException) -> str | None:
    """A hint for the exceptions students meet most."""
    text = str(exc)
    if "not aligned" in text or "matmul" in text or "operands could not be broadcast" in text:
        return ("check the shapes: rows are examples, X has shape (m, n), W has shape (n_in, n_out), "
                "b has shape (n_out,)")
    if "NoneType" in text:
        return "something you used is None: did a helper function forget to `return`?"
    if isinstance(exc, MemoryError):
        return ("it needed more memory than the grader allows: look for a huge array (a wrong shape, an outer "
                "product) or a list that never stops growing")
    if isinstance(exc, RecursionError):
        return "a function calls itself without end: check the stopping condition"
    if isinstance(exc, NameError):
        return "run the cells above this one first (Run > Run All Above), or check the spelling"
    if isinstance(exc, (IndexError, KeyError)):
        return "an index is out of range: check the sizes you loop over"
    return None
