"""Bad input gets one clear sentence that names the problem."""
import numpy as np
import pytest

from course.validation import CourseInputError, as_array, check_labels, check_probability, check_rng, check_same_shape


@pytest.mark.parametrize("value, fragment", [
    (None, "is None"),
    ([1.0, 2.0], "Python list"),
    ((1.0, 2.0), "Python tuple"),
    ("abc", "expected a numpy array"),
    (True, "bool"),
    (np.array([1.0, np.nan]), "nan"),
    (np.array([np.inf]), "inf"),
    (np.array(["a", "b"]), "cannot be read as numbers"),
])
def test_bad_values_are_named(value, fragment):
    with pytest.raises(CourseInputError, match="`z`") as info:
        as_array(value, "z")
    assert fragment in str(info.value)


def test_shapes_and_dimensions():
    x = np.zeros((3, 2))
    assert as_array(x, "X", ndim=2, shape=(None, 2)).dtype == np.float64
    with pytest.raises(CourseInputError, match=r"must be 1-D, got shape \(3, 2\)"):
        as_array(x, "X", ndim=1)
    with pytest.raises(CourseInputError, match=r"must have shape \(any, 3\), got \(3, 2\)"):
        as_array(x, "X", shape=(None, 3))


def test_scalars_and_lists_when_allowed():
    assert as_array(3, "x").shape == ()
    assert as_array([1, 2], "x", allow_list=True).tolist() == [1.0, 2.0]
    assert np.isnan(as_array(np.array([np.nan]), "x", finite=False)[0])


def test_helpers():
    with pytest.raises(CourseInputError, match="must match"):
        check_same_shape(np.zeros(2), np.zeros(3), "a", "b")
    with pytest.raises(CourseInputError, match=r"\{-1, 1\} here; found 0"):
        check_labels(np.array([1.0, 0.0]), "y", (-1.0, 1.0))
    with pytest.raises(CourseInputError, match="numpy.random.Generator"):
        check_rng(np.random.RandomState(0))
    assert check_rng(np.random.default_rng(0)) is not None
    with pytest.raises(CourseInputError, match=r"in \[0, 1\)"):
        check_probability(1.0, "p")
    assert check_probability(1.0, "p", inclusive_high=True) == 1.0


def test_error_renders_without_a_traceback():
    lines = CourseInputError("`z` is None")._render_traceback_()
    assert len(lines) == 1 and "`z` is None" in lines[0]
