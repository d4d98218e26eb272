"""Lesson 03 checks: correct answers pass however written, every typical mistake fails with its hint."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from course import gates
from course.checks import lesson03 as L
from course.checks.core import CheckFailed, NotImplementedYet
from course.datasets import truth_table_inputs


def _fails_with(check, answer, *fragments: str) -> str:
    with pytest.raises(CheckFailed) as info:
        check(answer)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    return message


def _earned(exercise, answer, points: float = 3.0) -> float:
    try:
        return exercise.grade(answer, points, seed=7)
    except CheckFailed:
        return 0.0


# --- correct answers, written differently ---------------------------------------------------------

def neuron_with_loops(X, w, b):
    X = np.asarray(X, dtype=float)
    single = X.ndim == 1
    rows = X.reshape(1, -1) if single else X
    out = []
    for x in rows:
        z = sum(xi * wi for xi, wi in zip(x, w)) + b
        out.append(np.exp(-np.logaddexp(0.0, -z)))
    return float(out[0]) if single else np.array(out)


def neuron_with_dot(X, w, b):
    z = np.dot(X, w) + b
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))  # a 0-d array for a single example


def truth_table_with_product(fn, n_inputs=2):
    rows = np.array(list(itertools.product([0, 1], repeat=n_inputs)), dtype=float)
    return np.column_stack([rows, [1.0 if fn(r) >= 0.5 else 0.0 for r in rows]])  # one call per row


def truth_table_with_strings(fn, n_inputs=2):
    rows = np.array([[int(c) for c in format(i, f"0{n_inputs}b")] for i in range(2**n_inputs)])
    outputs = fn(rows)
    return np.hstack([rows, (outputs > 0.5)[:, None]]).astype(int)  # ints, strict >: fine away from 0.5


@pytest.mark.parametrize("answer", [gates.neuron, neuron_with_loops, neuron_with_dot])
def test_correct_neurons_pass(answer, capsys):
    L.check_neuron(answer)
    assert "✓ neuron passed" in capsys.readouterr().out
    assert L.NEURON.grade(answer, 3, seed=1) == 3


@pytest.mark.parametrize("answer", [gates.truth_table, truth_table_with_product, truth_table_with_strings])
def test_correct_truth_tables_pass(answer):
    L.check_truth_table(answer)
    for seed in range(5):
        assert L.TRUTH_TABLE.grade(answer, 3, seed=seed) == 3


# --- mistakes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("mistake", L.NEURON.mistakes, ids=lambda m: m.name)
def test_neuron_mistakes_fail_with_their_hint(mistake):
    _fails_with(L.check_neuron, mistake.impl, mistake.hint, "neuron(X, w, b)", "input:")
    assert _earned(L.NEURON, mistake.impl) < 3


@pytest.mark.parametrize("mistake", L.TRUTH_TABLE.mistakes, ids=lambda m: m.name)
def test_truth_table_mistakes_fail_with_their_hint(mistake):
    _fails_with(L.check_truth_table, mistake.impl, mistake.hint, "truth_table(fn, n_inputs=2)", "input")
    assert _earned(L.TRUTH_TABLE, mistake.impl) < 3


def test_a_wrong_order_names_the_first_differing_entry():
    message = _fails_with(L.check_truth_table, L._reversed_bits, "first wrong entry [1, 0]")
    assert "expected 0, got 1" in message


def test_every_neuron_hint_is_distinct():
    hints = [m.hint for m in L.NEURON.mistakes + L.TRUTH_TABLE.mistakes]
    assert len(set(hints)) == len(hints)


# --- bad answers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("check, name", [(L.check_neuron, "neuron"), (L.check_truth_table, "truth_table")])
@pytest.mark.parametrize("bad", [None, [1, 2], "neuron"])
def test_checks_refuse_things_that_are_not_functions(check, name, bad):
    _fails_with(check, bad, f"check_{name} needs your function itself")


def test_function_returning_none():
    _fails_with(L.check_neuron, lambda X, w, b: None, "returned None", "return")
    _fails_with(L.check_truth_table, lambda fn, n_inputs=2: None, "returned None")


def test_wrong_shapes_and_types_are_named():
    _fails_with(L.check_neuron, lambda X, w, b: list(np.atleast_1d(gates.neuron(X, w, b))), "Python list")
    _fails_with(L.check_truth_table, lambda fn, n_inputs=2: gates.truth_table(fn, n_inputs).T,
                "has shape (3, 4), expected (4, 3)", "transposed")


def test_crashing_answer_reports_input():
    def crashes(X, w, b):
        z = np.sum(X * w, axis=1) + b  # axis 1 does not exist for a single example
        return 1 / (1 + np.exp(-z))
    _fails_with(L.check_neuron, crashes, "raised", "single example")


def test_unimplemented_function():
    def stub(*args, **kwargs):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet, match="not written yet"):
        L.check_neuron(stub)
    with pytest.raises(CheckFailed) as info:
        L.NEURON.grade(stub, 3, seed=0)
    assert "0 of 3 points" in info.value.title


def test_hidden_truth_table_cases_stay_away_from_the_threshold():
    for seed in range(30):
        for case in L.TRUTH_TABLE.hidden(np.random.default_rng(seed)):
            fn, n = case.args[0], case.kwargs["n_inputs"]
            out = np.asarray(fn(truth_table_inputs(n)), dtype=float)
            assert np.all(np.abs(out - 0.5) > 0.01), (seed, fn)


def test_hidden_cases_cover_every_input_count():
    cases = L.TRUTH_TABLE.hidden(np.random.default_rng(0))
    assert {c.kwargs["n_inputs"] for c in cases} == {1, 2, 3, 4}
    shapes = {c.args[0].shape for c in L.NEURON.hidden(np.random.default_rng(3))}
    assert any(len(s) == 1 for s in shapes) and any(len(s) == 2 for s in shapes)


# --- gate_params ------------------------------------------------------------------------------------------

def _gate_values(**changes):
    return {**L._notes_gate_params(), **changes}


def test_the_notes_gate_params_pass(capsys):
    L.check_gate_params(_gate_values())
    assert "✓ gate_params passed all 5 checks" in capsys.readouterr().out
    assert L.GATE_PARAMS.grade(_gate_values(), 5, seed=0) == 5


def test_other_correct_gate_params_pass():
    values = {
        "AND": ([10, 10], -15),                                  # a list and a Python int
        "OR": (np.array([9.3, 9.5]), np.float64(-4.65)),         # asymmetric, barely confident
        "NAND": (np.array([-100.0, -100.0]), np.array(150.0)),   # a 0-d array bias
        "NOR": (np.array([-12.0, -12.0]), 6.0),
        "NOT": (np.array([-9.5]), 4.7),
    }
    L.check_gate_params(values)
    assert L.GATE_PARAMS.grade(values, 5, seed=0) == 5


@pytest.mark.parametrize("mistake", L.GATE_PARAMS_MISTAKES, ids=lambda m: m.name)
def test_gate_params_mistakes_fail_with_their_hint(mistake):
    _fails_with(L.check_gate_params, mistake.impl(), mistake.hint, "gate_params")
    assert L.GATE_PARAMS.grade(mistake.impl(), 5, seed=0) == 4  # one wrong gate costs one point


def test_gate_message_names_gate_row_output_and_fix():
    message = _fails_with(L.check_gate_params, _gate_values(AND=(np.array([20.0, 20.0]), -20.0)),
                          "AND gives 0.500 on row (0, 1); it must be ≤ 0.01 — make b more negative")
    assert "AND must give 0, 0, 0, 1" in message


def test_barely_missing_a_threshold_shows_enough_digits():
    b = -np.log(99) + 1e-4  # sigmoid(b) is just above 0.01 on row (0, 0)
    _fails_with(L.check_gate_params, _gate_values(AND=(np.array([50.0, 50.0]), b)),
                "AND gives 0.010001 on row (0, 0); it must be ≤ 0.01")


@pytest.mark.parametrize("bad, words", [
    (None, "got None"),
    ([1, 2, 3], "needs a dict"),
    ({"AND": (np.array([20.0, 20.0]), -30.0)}, "no entry 'OR'"),
])
def test_gate_params_bad_containers(bad, words):
    _fails_with(L.check_gate_params, bad, words)


def test_gate_params_nan_and_non_numbers():
    _fails_with(L.check_gate_params, _gate_values(OR=(np.array([np.nan, 20.0]), -10.0)), "nan")
    _fails_with(L.check_gate_params, _gate_values(OR=(np.array(["a", "b"]), -10.0)), "not an array of numbers")
    _fails_with(L.check_gate_params, _gate_values(OR=(np.array([20.0, 20.0]), None)), "must be a number")
    _fails_with(L.check_gate_params, _gate_values(OR=(np.array([20.0, 20.0]), np.array([1.0, 2.0]))),
                "single number")


def test_released_placeholders_fail_with_a_useful_message():
    zeros = {g: (np.zeros(1 if g == "NOT" else 2), 0.0) for g in L.GATE_NAMES}
    message = _fails_with(L.check_gate_params, zeros, "AND gives 0.500 on row (0, 0)", "on this row z = b")
    assert "make b more negative" in message
    with pytest.raises(CheckFailed) as info:
        L.GATE_PARAMS.grade(zeros, 5, seed=0)
    assert "0 of 5 points" in info.value.title
