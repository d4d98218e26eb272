"""Computational graphs: the gates of backpropagation and a tiny scalar engine.

Two parts, micrograd style, each backward written right beside its forward:

**Gates.** A gate's backward takes what its forward saw plus the ``upstream``
gradient ``dL/d(output)`` and returns the *downstream* gradients ``dL/d(input)``, one
per input, in argument order::

    downstream = upstream × local gradient

The patterns of the lecture notes (CS231n): the add gate *distributes* the upstream
gradient, the mul gate *swaps* its inputs, the max gate *routes* it to the larger input,
and a copy (a value used twice: a fork) *adds* the gradients coming back.

Gates are elementwise: every argument is a number or an array, all of one shape
(a Python number counts as shape ``()``). Numbers in give floats out; arrays in give
arrays out. Lists are refused with a clear message (:mod:`course.validation`).

**The engine.** :class:`Value` is a scalar node of a computational graph: its value,
its gradient, the operation that made it, its parents and the local gradient of that
operation with respect to each parent (stored at forward time, so the backward pass
and the lesson-06 widget can show "upstream × local" at every node). The lecture notes'
three examples are built by :func:`example_graph`; :func:`trace` replays a backward pass
one node at a time without touching the nodes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from .validation import CourseInputError, as_array

__all__ = [
    "add_forward", "add_backward", "mul_forward", "mul_backward", "max_forward", "max_backward",
    "copy_forward", "copy_backward", "sigmoid_forward", "sigmoid_backward",
    "f_xyz", "grad_xyz", "f_fork", "grad_fork", "sigmoid_neuron", "sigmoid_neuron_grads",
    "Value", "topological_order", "BackwardStep", "backward_steps", "Snapshot", "trace",
    "EXAMPLES", "example_graph", "iter_edges",
]

Array = np.ndarray
Number = float | Array


# --- input handling shared by the gates ---------------------------------------------------

def _same_shape(**named: object) -> tuple[list[Array], bool]:
    """Check the gate's arguments; return them as float64 arrays and whether all were numbers."""
    arrays = [as_array(v, k) for k, v in named.items()]
    names = list(named)
    for name, a in zip(names[1:], arrays[1:]):
        if a.shape != arrays[0].shape:
            raise CourseInputError(
                f"`{names[0]}` has shape {arrays[0].shape} but `{name}` has shape {a.shape}; "
                "a gate works elementwise on inputs (and an upstream gradient) of one shape"
            )
    return arrays, all(a.ndim == 0 for a in arrays)


def _out(values: tuple[Array, ...], scalar: bool) -> tuple[Number, ...]:
    return tuple(float(v) for v in values) if scalar else tuple(np.asarray(v, dtype=np.float64) for v in values)


def _sigmoid(z: Array) -> Array:
    e = np.exp(-np.abs(z))  # never overflows; the two branches are one function
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# --- add: the gradient distributor --------------------------------------------------------

def add_forward(x: Number, y: Number) -> Number:
    """``x + y``, elementwise."""
    (x, y), scalar = _same_shape(x=x, y=y)
    return _out((x + y,), scalar)[0]


def add_backward(upstream: Number) -> tuple[Number, Number]:
    """Backward of ``x + y``: both local gradients are 1, so each input gets ``upstream``.

    Parameters
    ----------
    upstream : float or ndarray
        ``dL/d(x + y)``.

    Returns
    -------
    dx, dy : same type and shape as ``upstream``
    """
    (up,), scalar = _same_shape(upstream=upstream)
    return _out((up.copy(), up.copy()), scalar)  # type: ignore[return-value]


# --- mul: the swap multiplier ------------------------------------------------------------

def mul_forward(x: Number, y: Number) -> Number:
    """``x * y``, elementwise."""
    (x, y), scalar = _same_shape(x=x, y=y)
    return _out((x * y,), scalar)[0]


def mul_backward(x: Number, y: Number, upstream: Number) -> tuple[Number, Number]:
    """Backward of ``x * y``: ``d(xy)/dx = y`` and ``d(xy)/dy = x`` (the inputs swap).

    Parameters
    ----------
    x, y : float or ndarray
        The forward inputs.
    upstream : float or ndarray, same shape
        ``dL/d(x y)``.

    Returns
    -------
    dx, dy : ``upstream * y``, ``upstream * x``
    """
    (x, y, up), scalar = _same_shape(x=x, y=y, upstream=upstream)
    return _out((up * y, up * x), scalar)  # type: ignore[return-value]


