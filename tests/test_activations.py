"""course.activations: every activation against independent computations.

Derivatives are compared with central differences away from the kinks each activation
declares; stability is tested at |z| = 1e4 (pytest turns RuntimeWarning into an error,
so an overflow warning fails the test too); torch, when importable, is an independent
oracle for values and gradients in float64.
"""
from __future__ import annotations

import numpy as np
import pytest

from course import activations as A
from course import gradcheck
from course.validation import CourseInputError

ELEMENTWISE = sorted(A.ACTIVATIONS)
PARAMS = {"leaky_relu": [{}, {"k": 0.1}, {"k": 0.3}], "elu": [{}, {"alpha": 0.5}, {"alpha": 2.0}]}
PUBLIC = {  # name -> (forward, grad) of the checked public API
    "sigmoid": (A.sigmoid, A.sigmoid_grad), "tanh": (A.tanh, A.tanh_grad), "relu": (A.relu, A.relu_grad),
    "leaky_relu": (A.leaky_relu, A.leaky_relu_grad), "elu": (A.elu, A.elu_grad),
    "hardtanh": (A.hardtanh, A.hardtanh_grad), "sign": (A.sign, A.sign_grad),
    "identity": (A.identity, A.identity_grad),
}
LARGE = np.array([-1e4, -1000.0, -710.0, -40.0, 40.0, 710.0, 1000.0, 1e4])


def _cases():
    return [(name, kw) for name in ELEMENTWISE for kw in PARAMS.get(name, [{}])]


def _away_from_kinks(rng, kinks, shape=(200,), low=-4.0, high=4.0, gap=1e-3):
    z = rng.uniform(low, high, shape)
    for k in kinks:
        close = np.abs(z - k) < gap
        z[close] = k + np.where(z[close] >= k, gap, -gap) * 2
    return z


def _central(f, z, kw):
    h = gradcheck.STEP
    return (f(z + h, **kw) - f(z - h, **kw)) / (2 * h)


# --- registry --------------------------------------------------------------------------------

def test_registry_matches_the_public_api():
    assert sorted(PUBLIC) == ELEMENTWISE
    z = np.linspace(-3, 3, 13) + 0.01
    for name, (forward, grad) in PUBLIC.items():
        act = A.get_activation(name)
        assert act.name == name
        np.testing.assert_array_equal(forward(z), act.forward(z))
        np.testing.assert_array_equal(grad(z), act.grad(z))


def test_get_activation_names_the_choices():
    with pytest.raises(CourseInputError, match="unknown activation 'swish'.*relu"):
        A.get_activation("swish")
    with pytest.raises(CourseInputError):
        A.get_activation(None)


# --- values against closed forms ---------------------------------------------------------------

def test_values_against_their_definitions():
    z = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
    np.testing.assert_allclose(A.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_allclose(A.tanh(z), (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)), rtol=1e-14, atol=1e-16)
    np.testing.assert_array_equal(A.relu(z), [0, 0, 0, 0, 0.5, 1, 3])
    np.testing.assert_allclose(A.leaky_relu(z, k=0.1), [-0.3, -0.1, -0.05, 0, 0.5, 1, 3])
    np.testing.assert_allclose(A.leaky_relu(z), np.maximum(z, 0.01 * z))
    np.testing.assert_allclose(A.elu(z, alpha=2.0), np.where(z > 0, z, 2.0 * (np.exp(z) - 1)), rtol=1e-14)
    np.testing.assert_array_equal(A.hardtanh(z), [-1, -1, -0.5, 0, 0.5, 1, 1])
    np.testing.assert_array_equal(A.sign(z), [-1, -1, -1, 0, 1, 1, 1])
    np.testing.assert_array_equal(A.identity(z), z)


def test_the_notes_worked_example_values():
    # sigma(0.78) = 0.68 and sigma(1.062) = 0.74 as in the notes' single-hidden-layer example.
    np.testing.assert_allclose(A.sigmoid(np.array([0.78, 0.49, 1.062])), [0.6857, 0.6201, 0.7431], atol=5e-5)


