"""Checks for lesson 06, computational graphs and the chain rule.

The gates' backward functions work on numbers and, elementwise, on arrays of one shape;
the visible checks try both (the notes' numbers first). Hidden checks use fresh random
shapes and values and compare every returned gradient with central differences of the
forward computation (:func:`numeric_property`), within
:data:`course.gradcheck.GRADING_MAX_RELATIVE_ERROR`. Random inputs keep away from the
max gate's ties.
"""
from __future__ import annotations

import copy
from typing import Any, Callable, Iterator

import numpy as np

from .. import gradcheck, graph
from .core import Case, Exercise, Mistake, Property, _call, compare, describe

Array = np.ndarray

__all__ = ["EXERCISES", "numeric_property", "check_add_backward", "check_mul_backward", "check_max_backward",
           "check_sigmoid_backward", "check_grad_xyz", "check_grad_fork", "check_sigmoid_neuron_grads",
           "check_numerical_jacobian"]


# --- shared: compare a student's gradients with central differences --------------------------

_ANY = 1e200
"""A tolerance that accepts any finite value: compare() with it checks only types and shapes."""


def _parts(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """The leaves of nested tuples/lists with their paths ("[0]", "[1][0]" ...)."""
    if isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            yield from _parts(v, f"{path}[{i}]")
    else:
        yield path, value


def numeric_property(exercise: Callable[[], Exercise], label: str, args: tuple, kwargs: dict | None,
                     numerical: Any) -> Property:
    """A check that ``fn(*args, **kwargs)`` equals ``numerical`` (central differences) part by part.

    Each part must have the expected structure and shape, and a CS231n relative error of
    at most :data:`course.gradcheck.GRADING_MAX_RELATIVE_ERROR`. A failure names the part,
    the first wrong entry, both values and, when the output matches a known mistake, its hint.

    Parameters
    ----------
    exercise : callable () -> Exercise
        Returns the exercise (looked up when the check runs).
    label : str
        Describes the input to the student.
    args, kwargs
        The call's arguments (copied for every call).
    numerical : nested tuples/lists of arrays or floats
        The central-difference gradients, shaped like the expected output.
    """
    kwargs = kwargs or {}

    def test(fn: Callable[..., Any]) -> str | None:
        ex = exercise()
        got, notes = _call(fn, copy.deepcopy(args), copy.deepcopy(kwargs))

        def fail(reason: str, detail: list[str]) -> str:
            hint = ex._hint_for(Case(args, kwargs), got, ex.rtol, ex.atol)
            lines = [f"{ex.signature}: {reason}", f"  input:    {label}", *detail]
            return "\n".join(lines + ([f"  hint: {hint}"] if hint else []) + [f"  note: {n}" for n in notes])

        # Structure and shapes first: the engine's comparison with a huge tolerance finds them.
        structural = compare(got, numerical, rtol=_ANY, atol=_ANY)
        if structural is not None:
            detail = [f"  expected: {describe(numerical)}", f"  got:      {describe(got)}"]
            if structural.generic_hint and ex._hint_for(Case(args, kwargs), got, ex.rtol, ex.atol) is None:
                detail.append(f"  hint: {structural.generic_hint}")
            return fail(structural.reason, detail)
        for (path, g), (_, n) in zip(_parts(got), _parts(numerical)):
            g_arr = np.asarray(g, dtype=np.float64)
            n_arr = np.asarray(n, dtype=np.float64)
            if not np.all(np.isfinite(g_arr)):
                return fail(f"the result{path} contains {g_arr[~np.isfinite(g_arr)].ravel()[0]}", [])
            error, idx = gradcheck.significant_relative_error(g_arr, n_arr)
            if error > gradcheck.GRADING_MAX_RELATIVE_ERROR:
                where = f"{path}{list(idx)}" if g_arr.ndim else (path or "the result")
                return fail(f"the result{path} disagrees with the numerical gradient (central differences)",
                            [f"  first wrong entry {where}: numerical {float(n_arr[idx]):.10g}, "
                             f"got {float(g_arr[idx]):.10g} (relative error {error:.1e})",
                             f"  numerical: {describe(n)}", f"  got:       {describe(g)}"])
        return None

    return Property(f"{label} (checked against central differences)", test)


def _vjp(forward: Callable[..., Any], inputs: list[Array], upstream: Array) -> tuple[Array, ...]:
    """Central-difference gradients of ``sum(upstream * forward(*inputs))`` for an *elementwise* gate.

    Output entry i depends only on input entries i, so perturbing every entry of one input at
    once by ±h gives all its partial derivatives in two evaluations, each with rounding relative
    to its own entry (not to the whole sum).
    """
    inputs = [np.array(a, dtype=np.float64) for a in inputs]
    h = gradcheck.STEP
    out = []
    for k in range(len(inputs)):
        plus = [a + h if i == k else a for i, a in enumerate(inputs)]
        minus = [a - h if i == k else a for i, a in enumerate(inputs)]
        out.append(upstream * (forward(*plus) - forward(*minus)) / (2.0 * h))
    return tuple(out)


def _magnitudes(rng: np.random.Generator, low: float, high: float, shape: tuple[int, ...] | int) -> Array:
    """Random values with |v| in [low, high] and random signs (gradients away from 0)."""
    return rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], shape)


