"""Lesson 10 widgets and pictures: surrogate losses, L1 vs L2, dropout, schedules, early stopping,
whitening, and the digits capstone (progress bar, confusion matrix).

Every picture is a pure ``draw_*(...) -> Figure`` (tested headlessly); the explorers wire
them to controls with :func:`course.widgets.base.live_figure`. Nothing here reads the
student's functions: everything uses the reference implementations in ``course``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from .. import regularization
from ..datasets import load_digits, moons
from ..early_stopping import EarlyStopping
from ..mlp import MLP
from ..optimizers import Optimizer
from ..preprocessing import Whitener, standardize
from ..schedules import exponential_decay, step_decay
from ..validation import CourseInputError, as_array
from .base import live_figure, new_figure

__all__ = [
    "surrogate_losses", "draw_surrogates",
    "RegularizedFit", "train_regularized", "draw_regularization", "regularization_explorer",
    "dropout_layout", "draw_dropout_network", "dropout_explorer",
    "draw_schedules",
    "LearningCurves", "learning_curves", "early_stopping_summary", "draw_early_stopping", "early_stopping_explorer",
    "correlated_data", "draw_whitening", "draw_zca_digits",
    "TrainingProgress", "training_progress", "confusion_matrix", "draw_confusion_matrix", "draw_training_curves",
    "draw_misclassified",
]

Array = np.ndarray
TRAIN_COLOR, VAL_COLOR, BEST_COLOR, STOP_COLOR = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"


# --- surrogate losses ------------------------------------------------------------------------

def surrogate_losses(margins: Array) -> dict[str, Array]:
    """The 0-1 loss and its surrogates as functions of the margin ``y * score``.

    Returns
    -------
    dict name -> ndarray shaped like ``margins``: ``"0-1"`` (1 where the margin is <= 0),
    ``"hinge"`` max(0, 1 - m), ``"logistic"`` log2(1 + exp(-m)) (scaled to pass through
    (0, 1)), ``"squared hinge"`` max(0, 1 - m)^2.
    """
    m = as_array(margins, "margins")
    return {
        "0-1": (m <= 0).astype(np.float64),
        "hinge": np.maximum(0.0, 1.0 - m),
        "logistic": np.logaddexp(0.0, -m) / np.log(2.0),
        "squared hinge": np.maximum(0.0, 1.0 - m) ** 2,
    }


def draw_surrogates(low: float = -2.5, high: float = 2.5) -> Figure:
    """The 0-1 loss and the convex surrogates that upper-bound it, against the margin."""
    m = np.linspace(low, high, 501)
    curves = surrogate_losses(m)
    fig = new_figure(6.4, 3.6)
    ax = fig.add_subplot()
    styles = {"0-1": dict(color="black", lw=2.5), "hinge": dict(color=STOP_COLOR, lw=2),
              "logistic": dict(color=TRAIN_COLOR, lw=1.5, ls="--"), "squared hinge": dict(color="grey", lw=1, ls=":")}
    for name, values in curves.items():
        if name == "0-1":  # draw the step without the vertical jump
            ax.plot(m[m <= 0], values[m <= 0], label="0-1 loss (what we want)", **styles[name])
            ax.plot(m[m > 0], values[m > 0], **styles[name])
        else:
            ax.plot(m, values, label=name, **styles[name])
    ax.axvline(0, color="grey", lw=0.5)
    ax.axvline(1, color=STOP_COLOR, lw=0.5, ls=":")
    ax.annotate("margin 1: the hinge\nstops charging here", (1, 0), (1.25, 1.5), fontsize=8,
                arrowprops=dict(arrowstyle="->", lw=0.6))
    ax.set_ylim(-0.1, 4)
    ax.set_xlabel("margin  y · score   (> 0: correct side)")
    ax.set_ylabel("loss")
    ax.set_title("Convex surrogates lie above the 0-1 loss")
    ax.legend(fontsize=8)
    return fig


# --- L1 vs L2: weights and decision boundary -------------------------------------------------------

@dataclass(frozen=True)
class RegularizedFit:
    """A small MLP trained on noisy moons with a penalty, and what the explorer shows of it."""

    model: MLP
    penalty: str
    lam: float
    X_train: Array
    y_train: Array
    X_val: Array
    y_val: Array
    train_accuracy: float
    val_accuracy: float
    weights: Array
    """Every weight of the network (biases excluded), flattened."""


@functools.lru_cache(maxsize=1)
def _moons_split() -> tuple[Array, Array, Array, Array]:
    X, y = moons(np.random.default_rng(3), 300, noise=0.3)
    return X[:50], y[:50], X[50:], y[50:]


@functools.lru_cache(maxsize=64)
def _train_regularized(penalty: str, lam: float, steps: int) -> RegularizedFit:
    X_train, y_train, X_val, y_val = _moons_split()
    model = MLP([2, 40, 40, 1], np.random.default_rng(0), activation="relu", output="sigmoid")
    opt = Optimizer("adam", lr=0.01)
    penalty_fn = {"L2": regularization.l2_penalty, "L1": regularization.l1_penalty}.get(penalty)
    for t in range(steps):
        opt.hyper["lr"] = step_decay(0.01, t, drop=0.1, every=int(0.8 * steps))  # settle at the end
        _, grads = model.gradients(X_train, y_train)
        if penalty_fn is not None and lam > 0:
            _, extra = penalty_fn(model.params, lam)
            grads = [(dW + eW, db + eb) for (dW, db), (eW, eb) in zip(grads, extra)]
        flat = opt.step([a for pair in model.params for a in pair], [g for pair in grads for g in pair])
        model.params = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(model.params))]
    weights = np.concatenate([W.ravel() for W, _ in model.params])
    return RegularizedFit(model, penalty, lam, X_train, y_train, X_val, y_val, model.accuracy(X_train, y_train),
                          model.accuracy(X_val, y_val), weights)


def train_regularized(penalty: str = "L2", lam: float = 1e-2, steps: int = 600) -> RegularizedFit:
    """Train a 2-40-40-1 ReLU network on 50 noisy moons with full-batch Adam plus a penalty.

    Parameters
    ----------
    penalty : {"none", "L2", "L1"}
        Added to the data loss with :func:`course.regularization.l2_penalty` or ``l1_penalty``.
    lam : float
        Penalty strength.
    steps : int, default=600
        Full-batch Adam steps (lr 0.01, then 0.001 for the last fifth). Results are cached.
    """
    if penalty not in ("none", "L2", "L1"):
        raise CourseInputError(f"`penalty` must be 'none', 'L2' or 'L1', got {penalty!r}")
    return _train_regularized(penalty, float(lam) if penalty != "none" else 0.0, int(steps))


def draw_regularization(penalty: str = "L2", log10_lam: float = -2.0, steps: int = 600) -> Figure:
    """Decision boundary and weight histogram of a moons network trained with ``penalty``."""
    fit = train_regularized(penalty, 10.0 ** log10_lam, steps)
    fig = new_figure(10.0, 4.0)
    ax, hx = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
    xx, yy = np.meshgrid(np.linspace(-1.6, 2.6, 150), np.linspace(-1.2, 1.7, 120))
    proba = fit.model.predict_proba(np.column_stack([xx.ravel(), yy.ravel()]))[:, 0].reshape(xx.shape)
    ax.contourf(xx, yy, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
    ax.contour(xx, yy, proba, levels=[0.5], colors="black", linewidths=1.5)
    for X, y, style in ((fit.X_val, fit.y_val, dict(s=8, alpha=0.35)),
                        (fit.X_train, fit.y_train, dict(s=30, edgecolors="black", linewidths=0.6))):
        ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, STOP_COLOR, TRAIN_COLOR), **style)
    name = "no penalty" if penalty == "none" else f"{penalty}, λ = {fit.lam:.2g}"
    ax.set_title(f"{name}: train {fit.train_accuracy:.0%}, validation {fit.val_accuracy:.0%}", fontsize=10)
    ax.set_xlabel("x1   (big dots: 50 training points; small: validation)", fontsize=9)
    ax.set_ylabel("x2")
    magnitude = np.log10(np.abs(fit.weights) + 1e-12)
    near_zero = float(np.mean(np.abs(fit.weights) < 1e-2))
    hx.hist(np.clip(magnitude, -6, 1), bins=np.linspace(-6, 1, 36), color="grey")
    hx.axvline(-2, color="black", lw=0.8, ls="--")
    hx.set_xlabel("log10 |w|  (all weights, no biases)")
    hx.set_ylabel("number of weights")
    hx.set_title(f"{near_zero:.0%} of {fit.weights.size} weights below 0.01 (left of the dashed line)\n"
                 f"largest |w| = {np.abs(fit.weights).max():.2f}", fontsize=9)
    return fig


def regularization_explorer() -> Any:
    """Penalty (none / L2 / L1) and log10 λ: watch the boundary smooth out and the weights shrink."""
    import ipywidgets as widgets

    controls = {
        "penalty": widgets.ToggleButtons(options=["none", "L2", "L1"], value="L2", description="penalty"),
        "log10_lam": widgets.FloatSlider(value=-2.0, min=-5.0, max=-0.5, step=0.25, description="log10 λ",
                                         continuous_update=False),
    }
    return live_figure(draw_regularization, controls)


# --- dropout -----------------------------------------------------------------------------------------

def dropout_layout(p: float, seed: int = 0, sizes: Sequence[int] = (4, 6, 6, 2)) -> list[Array]:
    """Keep-masks (1 = kept) of each layer of a small network: inputs and outputs are always kept.

    Drawn with :func:`course.regularization.dropout_forward` from ``default_rng(seed)``.
    """
    rng = np.random.default_rng(seed)
    masks = [np.ones(sizes[0])]
    for n in sizes[1:-1]:
        _, mask = regularization.dropout_forward(np.ones(n), p, rng)
        masks.append(mask)
    masks.append(np.ones(sizes[-1]))
    return masks


def draw_dropout_network(p: float = 0.5, seed: int = 0, sizes: Sequence[int] = (4, 6, 6, 2)) -> Figure:
    """One training step's thinned network: dropped hidden units and their connections vanish."""
    masks = dropout_layout(p, seed, sizes)
    fig = new_figure(6.4, 3.8)
    ax = fig.add_subplot()
    pos = [np.column_stack([np.full(n, i), np.linspace(-(n - 1) / 2, (n - 1) / 2, n)]) for i, n in enumerate(sizes)]
    for i in range(len(sizes) - 1):
        for a, ka in zip(pos[i], masks[i]):
            for b, kb in zip(pos[i + 1], masks[i + 1]):
                on = ka and kb
                ax.plot([a[0], b[0]], [a[1], b[1]], color="black" if on else "lightgrey",
                        lw=0.8 if on else 0.4, alpha=0.7 if on else 0.5, zorder=1)
    for i, (xy, mask) in enumerate(zip(pos, masks)):
        hidden = 0 < i < len(sizes) - 1
        for (x, y), kept in zip(xy, mask):
            face = "white" if not kept else (BEST_COLOR if hidden else "#dddddd")
            ax.scatter([x], [y], s=420, c=face, edgecolors="black" if kept else "lightgrey", zorder=2)
            if hidden and not kept:
                ax.plot([x - 0.12, x + 0.12], [y - 0.3, y + 0.3], color=STOP_COLOR, lw=2, zorder=3)
                ax.plot([x - 0.12, x + 0.12], [y + 0.3, y - 0.3], color=STOP_COLOR, lw=2, zorder=3)
            elif hidden:
                ax.text(x, y, f"×{1 / (1 - p):.2g}" if p < 1 else "", ha="center", va="center", fontsize=7, zorder=4)
    kept = int(sum(m.sum() for m in masks[1:-1]))
    total = int(sum(m.size for m in masks[1:-1]))
    ax.set_title(f"p = {p:.2f}: {kept} of {total} hidden units kept this step (expected {(1 - p) * total:.1f}); "
                 f"kept ones scaled by 1/(1-p)", fontsize=9)
    ax.set_xticks(range(len(sizes)), ["input"] + [f"hidden {i}" for i in range(1, len(sizes) - 1)] + ["output"])
    ax.set_yticks([])
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return fig


