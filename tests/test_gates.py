"""course.gates: neurons as gates, truth tables, XOR by composition, the 2-2-1 network."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from course import gates
from course.validation import CourseInputError


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _rows(n: int) -> np.ndarray:
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))  # x1 most significant


# --- neuron ---------------------------------------------------------------------------------------

def test_neuron_matches_an_elementwise_sigmoid(rng):
    X, w, b = rng.normal(size=(7, 3)), rng.normal(size=3), 0.4
    expected = [_sigmoid(sum(xi * wi for xi, wi in zip(x, w)) + b) for x in X]
    np.testing.assert_allclose(gates.neuron(X, w, b), expected, rtol=1e-12)


def test_neuron_on_a_single_example_returns_a_number():
    out = gates.neuron(np.array([1.0, 0.0]), np.array([20.0, 20.0]), -10.0)
    assert isinstance(out, float) and out == pytest.approx(_sigmoid(10.0))


def test_neuron_is_stable_for_huge_z():
    out = gates.neuron(np.array([[1.0], [-1.0]]), np.array([1e4]), 0.0)  # RuntimeWarnings are errors here
    np.testing.assert_array_equal(out, [1.0, 0.0])


@pytest.mark.parametrize("X, w, b, words", [
    (None, np.ones(2), 0.0, "None"),
    ([[0.0, 1.0]], np.ones(2), 0.0, "list"),
    (np.ones((3, 2)), np.ones(3), 0.0, "3 weights"),
    (np.ones((3, 2)), np.ones((2, 1)), 0.0, "1-D"),
    (np.ones((3, 2)), np.ones(2), np.ones(2), "0-D"),
])
def test_neuron_bad_input_is_named(X, w, b, words):
    with pytest.raises(CourseInputError, match=words):
        gates.neuron(X, w, b)


# --- the notes' gates -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(gates.GATE_PARAMS))
def test_notes_gate_params_meet_the_thresholds(name):
    w, b = gates.GATE_PARAMS[name]
    X = _rows(w.size)
    out = np.array([_sigmoid(float(x @ w) + b) for x in X])
    truth = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "NOR": [1, 0, 0, 0], "NOT": [1, 0]}[name]
    assert np.all(np.where(np.array(truth) == 1, out >= 0.99, out <= 0.01))
    np.testing.assert_array_equal(gates.gate_target(name), truth)


def test_notes_gate_params_cannot_be_modified():
    with pytest.raises(ValueError):
        gates.GATE_PARAMS["AND"][0][0] = 0.0


def test_notes_numbers():
    assert gates.GATE_PARAMS["AND"][1] == -30 and list(gates.GATE_PARAMS["AND"][0]) == [20, 20]
    assert gates.GATE_PARAMS["OR"][1] == -10 and list(gates.GATE_PARAMS["NOT"][0]) == [-20]
    assert gates.GATE_PARAMS["NOR"][1] == 10 and list(gates.GATE_PARAMS["NOR"][0]) == [-20, -20]


def test_holds_uses_both_thresholds():
    assert gates.holds(np.array([0.01, 0.99]), np.array([0, 1]))
    assert not gates.holds(np.array([0.0101, 0.99]), np.array([0, 1]))
    assert not gates.holds(np.array([0.0, 0.9899]), np.array([0, 1]))


# --- truth_table ----------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_truth_table_rows_count_in_binary_with_x1_most_significant(n, rng):
    column = rng.uniform(0, 1, 2**n)
    powers = 2 ** np.arange(n - 1, -1, -1)
    table = gates.truth_table(lambda X: column[(X @ powers).astype(int)], n_inputs=n)
    np.testing.assert_array_equal(table[:, :n], _rows(n))
    np.testing.assert_array_equal(table[:, -1], (column >= 0.5).astype(float))
    assert table.shape == (2**n, n + 1) and table.dtype == np.float64


def test_truth_table_of_the_and_neuron():
    table = gates.truth_table(lambda X: gates.neuron(X, *gates.GATE_PARAMS["AND"]))
    np.testing.assert_array_equal(table, [[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 1, 1]])


def test_truth_table_threshold_is_inclusive_and_accepts_hard_values():
    table = gates.truth_table(lambda X: np.array([0.5, 0.4999, True, 0]))
    np.testing.assert_array_equal(table[:, -1], [1, 0, 1, 0])


@pytest.mark.parametrize("fn, words", [
    (lambda X: None, "returned None"),
    (lambda X: np.ones(3), "shape"),
    ("AND", "must be a function"),
])
def test_truth_table_bad_fn_is_named(fn, words):
    with pytest.raises(CourseInputError, match=words):
        gates.truth_table(fn)


# --- which functions one neuron reaches ---------------------------------------------------------

def test_function_names_cover_all_16_functions():
    names = {gates.function_name(np.array(bits)) for bits in itertools.product([0, 1], repeat=4)}
    assert len(names) == 16
    assert gates.function_name(np.array([0, 1, 1, 0])) == "XOR"
    with pytest.raises(CourseInputError):
        gates.function_name(np.array([0, 1, 2, 0]))


def test_one_neuron_reaches_14_functions_but_not_xor_or_xnor():
    counts = gates.reachable_functions(-5, 5)
    assert sum(counts.values()) == 11**3
    assert counts["XOR"] == 0 and counts["XNOR"] == 0
    assert sum(c > 0 for c in counts.values()) == 14


def test_best_single_neuron_counts_rows_and_returns_a_witness():
    best, (w1, w2, b) = gates.best_single_neuron("XOR", -5, 5)
    assert best == 3
    decisions = (_rows(2) @ np.array([w1, w2]) + b >= 0).astype(float)
    assert int(np.sum(decisions == gates.gate_target("XOR"))) == 3
    assert gates.best_single_neuron("AND", -5, 5)[0] == 4


# --- XOR ---------------------------------------------------------------------------------------------

def test_xor_by_composition_on_corners_in_any_order(rng):
    X = _rows(2)[rng.integers(0, 4, 25)]
    out = gates.xor_by_composition(X)
    assert out.shape == (25,)
    assert gates.holds(out, np.abs(X[:, 0] - X[:, 1]))


def test_two_layer_forward_matches_a_hand_computation(rng):
    X, W1, b1, W2, b2 = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=4), 0.2
    expected = []
    for x in X:
        hidden = [_sigmoid(sum(x[i] * W1[i, j] for i in range(3)) + b1[j]) for j in range(4)]
        expected.append(_sigmoid(sum(h * v for h, v in zip(hidden, W2)) + b2))
    np.testing.assert_allclose(gates.two_layer_forward(X, W1, b1, W2, b2), expected, rtol=1e-12)


def test_the_notes_single_hidden_layer_example_is_0_750():
    x = np.array([[0.4, 0.2, 0.2]])
    W1 = np.array([[1.0, 0.5], [0.2, 1.2], [1.2, 0.1]])
    hidden = gates.hidden_layer(x, W1, np.array([0.1, 0.2]))
    np.testing.assert_allclose(hidden, [[_sigmoid(0.78), _sigmoid(0.66)]])
    out = gates.two_layer_forward(x, W1, np.array([0.1, 0.2]), np.array([0.3, 0.9]), 0.3)
    assert out[0] == pytest.approx(0.7500799, abs=1e-7)


def test_xor_network_computes_xor():
    out = gates.two_layer_forward(_rows(2), gates.XOR_W1, gates.XOR_b1, gates.XOR_W2, gates.XOR_b2)
    assert gates.holds(out, [0, 1, 1, 0])


@pytest.mark.parametrize("args, words", [
    ((np.ones((3, 2)), np.ones((2, 2)), np.ones(3), np.ones(2), 0.0), "b1"),
    ((np.ones((3, 2)), np.ones((2, 2)), np.ones(2), np.ones((2, 1)), 0.0), "W2"),
    ((np.ones((3, 3)), np.ones((2, 2)), np.ones(2), np.ones(2), 0.0), "X"),
    ((np.ones((3, 2)), np.ones((2, 2)), np.ones(2), np.ones(2), None), "b2"),
])
def test_two_layer_forward_bad_input_is_named(args, words):
    with pytest.raises(CourseInputError, match=words):
        gates.two_layer_forward(*args)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_one_hidden_layer_computes_every_boolean_function(n):
    X = _rows(n)
    for bits in itertools.product([0.0, 1.0], repeat=2**n):
        column = np.array(bits)
        out = gates.two_layer_forward(X, *gates.one_hidden_layer_network(column))
        assert gates.holds(out, column), column


def test_one_hidden_layer_network_rejects_non_truth_columns():
    for bad in (np.array([0.0, 1.0, 1.0]), np.array([0.0, 2.0]), np.array([1.0])):
        with pytest.raises(CourseInputError):
            gates.one_hidden_layer_network(bad)


# --- the perceptron on XOR ----------------------------------------------------------------------------

def _with_bias(X: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(X)), X])


def test_perceptron_cycles_forever_on_xor():
    thetas, mistakes = gates.perceptron_epochs(_with_bias(_rows(2)), np.array([-1.0, 1.0, 1.0, -1.0]), max_epochs=6)
    assert mistakes == [4] * 6
    assert all(np.array_equal(t, np.zeros(3)) for t in thetas)


def test_perceptron_converges_on_and_and_separates_it():
    X, y = _with_bias(_rows(2)), np.array([-1.0, -1.0, -1.0, 1.0])
    thetas, mistakes = gates.perceptron_epochs(X, y, max_epochs=100)
    assert mistakes[-1] == 0 and all(m > 0 for m in mistakes[:-1])
    assert np.all(y * (X @ thetas[-1]) > 0)
    # an independent run of the same rule
    theta = np.zeros(3)
    for _ in range(len(mistakes)):
        for x, t in zip(X, y):
            if t * (theta @ x) <= 0:
                theta = theta + t * x
    np.testing.assert_array_equal(theta, thetas[-1])
