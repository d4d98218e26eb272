"""course.preprocessing: mini-batches, splits, standardization and whitening with training statistics only."""
from __future__ import annotations

import numpy as np
import pytest

from course import preprocessing as pp
from course.validation import CourseInputError


def indexed(m, n=3, y_2d=False):
    ids = np.arange(m, dtype=float)
    X = np.column_stack([ids] + [10 * ids + j for j in range(1, n)])
    y = np.column_stack([ids, -ids]) if y_2d else ids + 1000
    return X, y


# --- minibatches -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("m, batch_size", [(10, 3), (12, 4), (5, 1), (5, 5), (3, 10), (1, 1)])
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("y_2d", [False, True])
def test_minibatches_cover_every_example_once_with_aligned_rows(m, batch_size, shuffle, y_2d):
    X, y = indexed(m, y_2d=y_2d)
    batches = list(pp.minibatches(X, y, batch_size, np.random.default_rng(0), shuffle=shuffle))
    sizes = [len(Xb) for Xb, _ in batches]
    assert sizes == [batch_size] * (m // batch_size) + ([m % batch_size] if m % batch_size else [])
    order = np.concatenate([Xb[:, 0] for Xb, _ in batches]).astype(int)
    assert sorted(order) == list(range(m))
    for Xb, yb in batches:
        np.testing.assert_array_equal(Xb, X[Xb[:, 0].astype(int)])
        np.testing.assert_array_equal(yb, y[Xb[:, 0].astype(int)])
    if not shuffle:
        np.testing.assert_array_equal(order, np.arange(m))


def test_minibatches_shuffle_from_rng_only_and_anew_each_call():
    X, y = indexed(40)

    def order(rng):
        return np.concatenate([Xb[:, 0] for Xb, _ in pp.minibatches(X, y, 7, rng)])

    saved = np.random.get_state()
    try:
        np.random.seed(1)
        a = order(np.random.default_rng(3))
        np.random.seed(2)
        a_again = order(np.random.default_rng(3))
    finally:
        np.random.set_state(saved)
    np.testing.assert_array_equal(a, a_again)
    assert not np.array_equal(a, order(np.random.default_rng(4)))
    assert not np.array_equal(a, np.arange(40))
    shared = np.random.default_rng(5)
    assert not np.array_equal(order(shared), order(shared))  # one generator, two epochs, two orders


def test_minibatches_leave_the_inputs_alone():
    X, y = indexed(9)
    X0, y0 = X.copy(), y.copy()
    for _ in pp.minibatches(X, y, 2, np.random.default_rng(0)):
        pass
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_minibatches_is_a_lazy_generator():
    X, y = indexed(6)
    gen = pp.minibatches(X, y, 4, np.random.default_rng(0))
    assert iter(gen) is gen
    assert len(next(gen)[0]) == 4


@pytest.mark.parametrize("args, message", [
    ((None, np.zeros(3), 2), "`X` is None"),
    (([[1.0]], np.zeros(1), 1), "Python list"),
    ((np.zeros(3), np.zeros(3), 2), "`X` must be 2-D"),
    ((np.zeros((3, 2)), np.zeros(4), 2), "`X` has 3 rows but `y` has 4"),
    ((np.zeros((3, 2)), np.zeros(3), 0), "`batch_size` must be a positive integer"),
    ((np.zeros((3, 2)), np.zeros(3), 1.5), "`batch_size` must be a positive integer"),
])
def test_minibatches_bad_input(args, message):
    with pytest.raises(CourseInputError, match=message):
        list(pp.minibatches(*args, np.random.default_rng(0)))


def test_minibatches_need_a_generator_to_shuffle():
    X, y = indexed(4)
    with pytest.raises(CourseInputError, match="numpy.random.Generator"):
        list(pp.minibatches(X, y, 2, None))
    assert len(list(pp.minibatches(X, y, 2, None, shuffle=False))) == 2


# --- train / validation / test split ---------------------------------------------------------------------------

def test_split_partitions_the_rows_and_keeps_pairs():
    X, y = indexed(200)
    y = (np.arange(200) % 4).astype(float)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = pp.train_val_test_split(X, y, np.random.default_rng(0), val=0.2, test=0.1)
    ids = np.concatenate([Xtr[:, 0], Xva[:, 0], Xte[:, 0]]).astype(int)
    assert sorted(ids) == list(range(200))
    assert (len(Xtr), len(Xva), len(Xte)) == (140, 40, 20)
    for Xs, ys in ((Xtr, ytr), (Xva, yva), (Xte, yte)):
        np.testing.assert_array_equal(ys, y[Xs[:, 0].astype(int)])


def test_split_is_stratified_by_default():
    X = np.arange(100.0)[:, None]
    y = np.r_[np.zeros(80), np.ones(20)]
    _, (_, yva), (_, yte) = pp.train_val_test_split(X, y, np.random.default_rng(1), val=0.2, test=0.2)
    assert yva.sum() == 4 and yte.sum() == 4  # 20 % of each class


def test_split_depends_on_rng_only():
    X, y = indexed(50)
    y = (np.arange(50) % 2).astype(float)
    a = pp.train_val_test_split(X, y, np.random.default_rng(2))[0][0]
    b = pp.train_val_test_split(X, y, np.random.default_rng(2))[0][0]
    c = pp.train_val_test_split(X, y, np.random.default_rng(3))[0][0]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("val, test", [(0.5, 0.5), (-0.1, 0.2), (0.2, 1.0)])
def test_split_rejects_bad_fractions(val, test):
    with pytest.raises(CourseInputError, match="fractions"):
        pp.train_val_test_split(np.zeros((10, 2)), np.zeros(10), np.random.default_rng(0), val=val, test=test)


# --- standardization and whitening: train statistics only ---------------------------------------------------------

def test_standardize_uses_train_mean_and_population_std_only():
    rng = np.random.default_rng(0)
    X_train = rng.normal([5.0, -3.0], [2.0, 0.5], (100, 2))
    X_test = rng.normal([50.0, 30.0], [9.0, 9.0], (40, 2))  # very different: must not influence anything
    Z_train, Z_test = pp.standardize(X_train, X_test)
    np.testing.assert_allclose(Z_train.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(Z_train.std(0), 1, rtol=1e-12)
    np.testing.assert_allclose(Z_test, (X_test - X_train.mean(0)) / X_train.std(0), rtol=1e-12)


def test_standardize_leaves_constant_features_unscaled():
    X = np.array([[1.0, 7.0], [3.0, 7.0]])
    Z, = pp.standardize(X)
    np.testing.assert_array_equal(Z[:, 1], [0.0, 0.0])
    assert np.all(np.isfinite(Z))


def test_standardize_bad_input():
    with pytest.raises(CourseInputError, match="must have shape"):
        pp.standardize(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(CourseInputError, match="empty"):
        pp.standardize(np.zeros((0, 2)))


@pytest.mark.parametrize("whiten", [pp.pca_whiten, pp.zca_whiten])
def test_whitening_decorrelates_train_and_reuses_its_statistics(whiten):
    rng = np.random.default_rng(1)
    A = np.array([[2.0, 0.0, 0.0], [1.5, 0.5, 0.0], [0.3, -0.2, 0.1]])
    X_train = rng.standard_normal((500, 3)) @ A + [1.0, 2.0, 3.0]
    X_test = rng.standard_normal((50, 3)) @ A * 3
    W_train, W_test = whiten(X_train, X_test, eps=0.0)
    np.testing.assert_allclose(np.cov(W_train, rowvar=False, bias=True), np.eye(3), atol=1e-9)
    np.testing.assert_allclose(W_train.mean(0), 0, atol=1e-12)
    # The test set goes through the same affine map, fitted on train alone.
    fitted = pp.Whitener.fit(X_train, "pca" if whiten is pp.pca_whiten else "zca", eps=0.0)
    np.testing.assert_allclose(W_test, (X_test - X_train.mean(0)) @ fitted.matrix, rtol=1e-12)


def test_zca_stays_close_to_the_original_axes():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((400, 2)) * [3.0, 0.5]  # already uncorrelated: ZCA only rescales
    W, = pp.zca_whiten(X, eps=0.0)
    corr = np.corrcoef(X[:, 0], W[:, 0])[0, 1]
    assert corr > 0.99


def test_whitener_rejects_unknown_kind():
    with pytest.raises(CourseInputError, match="'pca' or 'zca'"):
        pp.Whitener.fit(np.zeros((4, 2)), "svd")
