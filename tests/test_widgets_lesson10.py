"""Lesson 10 widgets, headless: every draw function returns a Figure, and what it shows changes as it should."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from course.mlp import History
from course.validation import CourseInputError
from course.widgets import lesson10 as w10
from course.widgets import base
from course.widgets.base import figure_png


def _titles(fig: Figure) -> str:
    return " | ".join(ax.get_title() for ax in fig.axes)


def test_surrogates_upper_bound_the_zero_one_loss():
    m = np.linspace(-3, 3, 601)
    curves = w10.surrogate_losses(m)
    np.testing.assert_array_equal(curves["0-1"], (m <= 0).astype(float))
    np.testing.assert_allclose(curves["hinge"], np.maximum(0, 1 - m))
    for name in ("hinge", "logistic", "squared hinge"):
        assert np.all(curves[name] >= curves["0-1"] - 1e-12), name
    assert curves["logistic"][300] == pytest.approx(1.0)  # log2(1 + e^0) = 1 at margin 0
    fig = w10.draw_surrogates()
    assert isinstance(fig, Figure) and figure_png(fig).startswith(b"\x89PNG")
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert "hinge" in labels and "logistic" in labels


def test_regularization_strength_shrinks_weights_and_l1_makes_them_sparse():
    none = w10.train_regularized("none", 0.0)
    l2_small, l2_big = w10.train_regularized("L2", 1e-3), w10.train_regularized("L2", 1e-1)
    l1 = w10.train_regularized("L1", 1e-3)
    assert none.train_accuracy == 1.0 and none.val_accuracy < l2_small.val_accuracy
    assert np.abs(l2_big.weights).max() < np.abs(l2_small.weights).max() < np.abs(none.weights).max()
    near_zero = lambda fit: np.mean(np.abs(fit.weights) < 1e-2)  # noqa: E731
    assert near_zero(l1) > 0.9 > 0.1 > near_zero(none)
    assert l2_big.val_accuracy <= 0.6  # so much penalty that nothing is learned
    assert w10.train_regularized("L2", 1e-3) is l2_small  # cached


def test_draw_regularization_reports_what_changed():
    a = _titles(w10.draw_regularization("none", -2.0))
    b = _titles(w10.draw_regularization("L1", -3.0))
    assert "no penalty" in a and "train 100%" in a
    assert "L1, λ = 0.001" in b and a != b
    with pytest.raises(CourseInputError, match="penalty"):
        w10.train_regularized("L3", 0.1)


def test_dropout_layout_follows_p():
    for p in (0.0, 0.3, 0.8):
        masks = w10.dropout_layout(p, seed=1, sizes=(4, 200, 200, 2))
        assert masks[0].sum() == 4 and masks[-1].sum() == 2  # inputs and outputs are never dropped
        kept = np.concatenate(masks[1:-1]).mean()
        assert abs(kept - (1 - p)) < 5 * np.sqrt(p * (1 - p) / 400) + 1e-12
    a, b = w10.dropout_layout(0.5, seed=1), w10.dropout_layout(0.5, seed=2)
    assert any(not np.array_equal(x, y) for x, y in zip(a, b))
    np.testing.assert_array_equal(np.concatenate(w10.dropout_layout(0.5, 1)), np.concatenate(a))


def test_draw_dropout_network_counts_kept_units():
    fig = w10.draw_dropout_network(0.0, seed=0)
    assert "12 of 12 hidden units kept" in _titles(fig)
    masks = w10.dropout_layout(0.5, seed=3)
    kept = int(sum(m.sum() for m in masks[1:-1]))
    assert f"{kept} of 12 hidden units kept" in _titles(w10.draw_dropout_network(0.5, seed=3))


def test_draw_schedules_plots_step_and_exponential_decay():
    fig = w10.draw_schedules(lr0=0.1, drop=0.5, every=10, epochs=30)
    step, expo = fig.axes[0].lines[:2]
    np.testing.assert_allclose(step.get_ydata()[[0, 9, 10, 29]], [0.1, 0.1, 0.05, 0.025])
    assert expo.get_ydata()[0] == pytest.approx(0.1) and expo.get_ydata()[-1] < 0.1


def test_early_stopping_summary_uses_the_reference_rule():
    assert w10.early_stopping_summary([1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76, 0.77], 3) == (7, 4)
    assert w10.early_stopping_summary([3.0, 2.0, 1.0], 2) == (None, 2)


def test_learning_curves_overfit_and_the_explorer_marks_best_and_stop():
    curves = w10.learning_curves()
    best = int(np.argmin(curves.val_loss))
    assert 10 < best < len(curves.val_loss) - 50
    assert curves.val_loss[-1] > 1.2 * curves.val_loss[best]  # validation loss rises again
    assert curves.train_loss[-1] < curves.train_loss[best]      # while the training loss keeps falling
    stop, best_epoch = w10.early_stopping_summary(curves.val_loss, 10)
    title = _titles(w10.draw_early_stopping(10, curves))
    assert f"keep the weights of epoch {best_epoch}" in title
    assert f"{len(curves.val_loss) - 1 - stop} epochs saved" in title
    patient = w10.early_stopping_summary(curves.val_loss, 30)[0]
    assert patient > stop
    assert "never stops" in _titles(w10.draw_early_stopping(10, w10.LearningCurves(
        np.linspace(1, 0.1, 20), np.linspace(1, 0.5, 20), np.full(20, 0.9))))


def test_whitening_panels_have_the_expected_covariances():
    X = w10.correlated_data()
    assert abs(np.corrcoef(X.T)[0, 1]) > 0.8
    fig = w10.draw_whitening(X)
    titles = [ax.get_title() for ax in fig.axes]
    assert "raw" in titles[0] and "standardized" in titles[1]
    assert "[[1.00, 0.94]" in titles[1]  # standardized: unit variances, still correlated
    for t in titles[2:]:
        assert "cov = [[1.00, 0.00], [0.00, 1.00]]" in t.replace("-0.00", "0.00")
    with pytest.raises(CourseInputError, match="shape"):
        w10.draw_whitening(np.zeros((10, 3)))


def test_draw_zca_digits():
    fig = w10.draw_zca_digits(n=4)
    assert len(fig.axes) == 8 and figure_png(fig).startswith(b"\x89PNG")


def test_confusion_matrix_counts():
    C = w10.confusion_matrix(np.array([0, 1, 2, 2, 1, 0, 3.0]), np.array([0, 1, 2, 1, 1, 0, 3.0]), 5)
    assert C.shape == (5, 5) and C.sum() == 7 and np.trace(C) == 6 and C[2, 1] == 1
    assert w10.confusion_matrix(np.array([0.0, 1.0]), np.array([1.0, 1.0])).shape == (2, 2)
    fig = w10.draw_confusion_matrix(C)
    assert "accuracy 85.7% on 7 examples" in _titles(fig)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sorted(texts) == sorted(["2", "2", "1", "1", "1"])
    with pytest.raises(CourseInputError):
        w10.confusion_matrix(np.array([0.0, 1.0]), np.array([1.0]))
    with pytest.raises(CourseInputError, match="square"):
        w10.draw_confusion_matrix(np.zeros((2, 3)))


def test_training_progress_follows_the_callback():
    progress = w10.training_progress(5)
    assert progress.bar.value == 0 and progress.bar.max == 5
    history = History(loss=[0.9], val_loss=[1.0], val_accuracy=[0.5])
    assert progress(0, history) is False
    assert progress.bar.value == 1 and "val accuracy 50.0%" in progress.status.value
    history.loss.append(0.5)
    history.val_loss.append(0.8)
    history.val_accuracy.append(0.75)
    progress(4, history)
    assert progress.bar.value == 5 and progress.bar.bar_style == "success"
    history.stopped_early, history.best_epoch = True, 3
    progress(4, history)
    assert progress.bar.bar_style == "warning" and "best epoch 3" in progress.status.value


def test_training_curves_and_misclassified():
    history = History(loss=[1.0, 0.5, 0.3], val_loss=[1.1, 0.7, 0.8], val_accuracy=[0.5, 0.8, 0.7], best_epoch=1)
    fig = w10.draw_training_curves(history)
    assert len(fig.axes) == 2 and any("best epoch 1" in line.get_label() for line in fig.axes[0].lines)
    images = np.random.default_rng(0).random((6, 8, 8))
    y_true = np.array([0, 1, 2, 3, 4, 5.0])
    fig = w10.draw_misclassified(images, y_true, np.array([0, 7, 2, 3, 9, 5.0]))
    assert [ax.get_title() for ax in fig.axes] == ["1 → 7", "4 → 9"]
    fig = w10.draw_misclassified(images, y_true, y_true)
    assert fig._suptitle.get_text() == "no mistakes"


@pytest.mark.parametrize("builder,control,value,changes", [
    (w10.regularization_explorer, "log10_lam", -3.0, "λ = 0.001"),
    (w10.regularization_explorer, "penalty", "none", "no penalty"),
    (w10.dropout_explorer, "p", 0.0, "12 of 12 hidden units kept"),
    (w10.early_stopping_explorer, "patience", 25, "patience 25"),
])
def test_explorers_redraw_when_a_control_changes(monkeypatch, builder, control, value, changes):
    shown = []
    monkeypatch.setattr(base, "show_figure", shown.append)
    box = builder()
    assert len(shown) == 1  # the first frame
    widgets = {c.description.split()[0]: c for c in _controls(box)}
    key = {"log10_lam": "log10", "penalty": "penalty", "p": "drop", "patience": "patience"}[control]
    widgets[key].value = value
    assert len(shown) == 2 and changes in _titles(shown[-1]) and changes not in _titles(shown[0])


def _controls(box):
    found, stack = [], [box]
    while stack:
        w = stack.pop()
        if hasattr(w, "children"):
            stack.extend(w.children)
        elif hasattr(w, "value") and getattr(w, "description", ""):
            found.append(w)
    return found
