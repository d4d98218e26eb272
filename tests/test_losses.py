"""course.losses: values against independent formulas and torch, gradients and output deltas against
finite differences, stability at |z| = 1e4 (RuntimeWarnings are errors under pytest), clear errors."""
from __future__ import annotations

import numpy as np
import pytest

from course import gradcheck, losses
from course.validation import CourseInputError


def numeric(f, x):
    return gradcheck.numerical_gradient(f, x)


def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


def softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def assert_gradient(analytic, numerical):
    error, where = gradcheck.significant_relative_error(analytic, numerical)
    assert error <= gradcheck.GRADING_MAX_RELATIVE_ERROR, (error, where)


# --- values against the formulas ---------------------------------------------------------------------

def test_binary_cross_entropy_value(rng):
    p, y = rng.uniform(0.05, 0.95, 7), rng.integers(0, 2, 7).astype(float)
    assert losses.binary_cross_entropy(p, y) == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    P, Y = rng.uniform(0.05, 0.95, (5, 3)), rng.integers(0, 2, (5, 3)).astype(float)
    per_example = -np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P), axis=1)  # columns sum, rows average
    assert losses.binary_cross_entropy(P, Y) == pytest.approx(per_example.mean())
    assert losses.binary_cross_entropy(np.array([0.9]), np.array([1.0])) == pytest.approx(-np.log(0.9))


def test_logits_version_equals_the_probability_version(rng):
    z, y = rng.normal(0, 3, 9), rng.integers(0, 2, 9).astype(float)
    assert losses.binary_cross_entropy_with_logits(z, y) == pytest.approx(losses.binary_cross_entropy(sigmoid(z), y))


def test_softmax_cross_entropy_value_and_label_forms(rng):
    Z = rng.normal(size=(4, 3))
    labels = np.array([0.0, 2.0, 1.0, 2.0])
    Y = losses.one_hot(labels, 3)
    expected = -np.mean(np.log(softmax(Z))[np.arange(4), labels.astype(int)])
    assert losses.softmax_cross_entropy(Z, Y) == pytest.approx(expected)
    assert losses.softmax_cross_entropy(Z, labels) == pytest.approx(expected)


def test_mean_squared_error_has_the_notes_half(rng):
    a, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    assert losses.mean_squared_error(a, y) == pytest.approx(np.sum((a - y) ** 2) / (2 * 6))
    np.testing.assert_allclose(losses.mean_squared_error_grad(a, y), (a - y) / 6)


def test_hinge_loss_value():
    scores, y = np.array([2.0, 0.5, -1.0, 0.2]), np.array([1.0, 1.0, 1.0, -1.0])
    assert losses.hinge_loss(scores, y) == pytest.approx(np.mean([0.0, 0.5, 2.0, 1.2]))


def test_one_hot():
    np.testing.assert_array_equal(losses.one_hot(np.array([2.0, 0.0]), 3), [[0, 0, 1], [1, 0, 0]])
    for bad in (np.array([3.0]), np.array([0.5]), np.array([-1.0])):
        with pytest.raises(CourseInputError, match="integers in"):
            losses.one_hot(bad, 3)


# --- gradients against finite differences --------------------------------------------------------------