def _shape(rng: np.random.Generator) -> tuple[int, ...]:
    return tuple(int(s) for s in rng.integers(1, 6, size=rng.integers(1, 3)))


def _untied(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[Array, Array]:
    """Two arrays whose entries differ by at least 0.1 everywhere (no ties for max)."""
    x = rng.normal(0, 2, shape)
    gap = rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    return x, x + gap


def _sig(z: Any) -> Any:
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# --- add_backward(upstream) --------------------------------------------------------------------

def _add_visible(rng: np.random.Generator) -> list[Case]:
    return [
        Case((-4.0,), label="upstream = -4.0 (the notes' q = x + y inside f = q·z: df/dq = z = -4), "
                            "expected (df/dx, df/dy) = (-4, -4)"),
        Case((np.array([0.5, -1.5, 2.0]),), label="upstream = array([0.5, -1.5, 2.0]) (elementwise)"),
        Case((rng.normal(0, 2, (2, 3)),), label="a (2, 3) array of upstream gradients"),
    ]


def _add_hidden(rng: np.random.Generator) -> list:
    shape = _shape(rng)
    x, y, up = rng.normal(0, 2, shape), rng.normal(0, 2, shape), rng.normal(0, 2, shape)
    return [
        Case((float(rng.normal(0, 3)),), label="a random number"),
        Case((up,), label=f"a random upstream of shape {shape}"),
        numeric_property(lambda: ADD_BACKWARD, f"upstream of shape {shape}", (up,), None,
                         _vjp(lambda a, b: a + b, [x, y], up)),
    ]


ADD_BACKWARD = Exercise(
    name="add_backward",
    signature="add_backward(upstream)",
    reference=graph.add_backward,
    visible=_add_visible,
    hidden=_add_hidden,
    mistakes=[
        Mistake("local gradients only", lambda up: (np.ones_like(up) * 1.0, np.ones_like(up) * 1.0),
                "you returned the local gradients (1, 1); multiply them by the upstream gradient: "
                "downstream = upstream × local"),
        Mistake("halved", lambda up: (np.multiply(up, 0.5), np.multiply(up, 0.5)),
                "the add gate does not split or scale the gradient: each input gets the *full* upstream "
                "gradient (its local gradient is 1)"),
        Mistake("first input only", lambda up: (up, np.multiply(up, 0.0)),
                "both inputs of an add gate get the upstream gradient, not only the first"),
        Mistake("minus", lambda up: (up, np.negative(up)),
                "d(x + y)/dy = +1; a minus sign belongs to a subtraction gate"),
    ],
)


# --- mul_backward(x, y, upstream) ----------------------------------------------------------------

def _mul_visible(rng: np.random.Generator) -> list[Case]:
    x, y, up = rng.normal(0, 2, 4), rng.normal(0, 2, 4), rng.normal(0, 2, 4)
    return [
        Case((3.0, -4.0, 1.0), label="x = 3, y = -4, upstream = 1 (the notes' f = q·z at q = 3, z = -4): "
                                     "expected (df/dq, df/dz) = (-4, 3)"),
        Case((2.0, -1.0, 0.2), label="x = 2, y = -1, upstream = 0.2 (the neuron's w0·x0 gate at w0 = 2, x0 = -1): "
                                     "expected (-0.2, 0.4)"),
        Case((x, y, up), label="three arrays of shape (4,) (elementwise)"),
        Case((rng.normal(0, 2, (3, 2)), rng.normal(0, 2, (3, 2)), rng.normal(0, 2, (3, 2))),
             label="three arrays of shape (3, 2)"),
    ]


def _mul_hidden(rng: np.random.Generator) -> list:
    shape = _shape(rng)
    x, y, up = rng.normal(0, 2, shape), rng.normal(0, 2, shape), rng.normal(0, 2, shape)
    a, b, u = (float(v) for v in rng.normal(0, 3, 3))
    return [
        Case((a, b, u), label=f"x = {a:.4g}, y = {b:.4g}, upstream = {u:.4g}"),
        Case((x, y, up), label=f"random arrays of shape {shape}"),
        numeric_property(lambda: MUL_BACKWARD, f"random arrays of shape {shape}", (x, y, up), None,
                         _vjp(lambda p, q: p * q, [x, y], up)),
    ]


MUL_BACKWARD = Exercise(
    name="mul_backward",
    signature="mul_backward(x, y, upstream)",
    reference=graph.mul_backward,
    visible=_mul_visible,
    hidden=_mul_hidden,
    mistakes=[
        Mistake("no swap", lambda x, y, up: (np.multiply(up, x), np.multiply(up, y)),
                "the mul gate swaps its inputs: d(xy)/dx = y, so dx = upstream * y and dy = upstream * x"),
        Mistake("no upstream", lambda x, y, up: (y, x),
                "you returned the local gradients (y, x); multiply them by the upstream gradient"),
        Mistake("product", lambda x, y, up: (np.multiply(up, np.multiply(x, y)),) * 2,
                "the local gradient of x·y with respect to x is y alone, not x·y"),
        Mistake("add gate", lambda x, y, up: (up, up),
                "that is the add gate's backward; for x·y the local gradients are y (for x) and x (for y)"),
    ],
)


# --- max_backward(x, y, upstream) ----------------------------------------------------------------

def _max_visible(rng: np.random.Generator) -> list[Case]:
    x, y = _untied(rng, (5,))
    x2, y2 = _untied(rng, (2, 3))
    return [
        Case((2.0, 0.0, 3.0), label="x = 2, y = 0, upstream = 3 (the notes' b = max(y, z) at y = 2, z = 0, "
                                    "with df/db = a = 3): expected (3, 0)"),
        Case((-1.0, 4.0, 2.5), label="x = -1, y = 4, upstream = 2.5 (the second input is larger): "
                                     "expected (0, 2.5)"),
        Case((x, y, rng.normal(0, 2, 5)), label="arrays of shape (5,), no ties (elementwise: pick the larger "
                                                "input entry by entry with np.where or a 0/1 mask, not `if`)"),
        Case((x2, y2, rng.normal(0, 2, (2, 3))), label="arrays of shape (2, 3), no ties"),
    ]


def _max_hidden(rng: np.random.Generator) -> list:
    shape = _shape(rng)
    x, y = _untied(rng, shape)
    up = rng.normal(0, 2, shape)
    a, b = (float(v) for v in _untied(rng, ()))
    return [
        Case((a, b, 1.5), label=f"x = {a:.4g}, y = {b:.4g}, upstream = 1.5"),
        Case((x, y, up), label=f"random arrays of shape {shape}, no ties"),
        numeric_property(lambda: MAX_BACKWARD, f"random arrays of shape {shape}, no ties", (x, y, up), None,
                         _vjp(np.maximum, [x, y], up)),
    ]


MAX_BACKWARD = Exercise(
    name="max_backward",
    signature="max_backward(x, y, upstream)",
    reference=graph.max_backward,
    visible=_max_visible,
    hidden=_max_hidden,
    mistakes=[
        Mistake("both", lambda x, y, up: (up, up),
                "max routes: only the larger input gets the upstream gradient; the other gets 0"),
        Mistake("smaller", lambda x, y, up: (np.where(np.less(x, y), up, 0.0), np.where(np.less(y, x), up, 0.0)),
                "the gradient goes to the *larger* input (the one max picked), not to the smaller"),
        Mistake("indicator only", lambda x, y, up: (np.greater(x, y) * 1.0, np.greater(y, x) * 1.0),
                "you returned the 0/1 local gradients; multiply them by the upstream gradient"),
        Mistake("split", lambda x, y, up: (np.multiply(up, 0.5), np.multiply(up, 0.5)),
                "max does not split the gradient: the larger input gets all of it, the other none"),
    ],
)


# --- sigmoid_backward(z, upstream) -------------------------------------------------------------

def _sigmoid_visible(rng: np.random.Generator) -> list[Case]:
    return [
        Case((1.0, 1.0), label="z = 1, upstream = 1 (the notes: [1.00] × [(1 - 0.73)(0.73)] = 0.2)"),
        Case((np.array([-2.0, -0.5, 0.0, 0.5, 2.0]), np.array([1.0, -2.0, 0.5, 3.0, -1.0])),
             label="z = array([-2, -0.5, 0, 0.5, 2]), upstream = array([1, -2, 0.5, 3, -1])"),
        Case((rng.normal(0, 3, (3, 4)), rng.normal(0, 2, (3, 4))), label="(3, 4) arrays of z and upstream"),
        Case((np.array([-1000.0, -40.0, 40.0, 1000.0]), np.full(4, 2.0)),
             label="z = array([-1000, -40, 40, 1000]), upstream = 2 everywhere (σ'(±1000) is 0, not NaN)"),
    ]


def _sigmoid_hidden(rng: np.random.Generator) -> list:
    shape = _shape(rng)
    z, up = rng.normal(0, 3, shape), rng.normal(0, 2, shape)
    return [
        Case((z, up), label=f"random arrays of shape {shape}"),
        Case((float(z.flat[0]), float(up.flat[0])), label=f"z = {z.flat[0]:.4g}, upstream = {up.flat[0]:.4g}"),
        numeric_property(lambda: SIGMOID_BACKWARD, f"random arrays of shape {shape}", (z, up), None,
                         _vjp(_sig, [z], up)[0]),
    ]


def _sigmoid_of_upstream(z: Any, up: Any) -> Any:
    s = _sig(up)
    return np.multiply(up, s * (1 - s))


def _swapped(z: Any, up: Any) -> Any:
    s = _sig(up)
    return np.multiply(z, s * (1 - s))


def _overflowing(z: Any, up: Any) -> Any:
    e = np.exp(-np.asarray(z, dtype=np.float64))
    return np.multiply(up, e / (1 + e) ** 2)


SIGMOID_BACKWARD = Exercise(
    name="sigmoid_backward",
    signature="sigmoid_backward(z, upstream)",
    reference=graph.sigmoid_backward,
    visible=_sigmoid_visible,
    hidden=_sigmoid_hidden,
    mistakes=[
        Mistake("no upstream", lambda z, up: _sig(z) * (1 - _sig(z)),
                "you returned the local gradient σ(z)(1 − σ(z)); multiply it by the upstream gradient"),
        Mistake("z as output", lambda z, up: np.multiply(up, np.multiply(z, np.subtract(1, z))),
                "z is the gate's *input*: compute s = σ(z) first, then s(1 − s); z(1 − z) would only be right "
                "if you were given the output"),
        Mistake("sigma of upstream", _sigmoid_of_upstream,
                "σ' is evaluated at the gate's input z, not at the upstream gradient: upstream × σ(z)(1 − σ(z))"),
        Mistake("swapped", _swapped,
                "σ' is evaluated at the gate's input z, not at the upstream gradient (the arguments are "
                "(z, upstream))"),
        Mistake("no derivative", lambda z, up: np.multiply(up, _sig(z)),
                "that is upstream × σ(z); the local gradient is the derivative σ(z)(1 − σ(z))"),
        Mistake("overflow", _overflowing,
                "exp(-z) overflows for z = -1000 and inf/inf is nan: compute s = σ(z) stably and use s(1 − s)"),
    ],
)


# --- grad_xyz(x, y, z) ----------------------------------------------------------------------------

def _xyz_visible(rng: np.random.Generator) -> list[Case]:
    return [
        Case((-2.0, 5.0, -4.0), label="the notes' x = -2, y = 5, z = -4 (q = 3, f = -12): expected (-4, -4, 3)"),
        Case((1.5, -0.5, 2.0), label="x = 1.5, y = -0.5, z = 2"),
        Case((0.25, 3.0, -1.5), label="x = 0.25, y = 3, z = -1.5"),
        Case(tuple(rng.normal(0, 2, (3, 4))), label="three arrays of shape (4,) (elementwise)"),
    ]


def _xyz_hidden(rng: np.random.Generator) -> list:
    x, y, z = (float(v) for v in rng.normal(0, 3, 3))
    shape = _shape(rng)
    arrays = tuple(rng.normal(0, 2, shape) for _ in range(3))
    v = np.array([x, y, z])
    num = gradcheck.numerical_gradient(lambda: float((v[0] + v[1]) * v[2]), v)
    return [
        Case((x, y, z), label=f"x = {x:.4g}, y = {y:.4g}, z = {z:.4g}"),
        Case(arrays, label=f"three random arrays of shape {shape}"),
        numeric_property(lambda: GRAD_XYZ, f"x = {x:.4g}, y = {y:.4g}, z = {z:.4g}", (x, y, z), None,
                         tuple(float(g) for g in num)),
    ]


GRAD_XYZ = Exercise(
    name="grad_xyz",
    signature="grad_xyz(x, y, z)",
    reference=graph.grad_xyz,
    visible=_xyz_visible,
    hidden=_xyz_hidden,
    mistakes=[
        Mistake("forgot the chain", lambda x, y, z: (np.ones_like(np.add(x, y)), np.ones_like(np.add(x, y)),
                                                      np.add(x, y)),
                "df/dx = df/dq · dq/dx = z · 1: multiply the add gate's local gradient 1 by the upstream z"),
        Mistake("swapped", lambda x, y, z: (np.add(x, y), np.add(x, y), z),
                "f = q·z, so df/dq = z and df/dz = q = x + y (the mul gate swaps)"),
        Mistake("halved", lambda x, y, z: (np.multiply(z, 0.5), np.multiply(z, 0.5), np.add(x, y)),
                "the add gate distributes: x and y each get the full df/dq = z, not half of it"),
        Mistake("xyz", lambda x, y, z: (np.multiply(y, z), np.multiply(x, z), np.add(x, y)),
                "f = (x + y)·z is not x·y·z: df/dx = z and df/dy = z"),
    ],
)


# --- grad_fork(x, y, z) ---------------------------------------------------------------------------

def _fork_parts(x: Any, y: Any, z: Any) -> tuple[Any, Any, Any, Any]:
    a, b = np.add(x, y), np.maximum(y, z)
    return a, b, np.greater(y, z) * 1.0, np.greater(z, y) * 1.0


def _fork_mistake(kind: str) -> Callable[..., tuple]:
    def impl(x: Any, y: Any, z: Any) -> tuple:
        a, b, y_wins, z_wins = _fork_parts(x, y, z)
        if kind == "only max path":
            return b, a * y_wins, a * z_wins
        if kind == "only add path":
            return b, b * 1.0, a * z_wins
        if kind == "max to both":
            return b, b + a, a * 1.0
        return b, b + a * z_wins, a * y_wins  # "max to smaller"
    return impl


def _fork_visible(rng: np.random.Generator) -> list[Case]:
    y = rng.normal(0, 2, 6)
    z = y + rng.uniform(0.2, 2, 6) * np.array([1, -1, 1, -1, -1, 1])
    return [
        Case((1.0, 2.0, 0.0), label="the notes' x = 1, y = 2, z = 0 (a = 3, b = 2, f = 6): expected (2, 5, 0)"),
        Case((0.5, -1.0, 2.0), label="x = 0.5, y = -1, z = 2 (now z > y: max routes to z)"),
        Case((-3.0, 2.5, -2.0), label="x = -3, y = 2.5, z = -2"),
        Case((rng.normal(0, 2, 6), y, z), label="arrays of shape (6,), no ties between y and z (elementwise)"),
    ]


def _fork_hidden(rng: np.random.Generator) -> list:
    x = float(rng.normal(0, 2))
    y, z = (float(v) for v in _untied(rng, ()))
    shape = _shape(rng)
    ya, za = _untied(rng, shape)
    v = np.array([x, y, z])
    num = gradcheck.numerical_gradient(lambda: float((v[0] + v[1]) * max(v[1], v[2])), v)
    return [
        Case((x, y, z), label=f"x = {x:.4g}, y = {y:.4g}, z = {z:.4g}"),
        Case((rng.normal(0, 2, shape), ya, za), label=f"random arrays of shape {shape}, no ties"),
        numeric_property(lambda: GRAD_FORK, f"x = {x:.4g}, y = {y:.4g}, z = {z:.4g}", (x, y, z), None,
                         tuple(float(g) for g in num)),
    ]


_FORK_HINT = ("y feeds two gates (a fork): df/dy is the *sum* of what comes back along both branches, "
              "b (through the + gate) plus a·[y > z] (through the max gate); don't overwrite one with the other")

GRAD_FORK = Exercise(
    name="grad_fork",
    signature="grad_fork(x, y, z)",
    reference=graph.grad_fork,
    visible=_fork_visible,
    hidden=_fork_hidden,
    mistakes=[
        Mistake("only max path", _fork_mistake("only max path"), _FORK_HINT),
        Mistake("only add path", _fork_mistake("only add path"), _FORK_HINT),
        Mistake("max to both", _fork_mistake("max to both"),
                "the max gate routes: z gets a only when z > y, and y gets a only when y > z"),
        Mistake("max to smaller", _fork_mistake("max to smaller"),
                "the max gate sends its gradient to the *larger* of y and z"),
    ],
)


# --- sigmoid_neuron_grads(w, x) ------------------------------------------------------------------

def _neuron_mistake(kind: str) -> Callable[..., tuple]:
    def impl(w: Array, x: Array) -> tuple:
        z = w[0] * x[0] + w[1] * x[1] + (0.0 if kind == "no bias in z" else w[2])
        s = float(_sig(z))
        dz = s if kind == "sigma not derivative" else s * (1 - s)
        dw = dz * np.array([x[0], x[1], 1.0])
        dx = dz * np.array([w[0], w[1]])
        if kind == "no bias gradient":
            dw = dw[:2]
        elif kind == "no swap":
            dw, dx = dz * np.array([w[0], w[1], 1.0]), dz * np.array([x[0], x[1]])
        elif kind == "order":
            return dx, dw
        return dw, dx
    return impl


def _neuron_visible(rng: np.random.Generator) -> list[Case]:
    return [
        Case((np.array([2.0, -3.0, -3.0]), np.array([-1.0, -2.0])),
             label="the notes' w = (2, -3, -3), x = (-1, -2): z = 1, f = 0.73, dw ≈ (-0.20, -0.39, 0.20), "
                   "dx ≈ (0.39, -0.59)"),
        Case((np.array([0.5, 1.5, -0.25]), np.array([2.0, -1.0])), label="w = (0.5, 1.5, -0.25), x = (2, -1)"),
        Case((rng.normal(0, 1.5, 3), rng.normal(0, 1.5, 2)), label="random w (3,) and x (2,)"),
        Case((np.array([10.0, 10.0, 5.0]), np.array([3.0, 4.0])),
             label="w = (10, 10, 5), x = (3, 4): z = 75, the sigmoid saturates and every gradient is ~0"),
    ]


def _neuron_hidden(rng: np.random.Generator) -> list:
    w, x = _magnitudes(rng, 0.3, 1.5, 3), _magnitudes(rng, 0.3, 1.5, 2)
    wx = np.concatenate([w, x])

    def f() -> float:
        return float(_sig(wx[0] * wx[3] + wx[1] * wx[4] + wx[2]))

    num = gradcheck.numerical_gradient(f, wx)
    return [
        Case((w, x), label="random w (3,) and x (2,)"),
        numeric_property(lambda: SIGMOID_NEURON_GRADS, f"w = {describe(w)}, x = {describe(x)}", (w, x), None,
                         (num[:3], num[3:])),
    ]


SIGMOID_NEURON_GRADS = Exercise(
    name="sigmoid_neuron_grads",
    signature="sigmoid_neuron_grads(w, x)",
    reference=graph.sigmoid_neuron_grads,
    visible=_neuron_visible,
    hidden=_neuron_hidden,
    mistakes=[
        Mistake("sigma not derivative", _neuron_mistake("sigma not derivative"),
                "the σ gate's local gradient is σ(z)(1 − σ(z)), not σ(z)"),
        Mistake("no bias gradient", _neuron_mistake("no bias gradient"),
                "dw has three entries: df/dw2 = σ'(z) · 1, since w2 (the bias) enters through an add gate"),
        Mistake("no swap", _neuron_mistake("no swap"),
                "the mul gates swap: d(w0·x0)/dw0 = x0, so dw0 = σ'(z)·x0 and dx0 = σ'(z)·w0"),
        Mistake("no bias in z", _neuron_mistake("no bias in z"),
                "z = w0·x0 + w1·x1 + w2: include the bias w2 when you compute z"),
        Mistake("order", _neuron_mistake("order"), "return (dw, dx) in that order: dw has 3 entries, dx has 2"),
    ],
)


# --- numerical_jacobian(f, x, h=1e-6) -------------------------------------------------------------

def _linear(W: Array, b: Array) -> Callable[[Array], Array]:
    def f(x: Array) -> Array:
        return W @ x + b
    f.__name__ = "W @ x + b"
    return f


def _curved(x: Array) -> Array:
    return np.array([x[0] ** 3, x[0] * x[1] ** 2, np.sin(x[1])])


def _softmax(z: Array) -> Array:
    e = np.exp(z - np.max(z))
    return e / e.sum()


def _jacobian_mistake(kind: str) -> Callable[..., Array]:
    def impl(f: Callable[[Array], Array], x: Array, h: float = 1e-6) -> Array:
        x = np.asarray(x, dtype=np.float64)
        step = 1e-6 if kind == "ignored h" else h
        cols = []
        for j in range(x.size):
            e = np.zeros_like(x)
            e[j] = step
            if kind == "forward difference":
                cols.append((np.asarray(f(x + e)) - np.asarray(f(x))) / step)
            elif kind == "h not 2h":
                cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / step)
            else:
                cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * step))
        J = np.stack(cols, axis=1)
        return J.T if kind == "transposed" else J
    return impl