def dropout_explorer() -> Any:
    """Drop probability p and a 'new mask' seed: every training step trains a different thinned network."""
    import ipywidgets as widgets

    controls = {
        "p": widgets.FloatSlider(value=0.5, min=0.0, max=0.9, step=0.05, description="drop p", continuous_update=False),
        "seed": widgets.IntSlider(value=0, min=0, max=50, description="step (mask)", continuous_update=False),
    }
    return live_figure(draw_dropout_network, controls)


# --- learning-rate schedules -------------------------------------------------------------------------

def draw_schedules(lr0: float = 0.1, drop: float = 0.5, every: int = 10, rate: float = 0.05,
                   epochs: int = 50) -> Figure:
    """Step decay (piecewise constant) next to exponential decay."""
    e = np.arange(epochs)
    fig = new_figure(6.4, 3.4)
    ax = fig.add_subplot()
    ax.step(e, [step_decay(lr0, int(k), drop, every) for k in e], where="post", color=STOP_COLOR, lw=2,
            label=f"step decay: lr0 · {drop:g}^(epoch // {every})")
    ax.plot(e, [exponential_decay(lr0, int(k), rate) for k in e], color=TRAIN_COLOR, ls="--",
            label=f"exponential: lr0 · exp(-{rate:g} · epoch)")
    ax.set_xlabel("epoch (from 0)")
    ax.set_ylabel("learning rate")
    ax.set_title("Learning-rate decay: big steps first, small steps to settle")
    ax.legend(fontsize=8)
    return fig