def test_gradients_match_finite_differences(rng):
    p, y = rng.uniform(0.05, 0.95, (5, 2)), rng.integers(0, 2, (5, 2)).astype(float)
    assert_gradient(losses.binary_cross_entropy_grad(p, y), numeric(lambda: losses.binary_cross_entropy(p, y), p))
    z = rng.normal(0, 2, 8)
    yz = rng.integers(0, 2, 8).astype(float)
    assert_gradient(losses.binary_cross_entropy_with_logits_grad(z, yz),
                    numeric(lambda: losses.binary_cross_entropy_with_logits(z, yz), z))
    Z, labels = rng.normal(size=(6, 4)), rng.integers(0, 4, 6).astype(float)
    assert_gradient(losses.softmax_cross_entropy_grad(Z, labels),
                    numeric(lambda: losses.softmax_cross_entropy(Z, labels), Z))
    a, t = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    assert_gradient(losses.mean_squared_error_grad(a, t), numeric(lambda: losses.mean_squared_error(a, t), a))
    s, ys = np.array([2.0, 0.5, -1.0, 0.2, -3.0]), np.array([1.0, 1.0, 1.0, -1.0, -1.0])  # no margin at exactly 1
    assert_gradient(losses.hinge_loss_grad(s, ys), numeric(lambda: losses.hinge_loss(s, ys), s))


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_registry_value_grad_and_delta(rng, name):
    """grad is dJ/d(output); delta is dJ/dZ through the paired output activation (numerically)."""
    loss = losses.LOSSES[name]
    m, k = 6, 3
    Z = rng.normal(0, 1.5, (m, k))
    if loss.output == "sigmoid":
        act, Y = sigmoid, rng.integers(0, 2, (m, k)).astype(float)
    elif loss.output == "softmax":
        act, Y = softmax, losses.one_hot(rng.integers(0, k, m).astype(float), k)
    else:
        act, Y = (lambda v: v), rng.normal(size=(m, k))
    out = act(Z)
    assert_gradient(loss.grad(out, Y), numeric(lambda: loss.value(out, Y), out))
    assert_gradient(loss.delta(act(Z), Y), numeric(lambda: loss.value(act(Z), Y), Z))
    np.testing.assert_allclose(loss.delta(out, Y), (out - Y) / m)  # prediction - target, over m


def test_get_loss():
    assert losses.get_loss("mean_squared_error").output == "identity"
    with pytest.raises(CourseInputError, match="unknown loss"):
        losses.get_loss("l1")


# --- stability ---------------------------------------------------------------------------------------

def test_logit_losses_are_stable_at_1e4():
    z = np.array([-1e4, -1e4, 1e4, 1e4, 0.0])
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    value = losses.binary_cross_entropy_with_logits(z, y)
    assert value == pytest.approx((1e4 + 1e4 + np.log(2)) / 5)
    np.testing.assert_allclose(losses.binary_cross_entropy_with_logits_grad(z, y), (sigmoid(z) - y) / 5)
    Z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
    labels = np.array([0.0, 2.0])
    assert losses.softmax_cross_entropy(Z, labels) == pytest.approx(np.log(3) / 2)
    grad = losses.softmax_cross_entropy_grad(Z, labels)
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-12)


def test_probability_losses_clip_zero_and_one():
    p, y = np.array([0.0, 1.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0, 0.0])
    value = losses.binary_cross_entropy(p, y)
    # rel=1e-4: 1 - eps is not exact in float64
    assert np.isfinite(value) and value == pytest.approx(-np.log(losses.PROBABILITY_EPS) / 2, rel=1e-4)
    assert np.all(np.isfinite(losses.binary_cross_entropy_grad(p, y)))
    probs, Y = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    assert np.isfinite(losses.LOSSES["softmax_cross_entropy"].value(probs, Y))
    assert np.all(np.isfinite(losses.LOSSES["softmax_cross_entropy"].grad(probs, Y)))


# --- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: losses.binary_cross_entropy(None, np.ones(2)), "`y_hat` is None"),
    (lambda: losses.binary_cross_entropy([0.5, 0.5], np.ones(2)), "Python list"),
    (lambda: losses.binary_cross_entropy(np.full(3, 0.5), np.ones(2)), "must match"),
    (lambda: losses.binary_cross_entropy(np.full(2, 0.5), np.array([0.0, 0.5])), "must be in {0, 1}"),
    (lambda: losses.binary_cross_entropy(np.array([np.nan]), np.ones(1)), "nan"),
    (lambda: losses.binary_cross_entropy(np.zeros(0), np.zeros(0)), "empty"),
    (lambda: losses.binary_cross_entropy_with_logits(np.ones((2, 2, 2)), np.ones((2, 2, 2))), "1-D or 2-D"),
    (lambda: losses.softmax_cross_entropy(np.ones(3), np.ones(3)), "must be 2-D"),
    (lambda: losses.softmax_cross_entropy(np.ones((2, 3)), np.array([0.0, 1.0, 2.0])), "3 labels but `Z` has 2 rows"),
    (lambda: losses.softmax_cross_entropy(np.ones((2, 3)), np.ones((2, 2))), "must match"),
    (lambda: losses.mean_squared_error(np.ones(2), None), "`y` is None"),
    (lambda: losses.hinge_loss(np.ones(2), np.array([0.0, 1.0])), "must be in {-1, 1}"),
])
def test_bad_input_gets_one_clear_sentence(call, message):
    with pytest.raises(CourseInputError) as info:
        call()
    assert message in str(info.value)