def _jacobian_visible(rng: np.random.Generator) -> list[Case]:
    W = np.array([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25]])
    b = np.array([0.1, -0.2, 0.3])
    return [
        Case((_linear(W, b), np.array([0.4, -0.7])),
             label="f(x) = W x + b with W = [[1, -2], [0.5, 3], [-1.5, 0.25]] (3 outputs, 2 inputs), "
                   "x = (0.4, -0.7): J = W, shape (3, 2)"),
        Case((np.tanh, np.array([-1.0, 0.0, 0.5, 2.0])),
             label="f = np.tanh (elementwise) at z = (-1, 0, 0.5, 2): J = diag(1 - tanh²(z))"),
        Case((_curved, np.array([1.0, 2.0])), {"h": 0.1},
             label="f(x) = (x0³, x0·x1², sin x1) at x = (1, 2) with h = 0.1 (use the h you are given; "
                   "the check compares with central differences at that h)"),
        Case((_softmax, np.array([1.0, 2.0, 0.5])), label="f = softmax at z = (1, 2, 0.5): J = diag(p) - p pᵀ"),
    ]


def _jacobian_hidden(rng: np.random.Generator) -> list:
    m, n = (int(v) for v in rng.integers(1, 6, 2))
    W = _magnitudes(rng, 0.2, 1.0, (m, n)) / np.sqrt(n)
    b, x = rng.normal(0, 0.3, m), rng.normal(0, 1, n)

    def f(v: Array) -> Array:
        return np.tanh(W @ v + b)

    analytic = (1 - np.tanh(W @ x + b) ** 2)[:, None] * W
    h = float(rng.choice([1e-3, 0.05, 0.2]))
    return [
        Case((f, x), label=f"f(x) = tanh(W x + b) with W of shape ({m}, {n})"),
        Case((f, x), {"h": h}, label=f"f(x) = tanh(W x + b) with W of shape ({m}, {n}) and h = {h:g}"),
        numeric_property(lambda: NUMERICAL_JACOBIAN, f"f(x) = tanh(W x + b) with W of shape ({m}, {n}), "
                                                     "against the exact Jacobian", (f, x), None, analytic),
    ]