# --- early stopping ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LearningCurves:
    """Per-epoch training and validation loss of a network that overfits."""

    train_loss: Array
    val_loss: Array
    val_accuracy: Array


@functools.lru_cache(maxsize=4)
def learning_curves(epochs: int = 300, seed: int = 0) -> LearningCurves:
    """Train a 2-40-40-1 network without regularization on the 50 noisy moons of the L1/L2 explorer.

    Mini-batches of 10, Adam lr 5e-4; validation on the other 250 points. So few examples
    make it overfit: the validation loss falls, bottoms out and rises again. Cached: the
    explorer trains once.
    """
    X_train, y_train, X_val, y_val = _moons_split()
    model = MLP([2, 40, 40, 1], np.random.default_rng(seed), activation="relu", output="sigmoid")
    history = model.fit(X_train, y_train, epochs=epochs, batch_size=10, optimizer="adam", lr=5e-4,
                        validation=(X_val, y_val))
    return LearningCurves(np.array(history.loss), np.array(history.val_loss), np.array(history.val_accuracy))


def early_stopping_summary(val_loss: Sequence[float], patience: int) -> tuple[int | None, int]:
    """Where :class:`course.early_stopping.EarlyStopping` stops on ``val_loss``.

    Returns
    -------
    stop_epoch : int or None
        The 0-based epoch after which training stops (None: it never stops).
    best_epoch : int
        The epoch with the lowest validation loss seen up to then.
    """
    stopper = EarlyStopping(patience)
    for epoch, loss in enumerate(val_loss):
        if stopper.step(float(loss)):
            return epoch, stopper.best_epoch
    return None, stopper.best_epoch


