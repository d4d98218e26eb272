"""course.mlp.MLP.fit: the reference network reaches 97% on the digits; batch / mini-batch / SGD modes,
dropout, L2, early stopping, schedules and callbacks work; bad input gets clear errors.

(The speed comparison with scikit-learn lives in bench/bench_mlp_digits.py: no timing asserts here.)
"""
from __future__ import annotations

import numpy as np
import pytest

from course import gradcheck
from course import mlp as mlp_module
from course.datasets import blobs, load_digits, moons
from course.early_stopping import EarlyStopping
from course.mlp import MLP
from course.preprocessing import standardize, train_val_test_split
from course.schedules import step_decay
from course.validation import CourseInputError


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def _digits_split(digits, seed):
    (X_train, y_train), _, (X_test, y_test) = train_val_test_split(digits.X, digits.y, np.random.default_rng(seed),
                                                                   val=0.0, test=0.2)
    X_train, X_test = standardize(X_train, X_test)
    return X_train, y_train, X_test, y_test


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reference_mlp_reaches_97_percent_on_digits(digits, seed):
    """64-64-10 ReLU/softmax, Adam lr 1e-3, batches of 32, L2 1e-3, 50 epochs, standardized inputs.

    Over 12 random stratified 80/20 splits this setting averages 98.0% test accuracy (as does
    scikit-learn's MLPClassifier with the same architecture and penalty); the seeds here are fixed.
    """
    X_train, y_train, X_test, y_test = _digits_split(digits, seed)
    model = MLP([64, 64, 10], np.random.default_rng(100 + seed))
    history = model.fit(X_train, y_train, epochs=50, batch_size=32, optimizer="adam", lr=1e-3, l2=1e-3)
    assert len(history.loss) == 50 and history.loss[-1] < 0.05
    assert model.accuracy(X_test, y_test) >= 0.97


def test_training_is_deterministic_given_the_generator(digits):
    X_train, y_train, X_test, _ = _digits_split(digits, 0)
    X_train, y_train = X_train[:300], y_train[:300]
    runs = []
    for _ in range(2):
        model = MLP([64, 16, 10], np.random.default_rng(5))
        model.fit(X_train, y_train, epochs=3, dropout=0.2)
        runs.append(model.predict_proba(X_test))
    np.testing.assert_array_equal(runs[0], runs[1])


# --- batch, mini-batch and stochastic gradient descent ------------------------------------------------

@pytest.fixture
def blob_data():
    X, y = blobs(np.random.default_rng(0), 40, separation=4.0)
    return X, y


@pytest.mark.parametrize("batch_size,steps", [(None, 1), (40, 1), (16, 3), (1, 40)])
def test_batch_modes_take_the_right_number_of_steps_and_learn(blob_data, monkeypatch, batch_size, steps):
    X, y = blob_data
    calls = []
    original = mlp_module.Optimizer.step
    monkeypatch.setattr(mlp_module.Optimizer, "step", lambda self, p, g: calls.append(1) or original(self, p, g))
    model = MLP([2, 8, 1], np.random.default_rng(1), output="sigmoid")
    history = model.fit(X, y, epochs=30, batch_size=batch_size, optimizer="sgd", lr=0.1)
    assert len(calls) == 30 * steps
    assert history.loss[-1] < history.loss[0]
    assert model.accuracy(X, y) >= 0.95


def test_every_epoch_visits_every_example_in_a_new_order(blob_data, monkeypatch):
    X, y = blob_data
    seen = []
    original = mlp_module.minibatches

    def spy(*args, **kwargs):
        batches = list(original(*args, **kwargs))
        seen.append(np.concatenate([Xb for Xb, _ in batches]))
        return iter(batches)

    monkeypatch.setattr(mlp_module, "minibatches", spy)
    MLP([2, 4, 1], np.random.default_rng(0), output="sigmoid").fit(X, y, epochs=2, batch_size=8)
    for epoch in seen:
        assert sorted(map(tuple, epoch)) == sorted(map(tuple, X))
    assert not np.array_equal(seen[0], seen[1])


# --- L2 and dropout paths -----------------------------------------------------------------------------