# --- max: the gradient router ------------------------------------------------------------

def max_forward(x: Number, y: Number) -> Number:
    """``max(x, y)``, elementwise."""
    (x, y), scalar = _same_shape(x=x, y=y)
    return _out((np.maximum(x, y),), scalar)[0]


def max_backward(x: Number, y: Number, upstream: Number) -> tuple[Number, Number]:
    """Backward of ``max(x, y)``: the larger input gets ``upstream``, the other 0.

    At a tie ``x == y`` (a kink) the gradient goes to ``x``; any split is a valid
    subgradient and the lesson's checks avoid ties.

    Returns
    -------
    dx, dy : ``upstream * [x >= y]``, ``upstream * [y > x]``
    """
    (x, y, up), scalar = _same_shape(x=x, y=y, upstream=upstream)
    x_wins = x >= y
    return _out((np.where(x_wins, up, 0.0), np.where(x_wins, 0.0, up)), scalar)  # type: ignore[return-value]


# --- copy: the gradient adder ------------------------------------------------------------

def copy_forward(x: Number) -> tuple[Number, Number]:
    """A value used twice: ``(x, x)``. This is what happens at every fork of a graph."""
    (x,), scalar = _same_shape(x=x)
    return _out((x.copy(), x.copy()), scalar)  # type: ignore[return-value]


def copy_backward(upstream_1: Number, upstream_2: Number) -> Number:
    """Backward of a copy: the gradients of both uses add (multivariable chain rule)."""
    (a, b), scalar = _same_shape(upstream_1=upstream_1, upstream_2=upstream_2)
    return _out((a + b,), scalar)[0]


# --- sigmoid ------------------------------------------------------------------------------

def sigmoid_forward(z: Number) -> Number:
    """``1 / (1 + exp(-z))``, stable for any finite ``z``."""
    (z,), scalar = _same_shape(z=z)
    return _out((_sigmoid(z),), scalar)[0]


def sigmoid_backward(z: Number, upstream: Number) -> Number:
    """Backward of the sigmoid gate: ``upstream * σ(z) (1 - σ(z))``.

    Parameters
    ----------
    z : float or ndarray
        The gate's *input* (not its output).
    upstream : float or ndarray, same shape
        ``dL/dσ(z)``.

    Returns
    -------
    dz : same type and shape as ``z``
    """
    (z, up), scalar = _same_shape(z=z, upstream=upstream)
    s = _sigmoid(z)
    return _out((up * s * (1.0 - s),), scalar)[0]


# --- the notes' worked examples -----------------------------------------------------------

def f_xyz(x: Number, y: Number, z: Number) -> Number:
    """The notes' first graph: ``f = (x + y) z``."""
    return mul_forward(add_forward(x, y), z)


def grad_xyz(x: Number, y: Number, z: Number) -> tuple[Number, Number, Number]:
    """Gradient of ``f = (x + y) z``: ``q = x + y``, ``f = q z``.

    At ``x, y, z = -2, 5, -4``: ``q = 3``, ``f = -12`` and ``(df/dx, df/dy, df/dz) = (-4, -4, 3)``.
    """
    q = add_forward(x, y)
    dq, dz = mul_backward(q, z, 1.0 if np.ndim(q) == 0 else np.ones_like(q))
    dx, dy = add_backward(dq)
    return dx, dy, dz


def f_fork(x: Number, y: Number, z: Number) -> Number:
    """The notes' fork: ``f = (x + y) max(y, z)``; ``y`` feeds two gates."""
    return mul_forward(add_forward(x, y), max_forward(y, z))


