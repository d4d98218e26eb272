"""course.checks.lesson05: every check accepts correct answers, however written, and rejects the mistakes.

For each exercise: two or more differently written correct implementations pass the
self-check and earn full points; every listed Mistake fails the self-check *with its
hint* and loses points; bad input (None, a list, wrong shapes, a function returning
None or raising) gets a clear message; hidden checks use fresh shapes and values and
never sit on a kink.
"""
from __future__ import annotations

import functools
import io
from contextlib import redirect_stdout

import numpy as np
import pytest

from course import activations, grading, mlp
from course.checks import lesson05 as L
from course.checks.core import Case, CheckFailed, NotImplementedYet

POINTS = {"relu": 1, "relu_grad": 1, "leaky_relu": 1, "leaky_relu_grad": 1, "tanh": 1, "tanh_grad": 1, "elu": 1,
          "elu_grad": 1, "hardtanh": 1, "hardtanh_grad": 1, "softmax": 2, "dense_forward": 2, "mlp_forward": 3,
          "collapse_linear": 2}
SEEDS = range(6)


# --- correct answers, written in different ways --------------------------------------------------

def _stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _tanh_exp(z):
    e = np.exp(-2 * np.abs(z))
    return np.sign(z) * (1 - e) / (1 + e)


def _relu_inplace_copy(z):
    out = np.array(z, dtype=float, copy=True)
    out[out < 0] = 0.0
    return out


def _elu_indexing(z, alpha=1.0):
    out = np.array(z, dtype=float, copy=True)
    neg = out <= 0
    out[neg] = alpha * np.expm1(out[neg])
    return out


def _softmax_logsumexp(Z):
    m = Z.max(axis=1, keepdims=True)
    return np.exp(Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))


def _softmax_loop(Z):
    out = np.empty_like(Z, dtype=float)
    for i, row in enumerate(Z):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out


_HIDDEN_FNS = {"sigmoid": _stable_sigmoid, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
               "leaky_relu": lambda z: np.maximum(z, 0.01 * z), "elu": _elu_indexing,
               "hardtanh": lambda z: np.clip(z, -1, 1), "sign": np.sign, "identity": lambda z: z}
_OUTPUT_FNS = {"sigmoid": _stable_sigmoid, "softmax": _softmax_loop, "identity": lambda z: z}


def _mlp_loop(X, params, activation="sigmoid", output="sigmoid"):
    A, cache = X, []
    for l, (W, b) in enumerate(params):
        Z = A @ W + b
        cache.append((A, Z))
        A = _OUTPUT_FNS[output](Z) if l == len(params) - 1 else _HIDDEN_FNS[activation](Z)
    return A, cache


def _mlp_recursive(X, params, activation="sigmoid", output="sigmoid"):
    W, b = params[0]
    Z = np.dot(X, W) + b.reshape(1, -1)
    if len(params) == 1:
        return _OUTPUT_FNS[output](Z), [(X, Z)]
    y_hat, rest = _mlp_recursive(_HIDDEN_FNS[activation](Z), params[1:], activation, output)
    return y_hat, [(X, Z)] + rest


def _collapse_reduce(params):
    return functools.reduce(lambda acc, layer: (acc[0] @ layer[0], acc[1] @ layer[0] + layer[1]), params[1:],
                            params[0])


def _collapse_sum_of_paths(params):
    # b = sum over layers l of b_l @ W_{l+1} @ ... @ W_L, and W = W_1 @ ... @ W_L.
    n_out = params[-1][0].shape[1]
    W = functools.reduce(np.matmul, [p[0] for p in params])
    b = np.zeros(n_out)
    for l, (_, b_l) in enumerate(params):
        tail = functools.reduce(np.matmul, [p[0] for p in params[l + 1:]], np.eye(len(b_l)))
        b = b + b_l @ tail
    return W, b