def test_notes_derivative_convention_at_the_relu_kink():
    assert A.relu_grad(np.array(0.0)) == 1.0  # the notes' table: f'(u) = 1 for u >= 0
    assert A.leaky_relu_grad(np.array(0.0), k=0.1) == 1.0


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_shape_dtype_and_no_aliasing(name):
    forward, grad = PUBLIC[name]
    for z in (np.array(0.3), np.arange(6.0).reshape(2, 3) - 2.5, np.zeros((2, 1, 3)) + 0.7):
        for fn in (forward, grad):
            out = fn(z)
            assert out.shape == z.shape and out.dtype == np.float64
    z = np.array([0.5, -0.5])
    out = A.identity(z)
    out[0] = 99.0
    assert z[0] == 0.5, "identity must return a copy, not its input"


def test_integer_and_python_number_input_is_accepted():
    np.testing.assert_array_equal(A.relu(np.array([-2, 3])), [0.0, 3.0])
    assert A.tanh(0.0) == 0.0


# --- derivatives against central differences ------------------------------------------------------

@pytest.mark.parametrize("name,kw", _cases())
def test_derivative_matches_central_differences(name, kw, rng):
    act = A.ACTIVATIONS[name]
    z = _away_from_kinks(rng, act.kinks)
    numerical = _central(act.forward, z, kw)
    analytic = act.grad(z, **kw)
    assert gradcheck.relative_error(analytic, numerical) <= gradcheck.CORRECT
    forward, grad = PUBLIC[name]
    assert gradcheck.relative_error(grad(z, **kw), _central(forward, z, kw)) <= gradcheck.CORRECT


def test_kinks_are_where_the_one_sided_slopes_differ():
    eps = 1e-9
    for name, kw, kink in [("relu", {}, 0.0), ("leaky_relu", {"k": 0.2}, 0.0), ("elu", {"alpha": 0.5}, 0.0),
                           ("hardtanh", {}, -1.0), ("hardtanh", {}, 1.0)]:
        act = A.ACTIVATIONS[name]
        assert kink in act.kinks
        left, right = act.grad(np.array([kink - eps, kink + eps]), **kw)
        assert left != pytest.approx(right), (name, kink)
    for name in ("sigmoid", "tanh", "identity"):
        assert A.ACTIVATIONS[name].kinks == ()


def test_sigmoid_derivative_identity():
    z = np.linspace(-6, 6, 25)
    s = A.sigmoid(z)
    np.testing.assert_allclose(A.sigmoid_grad(z), s * (1 - s), rtol=1e-14)
    np.testing.assert_allclose(A.tanh_grad(z), 1 - np.tanh(z) ** 2, rtol=1e-14)


# --- stability -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,kw", _cases())
def test_large_inputs_give_finite_values_without_warnings(name, kw):
    forward, grad = PUBLIC[name]
    # An overflow raises instead of warning; underflow to 0 is harmless.
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        f, g = forward(LARGE, **kw), grad(LARGE, **kw)
    assert np.all(np.isfinite(f)) and np.all(np.isfinite(g))


def test_large_input_limits():
    big = np.array([-1e4, 1e4])
    np.testing.assert_array_equal(A.sigmoid(big), [0.0, 1.0])
    np.testing.assert_array_equal(A.tanh(big), [-1.0, 1.0])
    np.testing.assert_array_equal(A.elu(big, alpha=0.5), [-0.5, 1e4])
    np.testing.assert_array_equal(A.elu_grad(big, alpha=0.5), [0.0, 1.0])
    np.testing.assert_array_equal(A.tanh_grad(big), [0.0, 0.0])
    np.testing.assert_array_equal(A.sigmoid_grad(big), [0.0, 0.0])