def grad_fork(x: Number, y: Number, z: Number) -> tuple[Number, Number, Number]:
    """Gradient of ``f = (x + y) max(y, z)`` with ``a = x + y``, ``b = max(y, z)``, ``f = a b``.

    ``y`` is used twice, so ``df/dy`` is the *sum* of what comes back along both
    branches. At ``x, y, z = 1, 2, 0``: ``a = 3``, ``b = 2``, ``f = 6`` and the
    gradient is ``(2, 3 + 2, 0) = (2, 5, 0)``.
    """
    a, b = add_forward(x, y), max_forward(y, z)
    da, db = mul_backward(a, b, 1.0 if np.ndim(a) == 0 else np.ones_like(a))
    dx, dy_from_a = add_backward(da)
    dy_from_b, dz = max_backward(y, z, db)
    return dx, copy_backward(dy_from_a, dy_from_b), dz


def _neuron_inputs(w: object, x: object) -> tuple[Array, Array]:
    w = as_array(w, "w", shape=(3,))
    x = as_array(x, "x", shape=(2,))
    return w, x


def sigmoid_neuron(w: Array, x: Array) -> float:
    """The notes' neuron ``f(w, x) = σ(w0 x0 + w1 x1 + w2)`` (``w2`` is the bias)."""
    w, x = _neuron_inputs(w, x)
    return float(_sigmoid(np.array(w[0] * x[0] + w[1] * x[1] + w[2])))


def sigmoid_neuron_grads(w: Array, x: Array) -> tuple[Array, Array]:
    """Gradient of ``f(w, x) = σ(w0 x0 + w1 x1 + w2)``.

    With ``z = w0 x0 + w1 x1 + w2`` the sigmoid gate gives ``df/dz = σ(z)(1 - σ(z))``;
    the add gates pass it on unchanged and the mul gates swap. At ``w = (2, -3, -3)``,
    ``x = (-1, -2)``: ``z = 1``, ``f = 0.73``, ``df/dz = 0.20`` and
    ``dw = (-0.20, -0.39, 0.20)``, ``dx = (0.39, -0.59)``.

    Parameters
    ----------
    w : ndarray of shape (3,)
    x : ndarray of shape (2,)

    Returns
    -------
    dw : ndarray of shape (3,)
    dx : ndarray of shape (2,)
    """
    w, x = _neuron_inputs(w, x)
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    dz = sigmoid_backward(float(z), 1.0)
    return dz * np.array([x[0], x[1], 1.0]), dz * w[:2].copy()


# --- the engine -----------------------------------------------------------------------------

def _fmt(c: float) -> str:
    return f"{c:g}"