def test_l2_gradient_matches_central_differences_and_leaves_biases_alone():
    X, y = moons(np.random.default_rng(0), 20)
    model = MLP([2, 5, 1], np.random.default_rng(0), activation="tanh", output="sigmoid")
    l2 = 0.3
    _, grads = model.gradients(X, y, l2=l2)
    _, plain = model.gradients(X, y)
    for (W, b), (dW, db), (dW0, db0) in zip(model.params, grads, plain):
        for x, g in ((W, dW), (b, db)):
            numeric = gradcheck.numerical_gradient(lambda: model.loss(X, y, l2=l2), x)
            assert gradcheck.relative_error(g, numeric) <= gradcheck.GRADING_MAX_RELATIVE_ERROR
        np.testing.assert_allclose(dW - dW0, 2 * l2 * W)
        np.testing.assert_array_equal(db, db0)


def test_dropout_backward_path_matches_central_differences_for_a_fixed_mask():
    X, y = moons(np.random.default_rng(1), 12)
    model = MLP([2, 6, 6, 1], np.random.default_rng(0), activation="tanh", output="sigmoid")
    Y = y[:, None]

    def loss_with_mask() -> float:
        model.rng = np.random.default_rng(42)  # the same masks at every evaluation
        out, _, _ = model._forward(X, dropout=0.4)
        return model.loss_fn.value(out, Y)

    model.rng = np.random.default_rng(42)
    out, cache, masks = model._forward(X, dropout=0.4)
    assert all(m is not None for m in masks[:-1]) and masks[-1] is None
    assert any(np.any(m == 0) for m in masks[:-1])
    flat = model._backward(out, cache, masks, Y, l2=0.0)
    for i, (W, b) in enumerate(model.params):
        for x, g in ((W, flat[2 * i]), (b, flat[2 * i + 1])):
            numeric = gradcheck.numerical_gradient(loss_with_mask, x)
            assert gradcheck.relative_error(g, numeric) <= gradcheck.GRADING_MAX_RELATIVE_ERROR


def test_dropout_is_off_at_prediction_and_changes_training(blob_data):
    X, y = blob_data
    with_dropout = MLP([2, 16, 1], np.random.default_rng(3), output="sigmoid")
    without = MLP([2, 16, 1], np.random.default_rng(3), output="sigmoid")
    with_dropout.fit(X, y, epochs=20, dropout=0.5, lr=0.01)
    without.fit(X, y, epochs=20, lr=0.01)
    np.testing.assert_array_equal(with_dropout.predict_proba(X), with_dropout.predict_proba(X))
    assert not np.allclose(with_dropout.params[0][0], without.params[0][0])
    assert with_dropout.accuracy(X, y) >= 0.9


def test_l2_shrinks_the_weights(blob_data):
    X, y = blob_data
    norms = []
    for l2 in (0.0, 0.05):
        model = MLP([2, 16, 1], np.random.default_rng(3), output="sigmoid")
        model.fit(X, y, epochs=100, l2=l2, lr=0.01)
        norms.append(sum(float(np.sum(W**2)) for W, _ in model.params))
    assert norms[1] < 0.5 * norms[0]


# --- validation, early stopping, schedules, callbacks --------------------------------------------------

@pytest.fixture
def overfitting_moons():
    X, y = moons(np.random.default_rng(3), 300, noise=0.3)
    return X[:50], y[:50], X[50:], y[50:]


@pytest.mark.parametrize("restore_best", [True, False])
def test_early_stopping_stops_and_restores_the_best_epoch(overfitting_moons, restore_best):
    X_train, y_train, X_val, y_val = overfitting_moons
    model = MLP([2, 40, 40, 1], np.random.default_rng(0), output="sigmoid")
    stopper = EarlyStopping(patience=5)
    history = model.fit(X_train, y_train, epochs=400, batch_size=None, lr=0.003, validation=(X_val, y_val),
                        early_stopping=stopper, restore_best=restore_best)
    assert history.stopped_early and len(history.val_loss) < 400
    assert history.best_epoch == stopper.best_epoch == int(np.argmin(history.val_loss))
    assert len(history.val_loss) == history.best_epoch + 5 + 1  # patience 5 after the best epoch
    final = model.loss(X_val, y_val)
    expected = history.val_loss[history.best_epoch] if restore_best else history.val_loss[-1]
    assert final == pytest.approx(expected, rel=1e-12)
    assert len(history.val_accuracy) == len(history.val_loss) == len(history.loss)


