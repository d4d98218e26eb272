"""Lesson 09 widgets, headless: curves and the race are pure functions; figures show what they return."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from course import surfaces
from course.optimizers import OPTIMIZERS
from course.validation import CourseInputError
from course.widgets import lesson09 as w


def test_gd_variants_count_updates_and_share_the_problem():
    curves = w.gd_variant_curves(epochs=3, lr=0.5)
    assert list(curves) == list(w.VARIANTS)
    assert [c.updates for c in curves.values()] == [3, 3 * 8, 3 * 256]  # 256 examples: 1, 8, 256 updates per epoch
    for c in curves.values():
        assert c.epochs[0] == 0 and c.epochs[-1] == pytest.approx(3)
        assert c.losses[0] == pytest.approx(np.log(2))        # from zeros every prediction is 1/2
    batch = curves["batch"].losses
    assert np.all(np.diff(batch) < 0)                         # full-batch descent on a convex loss only goes down
    assert np.any(np.diff(curves["stochastic (1)"].losses) > 0)  # single examples make it noisy
    assert curves["mini-batch (32)"].losses[-1] < batch[-1]    # more updates per epoch


def test_shuffling_helps_on_sorted_data():
    curves = w.shuffling_curves(epochs=4)
    sorted_run, shuffled = curves.values()
    assert sorted_run.updates == shuffled.updates == 4 * 256
    assert sorted_run.losses[-1] > 2 * shuffled.losses[-1]


def test_optimizer_curves_train_every_rule():
    curves = w.optimizer_curves(epochs=5)
    assert list(curves) == list(OPTIMIZERS)
    assert all(c.shape == (5,) and np.all(np.isfinite(c)) for c in curves.values())
    assert set(w.TYPICAL_LR) == set(OPTIMIZERS) and w.TYPICAL_LR["adadelta"] is None
    with pytest.raises(CourseInputError, match="unknown optimizer 'adamm'"):
        w.optimizer_curves(["adamm"], epochs=1)


def test_static_figures():
    fig = w.draw_gd_variants(epochs=2)
    assert isinstance(fig, Figure) and len(fig.axes) == 2 and len(fig.axes[0].lines) == 3
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "batch: 2 updates", "mini-batch (32): 16 updates", "stochastic (1): 512 updates"]
    fig = w.draw_shuffling(epochs=2)
    assert len(fig.axes[0].lines) == 2 + 1                    # two runs and one epoch boundary
    fig = w.draw_optimizer_curves(epochs=3)
    assert len(fig.axes[0].lines) == len(OPTIMIZERS)


def test_draw_race_shows_each_chosen_rule():
    fig = w.draw_race("ravine", ["sgd", "adam"], lr=0.1, momentum=0.9, steps=20)
    left, right = fig.axes[:2]
    paths = [line for line in left.lines if line.get_label() in ("sgd", "adam")]
    assert len(paths) == 2 and len(right.lines) == 2
    runs = surfaces.race("ravine", ["sgd", "adam"], lr=0.1, steps=20)
    np.testing.assert_allclose(paths[0].get_xydata(), runs["sgd"].path)
    np.testing.assert_allclose(right.lines[1].get_ydata(), runs["adam"].losses - surfaces.ravine.min_value)
    assert "lr = 0.1" in right.get_title()


def test_draw_race_changes_with_lr_and_momentum_and_marks_divergence():
    def momentum_path(**kw):
        fig = w.draw_race("rosenbrock", ["momentum"], **kw)
        return next(l for l in fig.axes[0].lines if l.get_label().startswith("momentum"))
    slow, fast = momentum_path(lr=0.0005, steps=30), momentum_path(lr=0.001, steps=30)
    assert not np.allclose(slow.get_xydata(), fast.get_xydata())
    assert not np.allclose(momentum_path(lr=0.001, momentum=0.5, steps=30).get_xydata(), fast.get_xydata())
    diverged = momentum_path(lr=0.05, steps=30)
    assert "diverged at step" in diverged.get_label()


def test_draw_race_with_no_optimizer_is_just_the_surface():
    fig = w.draw_race("saddle", [], lr=0.1, steps=10)
    assert len(fig.axes[1].lines) == 0


def test_race_explorer_resets_lr_for_each_surface():
    box = w.race_explorer()
    controls = [c for row in box.children[0].children for c in row.children]
    surface, chosen, lr = controls[0], controls[1], controls[2]
    assert chosen.value == ("sgd", "momentum", "adam")
    surface.value = "rosenbrock"
    assert lr.value == pytest.approx(surfaces.rosenbrock.default_lr)
    surface.value = "saddle"
    assert lr.value == pytest.approx(surfaces.saddle.default_lr)
