"""course.graph: the gates (against finite differences), the Value engine, the trace, the notes' examples."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from course import graph
from course.graph import Value
from course.validation import CourseInputError

H = 1e-6


def central(f, x, h=H):
    """Elementwise central difference of an elementwise f (independent of course.gradcheck)."""
    return (f(x + h) - f(x - h)) / (2 * h)


# --- gates ---------------------------------------------------------------------------------------

def test_add_backward_distributes_the_upstream_gradient(rng):
    up = rng.normal(size=(3, 4))
    dx, dy = graph.add_backward(up)
    np.testing.assert_array_equal(dx, up)
    np.testing.assert_array_equal(dy, up)
    dx[0, 0] = 99.0
    assert up[0, 0] != 99.0 and dy[0, 0] != 99.0  # fresh arrays, no aliasing


def test_gate_backwards_match_finite_differences(rng):
    x, y = rng.normal(size=5), rng.normal(size=5)
    y = np.where(np.abs(x - y) < 0.1, y + 0.5, y)  # no ties for max
    up = rng.normal(size=5)
    for forward, backward in [(np.add, lambda a, b, u: graph.add_backward(u)),
                              (np.multiply, graph.mul_backward), (np.maximum, graph.max_backward)]:
        dx, dy = backward(x, y, up)
        np.testing.assert_allclose(dx, up * central(lambda v: forward(v, y), x), rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(dy, up * central(lambda v: forward(x, v), y), rtol=1e-7, atol=1e-9)
    z = rng.normal(0, 3, 5)
    np.testing.assert_allclose(graph.sigmoid_backward(z, up),
                               up * central(lambda v: 1 / (1 + np.exp(-v)), z), rtol=1e-7, atol=1e-10)


def test_mul_swaps_and_max_routes():
    assert graph.mul_backward(3.0, -4.0, 1.0) == (-4.0, 3.0)
    assert graph.max_backward(2.0, 0.0, 3.0) == (3.0, 0.0)
    assert graph.max_backward(-1.0, 4.0, 2.5) == (0.0, 2.5)
    assert graph.max_backward(1.0, 1.0, 2.0) == (2.0, 0.0)  # a tie: documented to go to x


def test_copy_gate_adds():
    assert graph.copy_forward(2.5) == (2.5, 2.5)
    assert graph.copy_backward(2.0, 3.0) == 5.0
    np.testing.assert_array_equal(graph.copy_backward(np.ones(2), np.array([1.0, 2.0])), [2.0, 3.0])


def test_numbers_in_floats_out_arrays_in_arrays_out():
    out = graph.mul_backward(2, 3, 1)
    assert all(type(v) is float for v in out)
    out = graph.mul_backward(np.array([2.0]), np.array([3.0]), np.array([1.0]))
    assert all(isinstance(v, np.ndarray) and v.shape == (1,) for v in out)
    assert type(graph.sigmoid_backward(np.float64(0.0), 1.0)) is float


def test_forwards():
    assert graph.add_forward(-2.0, 5.0) == 3.0
    assert graph.mul_forward(3.0, -4.0) == -12.0
    assert graph.max_forward(2.0, 0.0) == 2.0
    assert graph.sigmoid_forward(0.0) == 0.5
    assert graph.f_xyz(-2.0, 5.0, -4.0) == -12.0
    assert graph.f_fork(1.0, 2.0, 0.0) == 6.0
    assert graph.sigmoid_neuron(np.array([2.0, -3.0, -3.0]), np.array([-1.0, -2.0])) == pytest.approx(0.7311, 1e-4)


def test_sigmoid_gate_is_stable_at_huge_inputs():
    z = np.array([-1e4, -1000.0, 0.0, 1000.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = graph.sigmoid_forward(z)
        d = graph.sigmoid_backward(z, np.ones(5))
    np.testing.assert_array_equal(s, [0.0, 0.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(d, [0.0, 0.0, 0.25, 0.0, 0.0])


@pytest.mark.parametrize("call, message", [
    (lambda: graph.add_backward(None), "`upstream` is None"),
    (lambda: graph.add_backward([1.0, 2.0]), "Python list"),
    (lambda: graph.mul_backward(np.ones(3), np.ones(2), np.ones(3)), "shape"),
    (lambda: graph.max_backward(np.ones(3), np.ones(3), 1.0), "`upstream` has shape ()"),
    (lambda: graph.sigmoid_backward(np.array([np.nan]), np.ones(1)), "nan"),
    (lambda: graph.sigmoid_neuron_grads(np.ones(2), np.ones(2)), "`w` must have shape (3,)"),
    (lambda: graph.sigmoid_neuron_grads(np.ones(3), [1.0, 2.0]), "Python list"),
    (lambda: graph.example_graph("nope"), "unknown example"),
])
def test_bad_input_gets_one_clear_sentence(call, message):
    with pytest.raises(CourseInputError) as info:
        call()
    assert message in str(info.value)


# --- the notes' worked examples --------------------------------------------------------------------

def test_the_notes_examples():
    assert graph.grad_xyz(-2.0, 5.0, -4.0) == (-4.0, -4.0, 3.0)
    assert graph.grad_fork(1.0, 2.0, 0.0) == (2.0, 5.0, 0.0)
    dw, dx = graph.sigmoid_neuron_grads(np.array([2.0, -3.0, -3.0]), np.array([-1.0, -2.0]))
    s = 1 / (1 + math.exp(-1.0))
    np.testing.assert_allclose(dw, s * (1 - s) * np.array([-1.0, -2.0, 1.0]))
    np.testing.assert_allclose(dx, s * (1 - s) * np.array([2.0, -3.0]))
    np.testing.assert_allclose(np.round(dw, 2), [-0.2, -0.39, 0.2])
    np.testing.assert_allclose(np.round(dx, 2), [0.39, -0.59])


def test_worked_examples_match_finite_differences(rng):
    for _ in range(20):
        v = rng.normal(0, 2, 3)
        if abs(v[1] - v[2]) < 1e-3:
            continue
        for f, g in [(graph.f_xyz, graph.grad_xyz), (graph.f_fork, graph.grad_fork)]:
            numeric = [(f(*(v + H * e)) - f(*(v - H * e))) / (2 * H) for e in np.eye(3)]
            np.testing.assert_allclose(g(*v), numeric, rtol=1e-6, atol=1e-8)
        w, x = rng.normal(size=3), rng.normal(size=2)
        dw, dx = graph.sigmoid_neuron_grads(w, x)
        for j in range(3):
            e = np.eye(3)[j] * H
            assert dw[j] == pytest.approx((graph.sigmoid_neuron(w + e, x) - graph.sigmoid_neuron(w - e, x)) / (2 * H),
                                          rel=1e-6, abs=1e-9)
        for j in range(2):
            e = np.eye(2)[j] * H
            assert dx[j] == pytest.approx((graph.sigmoid_neuron(w, x + e) - graph.sigmoid_neuron(w, x - e)) / (2 * H),
                                          rel=1e-6, abs=1e-9)


def test_worked_examples_work_elementwise_on_arrays(rng):
    x, y = rng.normal(size=4), rng.normal(size=4)
    z = y + np.array([1.0, -1.0, 0.5, -0.5])
    got = graph.grad_fork(x, y, z)
    for i in range(4):
        np.testing.assert_allclose([g[i] for g in got], graph.grad_fork(x[i], y[i], z[i]))
    got = graph.grad_xyz(x, y, z)
    np.testing.assert_allclose(got[2], x + y)


# --- the Value engine ----------------------------------------------------------------------------

def _expression(a: Value, b: Value, c: Value) -> Value:
    # uses every op: +, *, constants, -, /, exp, max, sigmoid, a fork (a used three times)
    return ((a * b + 2.0) / (c.exp() + 1.0) - a).maximum(a * 0.5 - 3.0).sigmoid() * a


def test_engine_gradients_match_finite_differences(rng):
    for _ in range(10):
        v = rng.normal(size=3)
        a, b, c = (Value(float(t)) for t in v)
        out = _expression(a, b, c)
        out.backward()
        f = lambda t: _expression(*(Value(float(s)) for s in t)).data  # noqa: E731
        numeric = [(f(v + H * e) - f(v - H * e)) / (2 * H) for e in np.eye(3)]
        np.testing.assert_allclose([a.grad, b.grad, c.grad], numeric, rtol=1e-5, atol=1e-8)


def test_engine_adds_gradients_of_repeated_uses():
    x = Value(3.0)
    y = x * x  # the same parent twice
    y.backward()
    assert x.grad == 6.0
    x, y, z = Value(1.0), Value(2.0), Value(0.0)
    f = (x + y) * y.maximum(z)
    f.backward()
    assert (x.grad, y.grad, z.grad) == (2.0, 5.0, 0.0)


def test_backward_twice_gives_the_same_gradients():
    f = graph.example_graph("f = (x + y) z")
    f.backward()
    first = [n.grad for n in graph.topological_order(f)]
    f.backward()
    assert [n.grad for n in graph.topological_order(f)] == first


def test_value_operators():
    a, b = Value(6.0), Value(2.0)
    assert (a - b).data == 4.0 and (a / b).data == 3.0 and (-a).data == -6.0
    assert (1.0 + a).data == 7.0 and (2.0 * a).data == 12.0 and (a / 4.0).data == 1.5
    assert (a + 1.0).op == "+1" and (a * -1.0).op == "*-1" and a.reciprocal().op == "1/x"
    assert "Value(" in repr(a)


@pytest.mark.parametrize("make, message", [
    (lambda: Value([1.0]), "one number"),
    (lambda: Value(float("nan")), "finite"),
    (lambda: Value(True), "one number"),
    (lambda: Value(0.0).reciprocal(), "1/x"),
    (lambda: graph.topological_order(3.0), "expected a Value"),
])
def test_engine_bad_input(make, message):
    with pytest.raises(CourseInputError, match=message):
        make()


def test_topological_order_puts_parents_first():
    for name in graph.EXAMPLES:
        order = graph.topological_order(graph.example_graph(name))
        position = {id(n): i for i, n in enumerate(order)}
        assert len(position) == len(order)
        for node in order:
            assert all(position[id(p)] < position[id(node)] for p in node.parents)


# --- stepping through the backward pass --------------------------------------------------------------

@pytest.mark.parametrize("name", list(graph.EXAMPLES))
def test_trace_replays_backward_one_gate_at_a_time(name):
    root = graph.example_graph(name)
    order = graph.topological_order(root)
    snaps = graph.trace(root)
    gates = [n for n in order if n.parents]
    assert len(snaps) == 2 + len(gates)
    assert all(g is None for g in snaps[0].grads) and snaps[0].active is None
    assert snaps[1].grads[order.index(root)] == 1.0
    assert all(n.grad == 0.0 for n in order)  # trace is pure
    for before, after in zip(snaps, snaps[1:]):
        arrived = [i for i, (a, b) in enumerate(zip(before.grads, after.grads)) if a != b]
        if after.step >= 2:  # only the active gate's parents change
            assert set(arrived) <= {order.index(p) for p in order[after.active].parents}
    root.backward()
    assert snaps[-1].grads == tuple(n.grad for n in order)


def test_trace_text_shows_upstream_times_local_and_the_fork():
    snaps = graph.trace(graph.example_graph("f = (x + y) max(y, z): a fork"))
    assert "gradients add at a fork" in snaps[-1].text and "→ 5.00" in snaps[-1].text
    text = "\n".join(s.text for s in graph.trace(graph.example_graph("f = (x + y) z")))
    assert "-4.00 × 1.00 = -4.00" in text and "mul swaps" in text


def test_backward_steps_are_pure_and_complete():
    root = graph.example_graph("sigmoid neuron, gate by gate")
    steps = graph.backward_steps(root)
    assert steps[0].node is root and steps[0].upstream == 1.0
    assert all(s.downstream == tuple(s.upstream * g for g in s.local) for s in steps)
    assert all(n.grad == 0.0 for n in graph.topological_order(root))


def test_the_cs231n_numbers_of_the_gate_by_gate_sigmoid():
    root = graph.example_graph("sigmoid neuron, gate by gate")
    root.backward()
    by_label = {n.label: n for n in graph.topological_order(root) if n.label}
    expected = {"f": (0.73, 1.0), "1+e": (1.37, -0.53), "e": (0.37, -0.53), "-z": (-1.0, -0.2), "z": (1.0, 0.2),
                "w0": (2.0, -0.2), "x0": (-1.0, 0.39), "w1": (-3.0, -0.39), "x1": (-2.0, -0.59), "w2": (-3.0, 0.2)}
    for label, (value, grad) in expected.items():
        assert round(by_label[label].data, 2) == value and round(by_label[label].grad, 2) == grad, label
    gate = graph.example_graph("sigmoid neuron, one σ gate")
    gate.backward()
    leaves = {n.label: n.grad for n in graph.topological_order(gate) if not n.parents}
    assert leaves == pytest.approx({k: by_label[k].grad for k in leaves})