def test_elu_is_accurate_near_zero():
    z = np.array([-1e-12, -1e-8])
    np.testing.assert_allclose(A.elu(z), z, rtol=1e-6)  # expm1, not exp(z) - 1 (which loses digits here)


# --- softmax -------------------------------------------------------------------------------------

def test_softmax_against_the_formula(rng):
    Z = rng.normal(0, 2, (5, 7))
    e = np.exp(Z)
    np.testing.assert_allclose(A.softmax(Z), e / e.sum(axis=1, keepdims=True), rtol=1e-13)


def test_softmax_rows_are_probabilities(rng):
    for scale in (0.1, 10.0, 1e4):
        P = A.softmax(rng.normal(0, scale, (6, 5)))
        assert np.all(P >= 0) and np.all(np.isfinite(P))
        np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)


def test_softmax_is_invariant_to_shifting_each_row(rng):
    Z = rng.normal(0, 1, (4, 6))
    shifts = np.array([[-1e4], [0.0], [3.7], [5e3]])
    np.testing.assert_allclose(A.softmax(Z + shifts), A.softmax(Z), rtol=1e-9, atol=1e-15)


def test_softmax_stable_at_1e4():
    P = A.softmax(np.array([[1e4, 0.0, -1e4], [1e4, 1e4 - 1, 0.0], [0.0, 1.0, 2.0]]))
    np.testing.assert_allclose(P[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(P[1], [1 / (1 + np.exp(-1)), 1 / (1 + np.exp(1)), 0.0], rtol=1e-14)
    np.testing.assert_allclose(P[2], np.exp([0, 1, 2]) / np.exp([0, 1, 2]).sum(), rtol=1e-14)


def test_softmax_of_one_vector_and_two_classes():
    z = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(A.softmax(z), A.softmax(z[None, :])[0])
    # Two classes with scores (z, 0): softmax is the sigmoid.
    np.testing.assert_allclose(A.softmax(np.array([[0.78, 0.0]]))[0, 0], A.sigmoid(np.array(0.78)), rtol=1e-15)


def test_softmax_backward_against_a_numerical_jacobian(rng):
    Z = rng.normal(0, 1, (3, 4))
    G = rng.normal(0, 1, (3, 4))
    P = A.softmax(Z)
    got = A.softmax_backward(P, G)
    for i in range(Z.shape[0]):
        J = gradcheck.numerical_jacobian(lambda z: A.softmax(z), Z[i])  # J[a, b] = d p_a / d z_b
        assert gradcheck.relative_error(got[i], J.T @ G[i]) <= gradcheck.CORRECT * 10
        np.testing.assert_allclose(J, np.diag(P[i]) - np.outer(P[i], P[i]), atol=1e-8)


def test_softmax_backward_kills_constant_upstream(rng):
    P = A.softmax(rng.normal(0, 1, (2, 5)))
    np.testing.assert_allclose(A.softmax_backward(P, np.ones((2, 5))), 0.0, atol=1e-15)


# --- maxout ------------------------------------------------------------------------------------

def test_maxout_against_a_loop(rng):
    Z = rng.normal(0, 1, (4, 6))
    expected = np.array([[max(Z[i, 3 * u:3 * u + 3]) for u in range(2)] for i in range(4)])
    np.testing.assert_array_equal(A.maxout(Z, 3), expected)
    np.testing.assert_array_equal(A.maxout(Z, 1), Z)


def test_maxout_contains_relu_and_leaky_relu():
    x = np.linspace(-2, 2, 9)[:, None]
    np.testing.assert_array_equal(A.maxout(np.hstack([x, 0 * x]), 2)[:, 0], A.relu(x[:, 0]))
    np.testing.assert_allclose(A.maxout(np.hstack([x, 0.1 * x]), 2)[:, 0], A.leaky_relu(x[:, 0], k=0.1))


def test_maxout_backward_against_central_differences(rng):
    Z = rng.normal(0, 1, (3, 8))  # continuous draws: no ties
    upstream = rng.normal(0, 1, (3, 4))
    grad = A.maxout_backward(Z, 2, upstream)
    numerical = gradcheck.numerical_gradient(lambda: float(np.sum(A.maxout(Z, 2) * upstream)), Z)
    assert gradcheck.relative_error(grad, numerical) <= gradcheck.CORRECT
    # The max gate routes: exactly one non-zero per group, equal to the upstream gradient.
    assert np.count_nonzero(grad) == upstream.size


def test_maxout_backward_sends_a_tie_to_one_piece():
    grad = A.maxout_backward(np.array([[1.0, 1.0]]), 2, np.array([[5.0]]))
    np.testing.assert_array_equal(grad, [[5.0, 0.0]])


def test_maxout_errors():
    with pytest.raises(CourseInputError, match="pieces"):
        A.maxout(np.zeros((2, 5)), 2)
    with pytest.raises(CourseInputError, match="pieces"):
        A.maxout(np.zeros((2, 4)), 0)
    with pytest.raises(CourseInputError, match="2-D"):
        A.maxout(np.zeros(4), 2)
    with pytest.raises(CourseInputError, match="upstream"):
        A.maxout_backward(np.zeros((2, 4)), 2, np.zeros((2, 4)))


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [f for pair in PUBLIC.values() for f in pair] + [A.softmax],
                         ids=lambda f: f.__name__)
def test_bad_input_gets_a_clear_error(fn):
    with pytest.raises(CourseInputError, match="is None"):
        fn(None)
    with pytest.raises(CourseInputError, match="Python list"):
        fn([1.0, 2.0])
    with pytest.raises(CourseInputError, match="nan"):
        fn(np.array([[0.0, np.nan]]))
    with pytest.raises(CourseInputError, match="inf"):
        fn(np.array([[np.inf, 1.0]]))
    with pytest.raises(CourseInputError, match="expected a numpy array"):
        fn("1.0")


def test_softmax_wrong_ndim_and_backward_shapes():
    with pytest.raises(CourseInputError, match="1-D or 2-D"):
        A.softmax(np.zeros((2, 2, 2)))
    with pytest.raises(CourseInputError, match="upstream"):
        A.softmax_backward(np.full((2, 3), 1 / 3), np.zeros((3, 2)))


# --- torch as an independent oracle ---------------------------------------------------------------

def _torch_fn(torch, name, kw):
    F = torch.nn.functional
    return {
        "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
        "leaky_relu": lambda t: F.leaky_relu(t, negative_slope=kw.get("k", 0.01)),
        "elu": lambda t: F.elu(t, alpha=kw.get("alpha", 1.0)),
        "hardtanh": F.hardtanh, "sign": torch.sign, "identity": lambda t: t * 1.0,
    }[name]


@pytest.mark.parametrize("name,kw", _cases())
def test_values_and_gradients_match_torch(name, kw, rng):
    torch = pytest.importorskip("torch")
    z = np.concatenate([_away_from_kinks(rng, A.ACTIVATIONS[name].kinks, (50,), -6, 6), [-30.0, 30.0]])
    t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    out = _torch_fn(torch, name, kw)(t)
    out.sum().backward()
    forward, grad = PUBLIC[name]
    np.testing.assert_allclose(forward(z, **kw), out.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grad(z, **kw), t.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_softmax_and_its_backward_match_torch(rng):
    torch = pytest.importorskip("torch")
    Z = rng.normal(0, 3, (5, 4))
    G = rng.normal(0, 1, (5, 4))
    t = torch.tensor(Z, dtype=torch.float64, requires_grad=True)
    P = torch.softmax(t, dim=1)
    (P * torch.tensor(G)).sum().backward()
    np.testing.assert_allclose(A.softmax(Z), P.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(A.softmax_backward(A.softmax(Z), G), t.grad.numpy(), rtol=1e-12, atol=1e-15)
