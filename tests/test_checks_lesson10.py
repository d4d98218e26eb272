"""Lesson 10 checks: correct answers (however written) pass, every known mistake fails with its hint,
bad input gets a clear message, and grading gives full points only to correct answers."""
from __future__ import annotations

import math

import numpy as np
import pytest

from course import losses, preprocessing, regularization, schedules
from course.checks import lesson10
from course.checks.core import CheckFailed, NotImplementedYet
from course.early_stopping import EarlyStopping as ReferenceEarlyStopping

EXERCISES = lesson10.EXERCISES


# --- correct answers, written differently from the reference -----------------------------------------

def l2_loops(params, lam):
    value, grads = 0.0, []
    for W, b in params:
        value += lam * np.linalg.norm(W, "fro") ** 2
        grads.append([W * (2 * lam), b * 0.0])  # lists instead of tuples are fine
    return value, grads


def l1_where(params, lam):
    total = lam * sum(np.abs(W).sum() for W, _ in params)
    return np.float64(total), [(np.where(W > 0, lam, -lam), np.zeros(b.shape)) for W, b in params]


def dropout_binomial(A, p, rng, train=True):
    if not train:
        return A, None
    mask = rng.binomial(1, 1 - p, size=A.shape)  # an integer mask
    return A * mask / (1 - p), mask


def dropout_uniform_bool(A, p, rng, train=True):
    if train:
        keep = rng.uniform(size=A.shape) < 1 - p  # a boolean mask
        return np.where(keep, A / (1 - p), 0.0), keep
    return A.copy(), np.ones_like(A)


def dropout_backward_where(dout, mask, p):
    return np.where(mask == 1, dout / (1 - p), 0.0)


def step_decay_floor(lr0, epoch, drop=0.5, every=10):
    return lr0 * math.pow(drop, math.floor(epoch / every))


class EarlyStoppingHistory:
    """Keeps the whole history; stops at the first epoch without improvement when patience is 0."""

    def __init__(self, patience):
        self.patience = patience
        self.losses = []
        self.best_epoch = None

    def step(self, val_loss):
        self.losses.append(val_loss)
        if self.best_epoch is None or val_loss < self.losses[self.best_epoch]:
            self.best_epoch = len(self.losses) - 1
            return False
        return len(self.losses) - 1 - self.best_epoch >= self.patience


def standardize_eps(X_train, *others):
    mu = np.mean(X_train, axis=0)
    sigma = np.sqrt(np.mean((X_train - mu) ** 2, axis=0)) + 1e-9
    return [(X - mu) / sigma for X in (X_train,) + others]


def standardize_masked(X_train, *others):
    mu, sd = X_train.mean(0), X_train.std(0)
    sd[sd == 0] = 1
    return tuple([(X_train - mu) / sd] + [(X - mu) / sd for X in others])


def hinge_clip(scores, y):
    return float(np.clip(1 - y * scores, 0, None).sum() / len(y))


REFERENCES = {
    "l2_penalty": regularization.l2_penalty, "l1_penalty": regularization.l1_penalty,
    "dropout_forward": regularization.dropout_forward, "dropout_backward": regularization.dropout_backward,
    "step_decay": schedules.step_decay, "EarlyStopping": ReferenceEarlyStopping,
    "standardize": preprocessing.standardize, "hinge_loss": losses.hinge_loss,
}
ALTERNATIVES = {
    "l2_penalty": [l2_loops], "l1_penalty": [l1_where],
    "dropout_forward": [dropout_binomial, dropout_uniform_bool], "dropout_backward": [dropout_backward_where],
    "step_decay": [step_decay_floor], "EarlyStopping": [EarlyStoppingHistory],
    "standardize": [standardize_eps, standardize_masked], "hinge_loss": [hinge_clip],
}
CORRECT = [(name, fn) for name in EXERCISES for fn in [REFERENCES[name], *ALTERNATIVES[name]]]
MISTAKES = [(name, m) for name, ex in EXERCISES.items() for m in ex.mistakes]


