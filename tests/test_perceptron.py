"""course.perceptron against independent plain-Python implementations of the notes' pseudo-code."""
from __future__ import annotations

import numpy as np
import pytest

from course import perceptron
from course.datasets import gate_dataset
from course.validation import CourseInputError


# --- independent implementations: lists and floats, straight from the notes ----------------------

def online_by_hand(rows: list[list[float]], labels: list[float], max_epochs: int) -> tuple[list[float], list[int]]:
    theta = [0.0] * len(rows[0])
    counts = []
    for _ in range(max_epochs):
        count = 0
        for x, label in zip(rows, labels):
            if label * sum(t * v for t, v in zip(theta, x)) <= 0:
                theta = [t + label * v for t, v in zip(theta, x)]
                count += 1
        counts.append(count)
        if count == 0:
            break
    return theta, counts


def batch_by_hand(rows: list[list[float]], labels: list[float], lr: float, eps: float,
                  max_epochs: int) -> tuple[list[float], int]:
    theta = [0.0] * len(rows[0])
    n = len(rows)
    for epoch in range(1, max_epochs + 1):
        delta = [0.0] * len(theta)
        for x, label in zip(rows, labels):
            if label * sum(t * v for t, v in zip(x, theta)) <= 0:
                delta = [d + label * v for d, v in zip(delta, x)]
        delta = [d / n for d in delta]
        theta = [t + lr * d for t, d in zip(theta, delta)]
        if sum(d * d for d in delta) ** 0.5 < eps:
            return theta, epoch
    return theta, max_epochs