CORRECT = {
    "relu": [lambda z: np.maximum(z, 0.0), lambda z: z * (z > 0), _relu_inplace_copy],
    "relu_grad": [lambda z: (z >= 0).astype(float), lambda z: z > 0, lambda z: np.heaviside(z, 0.5)],
    "leaky_relu": [lambda z, k=0.01: np.where(z > 0, z, k * z), lambda z, k=0.01: np.maximum(z, k * z)],
    "leaky_relu_grad": [lambda z, k=0.01: np.where(z > 0, 1.0, k), lambda z, k=0.01: np.where(z >= 0, 1, k)],
    "tanh": [np.tanh, _tanh_exp, lambda z: 2 * _stable_sigmoid(2 * z) - 1],
    "tanh_grad": [lambda z: 1 - np.tanh(z) ** 2, lambda z: 4 * _stable_sigmoid(2 * z) * _stable_sigmoid(-2 * z)],
    "elu": [lambda z, alpha=1.0: np.where(z > 0, z, alpha * (np.exp(np.minimum(z, 0)) - 1)), _elu_indexing],
    "elu_grad": [lambda z, alpha=1.0: np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0))),
                 lambda z, alpha=1.0: np.where(z >= 0, 1.0, _elu_indexing(z, alpha) + alpha)],
    "hardtanh": [lambda z: np.clip(z, -1, 1), lambda z: np.minimum(1.0, np.maximum(-1.0, z))],
    "hardtanh_grad": [lambda z: (np.abs(z) <= 1).astype(float), lambda z: (z > -1) & (z < 1)],
    "softmax": [lambda Z: (lambda e: e / e.sum(axis=1, keepdims=True))(np.exp(Z - Z.max(axis=1, keepdims=True))),
                _softmax_logsumexp, _softmax_loop],
    "dense_forward": [lambda A, W, b: A @ W + b, lambda A, W, b: np.einsum("mi,io->mo", A, W) + b,
                      lambda A, W, b: (W.T @ A.T).T + b[None, :]],
    "mlp_forward": [_mlp_loop, _mlp_recursive],
    "collapse_linear": [_collapse_reduce, _collapse_sum_of_paths],
}

# Correct but emits a harmless overflow warning at |z| = 1e4: passes, with a note.
WARNS_BUT_CORRECT = {
    "tanh_grad": lambda z: 1 / np.cosh(z) ** 2,
    "elu": lambda z, alpha=1.0: np.where(z > 0, z, alpha * (np.exp(z) - 1)),
    "elu_grad": lambda z, alpha=1.0: np.where(z > 0, 1.0, alpha * np.exp(z)),
}


def _as_submitted(name, impl):
    """Mistakes of mlp_forward are written for y_hat only; a student returns (y_hat, cache)."""
    if name != "mlp_forward":
        return impl
    return lambda X, params, activation="sigmoid", output="sigmoid": (
        impl(X, params, activation, output), mlp.mlp_forward(X, params, activation, output)[1])


def _quiet(fn, *args, **kwargs):
    with redirect_stdout(io.StringIO()) as out:
        result = fn(*args, **kwargs)
    return result, out.getvalue()


def _grade(name, fn, seed):
    try:
        return _quiet(L.EXERCISES[name].grade, fn, POINTS[name], seed=seed)[0]
    except CheckFailed:
        return 0.0


ALL = sorted(L.EXERCISES)
MISTAKES = [(name, m) for name in ALL for m in L.EXERCISES[name].mistakes]


def test_the_exercises_are_the_contract():
    assert sorted(POINTS) == ALL
    for name in ALL:
        assert getattr(L, f"check_{name}") == L.EXERCISES[name].check


def test_every_exercise_lists_at_least_three_typical_mistakes():
    for name in ALL:
        assert len(L.EXERCISES[name].mistakes) >= 3, name


# --- correct answers pass -----------------------------------------------------------------------

@pytest.mark.parametrize("name,index", [(n, i) for n in ALL for i in range(len(CORRECT[n]))])
def test_correct_implementations_pass_and_earn_full_points(name, index):
    fn = CORRECT[name][index]
    _, printed = _quiet(L.EXERCISES[name].check, fn)
    assert f"✓ {name} passed" in printed
    for seed in SEEDS:
        assert _grade(name, fn, seed) == POINTS[name], (name, index, seed)


