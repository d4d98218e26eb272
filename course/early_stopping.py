"""Early stopping with patience on a validation loss."""
from __future__ import annotations

import math

import numpy as np

from .validation import CourseInputError

__all__ = ["EarlyStopping"]


class EarlyStopping:
    """Stop once ``patience`` consecutive epochs bring no strictly lower validation loss.

    A loss equal to the best so far is *not* an improvement. With ``patience=k`` the
    ``k``-th consecutive call without improvement returns True; with ``patience=0``
    there is no patience at all and :meth:`step` returns True at once.

    Parameters
    ----------
    patience : int, default=5
        How many consecutive epochs without improvement end training.

    Attributes
    ----------
    best_loss : float
        The lowest loss seen so far.
    best_epoch : int
        The 0-based index of the :meth:`step` call that saw ``best_loss`` (-1 before any).
    """

    def __init__(self, patience: int = 5) -> None:
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)) or patience < 0:
            raise CourseInputError(f"`patience` must be a non-negative integer, got {patience!r}")
        self.patience = int(patience)
        self.best_loss = math.inf
        self.best_epoch = -1
        self.calls = 0
        self.bad_epochs = 0

    def step(self, val_loss: float) -> bool:
        """Record one epoch's validation loss; return True when training should stop."""
        if isinstance(val_loss, np.ndarray) and val_loss.ndim == 0:
            val_loss = val_loss.item()
        if isinstance(val_loss, (bool, np.bool_)) or not isinstance(val_loss, (int, float, np.number)) \
                or math.isnan(val_loss):
            raise CourseInputError(f"`val_loss` must be a number, got {val_loss!r}")
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch, self.bad_epochs = float(val_loss), self.calls, 0
        else:
            self.bad_epochs += 1
        self.calls += 1
        return self.bad_epochs >= self.patience

    def __repr__(self) -> str:
        return f"EarlyStopping(patience={self.patience}, best_epoch={self.best_epoch}, best_loss={self.best_loss:.4g})"