def _impl(mistake):
    # the shared-state mistake keeps its state on the class: give every use a fresh class
    return lesson10.shared_state_class() if mistake.name == "state on the class" else mistake.impl


def test_exercises_match_the_contract():
    assert sorted(EXERCISES) == sorted(["l2_penalty", "l1_penalty", "dropout_forward", "dropout_backward",
                                        "step_decay", "EarlyStopping", "standardize", "hinge_loss"])
    for name in EXERCISES:
        assert getattr(lesson10, f"check_{name}") == EXERCISES[name].check
        assert len(EXERCISES[name].mistakes) >= 3, f"{name} needs at least three typical mistakes"


@pytest.mark.parametrize("name,fn", CORRECT, ids=[f"{n}-{getattr(f, '__name__', f)}" for n, f in CORRECT])
def test_correct_answers_pass_the_self_check(name, fn, capsys):
    EXERCISES[name].check(fn)
    assert "passed all" in capsys.readouterr().out


@pytest.mark.parametrize("name,fn", CORRECT, ids=[f"{n}-{getattr(f, '__name__', f)}" for n, f in CORRECT])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_correct_answers_get_full_points(name, fn, seed):
    assert EXERCISES[name].grade(fn, points=3, seed=seed) == 3


@pytest.mark.parametrize("name,mistake", MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_mistake_fails_with_its_hint(name, mistake):
    with pytest.raises(CheckFailed) as info:
        EXERCISES[name].check(_impl(mistake))
    assert mistake.hint in str(info.value)
    assert name in str(info.value) or EXERCISES[name].signature.split("(")[0] in str(info.value)


@pytest.mark.parametrize("name,mistake", MISTAKES, ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_mistake_loses_points(name, mistake, capsys):
    try:
        earned = EXERCISES[name].grade(_impl(mistake), points=3, seed=7)
    except CheckFailed:
        earned = 0.0
    assert earned < 3


def test_failure_messages_name_input_expected_got_and_entry():
    def l2_no_two(params, lam):
        return lam * sum(np.sum(W**2) for W, _ in params), [(lam * W, np.zeros_like(b)) for W, b in params]

    with pytest.raises(CheckFailed) as info:
        lesson10.check_l2_penalty(l2_no_two)
    text = str(info.value)
    assert "l2_penalty(params, lam)" in text and "input:" in text
    assert "first wrong entry [1][0][0][0, 0]" in text and "expected 0.2, got 0.1" in text


@pytest.mark.parametrize("name", list(EXERCISES))
def test_bad_arguments_to_the_check(name):
    check = EXERCISES[name].check
    for bad in (None, [1.0, 2.0], 3.0):
        with pytest.raises(CheckFailed) as info:
            check(bad)
        assert f"check_{name}" in str(info.value) and "got" in str(info.value)


def test_class_check_refuses_an_instance():
    with pytest.raises(CheckFailed, match="needs your class itself"):
        lesson10.check_EarlyStopping(ReferenceEarlyStopping(3))


@pytest.mark.parametrize("name", [n for n in EXERCISES if n != "EarlyStopping"])
def test_function_returning_none(name):
    with pytest.raises(CheckFailed) as info:
        EXERCISES[name].check(lambda *args, **kwargs: None)
    assert "None" in str(info.value) and "return" in str(info.value)


def test_early_stopping_step_returning_none():
    class Forgot:
        def __init__(self, patience):
            self.best_epoch = 0

        def step(self, val_loss):
            pass

    with pytest.raises(CheckFailed, match="returned None"):
        lesson10.check_EarlyStopping(Forgot)


def test_early_stopping_without_best_epoch():
    class NoBest:
        def __init__(self, patience):
            self.patience, self.best, self.wait = patience, math.inf, 0

        def step(self, val_loss):
            if val_loss < self.best:
                self.best, self.wait = val_loss, 0
            else:
                self.wait += 1
            return self.wait >= self.patience

    with pytest.raises(CheckFailed, match="no attribute best_epoch"):
        lesson10.check_EarlyStopping(NoBest)


def test_not_implemented_is_reported_as_such():
    def stub(*args, **kwargs):
        raise NotImplementedError()

    class Stub:
        def __init__(self, patience=5):
            raise NotImplementedError()

    for name in EXERCISES:
        with pytest.raises(NotImplementedYet, match="not written yet"):
            EXERCISES[name].check(Stub if name == "EarlyStopping" else stub)


@pytest.mark.parametrize("name,bad,fragment", [
    ("l2_penalty", lambda params, lam: (lam * sum(np.sum(W**2) for W, _ in params), [2 * lam * W for W, _ in params]),
     "should be a tuple of 2 values"),
    ("standardize", lambda X, *o: [X.tolist()] + [Y.tolist() for Y in o], "Python list"),
    ("standardize", lambda X, *o: tuple(Y.T for Y in (X, *o)), "transposed"),
    ("hinge_loss", lambda s, y: np.maximum(0, 1 - y * s), "single number"),
    ("dropout_backward", lambda d, m, p: (d * m / (1 - p))[:, :1], "shape"),
    ("dropout_forward", lambda A, p, rng, train=True: (A[:1], np.ones_like(A)), "shape"),
    ("dropout_forward", lambda A, p, rng, train=True: A, "pair (out, mask)"),
])
def test_wrong_types_and_shapes_get_clear_messages(name, bad, fragment):
    with pytest.raises(CheckFailed) as info:
        EXERCISES[name].check(bad)
    assert fragment in str(info.value)


def test_standardize_in_place_is_caught():
    def in_place(X_train, *others):
        mean, std = X_train.mean(0), X_train.std(0)
        std[std == 0] = 1
        for X in (*others, X_train):
            X -= mean
            X /= std
        return (X_train, *others)

    with pytest.raises(CheckFailed, match="modified its input `X_train` in place"):
        lesson10.check_standardize(in_place)


def test_l2_penalty_that_mutates_params_is_caught():
    def mutating(params, lam):
        value = lam * sum(np.sum(W**2) for W, _ in params)
        grads = []
        for W, b in params:
            W *= 2 * lam  # turns the weights into the gradient
            grads.append((W, np.zeros_like(b)))
        return value, grads

    with pytest.raises(CheckFailed, match="modified params"):
        lesson10.check_l2_penalty(mutating)


def test_dropout_statistics_do_not_depend_on_the_draw():
    """Every correct sampler passes on many seeds: no check depends on a particular mask."""
    for seed in range(40):
        for fn in (regularization.dropout_forward, dropout_binomial, dropout_uniform_bool):
            assert EXERCISES["dropout_forward"].grade(fn, points=1, seed=seed) == 1


def test_early_stopping_patience_zero_accepts_both_readings():
    class StopAtOnce(ReferenceEarlyStopping):  # the reference: patience 0 stops at the first call
        pass

    lesson10.check_EarlyStopping(StopAtOnce)
    lesson10.check_EarlyStopping(EarlyStoppingHistory)  # stops at the first epoch without improvement


def test_hidden_checks_vary_with_the_seed():
    for name, ex in EXERCISES.items():
        a = ex.hidden(np.random.default_rng(1))
        b = ex.hidden(np.random.default_rng(2))
        assert a and b
        labels_a = [getattr(c, "label", "") for c in a]
        labels_b = [getattr(c, "label", "") for c in b]
        if name not in ("dropout_forward",):  # dropout labels name only shape and p, which may coincide
            assert labels_a != labels_b, f"{name}: hidden checks do not change with the seed"


def test_hidden_early_stopping_sequences_contain_ties():
    checks = lesson10._early_stopping_hidden(np.random.default_rng(5))
    assert any("ties" in c.label for c in checks)