NUMERICAL_JACOBIAN = Exercise(
    name="numerical_jacobian",
    signature="numerical_jacobian(f, x, h=1e-6)",
    reference=gradcheck.numerical_jacobian,
    visible=_jacobian_visible,
    hidden=_jacobian_hidden,
    rtol=gradcheck.DIFFERENCE_RTOL,
    atol=gradcheck.DIFFERENCE_ATOL,
    mistakes=[
        Mistake("forward difference", _jacobian_mistake("forward difference"),
                "use central differences (f(x + h e_j) − f(x − h e_j)) / 2h: a one-sided difference has an "
                "error of order h, the central one of order h²"),
        Mistake("transposed", _jacobian_mistake("transposed"),
                "J[i, j] = ∂f_i/∂x_j: rows are outputs, columns are inputs — perturbing x_j fills column j "
                "(shape (m, n) for m outputs and n inputs)"),
        Mistake("h not 2h", _jacobian_mistake("h not 2h"), "divide by 2h: x + h e_j and x − h e_j are 2h apart"),
        Mistake("ignored h", _jacobian_mistake("ignored h"), "use the step `h` you are given, not a fixed one"),
    ],
)


EXERCISES = {e.name: e for e in [ADD_BACKWARD, MUL_BACKWARD, MAX_BACKWARD, SIGMOID_BACKWARD, GRAD_XYZ,
                                 GRAD_FORK, SIGMOID_NEURON_GRADS, NUMERICAL_JACOBIAN]}

check_add_backward = ADD_BACKWARD.check
check_mul_backward = MUL_BACKWARD.check
check_max_backward = MAX_BACKWARD.check
check_sigmoid_backward = SIGMOID_BACKWARD.check
check_grad_xyz = GRAD_XYZ.check
check_grad_fork = GRAD_FORK.check
check_sigmoid_neuron_grads = SIGMOID_NEURON_GRADS.check
check_numerical_jacobian = NUMERICAL_JACOBIAN.check
