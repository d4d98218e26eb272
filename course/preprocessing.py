"""Data handling: mini-batches, train/validation/test splits, standardization, whitening.

The rule that matters: every statistic (mean, standard deviation, covariance) is
computed on the **training** split only and then applied unchanged to the others.
Computing them on the test set leaks it into training.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .validation import CourseInputError, as_array, check_rng

__all__ = ["minibatches", "train_val_test_split", "Standardizer", "standardize", "Whitener", "pca_whiten",
           "zca_whiten"]

Array = np.ndarray


def minibatches(X: Array, y: Array, batch_size: int, rng: np.random.Generator | None = None,
                shuffle: bool = True) -> Iterator[tuple[Array, Array]]:
    """Yield ``(Xb, yb)`` batches covering every example exactly once.

    Parameters
    ----------
    X : ndarray of shape (m, n)
    y : ndarray with m rows
    batch_size : int
        The last batch may be shorter.
    rng : numpy.random.Generator
        Draws the permutation when ``shuffle``; required then.
    shuffle : bool, default=True
        Visit the examples in a fresh random order (call once per epoch).
    """
    X = as_array(X, "X", ndim=2)
    y = as_array(y, "y", ndim=(1, 2))
    if y.shape[0] != X.shape[0]:
        raise CourseInputError(f"`X` has {X.shape[0]} rows but `y` has {y.shape[0]}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise CourseInputError(f"`batch_size` must be a positive integer, got {batch_size!r}")
    m = X.shape[0]
    order = check_rng(rng).permutation(m) if shuffle else np.arange(m)
    for start in range(0, m, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def train_val_test_split(X: Array, y: Array, rng: np.random.Generator, val: float = 0.15, test: float = 0.15,
                         stratify: bool = True) -> tuple[tuple[Array, Array], tuple[Array, Array], tuple[Array, Array]]:
    """Split into train, validation and test sets, stratified by label by default.

    Returns
    -------
    (X_train, y_train), (X_val, y_val), (X_test, y_test)
    """
    X = as_array(X, "X", ndim=2)
    y = as_array(y, "y", ndim=1)
    if y.shape[0] != X.shape[0]:
        raise CourseInputError(f"`X` has {X.shape[0]} rows but `y` has {y.shape[0]}")
    if not (0 <= val < 1 and 0 <= test < 1 and val + test < 1):
        raise CourseInputError(f"`val` and `test` must be fractions with val + test < 1, got {val}, {test}")
    check_rng(rng)
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(len(y))]
    parts: list[list[Array]] = [[], [], []]
    for idx in groups:
        idx = rng.permutation(idx)
        n_test, n_val = int(round(test * len(idx))), int(round(val * len(idx)))
        parts[2].append(idx[:n_test])
        parts[1].append(idx[n_test:n_test + n_val])
        parts[0].append(idx[n_test + n_val:])
    out = []
    for p in parts:
        idx = rng.permutation(np.concatenate(p)) if p else np.arange(0)
        out.append((X[idx], y[idx]))
    return out[0], out[1], out[2]


@dataclass(frozen=True)
class Standardizer:
    """Per-feature mean and population standard deviation of a training set."""

    mean: Array
    std: Array

    @classmethod
    def fit(cls, X_train: Array) -> "Standardizer":
        X_train = as_array(X_train, "X_train", ndim=2)
        if X_train.shape[0] == 0:
            raise CourseInputError("`X_train` is empty")
        std = X_train.std(axis=0)  # ddof=0, the notes' sigma
        return cls(X_train.mean(axis=0), np.where(std > 0, std, 1.0))  # zero-std features stay unscaled

    def transform(self, X: Array, name: str = "X") -> Array:
        X = as_array(X, name, shape=(None, self.mean.shape[0]))
        return (X - self.mean) / self.std


def standardize(X_train: Array, *others: Array) -> tuple[Array, ...]:
    """Standardize ``X_train`` and every array in ``others`` with the train mean and std.

    Returns
    -------
    tuple of ndarray: ``(X_train_std, *others_std)``.
    """
    scaler = Standardizer.fit(X_train)
    return (scaler.transform(X_train, "X_train"),) + tuple(
        scaler.transform(X, f"others[{i}]") for i, X in enumerate(others)
    )


@dataclass(frozen=True)
class Whitener:
    """PCA or ZCA whitening fitted on a training set: decorrelated, unit-variance features."""

    mean: Array
    matrix: Array

    @classmethod
    def fit(cls, X_train: Array, kind: str = "zca", eps: float = 1e-5) -> "Whitener":
        X_train = as_array(X_train, "X_train", ndim=2)
        if kind not in ("pca", "zca"):
            raise CourseInputError(f"`kind` must be 'pca' or 'zca', got {kind!r}")
        mean = X_train.mean(axis=0)
        cov = np.cov(X_train - mean, rowvar=False, bias=True).reshape(X_train.shape[1], X_train.shape[1])
        values, vectors = np.linalg.eigh(cov)
        scale = vectors / np.sqrt(values + eps)  # columns: principal directions scaled to unit variance
        return cls(mean, scale @ vectors.T if kind == "zca" else scale)

    def transform(self, X: Array) -> Array:
        X = as_array(X, "X", shape=(None, self.mean.shape[0]))
        return (X - self.mean) @ self.matrix


def pca_whiten(X_train: Array, *others: Array, eps: float = 1e-5) -> tuple[Array, ...]:
    """PCA-whiten ``X_train`` and ``others`` with the training statistics (rotated axes)."""
    w = Whitener.fit(X_train, "pca", eps)
    return tuple(w.transform(X) for X in (X_train, *others))


def zca_whiten(X_train: Array, *others: Array, eps: float = 1e-5) -> tuple[Array, ...]:
    """ZCA-whiten ``X_train`` and ``others``: whitened but as close as possible to the original axes."""
    w = Whitener.fit(X_train, "zca", eps)
    return tuple(w.transform(X) for X in (X_train, *others))