def separable(rng: np.random.Generator, m: int, d: int, margin: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    u = rng.normal(size=d + 1)
    u /= np.linalg.norm(u)
    X = np.column_stack([np.ones(20 * m), rng.uniform(-1.5, 1.5, (20 * m, d))])
    keep = np.abs(X @ u) >= margin
    X = X[keep][:m]
    return X, np.sign(X @ u), u


# --- step, the bias feature, predictions -------------------------------------------------------

def test_step_is_one_only_for_strictly_positive_scores():
    z = np.array([[-2.0, -1e-300, 0.0], [1e-300, 3.0, -0.0]])
    got = perceptron.step(z)
    np.testing.assert_array_equal(got, [[0, 0, 0], [1, 1, 0]])
    assert got.dtype == np.float64 and got.shape == z.shape
    assert perceptron.step(np.array(0.0)).shape == ()


def test_add_bias_feature_prepends_ones():
    X = np.array([[2.0, 3.0], [4.0, 5.0]])
    np.testing.assert_array_equal(perceptron.add_bias_feature(X), [[1, 2, 3], [1, 4, 5]])
    np.testing.assert_array_equal(perceptron.add_bias_feature(np.array([7.0])), [1, 7])


def test_bias_as_weight_zero_gives_the_same_scores(rng):
    X, w, b = rng.normal(size=(6, 3)), rng.normal(size=3), 0.7
    theta = np.concatenate([[b], w])
    np.testing.assert_allclose(perceptron.add_bias_feature(X) @ theta, X @ w + b, rtol=1e-12)
    np.testing.assert_array_equal(perceptron.perceptron_predict(perceptron.add_bias_feature(X), theta),
                                  (X @ w + b > 0).astype(float))


# --- the learning rule -------------------------------------------------------------------------------

@pytest.mark.parametrize("theta, x, y, expected", [
    ([0.0, 0.0, 0.0], [1.0, 1.0, 0.0], 1.0, [1.0, 1.0, 0.0]),     # too low: inputs that are 1 go up
    ([0.5, 1.0, -1.0], [1.0, 1.0, 1.0], 0.0, [-0.5, 0.0, -2.0]),  # too high: inputs that are 1 go down
    ([-1.0, 2.0, 0.5], [1.0, 1.0, 0.0], 1.0, [-1.0, 2.0, 0.5]),   # correct: no change
    ([0.0, 0.0, 0.0], [1.0, 1.0, 0.0], 0.0, [0.0, 0.0, 0.0]),     # step(0) = 0 is correct for y = 0
])
def test_update_follows_the_notes_intuitive_rules(theta, x, y, expected):
    theta = np.array(theta)
    before = theta.copy()
    got = perceptron.perceptron_update(theta, np.array(x), y)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(theta, before)  # a new array: the input is untouched
    assert got is not theta


def test_update_scales_with_the_learning_rate():
    got = perceptron.perceptron_update(np.array([0.2, -0.4, 0.1]), np.array([1.0, 2.0, -3.0]), 1, lr=0.5)
    np.testing.assert_allclose(got, [0.7, 0.6, -1.4])


def test_update_learns_and_with_zero_one_labels():
    X, y = gate_dataset("AND")
    X = perceptron.add_bias_feature(X)
    theta = np.zeros(3)
    for _ in range(10):
        for x, label in zip(X, y):
            theta = perceptron.perceptron_update(theta, x, label)
    np.testing.assert_array_equal(perceptron.perceptron_predict(X, theta), y)


# --- online perceptron ---------------------------------------------------------------------------------

@pytest.mark.parametrize("gate", ["AND", "OR", "NAND", "NOR"])
def test_online_matches_the_pseudo_code_on_gates(gate):
    X, y = gate_dataset(gate, signed=True)
    X = perceptron.add_bias_feature(X)
    theta, counts = perceptron.online_perceptron(X, y)
    theta_hand, counts_hand = online_by_hand(X.tolist(), y.tolist(), 100)
    np.testing.assert_array_equal(theta, theta_hand)
    assert counts == counts_hand and counts[-1] == 0
    assert all(isinstance(c, int) for c in counts)


def test_online_on_random_separable_data_converges_within_the_mistake_bound(rng):
    for _ in range(10):
        m, d = int(rng.integers(10, 50)), int(rng.integers(1, 5))
        X, y, u = separable(rng, m, d, 0.1)
        theta, counts = perceptron.online_perceptron(X, y, max_epochs=10_000)
        theta_hand, counts_hand = online_by_hand(X.tolist(), y.tolist(), 10_000)
        np.testing.assert_allclose(theta, theta_hand, rtol=1e-12, atol=1e-12)
        assert counts == counts_hand
        assert counts[-1] == 0 and all(c > 0 for c in counts[:-1])
        assert np.all(y * (X @ theta) > 0)  # converged: every example on its side
        R, gamma = np.max(np.linalg.norm(X, axis=1)), np.min(y * (X @ u))
        assert sum(counts) <= (R / gamma) ** 2  # Novikoff's bound


def test_online_never_converges_on_xor():
    X, y = gate_dataset("XOR", signed=True)
    theta, counts = perceptron.online_perceptron(perceptron.add_bias_feature(X), y, max_epochs=25)
    assert len(counts) == 25 and min(counts) > 0


# --- batch perceptron ----------------------------------------------------------------------------------

def test_batch_matches_the_pseudo_code(rng):
    for lr, eps in [(1.0, 1e-6), (0.3, 1e-6), (2.0, 0.05)]:
        X, y, _ = separable(rng, 30, 2, 0.05)
        theta, epochs = perceptron.batch_perceptron(X, y, lr=lr, eps=eps)
        theta_hand, epochs_hand = batch_by_hand(X.tolist(), y.tolist(), lr, eps, 1000)
        np.testing.assert_allclose(theta, theta_hand, rtol=1e-10, atol=1e-12)
        assert epochs == epochs_hand and isinstance(epochs, int)


def test_batch_on_gates_matches_the_pseudo_code_exactly():
    X, y = gate_dataset("AND", signed=True)
    X = perceptron.add_bias_feature(X)
    theta, epochs = perceptron.batch_perceptron(X, y)
    assert (theta.tolist(), epochs) == batch_by_hand(X.tolist(), y.tolist(), 1.0, 1e-6, 1000)
    assert perceptron.count_mistakes(X, y, theta) == 0


def test_batch_learning_rate_only_rescales_theta_from_zeros(rng):
    X, y, _ = separable(rng, 40, 3, 0.05)
    theta_1, epochs_1 = perceptron.batch_perceptron(X, y, lr=1.0)
    for lr in (0.01, 3.7):
        theta_lr, epochs_lr = perceptron.batch_perceptron(X, y, lr=lr)
        assert epochs_lr == epochs_1
        np.testing.assert_allclose(theta_lr, lr * theta_1, rtol=1e-9)
    assert perceptron.count_mistakes(X, y, theta_1) == 0


def test_batch_stops_on_xor_after_one_epoch_because_the_corrections_cancel():
    X, y = gate_dataset("XOR", signed=True)
    theta, epochs = perceptron.batch_perceptron(perceptron.add_bias_feature(X), y)
    assert epochs == 1
    np.testing.assert_array_equal(theta, np.zeros(3))


def test_batch_respects_max_epochs(rng):
    X = perceptron.add_bias_feature(rng.normal(size=(20, 2)))
    y = np.where(rng.normal(size=20) > 0, 1.0, -1.0)
    X[1], y[:2] = X[0], [1.0, -1.0]  # the same point with both labels: not separable
    theta, epochs = perceptron.batch_perceptron(X, y, max_epochs=7)
    assert epochs == 7
    theta_hand, epochs_hand = batch_by_hand(X.tolist(), y.tolist(), 1.0, 1e-6, 7)
    np.testing.assert_allclose(theta, theta_hand, rtol=1e-10, atol=1e-12)
    assert epochs_hand == 7


# --- validation -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: perceptron.step(None), "`z` is None"),
    (lambda: perceptron.step([1.0, -1.0]), "Python list"),
    (lambda: perceptron.perceptron_update(np.zeros(3), np.ones(2), 1), "`x` must have shape (3,)"),
    (lambda: perceptron.perceptron_update(np.zeros(3), np.ones(3), -1), "must be in {0, 1} here"),
    (lambda: perceptron.perceptron_update(np.zeros(3), np.ones(3), 1, lr=0), "`lr` must be positive"),
    (lambda: perceptron.online_perceptron(np.ones((4, 3)), np.array([0.0, 1.0, 1.0, 0.0])), "must be in {-1, 1}"),
    (lambda: perceptron.online_perceptron(np.ones((4, 3)), np.ones(3)), "`y` must have shape (4,)"),
    (lambda: perceptron.online_perceptron(np.ones((4, 3)), np.ones(4), max_epochs=0), "positive integer"),
    (lambda: perceptron.batch_perceptron(np.ones((0, 3)), np.ones(0)), "at least one example"),
    (lambda: perceptron.batch_perceptron(np.ones((4, 3)), np.ones(4), eps=-1.0), "must not be negative"),
    (lambda: perceptron.batch_perceptron(np.ones((4, 3)), np.ones(4), lr="fast"), "`lr` must be a finite number"),
])
def test_bad_input_gets_one_clear_sentence(call, message):
    with pytest.raises(CourseInputError) as info:
        call()
    assert message in str(info.value)
