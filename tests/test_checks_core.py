"""The check engine: comparisons, messages, hints, partial credit."""
import numpy as np
import pytest

from course.checks.core import Case, CheckFailed, Exercise, Mistake, Property, compare, describe


def _square_exercise(**kw):
    return Exercise(
        name="square", signature="square(x)", reference=lambda x: x ** 2,
        visible=lambda rng: [Case((np.array([1.0, -2.0, 3.0]),)), Case((rng.normal(size=(2, 3)),))],
        hidden=lambda rng: [Case((rng.normal(size=int(rng.integers(1, 9))),)) for _ in range(6)],
        mistakes=[Mistake("double", lambda x: 2 * x, "you doubled x instead of squaring it")], **kw)


def test_compare_accepts_equal_structures_and_numeric_types():
    assert compare((np.ones(2), 1.0), (np.ones(2), 1.0)) is None
    assert compare(np.float64(0.5), 0.5) is None
    assert compare(np.array(0.5), 0.5) is None
    assert compare(np.array([1, 0]), np.array([1.0, 0.0])) is None  # ints are fine where floats are expected


@pytest.mark.parametrize("got, expected, reason", [
    (None, np.ones(2), "returned None"),
    ([1.0, 1.0], np.ones(2), "Python list"),
    (np.ones((2, 1)), np.ones(2), "shape (2, 1), expected (2,)"),
    (np.ones(3), 1.0, "expected a single number"),
    (np.ones(2), (np.ones(2), 1.0), "tuple of 2 values"),
    ((np.ones(2),), (np.ones(2), 1.0), "has 1 parts, expected 2"),
    (np.array([1.0, np.nan]), np.ones(2), "contains nan at index [1]"),
    ("1.0", 1.0, "expected a number"),
])
def test_compare_names_the_problem(got, expected, reason):
    mismatch = compare(got, expected)
    assert mismatch is not None and reason in mismatch.reason


def test_compare_generic_hints():
    assert "transposed" in compare(np.ones((3, 2)), np.ones((2, 3))).generic_hint
    assert "1-D" in compare(np.ones((4, 1)), np.ones(4)).generic_hint
    assert "wrong sign" in compare(-np.arange(1.0, 4.0), np.arange(1.0, 4.0)).generic_hint
    assert "return" in compare(None, 1.0).generic_hint


def test_first_differing_entry_and_hint_in_the_message():
    ex = _square_exercise()
    with pytest.raises(CheckFailed) as info:
        ex.check(lambda x: 2 * x)
    text = str(info.value)
    assert "square(x): the result has wrong values" in text
    assert "first wrong entry [0]: expected 1, got 2" in text
    assert "hint: you doubled x instead of squaring it" in text
    rendered = info.value._render_traceback_()
    assert "square is not right yet" in rendered[0] and not any("File " in line for line in rendered)


def test_check_passes_quietly_and_reports_warnings(capsys):
    ex = _square_exercise()
    ex.check(lambda x: x * x)
    assert "✓ square passed all 2 checks." in capsys.readouterr().out

    def noisy(x):
        import warnings
        warnings.warn("careful", DeprecationWarning)
        return x ** 2

    ex.check(noisy)
    assert "note: it emitted DeprecationWarning: careful" in capsys.readouterr().out


def test_grade_gives_partial_credit_and_full_points(capsys):
    ex = _square_exercise()
    assert ex.grade(lambda x: x ** 2, points=4, seed=1) == 4
    # Wrong only for long inputs: some hidden cases pass, so the score is a fraction of the points.
    partly = lambda x: x ** 2 if x.size < 5 else x  # noqa: E731
    earned = ex.grade(partly, points=4, seed=1)
    assert 0 < earned < 4
    assert "checks passed (random seed 1)" in capsys.readouterr().out


def test_grade_raises_when_nothing_passes():
    with pytest.raises(CheckFailed, match="0 of 8 checks passed") as info:
        _square_exercise().grade(lambda x: None, points=3, seed=0)
    assert "0 of 3 points" in info.value._render_traceback_()[0]


def test_not_implemented_and_bad_arguments():
    def todo(x):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not written yet"):
        _square_exercise().check(todo)
    with pytest.raises(CheckFailed, match=r"check_square\(square\)"):
        _square_exercise().check(None)
    with pytest.raises(CheckFailed, match="needs your function"):
        _square_exercise().check([1, 2])


def test_exceptions_in_student_code_are_reported_with_input_and_hint():
    with pytest.raises(CheckFailed) as info:
        _square_exercise().check(lambda x: x @ np.ones((5, 5)))
    text = str(info.value)
    assert "raised ValueError" in text and "input: x = array([ 1., -2.,  3.])" in text and "check the shapes" in text


def test_in_place_modification_is_caught():
    def in_place(x):
        x **= 2
        return x
    with pytest.raises(CheckFailed, match="modified its input `x` in place"):
        _square_exercise().check(in_place)
    _square_exercise(may_mutate=True).check(in_place)


def test_properties_and_value_subjects():
    ex = Exercise(name="consts", signature="consts", reference=None, subject="value",
                  visible=lambda rng: [Property("A is positive", lambda v: None if v["A"] > 0 else "A must be > 0")])
    ex.check({"A": 1})
    with pytest.raises(CheckFailed, match="A must be > 0"):
        ex.check({"A": -1})
    with pytest.raises(CheckFailed, match="got None"):
        ex.check(None)


def test_describe_is_short():
    assert describe(np.arange(3.0)) == "array([0., 1., 2.])"
    assert describe(np.zeros((10, 10))) == "an array of shape (10, 10)"
    assert describe((1.5, None)) == "(1.5, None)"