class Value:
    """A scalar node of a computational graph.

    Parameters
    ----------
    data : float
        The node's value (computed in the forward pass).
    label : str, optional
        A name to show (``"x"``, ``"q"``).

    Attributes
    ----------
    data : float
    grad : float
        ``df/d(this node)`` after :meth:`backward` on the output ``f`` (0 before).
    op : str
        The gate that made the node (``""`` for an input).
    parents : tuple of Value
        The gate's inputs, in order (the same node twice for ``x * x``).
    local : tuple of float
        ``d(this node)/d(parent)`` for each parent, computed in the forward pass.
    """

    def __init__(self, data: float, label: str = "", *, op: str = "", parents: tuple["Value", ...] = (),
                 local: tuple[float, ...] = ()) -> None:
        if isinstance(data, bool) or not isinstance(data, (int, float, np.integer, np.floating)):
            raise CourseInputError(f"a Value holds one number, got {type(data).__name__}")
        if not math.isfinite(float(data)):
            raise CourseInputError(f"a Value must be finite, got {data}")
        if len(parents) != len(local):
            raise CourseInputError("each parent needs its local gradient")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = op
        self.parents = tuple(parents)
        self.local = tuple(float(g) for g in local)

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:g}, grad={self.grad:g})"

    # -- building the graph: each op states its local gradients ------------------------
    @staticmethod
    def _as_value(other: object) -> "Value | None":
        return other if isinstance(other, Value) else None

    def __add__(self, other: "Value | float") -> "Value":
        o = self._as_value(other)
        if o is None:  # adding a constant is a one-input gate "+c" with local gradient 1
            return Value(self.data + float(other), op=f"+{_fmt(float(other))}", parents=(self,), local=(1.0,))
        return Value(self.data + o.data, op="+", parents=(self, o), local=(1.0, 1.0))

    def __radd__(self, other: float) -> "Value":
        return self + other

    def __mul__(self, other: "Value | float") -> "Value":
        o = self._as_value(other)
        if o is None:  # multiplying by a constant c: local gradient c
            c = float(other)
            return Value(self.data * c, op=f"*{_fmt(c)}", parents=(self,), local=(c,))
        return Value(self.data * o.data, op="*", parents=(self, o), local=(o.data, self.data))  # the swap

    def __rmul__(self, other: float) -> "Value":
        return self * other

    def __neg__(self) -> "Value":
        return self * -1.0

    def __sub__(self, other: "Value | float") -> "Value":
        return self + (-other)

    def exp(self) -> "Value":
        e = math.exp(self.data)
        return Value(e, op="exp", parents=(self,), local=(e,))

    def reciprocal(self) -> "Value":
        if self.data == 0.0:
            raise CourseInputError("1/x at x = 0")
        return Value(1.0 / self.data, op="1/x", parents=(self,), local=(-1.0 / self.data**2,))

    def __truediv__(self, other: "Value | float") -> "Value":
        o = self._as_value(other)
        return self * (o.reciprocal() if o is not None else 1.0 / float(other))

    def maximum(self, other: "Value") -> "Value":
        """``max(self, other)``: local gradient 1 for the larger input (``self`` at a tie), 0 for the other."""
        wins = self.data >= other.data
        return Value(max(self.data, other.data), op="max", parents=(self, other),
                     local=(1.0, 0.0) if wins else (0.0, 1.0))

    def sigmoid(self) -> "Value":
        s = float(_sigmoid(np.array(self.data)))
        return Value(s, op="σ", parents=(self,), local=(s * (1.0 - s),))

    def named(self, label: str) -> "Value":
        """Give the node a label and return it (for chaining)."""
        self.label = label
        return self

    # -- backward ------------------------------------------------------------------------
    def backward(self) -> None:
        """Set ``grad`` of every node of the graph to ``d self / d node``.

        Visits the nodes in reverse topological order, so a node's gradient is
        complete (all uses summed) before it is passed on to its parents.
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local):
                parent.grad += node.grad * local  # += : gradients add at forks


def topological_order(root: Value) -> list[Value]:
    """Every node of ``root``'s graph, each after all of its parents (inputs first)."""
    if not isinstance(root, Value):
        raise CourseInputError(f"expected a Value, got {type(root).__name__}")
    order: list[Value] = []
    seen: set[int] = set()

    def visit(node: Value) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order


@dataclass(frozen=True)
class BackwardStep:
    """One gate's backward: its upstream gradient and what it sends to each parent."""

    node: Value
    upstream: float
    parents: tuple[Value, ...]
    local: tuple[float, ...]
    downstream: tuple[float, ...]


def backward_steps(root: Value) -> list[BackwardStep]:
    """The backward pass from ``root`` as a list of gate steps, output first.

    Pure: the nodes' ``grad`` attributes are left alone.
    """
    order = topological_order(root)
    grads = {id(n): 0.0 for n in order}
    grads[id(root)] = 1.0
    steps = []
    for node in reversed(order):
        if not node.parents:
            continue
        up = grads[id(node)]
        down = tuple(up * g for g in node.local)
        for parent, d in zip(node.parents, down):
            grads[id(parent)] += d
        steps.append(BackwardStep(node, up, node.parents, node.local, down))
    return steps


@dataclass(frozen=True)
class Snapshot:
    """The graph after some steps of the backward pass.

    ``grads[i]`` is the gradient shown at node ``order[i]`` (``None``: nothing arrived yet);
    ``active`` is the index of the gate whose backward just ran (``None`` before any).
    """

    step: int
    grads: tuple[float | None, ...]
    active: int | None
    text: str


_LOCAL_RULE = {"+": "1 (add distributes)", "*": "the other input (mul swaps)",
               "max": "1 for the larger input, 0 for the other (max routes)", "exp": "exp(x)",
               "1/x": "-1/x²", "σ": "σ(x)(1 - σ(x))"}


def _name(node: Value, order: list[Value]) -> str:
    return node.label or f"node {order.index(node)}"


def _local_rule(op: str) -> str:
    if op in _LOCAL_RULE:
        return _LOCAL_RULE[op]
    if op.startswith("+"):
        return "1"
    if op.startswith("*"):
        return op[1:]
    return "?"


