"""course.grading (the in-kernel guard, grading seeds) and the hardening of the check engine."""
from __future__ import annotations

import builtins

import numpy as np
import pytest

from course import grading
from course.checks import core
from course.checks.core import Case, CheckFailed, Exercise, compare


def _square() -> Exercise:
    return Exercise(name="square", signature="square(x)", reference=lambda x: x ** 2,
                    visible=lambda rng: [Case((np.array([1.0, -2.0, 3.0]),))],
                    hidden=lambda rng: [Case((rng.normal(size=int(rng.integers(1, 9))),)) for _ in range(3)])


def test_guard_is_quiet_when_nothing_was_patched():
    grading.verify_integrity()


@pytest.mark.parametrize("target, name", [(np, "isclose"), (np, "allclose"), (core, "compare")])
def test_guard_detects_replaced_functions(monkeypatch, target, name):
    monkeypatch.setattr(target, name, lambda *a, **k: True)
    with pytest.raises(grading.TamperingDetected, match=name):
        grading.verify_integrity("square")


def test_guard_detects_replaced_builtins(monkeypatch):
    # Patching the real built-in would break pytest itself: make the snapshot disagree instead.
    monkeypatch.setitem(grading._SNAPSHOT["builtins"], "len", lambda x: 0)
    with pytest.raises(grading.TamperingDetected, match=r"built-in len\(\) was replaced"):
        grading.verify_integrity()
    assert isinstance(builtins.len, type(print))


def test_guard_detects_a_changed_code_object(monkeypatch):
    monkeypatch.setattr(core.first_difference, "__code__", (lambda *a, **k: None).__code__)
    with pytest.raises(grading.TamperingDetected, match="first_difference"):
        grading.verify_integrity()


def test_guard_detects_a_patch_made_before_the_snapshot(monkeypatch):
    fake = lambda *a, **k: True  # noqa: E731  (defined in a notebook: its module is not numpy)
    monkeypatch.setitem(grading._SNAPSHOT["numpy"], "isclose", fake)
    monkeypatch.setattr(np, "isclose", fake)
    with pytest.raises(grading.TamperingDetected, match="numpy.isclose"):
        grading.verify_integrity()


def test_guard_detects_a_replaced_module(monkeypatch):
    import sys
    import types

    monkeypatch.setitem(sys.modules, "course.gradcheck", types.ModuleType("course.gradcheck"))
    with pytest.raises(grading.TamperingDetected, match="module course.gradcheck was replaced"):
        grading.verify_integrity()


def test_grade_refuses_to_grade_after_tampering(monkeypatch):
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    with pytest.raises(CheckFailed) as info:
        grading.grade("01", "sigmoid", lambda z: z, points=2)
    assert "tampering detected" in info.value._render_traceback_()[0]


def test_grading_seed_is_reproducible_per_submission_and_exercise(monkeypatch):
    monkeypatch.setenv("WORKBOOK_GRADING_SEED", "12345")
    assert grading.grading_seed("sigmoid") == grading.grading_seed("sigmoid")
    assert grading.grading_seed("sigmoid") != grading.grading_seed("bce_loss")
    monkeypatch.setenv("WORKBOOK_GRADING_SEED", "12346")
    first = grading.grading_seed("sigmoid")
    monkeypatch.delenv("WORKBOOK_GRADING_SEED")
    assert grading.grading_seed("sigmoid") != first or grading.grading_seed("sigmoid") != first


def test_same_seed_same_partial_score(monkeypatch):
    monkeypatch.setenv("WORKBOOK_GRADING_SEED", "777")
    partly = lambda x: x ** 2 if x.size < 5 else x  # noqa: E731
    scores = {_square().grade(partly, points=3) for _ in range(3)}
    assert len(scores) == 1


def test_self_check_does_not_stop_the_test_cell_under_the_autograder(monkeypatch, capsys):
    with pytest.raises(CheckFailed):
        _square().check(lambda x: 2 * x)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    _square().check(lambda x: 2 * x)  # printed, not raised: grade() below it gives partial credit
    assert "✗ self-check: square is not right yet" in capsys.readouterr().out


class _Liar(np.ndarray):
    """An array that claims to be close to anything."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.ones(np.broadcast(*[np.asarray(i) for i in inputs]).shape, bool)


class _Equal:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


def test_comparisons_cannot_be_fooled_by_the_returned_object():
    assert compare(np.zeros(3).view(_Liar), np.ones(3)) is not None
    assert compare(_Equal(), True) is not None
    assert compare(_Equal(), "text") is not None
    assert compare(np.bool_(True), True) is None


def test_a_result_that_breaks_comparison_fails_one_check_not_the_grading():
    class Weird:
        def __float__(self):
            raise RuntimeError("no")

    ex = Exercise(name="half", signature="half(x)", reference=lambda x: float(x) / 2,
                  visible=lambda rng: [Case((1.0,)), Case((4.0,))])
    outcomes = ex.run(lambda x: Weird() if x == 1.0 else x / 2, ex.visible(np.random.default_rng(0)))
    assert [o.passed for o in outcomes] == [False, True]


def test_memory_errors_get_a_hint():
    def hog(x):
        raise MemoryError()

    with pytest.raises(CheckFailed, match="more memory than the grader allows"):
        _square().check(hog)


def test_gradient_mismatch_accepts_right_and_names_wrong_gradients():
    rng = np.random.default_rng(3)
    w = rng.normal(size=(3, 2))
    loss = lambda: float(np.sum(np.sin(w)))  # noqa: E731
    assert core.gradient_mismatch("f(w)", loss, [("dw", w, np.cos(w))], "w of shape (3, 2)") is None
    wrong = np.cos(w)
    wrong[1, 0] *= 1.01
    message = core.gradient_mismatch("f(w)", loss, [("dw", w, wrong)], "w of shape (3, 2)")
    assert "worst entry dw[1, 0]" in message and "central differences" in message
    assert "shape (3, 2)" in core.gradient_mismatch("f(w)", loss, [("dw", w, np.cos(w).T)], "w")