def draw_early_stopping(patience: int = 10, curves: LearningCurves | None = None) -> Figure:
    """Training and validation loss with the best epoch and where patience ``patience`` stops."""
    curves = curves if curves is not None else learning_curves()
    stop, best = early_stopping_summary(curves.val_loss, patience)
    e = np.arange(len(curves.val_loss))
    fig = new_figure(7.0, 3.8)
    ax = fig.add_subplot()
    ax.plot(e, curves.train_loss, color=TRAIN_COLOR, label="training loss")
    ax.plot(e, curves.val_loss, color=VAL_COLOR, label="validation loss")
    ax.axvline(best, color=BEST_COLOR, lw=1.5, label=f"best epoch {best}: val loss {curves.val_loss[best]:.3f}, "
                                                      f"val accuracy {curves.val_accuracy[best]:.1%}")
    if stop is not None:
        ax.axvline(stop, color=STOP_COLOR, lw=1.5, ls="--", label=f"stop after epoch {stop}")
        ax.axvspan(stop, e[-1], color="lightgrey", alpha=0.5, lw=0)
        saved = f"{len(e) - 1 - stop} epochs saved"
    else:
        saved = "never stops within these epochs"
    ax.set_xlabel("epoch")
    ax.set_ylabel("binary cross-entropy")
    ax.set_title(f"patience {patience}: {saved}; keep the weights of epoch {best}", fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    return fig


def early_stopping_explorer() -> Any:
    """Patience slider over a real overfitting run on digits."""
    import ipywidgets as widgets

    learning_curves()  # train once before the first frame
    controls = {"patience": widgets.IntSlider(value=10, min=0, max=40, description="patience",
                                              continuous_update=False)}
    return live_figure(draw_early_stopping, controls)


# --- standardization and whitening ------------------------------------------------------------------

def correlated_data(m: int = 400, seed: int = 0) -> Array:
    """A 2-D Gaussian cloud with different scales, an offset and strong correlation."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((m, 2))
    A = np.array([[3.0, 0.0], [1.6, 0.6]])
    return Z @ A.T + np.array([5.0, -2.0])


def _ellipse(ax: Any, X: Array, color: str) -> None:
    values, vectors = np.linalg.eigh(np.cov(X, rowvar=False, bias=True))
    angle = np.degrees(np.arctan2(vectors[1, -1], vectors[0, -1]))
    ax.add_patch(Ellipse(X.mean(0), 4 * np.sqrt(values[-1]), 4 * np.sqrt(values[0]), angle=angle,
                         fill=False, color=color, lw=1.5))


def draw_whitening(X: Array | None = None) -> Figure:
    """Raw data, standardized (steps 1-2), PCA-whitened and ZCA-whitened (step 3), with covariances."""
    X = correlated_data() if X is None else as_array(X, "X", shape=(None, 2))
    panels = {
        "raw": X,
        "standardized (steps 1–2)": standardize(X)[0],
        "PCA-whitened (step 3)": Whitener.fit(X, "pca").transform(X),
        "ZCA-whitened (step 3)": Whitener.fit(X, "zca").transform(X),
    }
    fig = new_figure(11.0, 3.3)
    axes = fig.subplots(1, 4)
    for ax, (title, Y) in zip(axes, panels.items()):
        ax.scatter(Y[:, 0], Y[:, 1], s=4, alpha=0.4, color=TRAIN_COLOR)
        _ellipse(ax, Y, STOP_COLOR)
        C = np.cov(Y, rowvar=False, bias=True)
        ax.set_title(f"{title}\ncov = [[{C[0, 0]:.2f}, {C[0, 1]:.2f}], [{C[1, 0]:.2f}, {C[1, 1]:.2f}]]", fontsize=8)
        ax.axhline(0, color="grey", lw=0.4)
        ax.axvline(0, color="grey", lw=0.4)
        ax.set_aspect("equal", adjustable="datalim")
        ax.tick_params(labelsize=7)
    return fig


def draw_zca_digits(n: int = 8, eps: float = 0.1) -> Figure:
    """Digits before and after ZCA whitening (fitted on all 1797 digits): whitening keeps the edges."""
    digits = load_digits()
    white = Whitener.fit(digits.X, "zca", eps=eps).transform(digits.X[:n])
    fig = new_figure(1.1 * n, 2.5)
    axes = fig.subplots(2, n)
    for j in range(n):
        for row, image in enumerate((digits.X[j], white[j])):
            axes[row, j].imshow(image.reshape(8, 8), cmap="gray_r" if row == 0 else "RdBu_r")
            axes[row, j].set_xticks([])
            axes[row, j].set_yticks([])
    axes[0, 0].set_ylabel("raw", fontsize=8)
    axes[1, 0].set_ylabel("ZCA", fontsize=8)
    return fig


# --- capstone: progress, confusion matrix -----------------------------------------------------------

class TrainingProgress:
    """A progress bar and a status line, updated by ``MLP.fit``'s ``callback``.

    Use ``display(progress.widget)`` and pass ``callback=progress`` to ``fit``.
    """

    def __init__(self, epochs: int) -> None:
        import ipywidgets as widgets

        self.epochs = int(epochs)
        self.bar = widgets.IntProgress(value=0, min=0, max=self.epochs, description="epoch 0",
                                       bar_style="info")
        self.status = widgets.HTML(value="waiting for the first epoch…")
        self.widget = widgets.HBox([self.bar, self.status])

    def __call__(self, epoch: int, history: Any) -> bool:
        """Record that ``epoch`` (0-based) ended; returns False so that training goes on."""
        self.bar.value = min(epoch + 1, self.epochs)
        self.bar.description = f"epoch {epoch + 1}"
        parts = [f"train loss {history.loss[-1]:.4f}"]
        if getattr(history, "val_loss", None):
            parts.append(f"val loss {history.val_loss[-1]:.4f}")
        if getattr(history, "val_accuracy", None):
            parts.append(f"val accuracy {history.val_accuracy[-1]:.1%}")
        self.status.value = " · ".join(parts)
        if getattr(history, "stopped_early", False):
            self.bar.bar_style = "warning"
            self.status.value += f" · stopped early (best epoch {getattr(history, 'best_epoch', '?')})"
        elif epoch + 1 >= self.epochs:
            self.bar.bar_style = "success"
        return False


def training_progress(epochs: int) -> TrainingProgress:
    """A :class:`TrainingProgress` for ``epochs`` epochs."""
    return TrainingProgress(epochs)


def confusion_matrix(y_true: Array, y_pred: Array, n_classes: int | None = None) -> Array:
    """``C[i, j]`` = number of examples of true class ``i`` predicted as ``j``."""
    y_true = as_array(y_true, "y_true", ndim=1).astype(int)
    y_pred = as_array(y_pred, "y_pred", shape=(y_true.shape[0],)).astype(int)
    k = int(max(y_true.max(initial=0), y_pred.max(initial=0)) + 1) if n_classes is None else int(n_classes)
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def draw_confusion_matrix(C: Array, title: str = "") -> Figure:
    """Counts on a colour scale of per-row fractions; the diagonal holds the correct predictions."""
    C = np.asarray(C)
    if C.ndim != 2 or C.shape[0] != C.shape[1]:
        raise CourseInputError(f"`C` must be a square matrix, got shape {C.shape}")
    rows = C.sum(axis=1, keepdims=True)
    frac = C / np.maximum(rows, 1)
    fig = new_figure(5.2, 4.6)
    ax = fig.add_subplot()
    image = ax.imshow(frac, cmap="Blues", vmin=0, vmax=1)
    k = C.shape[0]
    for i in range(k):
        for j in range(k):
            if C[i, j]:
                ax.text(j, i, str(int(C[i, j])), ha="center", va="center", fontsize=8,
                        color="white" if frac[i, j] > 0.5 else ("#b00000" if i != j else "black"))
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    accuracy = np.trace(C) / max(C.sum(), 1)
    ax.set_title(title or f"accuracy {accuracy:.1%} on {int(C.sum())} examples", fontsize=10)
    fig.colorbar(image, ax=ax, shrink=0.8, label="fraction of the true class")
    return fig


def draw_training_curves(history: Any) -> Figure:
    """Loss curves and validation accuracy of a :class:`course.mlp.History`."""
    fig = new_figure(9.0, 3.2)
    ax, bx = fig.subplots(1, 2)
    e = np.arange(len(history.loss))
    ax.plot(e, history.loss, color=TRAIN_COLOR, label="training loss")
    if history.val_loss:
        ax.plot(e, history.val_loss, color=VAL_COLOR, label="validation loss")
        bx.plot(e, history.val_accuracy, color=VAL_COLOR)
    best = getattr(history, "best_epoch", -1)
    if best >= 0:
        for axis in (ax, bx):
            axis.axvline(best, color=BEST_COLOR, lw=1, label=f"best epoch {best}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_title("loss", fontsize=10)
    ax.legend(fontsize=8)
    bx.set_xlabel("epoch")
    bx.set_title("validation accuracy", fontsize=10)
    return fig


def draw_misclassified(images: Array, y_true: Array, y_pred: Array, max_images: int = 12) -> Figure:
    """The first ``max_images`` mistakes, each titled 'true → predicted'."""
    images = as_array(images, "images", ndim=3)
    y_true = as_array(y_true, "y_true", shape=(images.shape[0],))
    y_pred = as_array(y_pred, "y_pred", shape=(images.shape[0],))
    wrong = np.flatnonzero(y_true != y_pred)[:max_images]
    fig = new_figure(1.0 * max(len(wrong), 1) + 0.5, 1.6)
    if len(wrong) == 0:
        fig.suptitle("no mistakes")
        return fig
    axes = np.atleast_1d(fig.subplots(1, len(wrong)))
    for ax, i in zip(axes, wrong):
        ax.imshow(images[i], cmap="gray_r")
        ax.set_title(f"{int(y_true[i])} → {int(y_pred[i])}", fontsize=9, color=STOP_COLOR)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig

