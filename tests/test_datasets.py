"""Toy data sets: shapes, labels, determinism from the rng, and the bundled digits."""
import numpy as np
import pytest

from course import datasets
from course.validation import CourseInputError

GENERATORS = [datasets.blobs, datasets.xor, datasets.circles, datasets.moons]


def test_truth_table_inputs_are_in_counting_order():
    assert datasets.truth_table_inputs(2).tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    X3 = datasets.truth_table_inputs(3)
    assert X3.shape == (8, 3) and X3[5].tolist() == [1, 0, 1]


@pytest.mark.parametrize("gate, labels", [("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("NAND", [1, 1, 1, 0]),
                                          ("NOR", [1, 0, 0, 0]), ("XOR", [0, 1, 1, 0]), ("XNOR", [1, 0, 0, 1])])
def test_gates(gate, labels):
    X, y = datasets.gate_dataset(gate)
    assert y.tolist() == labels
    assert datasets.gate_dataset(gate, signed=True)[1].tolist() == [2 * v - 1 for v in labels]


@pytest.mark.parametrize("make", GENERATORS)
def test_generators_shapes_labels_and_rng(make):
    X, y = make(np.random.default_rng(1), m=101)
    assert X.shape == (101, 2) and y.shape == (101,) and X.dtype == np.float64
    assert set(np.unique(y)) == {0.0, 1.0}
    X2, y2 = make(np.random.default_rng(1), m=101)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, make(np.random.default_rng(2), m=101)[0])
    assert set(np.unique(make(np.random.default_rng(1), m=10, signed=True)[1])) == {-1.0, 1.0}


def test_blobs_are_linearly_separable_when_far_apart():
    X, y = datasets.blobs(np.random.default_rng(0), m=200, separation=12.0, spread=1.0)
    # The two centres lie on the diagonal: the line x1 + x2 = 0 separates them.
    assert np.all((X.sum(axis=1) > 0) == (y == 1))


def test_xor_labels_follow_the_corners():
    X, y = datasets.xor(np.random.default_rng(0), m=40, noise=0.0)
    np.testing.assert_array_equal(y, np.abs(X[:, 0] - X[:, 1]))


def test_spirals_have_every_class():
    X, y = datasets.spirals(np.random.default_rng(0), m=300, n_classes=3)
    assert X.shape == (300, 2) and np.bincount(y.astype(int)).tolist() == [100, 100, 100]


def test_bad_arguments_are_named():
    with pytest.raises(CourseInputError, match="numpy.random.Generator"):
        datasets.moons(0)
    with pytest.raises(CourseInputError, match="`m` must be a positive integer"):
        datasets.moons(np.random.default_rng(0), m=0)
    with pytest.raises(CourseInputError, match="unknown gate"):
        datasets.gate_dataset("XAND")


def test_digits_are_bundled_and_scaled():
    digits = datasets.load_digits()
    assert digits.X.shape == (1797, 64) and digits.y.shape == (1797,)
    assert 0.0 <= digits.X.min() and digits.X.max() <= 1.0
    assert set(np.unique(digits.y)) == set(range(10))
    assert datasets.load_digits(scale=False).X.max() == 16.0
