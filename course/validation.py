"""Input checking with errors that name the problem.

Every public function of the course package passes its array arguments through
:func:`as_array` so that a student who passes ``None``, a Python list, a NaN or an
array of the wrong shape gets one clear sentence instead of a traceback from deep
inside numpy.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

__all__ = ["CourseInputError", "as_array", "check_same_shape", "check_labels", "check_rng", "check_probability"]


class CourseInputError(ValueError):
    """Raised when an argument has the wrong type, shape or values.

    It subclasses :class:`ValueError` so that ``except ValueError`` keeps working,
    and renders in IPython as a single line without a deep traceback.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[31m{type(self).__name__}\x1b[0m: {self}"]


def _describe(x: object) -> str:
    if x is None:
        return "None"
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    return f"a {type(x).__name__}"


def as_array(
    x: object,
    name: str,
    *,
    ndim: int | Sequence[int] | None = None,
    shape: Sequence[int | None] | None = None,
    allow_list: bool = False,
    finite: bool = True,
) -> np.ndarray:
    """Return ``x`` as a float64 array after checking it.

    Parameters
    ----------
    x : array_like
        The value to check.
    name : str
        The argument's name, used in error messages.
    ndim : int or sequence of int, optional
        Allowed numbers of dimensions.
    shape : sequence of (int or None), optional
        Required shape; ``None`` entries match any length.
    allow_list : bool, default=False
        Accept Python lists and tuples (converted with ``np.asarray``). By default a
        list is refused with a hint, because the lessons work with arrays.
    finite : bool, default=True
        Refuse NaN and infinite entries.

    Returns
    -------
    ndarray of float64
    """
    if x is None:
        raise CourseInputError(f"`{name}` is None; expected a numpy array (did a function forget to `return`?)")
    if isinstance(x, (list, tuple)) and not allow_list:
        raise CourseInputError(
            f"`{name}` is a Python {type(x).__name__}; pass a numpy array instead, e.g. np.array({name})"
        )
    if isinstance(x, (bool, np.bool_)):
        raise CourseInputError(f"`{name}` is a bool; expected numbers")
    if isinstance(x, (int, float, np.number)):
        x = np.asarray(x, dtype=np.float64)
    elif isinstance(x, np.ndarray) or (allow_list and isinstance(x, (list, tuple))):
        try:
            x = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise CourseInputError(f"`{name}` cannot be read as numbers: {exc}") from None
    else:
        raise CourseInputError(f"`{name}` is {_describe(x)}; expected a numpy array of numbers")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if x.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise CourseInputError(f"`{name}` must be {want}, got shape {x.shape}")
    if shape is not None:
        if x.ndim != len(shape) or any(s is not None and s != d for s, d in zip(shape, x.shape)):
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
            raise CourseInputError(f"`{name}` must have shape {want}, got {x.shape}")
    if finite and x.size and not np.all(np.isfinite(x)):
        bad = np.argwhere(~np.isfinite(x))[0]
        where = tuple(int(i) for i in bad) if x.ndim else ()
        raise CourseInputError(f"`{name}` contains {x[where] if where else x} at index {where}; expected finite numbers")
    return x


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise :class:`CourseInputError` unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise CourseInputError(f"`{name_a}` has shape {a.shape} but `{name_b}` has shape {b.shape}; they must match")


def check_labels(y: np.ndarray, name: str, allowed: Iterable[float]) -> None:
    """Raise :class:`CourseInputError` unless every entry of ``y`` is in ``allowed``."""
    allowed = tuple(allowed)
    bad = ~np.isin(y, allowed)
    if np.any(bad):
        value = y[np.argwhere(bad)[0][0]] if y.ndim else y
        labels = "{" + ", ".join(f"{a:g}" for a in allowed) + "}"
        raise CourseInputError(f"labels `{name}` must be in {labels} here; found {value:g}")


def check_rng(rng: object, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` if it is a :class:`numpy.random.Generator`, else raise a clear error."""
    if not isinstance(rng, np.random.Generator):
        raise CourseInputError(
            f"`{name}` must be a numpy.random.Generator (e.g. np.random.default_rng(0)), got {_describe(rng)}"
        )
    return rng


def check_probability(p: object, name: str, *, inclusive_high: bool = False) -> float:
    """Return ``p`` as a float in [0, 1) (or [0, 1] with ``inclusive_high``)."""
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float, np.number)):
        raise CourseInputError(f"`{name}` must be a number in [0, 1), got {_describe(p)}")
    p = float(p)
    ok = 0.0 <= p <= 1.0 if inclusive_high else 0.0 <= p < 1.0
    if not ok:
        raise CourseInputError(f"`{name}` must be in [0, 1{']' if inclusive_high else ')'}, got {p}")
    return p