def test_without_early_stopping_the_best_epoch_is_reported_but_not_restored(overfitting_moons):
    X_train, y_train, X_val, y_val = overfitting_moons
    model = MLP([2, 40, 40, 1], np.random.default_rng(0), output="sigmoid")
    history = model.fit(X_train, y_train, epochs=60, batch_size=None, lr=0.003, validation=(X_val, y_val))
    assert not history.stopped_early and len(history.loss) == 60
    assert history.best_epoch == int(np.argmin(history.val_loss))
    assert model.loss(X_val, y_val) == pytest.approx(history.val_loss[-1], rel=1e-12)


def test_lr_schedule_and_callback(blob_data):
    X, y = blob_data
    seen_lrs, epochs = [], []
    model = MLP([2, 4, 1], np.random.default_rng(0), output="sigmoid")

    def schedule(epoch):
        seen_lrs.append(step_decay(0.1, epoch, drop=0.5, every=2))
        return seen_lrs[-1]

    def callback(epoch, history):
        epochs.append((epoch, len(history.loss)))
        return epoch == 4  # stop after the fifth epoch

    history = model.fit(X, y, epochs=10, optimizer="sgd", lr_schedule=schedule, callback=callback)
    assert epochs == [(e, e + 1) for e in range(5)]
    assert seen_lrs == [0.1, 0.1, 0.05, 0.05, 0.025]
    assert len(history.loss) == 5 and len(history.epoch_seconds) == 5


def test_predict_and_accuracy(digits):
    X_train, y_train, X_test, y_test = _digits_split(digits, 0)
    model = MLP([64, 32, 10], np.random.default_rng(0))
    model.fit(X_train[:400], y_train[:400], epochs=5)
    pred = model.predict(X_test)
    assert pred.shape == y_test.shape and set(np.unique(pred)) <= set(range(10))
    np.testing.assert_array_equal(pred, model.predict_proba(X_test).argmax(axis=1))
    assert model.accuracy(X_test, y_test) == pytest.approx(np.mean(pred == y_test))
    binary = MLP([2, 4, 1], np.random.default_rng(0), output="sigmoid")
    Xb = np.array([[0.0, 1.0], [3.0, -2.0]])
    np.testing.assert_array_equal(binary.predict(Xb), (binary.predict_proba(Xb)[:, 0] >= 0.5).astype(float))
    assert "MLP([64, 32, 10]" in repr(model)


# --- bad input ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,match", [
    (dict(X=np.zeros((5, 3))), "shape"),
    (dict(X=None), "None"),
    (dict(X=[[0.0, 1.0]]), "Python list"),
    (dict(y=np.zeros(4)), "rows"),
    (dict(y=np.array([0.0, 1.0, 2.0, 5.0, 1.0])), "labels"),
    (dict(epochs=0), "epochs"),
    (dict(epochs=2.5), "epochs"),
    (dict(batch_size=0), "batch_size"),
    (dict(batch_size=2.0), "batch_size"),
    (dict(dropout=1.0), "dropout"),
    (dict(dropout=-0.1), "dropout"),
    (dict(l2=-1e-3), "l2"),
    (dict(optimizer="adamax"), "unknown optimizer"),
    (dict(validation=np.zeros((3, 2))), "pair"),
    (dict(validation=(np.zeros((3, 4)), np.zeros(3))), "X_val"),
    (dict(early_stopping=EarlyStopping(3)), "validation"),
    (dict(early_stopping=3, validation=(np.zeros((3, 2)), np.zeros(3))), "step"),
    (dict(lr_schedule=0.1), "lr_schedule"),
    (dict(lr_schedule=lambda e: 0.1, optimizer="adadelta"), "no learning rate"),
])
def test_fit_rejects_bad_input(kwargs, match):
    model = MLP([2, 3, 3], np.random.default_rng(0))
    args = dict(X=np.zeros((5, 2)), y=np.array([0.0, 1.0, 2.0, 1.0, 0.0]))
    args.update(kwargs)
    with pytest.raises(CourseInputError, match=match):
        model.fit(args.pop("X"), args.pop("y"), **args)


def test_constructor_rejects_bad_input():
    with pytest.raises(CourseInputError, match="Generator"):
        MLP([2, 3, 1], rng=0)
    with pytest.raises(CourseInputError, match="output"):
        MLP([2, 3, 1], np.random.default_rng(0), output="tanh")
    with pytest.raises(CourseInputError, match="layer_sizes"):
        MLP([2], np.random.default_rng(0))