# --- torch as an independent oracle (float64) ----------------------------------------------------------

def test_against_torch(rng):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    t = lambda a: torch.tensor(a, dtype=torch.float64, requires_grad=True)  # noqa: E731

    p, y = rng.uniform(0.05, 0.95, 8), rng.integers(0, 2, 8).astype(float)
    tp = t(p)
    value = F.binary_cross_entropy(tp, torch.tensor(y))
    value.backward()
    assert losses.binary_cross_entropy(p, y) == pytest.approx(value.item(), rel=1e-12)
    np.testing.assert_allclose(losses.binary_cross_entropy_grad(p, y), tp.grad.numpy(), rtol=1e-10)

    P, Yb = rng.uniform(0.05, 0.95, (5, 3)), rng.integers(0, 2, (5, 3)).astype(float)
    tP = t(P)
    (F.binary_cross_entropy(tP, torch.tensor(Yb), reduction="sum") / 5).backward()  # sum columns, mean rows
    np.testing.assert_allclose(losses.binary_cross_entropy_grad(P, Yb), tP.grad.numpy(), rtol=1e-10)

    z = np.concatenate([rng.normal(0, 3, 6), [1e4, -1e4]])
    yz = rng.integers(0, 2, 8).astype(float)
    tz = t(z)
    value = F.binary_cross_entropy_with_logits(tz, torch.tensor(yz))
    value.backward()
    assert losses.binary_cross_entropy_with_logits(z, yz) == pytest.approx(value.item(), rel=1e-12)
    np.testing.assert_allclose(losses.binary_cross_entropy_with_logits_grad(z, yz), tz.grad.numpy(), rtol=1e-10,
                               atol=1e-15)

    Z = np.vstack([rng.normal(0, 2, (5, 4)), [[1e4, -1e4, 0.0, 3.0]]])
    labels = np.concatenate([rng.integers(0, 4, 5), [2]]).astype(float)
    tZ = t(Z)
    value = F.cross_entropy(tZ, torch.tensor(labels, dtype=torch.long))
    value.backward()
    assert losses.softmax_cross_entropy(Z, labels) == pytest.approx(value.item(), rel=1e-12)
    np.testing.assert_allclose(losses.softmax_cross_entropy_grad(Z, labels), tZ.grad.numpy(), rtol=1e-10, atol=1e-15)
    soft = softmax(rng.normal(size=(6, 4)))  # probability targets
    assert losses.softmax_cross_entropy(Z, soft) == pytest.approx(
        F.cross_entropy(torch.tensor(Z), torch.tensor(soft)).item(), rel=1e-12)

    a, target = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    ta = t(a)
    value = 0.5 * F.mse_loss(ta, torch.tensor(target), reduction="sum") / 5
    value.backward()
    assert losses.mean_squared_error(a, target) == pytest.approx(value.item(), rel=1e-12)
    np.testing.assert_allclose(losses.mean_squared_error_grad(a, target), ta.grad.numpy(), rtol=1e-12)

    s, ys = rng.normal(0, 2, 7), rng.choice([-1.0, 1.0], 7)
    ts = t(s)
    value = torch.clamp(1 - torch.tensor(ys) * ts, min=0).mean()
    value.backward()
    assert losses.hinge_loss(s, ys) == pytest.approx(value.item(), rel=1e-12)
    np.testing.assert_allclose(losses.hinge_loss_grad(s, ys), ts.grad.numpy(), rtol=1e-12)
