"""Time per epoch of course.mlp.MLP against scikit-learn's MLPClassifier on the 8x8 digits.

Both networks have the same architecture (64-64-10, ReLU hidden layer, softmax output with
cross-entropy), the same mini-batch size (32), the same optimizer (Adam, lr 1e-3), the same L2
penalty and the same number of epochs, on the same stratified 80/20 split standardized with the
training statistics. Each epoch is timed on its own:

* ours: wall time between consecutive calls of ``MLP.fit``'s ``callback`` (everything ``fit``
  does in an epoch: shuffling, forward, backward, Adam);
* scikit-learn: one ``partial_fit`` call, which is one pass over the data.

The script prints the test accuracy of each and the ratio of median epoch times,
sklearn / ours (above 1 means ours is faster). Timings are wall-clock on a possibly shared
machine: compare the ratio, not absolute numbers.

Run: ``python bench/bench_mlp_digits.py [--epochs 50] [--seeds 3]``.
"""
from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from course.datasets import load_digits
from course.mlp import MLP
from course.preprocessing import standardize

HIDDEN = 64
BATCH_SIZE = 32
LR = 1e-3
L2 = 1e-3
"""Ours adds ``L2 * sum ||W||^2`` to each batch-mean loss (gradient ``2 L2 W``)."""
ALPHA = 2 * L2 * BATCH_SIZE
"""scikit-learn adds ``alpha / (2 * batch) * ||W||^2`` to each batch loss: the same gradient."""


def run(seed: int, epochs: int) -> dict[str, float]:
    """Train both networks on one split; return accuracies and median ms per epoch."""
    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(digits.X, digits.y, test_size=0.2, stratify=digits.y,
                                                        random_state=seed)
    X_train, X_test = standardize(X_train, X_test)

    ours = MLP([64, HIDDEN, 10], np.random.default_rng(seed), activation="relu", output="softmax")
    stamps = [time.perf_counter()]
    ours.fit(X_train, y_train, epochs=epochs, batch_size=BATCH_SIZE, optimizer="adam", lr=LR, l2=L2,
             callback=lambda epoch, history: stamps.append(time.perf_counter()))
    ours_times = np.diff(stamps)

    theirs = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="adam", learning_rate_init=LR,
                           batch_size=BATCH_SIZE, alpha=ALPHA, random_state=seed, shuffle=True)
    theirs_times = []
    classes = np.arange(10)
    y_int = y_train.astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(epochs):
            start = time.perf_counter()
            theirs.partial_fit(X_train, y_int, classes=classes)
            theirs_times.append(time.perf_counter() - start)
    return {
        "ours_acc": ours.accuracy(X_test, y_test),
        "sklearn_acc": float(np.mean(theirs.predict(X_test) == y_test.astype(int))),
        "ours_ms": 1e3 * float(np.median(ours_times)),
        "sklearn_ms": 1e3 * float(np.median(theirs_times)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print(f"digits, 64-{HIDDEN}-10 ReLU/softmax, Adam lr {LR}, batch {BATCH_SIZE}, L2 {L2} "
          f"(sklearn alpha {ALPHA:g}), {args.epochs} epochs, stratified 80/20 split, standardized")
    print(f"{'seed':>4}  {'ours acc':>8}  {'sklearn acc':>11}  {'ours ms/epoch':>13}  {'sklearn ms/epoch':>16}  ratio")
    rows = []
    for seed in range(args.seeds):
        r = run(seed, args.epochs)
        rows.append(r)
        print(f"{seed:>4}  {r['ours_acc']:>8.4f}  {r['sklearn_acc']:>11.4f}  {r['ours_ms']:>13.2f}  "
              f"{r['sklearn_ms']:>16.2f}  {r['sklearn_ms'] / r['ours_ms']:.2f}")
    ratio = float(np.median([r["sklearn_ms"] / r["ours_ms"] for r in rows]))
    print(f"median accuracy: ours {np.median([r['ours_acc'] for r in rows]):.4f}, "
          f"sklearn {np.median([r['sklearn_acc'] for r in rows]):.4f}")
    print(f"time per epoch, sklearn / ours: {ratio:.2f} ({'ours faster' if ratio >= 1 else 'ours slower'})")


if __name__ == "__main__":
    main()
