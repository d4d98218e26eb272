"""course.surfaces: losses beside gradients (checked by central differences) and the pure optimizer race."""
from __future__ import annotations

import numpy as np
import pytest

from course import gradcheck, optimizers
from course import surfaces as sf
from course.validation import CourseInputError

NAMES = sorted(sf.SURFACES)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_central_differences(name):
    surface = sf.get_surface(name)
    rng = np.random.default_rng(0)
    for _ in range(20):
        p = np.array([rng.uniform(*surface.xlim), rng.uniform(*surface.ylim)])
        numeric = gradcheck.numerical_gradient(lambda: surface.loss(p), p)
        assert gradcheck.relative_error(surface.gradient(p), numeric) < gradcheck.GRADING_MAX_RELATIVE_ERROR


@pytest.mark.parametrize("name", NAMES)
def test_minima_are_stationary_with_the_stated_value_and_nothing_lower_on_the_grid(name):
    surface = sf.get_surface(name)
    for point in surface.minima:
        np.testing.assert_allclose(surface.gradient(np.array(point)), 0.0, atol=1e-12)
        assert surface.loss(np.array(point)) == pytest.approx(surface.min_value, abs=1e-12)
    X, Y, Z = surface.grid(150)
    assert X.shape == Y.shape == Z.shape == (150, 150)
    assert Z.min() >= surface.min_value - 1e-12


def test_the_surfaces_are_what_their_names_say():
    # Ravine: curvature 100 times larger across than along.
    h = np.array([sf.ravine.gradient(np.array([1.0, 0.0]))[0], sf.ravine.gradient(np.array([0.0, 1.0]))[1]])
    assert h[1] / h[0] == pytest.approx(100.0)
    # Rosenbrock: the textbook formula.
    assert sf.rosenbrock.loss(np.array([-1.2, 1.0])) == pytest.approx(2.2**2 + 100 * 0.44**2)
    # Saddle: zero gradient at the origin, curving up along x and down along y.
    np.testing.assert_array_equal(sf.saddle.gradient(np.zeros(2)), [0.0, 0.0])
    assert sf.saddle.loss(np.array([0.1, 0.0])) > 0 > sf.saddle.loss(np.array([0.0, 0.1]))


def test_race_starts_together_and_records_every_step():
    runs = sf.race("ravine", ["sgd", "momentum", "adam"], lr=0.1, momentum=0.9, steps=30)
    assert list(runs) == ["sgd", "momentum", "adam"]
    for run in runs.values():
        assert run.path.shape == (31, 2) and run.losses.shape == (31,) and not run.diverged
        np.testing.assert_array_equal(run.path[0], sf.ravine.start)
        np.testing.assert_allclose(run.losses, [sf.ravine.loss(p) for p in run.path])


@pytest.mark.parametrize("name", sorted(optimizers.OPTIMIZERS))
def test_race_applies_the_reference_rule_with_the_mapped_hyper_parameters(name):
    runs = sf.race("saddle", [name], lr=0.05, momentum=0.7, steps=12, start=(1.0, 0.5))
    theta, state = np.array([1.0, 0.5]), {}
    hyper = sf.race_hyper(name, 0.05, 0.7)
    for k in range(12):
        theta, state = optimizers.OPTIMIZERS[name](theta, sf.saddle.gradient(theta), state, **hyper)
        np.testing.assert_allclose(runs[name].path[k + 1], theta, rtol=1e-15)


def test_race_hyper_mapping():
    assert sf.race_hyper("adadelta", 0.1, 0.9) == {}
    assert sf.race_hyper("momentum", 0.1, 0.5) == {"lr": 0.1, "gamma": 0.5}
    assert sf.race_hyper("nesterov", 0.1, 0.5) == {"lr": 0.1, "gamma": 0.5}
    assert sf.race_hyper("adam", 0.1, 0.5) == {"lr": 0.1}
    runs = sf.race("ravine", ["adam"], lr=0.1, steps=3, hyper={"adam": {"beta1": 0.0}})
    theta, state = np.array(sf.ravine.start), {}
    for _ in range(3):
        theta, state = optimizers.adam_update(theta, sf.ravine.gradient(theta), state, lr=0.1, beta1=0.0)
    np.testing.assert_allclose(runs["adam"].path[-1], theta)


def test_what_the_race_teaches():
    # Momentum beats plain descent along the ravine at the same learning rate.
    runs = sf.race("ravine", ["sgd", "momentum"], lr=0.15, momentum=0.9, steps=100)
    assert runs["momentum"].losses[-1] < 1e-3 * runs["sgd"].losses[-1]
    # Too large a step diverges on Rosenbrock for plain descent; Adam's normalized step does not.
    runs = sf.race("rosenbrock", ["sgd", "adam"], lr=0.05, steps=200)
    assert runs["sgd"].diverged and len(runs["sgd"].path) < 201
    assert not runs["adam"].diverged and runs["adam"].losses[-1] < runs["adam"].losses[0]
    # Near the saddle the gradient along y is tiny: plain descent lingers, Adam's normalized step leaves at once.
    runs = sf.race("saddle", ["sgd", "adam"], lr=0.02, steps=60)
    assert abs(runs["adam"].path[-1, 1]) > 0.9 > 0.1 > abs(runs["sgd"].path[-1, 1])


def test_race_is_pure():
    a = sf.race("rosenbrock", ["nesterov", "rmsprop"], lr=0.001, steps=20)
    b = sf.race("rosenbrock", ["nesterov", "rmsprop"], lr=0.001, steps=20)
    for name in a:
        np.testing.assert_array_equal(a[name].path, b[name].path)
    assert sf.rosenbrock.start == (-1.2, 1.0)


@pytest.mark.parametrize("kwargs, message", [
    ({"surface": "bowl"}, "unknown surface 'bowl'"),
    ({"optimizers": ["sgd", "adamm"]}, "unknown optimizer 'adamm'"),
    ({"lr": 0.0}, "`lr` must be a positive number"),
    ({"lr": float("nan")}, "`lr` must be a positive number"),
    ({"momentum": 1.0}, r"`momentum` must be a number in \[0, 1\)"),
    ({"steps": -1}, "`steps` must be a non-negative integer"),
    ({"start": (1.0, 2.0, 3.0)}, r"`start` must have shape \(2,\)"),
])
def test_race_bad_input(kwargs, message):
    args = {"surface": "ravine", "optimizers": ["sgd"], "lr": 0.1, **kwargs}
    with pytest.raises(CourseInputError, match=message):
        sf.race(**args)


def test_zero_steps_is_just_the_start():
    run = sf.race("saddle", "adam", lr=0.1, steps=0)["adam"]
    assert run.path.shape == (1, 2) and not run.diverged
