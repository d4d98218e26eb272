"""Lesson 04 checks: any correct composition / network passes, every typical mistake fails with its hint."""
from __future__ import annotations

import numpy as np
import pytest

from course import gates
from course.checks import lesson04 as L
from course.checks.core import CheckFailed, NotImplementedYet


def _fails_with(check, answer, *fragments: str) -> str:
    with pytest.raises(CheckFailed) as info:
        check(answer)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    return message


def _earned(exercise, answer, points: float = 3.0) -> float:
    try:
        return exercise.grade(answer, points, seed=11)
    except CheckFailed:
        return 0.0


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# --- xor_by_composition ----------------------------------------------------------------------------

def xor_from_notes_xnor(X):
    """The notes' XNOR with its output negated (NOR instead of OR)."""
    a1 = _sigmoid(X @ np.array([20.0, 20.0]) - 30.0)
    a2 = _sigmoid(X @ np.array([-20.0, -20.0]) + 10.0)
    return _sigmoid(-20.0 * a1 - 20.0 * a2 + 10.0)


def xor_row_by_row(X):
    """Another composition, x1 AND NOT x2 OR NOT x1 AND x2, one row at a time, with hard-ish outputs."""
    out = []
    for x1, x2 in X:
        left = 1 / (1 + np.exp(-(50 * x1 - 50 * x2 - 25)))
        right = 1 / (1 + np.exp(-(-50 * x1 + 50 * x2 - 25)))
        out.append(1 / (1 + np.exp(-(50 * left + 50 * right - 25))))
    return np.array(out)


@pytest.mark.parametrize("answer", [gates.xor_by_composition, xor_from_notes_xnor, xor_row_by_row])
def test_correct_compositions_pass(answer, capsys):
    L.check_xor_by_composition(answer)
    assert "✓ xor_by_composition passed" in capsys.readouterr().out
    for seed in range(5):
        assert L.XOR_BY_COMPOSITION.grade(answer, 3, seed=seed) == 3


@pytest.mark.parametrize("mistake", L.XOR_BY_COMPOSITION.mistakes, ids=lambda m: m.name)
def test_composition_mistakes_fail_with_their_hint(mistake):
    _fails_with(L.check_xor_by_composition, mistake.impl, mistake.hint, "xor_by_composition(X)", "input: X =")
    assert _earned(L.XOR_BY_COMPOSITION, mistake.impl) < 3


def test_composition_message_names_row_output_and_threshold():
    message = _fails_with(L.check_xor_by_composition, L._or_only,
                          "gives 1.000 on row (1, 1), where XOR is 0; it must be ≤ 0.01")
    assert "got:      0.000, 1.000, 1.000, 1.000" in message


def test_an_unrecognised_wrong_function_is_named_by_its_truth_table():
    and_only = lambda X: _sigmoid(X @ np.array([20.0, 20.0]) - 30.0)  # noqa: E731
    _fails_with(L.check_xor_by_composition, and_only, "your function computes AND, not XOR")


@pytest.mark.parametrize("bad, words", [
    (lambda X: None, "returned None"),
    (lambda X: [0.0] * len(X), "Python list"),
    (lambda X: 0.5, "returned 0.5"),
    (lambda X: np.full(len(X), np.nan), "nan"),
    (lambda X: np.zeros(3), "expected (4,)"),
])
def test_composition_bad_returns(bad, words):
    _fails_with(L.check_xor_by_composition, bad, words)


@pytest.mark.parametrize("bad", [None, "xor", [1, 0]])
def test_composition_check_needs_a_function(bad):
    _fails_with(L.check_xor_by_composition, bad, "needs your function itself")


def test_hidden_composition_checks_use_corners_in_random_orders():
    batches = [c.test.rows for seed in range(5) for c in L.XOR_BY_COMPOSITION.hidden(np.random.default_rng(seed))]
    assert all(np.isin(X, [0.0, 1.0]).all() and X.shape[1] == 2 for X in batches)
    assert len({len(X) for X in batches}) > 5
    assert any(len(X) > 4 for X in batches)  # with repeats


def test_a_function_right_only_on_the_visible_rows_loses_points():
    def memorised(X):
        if X.shape == (4, 2) and np.array_equal(X, L.CORNERS):
            return gates.xor_by_composition(X)
        return np.zeros(len(X))
    assert _earned(L.XOR_BY_COMPOSITION, memorised) < 3


