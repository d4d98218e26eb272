"""Two-dimensional loss surfaces for racing optimizers (lesson 09).

Each :class:`Surface` has a loss ``f(x, y)`` that works on grids, its gradient at a point,
a plotting window, a starting point and its known minimum value. They are the three
situations the notes' update rules were invented for:

* ``ravine`` — an ill-conditioned quadratic ``0.5 (0.1 x^2 + 10 y^2)``: steep across, flat
  along; plain gradient descent zig-zags across and crawls along ("trapped around a
  ravine", the notes' motivation for momentum);
* ``rosenbrock`` — ``(1 - x)^2 + 100 (y - x^2)^2``: a curved, narrow valley;
* ``saddle`` — ``0.5 x^2 + 0.25 y^4 - 0.5 y^2``: a saddle point at the origin between two
  minima at ``(0, +-1)``; starting almost on the ridge, small gradients keep plain
  descent near the saddle for a long time.

:func:`race` runs update rules of :mod:`course.optimizers` on a surface from the same
start and returns every trajectory and its losses. It is pure (no plotting, no
randomness); lesson 09's widget draws what it returns.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

import numpy as np

from .optimizers import OPTIMIZERS, get_optimizer
from .validation import CourseInputError, as_array

__all__ = ["Surface", "SURFACES", "get_surface", "Run", "race", "race_hyper", "ravine", "rosenbrock", "saddle"]

Array = np.ndarray


@dataclass(frozen=True)
class Surface:
    """A loss surface over the plane.

    Attributes
    ----------
    name, title : str
    f : callable (x, y) -> z
        The loss; ``x`` and ``y`` are arrays of any (equal) shape, e.g. a meshgrid.
    grad : callable (x, y) -> (dx, dy)
        Its partial derivatives, elementwise like ``f``.
    xlim, ylim : (float, float)
        The plotting window.
    start : (float, float)
        The default starting point of a race.
    minima : tuple of (float, float)
        Where the global minima are.
    min_value : float
        The loss at the minima (so ``loss - min_value >= 0`` can be drawn on a log scale).
    default_lr : float
        A learning rate at which plain gradient descent is stable here.
    """

    name: str
    title: str
    f: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], tuple[Array, Array]]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    min_value: float
    default_lr: float

    def loss(self, point: Array) -> float:
        """The loss at ``point`` of shape (2,)."""
        point = as_array(point, "point", shape=(2,), finite=False)
        return float(self.f(point[0], point[1]))

    def gradient(self, point: Array) -> Array:
        """The gradient at ``point`` of shape (2,), shape (2,)."""
        point = as_array(point, "point", shape=(2,), finite=False)
        dx, dy = self.grad(point[0], point[1])
        return np.array([dx, dy], dtype=np.float64)

    def grid(self, n: int = 200) -> tuple[Array, Array, Array]:
        """``(X, Y, Z)`` meshgrids of shape (n, n) over the plotting window, for contour plots."""
        xs = np.linspace(*self.xlim, n)
        ys = np.linspace(*self.ylim, n)
        X, Y = np.meshgrid(xs, ys)
        return X, Y, self.f(X, Y)


# --- the surfaces, each loss beside its gradient ---------------------------------------------

RAVINE_CURVATURE = (0.1, 10.0)
"""Second derivatives along x and y of the ravine: condition number 100."""


def _ravine(x: Array, y: Array) -> Array:
    a, b = RAVINE_CURVATURE
    return 0.5 * (a * x * x + b * y * y)


def _ravine_grad(x: Array, y: Array) -> tuple[Array, Array]:
    a, b = RAVINE_CURVATURE
    return a * x, b * y


def _rosenbrock(x: Array, y: Array) -> Array:
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosenbrock_grad(x: Array, y: Array) -> tuple[Array, Array]:
    return -2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)


def _saddle(x: Array, y: Array) -> Array:
    return 0.5 * x * x + 0.25 * y**4 - 0.5 * y * y


def _saddle_grad(x: Array, y: Array) -> tuple[Array, Array]:
    return x, y**3 - y


ravine = Surface("ravine", "ravine: 0.5 (0.1 x² + 10 y²)", _ravine, _ravine_grad, (-10.0, 10.0), (-3.0, 3.0),
                 (-9.0, 2.0), ((0.0, 0.0),), 0.0, 0.18)
rosenbrock = Surface("rosenbrock", "Rosenbrock: (1 − x)² + 100 (y − x²)²", _rosenbrock, _rosenbrock_grad,
                     (-2.0, 2.0), (-1.0, 3.0), (-1.2, 1.0), ((1.0, 1.0),), 0.0, 0.001)
saddle = Surface("saddle", "saddle: 0.5 x² + 0.25 y⁴ − 0.5 y²", _saddle, _saddle_grad, (-2.5, 2.5), (-1.6, 1.6),
                 (2.0, 0.01), ((0.0, 1.0), (0.0, -1.0)), -0.25, 0.1)

SURFACES: dict[str, Surface] = {s.name: s for s in (ravine, rosenbrock, saddle)}


def get_surface(surface: str | Surface) -> Surface:
    """A :class:`Surface` from its name (or itself), with a clear error for an unknown name."""
    if isinstance(surface, Surface):
        return surface
    if not isinstance(surface, str) or surface not in SURFACES:
        raise CourseInputError(f"unknown surface {surface!r}; choose one of {sorted(SURFACES)}")
    return SURFACES[surface]


# --- the race -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """One optimizer's trip over a surface.

    Attributes
    ----------
    name : str
    path : ndarray of shape (k + 1, 2)
        The start and the point after each of the ``k`` steps taken.
    losses : ndarray of shape (k + 1,)
        The loss at each point of ``path``.
    diverged : bool
        True when the run was stopped because the point left every sensible range
        (``k`` is then smaller than the steps asked for).
    """

    name: str
    path: Array
    losses: Array
    diverged: bool


DIVERGED = 1e6
"""A run whose point gets farther than this from the origin (or non-finite) has diverged."""


def race_hyper(name: str, lr: float, momentum: float) -> dict[str, float]:
    """The hyper-parameters :func:`race` gives rule ``name``.

    ``lr`` goes to every rule that has a learning rate (Adadelta has none) and
    ``momentum`` is the ``gamma`` of momentum and Nesterov; everything else keeps its
    default.
    """
    get_optimizer(name)
    if name == "adadelta":
        return {}
    if name in ("momentum", "nesterov"):
        return {"lr": lr, "gamma": momentum}
    return {"lr": lr}


def race(surface: str | Surface, optimizers: Iterable[str], lr: float, momentum: float = 0.9, steps: int = 100,
         start: Array | tuple[float, float] | None = None,
         hyper: Mapping[str, Mapping[str, float]] | None = None) -> dict[str, Run]:
    """Run each update rule on ``surface`` from the same start.

    Parameters
    ----------
    surface : str or Surface
        ``"ravine"``, ``"rosenbrock"``, ``"saddle"`` or a :class:`Surface`.
    optimizers : iterable of str
        Keys of :data:`course.optimizers.OPTIMIZERS`.
    lr : float
        Learning rate of every rule that has one (see :func:`race_hyper`).
    momentum : float, default=0.9
        ``gamma`` of momentum and Nesterov.
    steps : int, default=100
    start : (x, y), optional
        Default: the surface's own start.
    hyper : mapping name -> dict, optional
        Extra hyper-parameters per rule, overriding :func:`race_hyper`.

    Returns
    -------
    dict name -> Run, in the order given.
    """
    surf = get_surface(surface)
    names = list(optimizers) if not isinstance(optimizers, str) else [optimizers]
    for name in names:
        get_optimizer(name)
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.number)) or not np.isfinite(lr) or lr <= 0:
        raise CourseInputError(f"`lr` must be a positive number, got {lr!r}")
    if isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.number)) or not 0 <= momentum < 1:
        raise CourseInputError(f"`momentum` must be a number in [0, 1), got {momentum!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise CourseInputError(f"`steps` must be a non-negative integer, got {steps!r}")
    origin = as_array(surf.start if start is None else start, "start", shape=(2,), allow_list=True)
    runs: dict[str, Run] = {}
    for name in names:
        rule = OPTIMIZERS[name]
        settings = {**race_hyper(name, float(lr), float(momentum)), **dict((hyper or {}).get(name, {}))}
        theta, state = origin.copy(), {}
        path, losses, diverged = [theta], [surf.loss(theta)], False
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(int(steps)):
                theta, state = rule(theta, surf.gradient(theta), state, **settings)
                value = surf.loss(theta) if np.all(np.isfinite(theta)) else np.inf
                if not np.isfinite(value) or np.max(np.abs(theta)) > DIVERGED:
                    diverged = True
                    break
                path.append(theta)
                losses.append(value)
        runs[name] = Run(name, np.array(path), np.array(losses), diverged)
    return runs