def trace(root: Value) -> list[Snapshot]:
    """Replay the backward pass one gate at a time, for display.

    Snapshot 0 is the forward pass (values only); snapshot 1 seeds ``df/df = 1``; each
    further snapshot applies one gate's backward (reverse topological order). The last
    snapshot's gradients equal those :meth:`Value.backward` computes.
    """
    order = topological_order(root)
    index = {id(n): i for i, n in enumerate(order)}
    grads: list[float | None] = [None] * len(order)
    out = [Snapshot(0, tuple(grads), None, "Forward pass done: every node shows its value. "
                                            "Press 'next' to start the backward pass.")]
    grads[index[id(root)]] = 1.0
    out.append(Snapshot(1, tuple(grads), index[id(root)],
                        f"Seed: d{_name(root, order)}/d{_name(root, order)} = 1 at the output."))
    for k, step in enumerate(backward_steps(root), start=2):
        lines = [f"'{step.node.op}' gate {_name(step.node, order)}: upstream {step.upstream:.2f}; "
                 f"local gradient = {_local_rule(step.node.op)}"]
        for parent, local, down in zip(step.parents, step.local, step.downstream):
            i = index[id(parent)]
            before = grads[i]
            grads[i] = down if before is None else before + down
            line = f"  → {_name(parent, order)}: {step.upstream:.2f} × {local:.2f} = {down:.2f}"
            if before is not None:
                line += f"; it already had {before:.2f}: gradients add at a fork → {grads[i]:.2f}"
            lines.append(line)
        out.append(Snapshot(k, tuple(grads), index[id(step.node)], "\n".join(lines)))
    return out


# --- the lecture notes' example graphs --------------------------------------------------------

def _xyz() -> Value:
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = (x + y).named("q")
    return (q * z).named("f")


def _sigmoid_expanded() -> Value:
    w0, x0, w1, x1, w2 = (Value(v, n) for v, n in [(2.0, "w0"), (-1.0, "x0"), (-3.0, "w1"), (-2.0, "x1"),
                                                   (-3.0, "w2")])
    z = ((w0 * x0).named("w0·x0") + (w1 * x1).named("w1·x1")).named("s") + w2
    # CS231n's drawing: *-1, exp, +1, 1/x, each gate with a local gradient easy to write down
    e = (z.named("z") * -1.0).named("-z").exp().named("e")
    return (e + 1.0).named("1+e").reciprocal().named("f")


def _sigmoid_gate() -> Value:
    w0, x0, w1, x1, w2 = (Value(v, n) for v, n in [(2.0, "w0"), (-1.0, "x0"), (-3.0, "w1"), (-2.0, "x1"),
                                                   (-3.0, "w2")])
    z = ((w0 * x0).named("w0·x0") + (w1 * x1).named("w1·x1")).named("s") + w2
    z.named("z")
    return z.sigmoid().named("f")


def _fork() -> Value:
    x, y, z = Value(1.0, "x"), Value(2.0, "y"), Value(0.0, "z")
    a = (x + y).named("a")
    b = y.maximum(z).named("b")
    return (a * b).named("f")


EXAMPLES: dict[str, Callable[[], Value]] = {
    "f = (x + y) z": _xyz,
    "sigmoid neuron, gate by gate": _sigmoid_expanded,
    "sigmoid neuron, one σ gate": _sigmoid_gate,
    "f = (x + y) max(y, z): a fork": _fork,
}
"""The lecture notes' graphs with their numbers: ``(x+y)z`` at (-2, 5, -4); the CS231n
neuron σ(w0x0 + w1x1 + w2) at w = (2, -3, -3), x = (-1, -2), drawn gate by gate and with
one σ gate; ``(x+y)·max(y, z)`` at (1, 2, 0)."""


def example_graph(name: str) -> Value:
    """A freshly built example graph (its output node) from :data:`EXAMPLES`."""
    if name not in EXAMPLES:
        raise CourseInputError(f"unknown example {name!r}; choose one of {list(EXAMPLES)}")
    return EXAMPLES[name]()


def iter_edges(root: Value) -> Iterator[tuple[Value, Value]]:
    """Every edge ``(parent, child)`` of the graph, each once per use."""
    for node in topological_order(root):
        for parent in node.parents:
            yield parent, node