# --- two_layer_forward ---------------------------------------------------------------------------------

def forward_with_exp(X, W1, b1, W2, b2):
    H = 1 / (1 + np.exp(-(np.dot(X, W1) + b1)))
    return 1 / (1 + np.exp(-(np.dot(H, W2) + b2)))


def forward_with_einsum(X, W1, b1, W2, b2):
    H = _sigmoid(np.einsum("mi,ij->mj", X, W1) + b1)
    return _sigmoid(np.einsum("mj,j->m", H, W2) + b2)


@pytest.mark.parametrize("answer", [gates.two_layer_forward, forward_with_exp, forward_with_einsum])
def test_correct_forwards_pass(answer):
    L.check_two_layer_forward(answer)
    for seed in range(5):
        assert L.TWO_LAYER_FORWARD.grade(answer, 3, seed=seed) == 3


@pytest.mark.parametrize("mistake", L.TWO_LAYER_FORWARD.mistakes, ids=lambda m: m.name)
def test_forward_mistakes_fail_with_their_hint(mistake):
    _fails_with(L.check_two_layer_forward, mistake.impl, mistake.hint, "two_layer_forward(X, W1, b1, W2, b2)")
    assert _earned(L.TWO_LAYER_FORWARD, mistake.impl) < 3


def test_forward_bad_returns():
    _fails_with(L.check_two_layer_forward, lambda *a: None, "returned None")
    _fails_with(L.check_two_layer_forward, lambda *a: float(gates.two_layer_forward(*a)[0]), "single number")
    _fails_with(L.check_two_layer_forward, None, "needs your function itself")


def test_forward_unimplemented():
    def stub(*args):
        raise NotImplementedError
    with pytest.raises(NotImplementedYet):
        L.check_two_layer_forward(stub)


def test_hidden_forward_cases_have_random_shapes():
    shapes = {c.args[1].shape for seed in range(4) for c in L.TWO_LAYER_FORWARD.hidden(np.random.default_rng(seed))}
    assert len(shapes) > 4


# --- xor_params ----------------------------------------------------------------------------------------

def _values(**changes):
    return {**L._notes_xor_params(), **changes}


def test_the_lesson_xor_params_pass(capsys):
    L.check_xor_params(_values())
    assert "✓ xor_params passed" in capsys.readouterr().out
    assert L.XOR_PARAMS.grade(_values(), 3, seed=0) == 3


def test_other_xor_networks_pass():
    or_nand_and = dict(W1=[[20, -20], [20, -20]], b1=[-10, 30], W2=np.array([20.0, 20.0]), b2=np.array(-30.0))
    L.check_xor_params(or_nand_and)
    swapped_units = dict(W1=np.array([[-20.0, 20.0], [-20.0, 20.0]]), b1=np.array([10.0, -30.0]),
                         W2=np.array([-20.0, -20.0]), b2=10)
    L.check_xor_params(swapped_units)
    asymmetric = dict(W1=np.array([[30.0, -25.0], [-25.0, 30.0]]), b1=np.array([-12.0, -12.0]),
                      W2=np.array([25.0, 25.0]), b2=np.float32(-11.0))  # (x1 AND NOT x2) OR (NOT x1 AND x2)
    L.check_xor_params(asymmetric)


@pytest.mark.parametrize("mistake", L.XOR_PARAMS_MISTAKES, ids=lambda m: m.name)
def test_xor_params_mistakes_fail_with_their_hint(mistake):
    _fails_with(L.check_xor_params, mistake.impl(), mistake.hint, "xor_params")
    with pytest.raises(CheckFailed):
        L.XOR_PARAMS.grade(mistake.impl(), 3, seed=0)  # a single check: a wrong network earns nothing


@pytest.mark.parametrize("bad, words", [
    (None, "got None"),
    ((1, 2), "needs a dict"),
    ({"W1": np.eye(2)}, "no entry 'b1'"),
    (dict(W1=np.eye(2), b1=np.zeros(2), W2=np.array([np.inf, 0.0]), b2=0.0), "nan or inf"),
    (dict(W1=np.eye(2), b1=np.zeros(2), W2=np.zeros(2), b2=True), "bool"),
    (dict(W1=np.array([["a", "b"], ["c", "d"]]), b1=np.zeros(2), W2=np.zeros(2), b2=0.0), "not numbers"),
])
def test_xor_params_bad_values(bad, words):
    _fails_with(L.check_xor_params, bad, words)