@pytest.mark.parametrize("name", sorted(WARNS_BUT_CORRECT))
def test_correct_but_warning_implementations_pass_with_a_note(name):
    _, printed = _quiet(L.EXERCISES[name].check, WARNS_BUT_CORRECT[name])
    assert f"✓ {name} passed" in printed
    assert "note: it emitted RuntimeWarning: overflow" in printed
    assert _grade(name, WARNS_BUT_CORRECT[name], 0) == POINTS[name]


def test_grading_through_the_course_grading_entry_point():
    result, printed = _quiet(grading.grade, "05", "softmax", CORRECT["softmax"][0], points=2, seed=7)
    assert result == 2 and "→ 2 of 2 points" in printed


# --- mistakes fail with their hint ----------------------------------------------------------------

@pytest.mark.parametrize("name,mistake", MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_mistake_fails_the_self_check_with_its_hint(name, mistake):
    with pytest.raises(CheckFailed) as info:
        _quiet(L.EXERCISES[name].check, _as_submitted(name, mistake.impl))
    message = str(info.value)
    assert mistake.hint in message
    assert L.EXERCISES[name].signature in message and "input:" in message


@pytest.mark.parametrize("name,mistake", MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_mistake_loses_points(name, mistake):
    for seed in (0, 1):
        assert _grade(name, _as_submitted(name, mistake.impl), seed) < POINTS[name]


def test_a_failure_names_input_expected_got_and_first_differing_entry():
    with pytest.raises(CheckFailed) as info:
        _quiet(L.check_relu, lambda z: np.abs(z))
    message = str(info.value)
    assert "relu(z): the result has wrong values" in message
    assert "input:    z = [-2, -0.5, 0, 0.5, 2]" in message
    assert "first wrong entry [0]: expected 0, got 2" in message
    assert "expected: array([0. , 0. , 0. , 0.5, 2. ])" in message
    assert "hint: negative inputs must become 0" in message


def test_memorising_the_visible_cases_loses_points():
    # A function that returns the right answer on the self-check's inputs and garbage elsewhere.
    for name in ALL:
        ex = L.EXERCISES[name]
        seen = [c for c in ex.visible(np.random.default_rng(ex.visible_seed)) if isinstance(c, Case)]

        def memoriser(*args, _ex=ex, _seen=seen, **kwargs):
            for case in _seen:
                if len(case.args) == len(args) and all(_same(a, b) for a, b in zip(case.args, args)) \
                        and case.kwargs == kwargs:
                    correct = CORRECT[_ex.name][0](*args, **kwargs)
                    return correct
            return CORRECT[_ex.name][0](*args, **kwargs) * 0 + 0.123 if _ex.name not in (
                "mlp_forward", "collapse_linear") else _wrong_pair(_ex.name, *args, **kwargs)

        _quiet(ex.check, memoriser)  # passes the self-check
        assert _grade(name, memoriser, 3) < POINTS[name], name


def _same(a, b):
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.shape == b.shape and np.array_equal(a, b)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _wrong_pair(name, *args, **kwargs):
    first, second = CORRECT[name][0](*args, **kwargs)
    return first * 0 + 0.123, second


# --- bad answers get clear messages ------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_passing_something_that_is_not_a_function(name):
    check = L.EXERCISES[name].check
    for bad in (None, [1.0, 2.0], np.zeros(3)):
        with pytest.raises(CheckFailed, match=rf"check_{name} needs your function itself, e.g. check_{name}\({name}\)"):
            check(bad)


@pytest.mark.parametrize("name", ALL)
def test_a_function_returning_none(name):
    with pytest.raises(CheckFailed) as info:
        _quiet(L.EXERCISES[name].check, lambda *a, **k: None)
    message = str(info.value)
    if name == "mlp_forward":
        assert "must return a pair (y_hat, cache); it returned None" in message
    else:
        assert "returned None" in message and "forget the `return`" in message


@pytest.mark.parametrize("name", ALL)
def test_not_implemented_yet(name):
    def stub(*args, **kwargs):
        raise NotImplementedError()

    with pytest.raises(NotImplementedYet, match="not written yet"):
        L.EXERCISES[name].check(stub)
    with pytest.raises(CheckFailed, match="not written yet") as info:
        _quiet(L.EXERCISES[name].grade, stub, POINTS[name], seed=0)
    assert info.value.title == f"{name}: not implemented (0 of {POINTS[name]:g} points)"


@pytest.mark.parametrize("name", ["relu", "tanh", "elu", "hardtanh", "leaky_relu"])
def test_elementwise_wrong_shape_and_list(name):
    good = CORRECT[name][0]
    with pytest.raises(CheckFailed, match=r"has shape \(12,\), expected \(3, 4\)"):
        _quiet(L.EXERCISES[name].check, lambda z, **kw: good(z, **kw).reshape(-1))
    with pytest.raises(CheckFailed, match="is a Python list, expected a numpy array"):
        _quiet(L.EXERCISES[name].check, lambda z, **kw: list(good(z, **kw)))


def test_an_exception_in_the_students_code_is_reported_with_its_input():
    with pytest.raises(CheckFailed) as info:
        _quiet(L.check_dense_forward, lambda A, W, b: A @ W + b[:2])
    message = str(info.value)
    assert "raised ValueError" in message and "input:" in message and "check the shapes" in message


def test_modifying_the_input_in_place_is_reported():
    def relu_in_place(z):
        z[z < 0] = 0.0
        return z

    with pytest.raises(CheckFailed, match="modified its input `z` in place"):
        _quiet(L.check_relu, relu_in_place)


def test_a_transposed_softmax_is_recognised():
    with pytest.raises(CheckFailed, match="looks transposed"):
        _quiet(L.check_softmax, lambda Z: CORRECT["softmax"][0](Z).T)


def test_mlp_forward_returning_only_y_hat():
    with pytest.raises(CheckFailed, match=r"must return a pair \(y_hat, cache\); it returned array"):
        _quiet(L.check_mlp_forward, lambda *a, **k: _mlp_loop(*a, **k)[0])
    with pytest.raises(CheckFailed, match="a tuple of 3 values"):
        _quiet(L.check_mlp_forward, lambda *a, **k: (*_mlp_loop(*a, **k), None))


def test_mlp_forward_cache_is_checked_loosely():
    no_cache = lambda *a, **k: (_mlp_loop(*a, **k)[0], [])  # noqa: E731
    with pytest.raises(CheckFailed, match=r"one \(A_prev, Z\) pair per layer \(3 layers here\)"):
        _quiet(L.check_mlp_forward, no_cache)
    only_z = lambda *a, **k: (_mlp_loop(*a, **k)[0], [Z for _, Z in _mlp_loop(*a, **k)[1]])  # noqa: E731
    with pytest.raises(CheckFailed, match=r"cache\[0\] should be the pair \(A_prev, Z\)"):
        _quiet(L.check_mlp_forward, only_z)
    swapped = lambda *a, **k: (_mlp_loop(*a, **k)[0], [(Z, A) for A, Z in _mlp_loop(*a, **k)[1]])  # noqa: E731
    with pytest.raises(CheckFailed, match=r"cache\[0\] should be \(A_prev, Z\) of layer 0, with shapes"):
        _quiet(L.check_mlp_forward, swapped)
    # Tuples or lists, either is fine.
    as_lists = lambda *a, **k: (_mlp_loop(*a, **k)[0], [list(p) for p in _mlp_loop(*a, **k)[1]])  # noqa: E731
    _quiet(L.check_mlp_forward, as_lists)
    # A wrong cache costs the cache checks only.
    assert 0 < _grade("mlp_forward", no_cache, 0) < POINTS["mlp_forward"]


def test_collapse_linear_bad_returns_and_mutation():
    with pytest.raises(CheckFailed, match="should be a tuple of 2 values"):
        _quiet(L.check_collapse_linear, lambda p: _collapse_reduce(p)[0])

    def mutating(params):
        W, b = params[0]
        for W_next, b_next in params[1:]:
            b_next += b @ W_next  # right values, but it overwrites the caller's biases
            W, b = W @ W_next, b_next
        return W, b

    with pytest.raises(CheckFailed, match=r"changed params\[1\] in place"):
        _quiet(L.check_collapse_linear, mutating)


# --- the inputs the checks use --------------------------------------------------------------------

GRAD_KINKS = {"relu_grad": (0.0,), "leaky_relu_grad": (0.0,), "elu_grad": (0.0,), "hardtanh_grad": (-1.0, 1.0)}


@pytest.mark.parametrize("name", sorted(GRAD_KINKS))
def test_derivative_checks_never_sit_on_a_kink(name):
    ex = L.EXERCISES[name]
    cases = [c for c in ex.visible(np.random.default_rng(ex.visible_seed)) if isinstance(c, Case)]
    for seed in range(40):
        cases += [c for c in ex.hidden(np.random.default_rng(seed)) if isinstance(c, Case)]
    for case in cases:
        z = case.args[0]
        for kink in GRAD_KINKS[name]:
            assert np.min(np.abs(z - kink)) >= 1e-3, (name, case.label)


@pytest.mark.parametrize("name", ALL)
def test_hidden_checks_draw_fresh_shapes_and_values(name):
    ex = L.EXERCISES[name]

    def signature(seed):
        first = next(c for c in ex.hidden(np.random.default_rng(seed)) if isinstance(c, Case))
        arrays = [a for a in _flatten(first.args) if isinstance(a, np.ndarray)]
        return tuple((a.shape, float(a.ravel()[0])) for a in arrays)

    assert len({signature(seed) for seed in range(8)}) > 1


def _flatten(items):
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item


def test_hidden_mlp_checks_cover_every_output_and_several_activations():
    outputs, hidden_acts, depths = set(), set(), set()
    for seed in range(30):
        for case in L.EXERCISES["mlp_forward"].hidden(np.random.default_rng(seed)):
            if isinstance(case, Case):
                outputs.add(case.kwargs["output"])
                hidden_acts.add(case.kwargs["activation"])
                depths.add(len(case.args[1]))
    assert outputs == {"sigmoid", "softmax", "identity"}
    assert hidden_acts == set(activations.ACTIVATIONS)
    assert depths == {1, 2, 3, 4}


def test_the_notes_example_is_the_first_mlp_check():
    first = L.EXERCISES["mlp_forward"].visible(np.random.default_rng(0))[0]
    y_hat, _ = mlp.mlp_forward(*first.args)
    np.testing.assert_allclose(y_hat, [[0.7500799]], atol=1e-7)


def test_central_difference_property_accepts_correct_and_rejects_wrong_derivatives():
    z = np.array([[-2.0, -0.3], [0.4, 3.0]])
    prop = L._central_differences("tanh_grad", activations.tanh, z, {}, "central differences")
    assert prop.test(lambda z: 1 - np.tanh(z) ** 2) is None
    message = prop.test(lambda z: 1 - np.tanh(z) ** 2 + 1e-3)
    assert "central differences" in message and "relative error" in message
    assert "returned None" in prop.test(lambda z: None)
    assert "shape" in prop.test(lambda z: np.zeros(3))
    # ELU with alpha: the property passes the keyword on.
    prop = L._central_differences("elu_grad", activations.elu, z, {"alpha": 2.0}, "elu")
    assert prop.test(CORRECT["elu_grad"][0]) is None
    assert prop.test(lambda z, alpha=1.0: CORRECT["elu_grad"][0](z)) is not None


def test_mlp_forward_calling_an_unwritten_exercise_is_told_apart_from_a_stub():
    def relu(z):
        raise NotImplementedError()

    def written_mlp(X, params, activation="sigmoid", output="sigmoid"):
        A, cache = X, []
        for l, (W, b) in enumerate(params):
            Z = A @ W + b
            cache.append((A, Z))
            A = _OUTPUT_FNS[output](Z) if l == len(params) - 1 else relu(Z)
        return A, cache

    with pytest.raises(CheckFailed) as info:
        _quiet(L.check_mlp_forward, written_mlp)
    assert "raised HelperNotWrittenYet: it calls `relu`, which is not written yet" in str(info.value)
