"""Instructor tooling around nbgrader: generate lessons, import, autograde in parallel, feedback, export, report.

``python -m autograder --help`` lists the steps. From Python, :func:`grade_notebook` grades one
notebook file with the full pipeline and returns ``{grade_id: (score, max_score)}``.
"""


def grade_notebook(*args, **kwargs):
    """See :func:`autograder.api.grade_notebook` (imported lazily: nbgrader is heavy)."""
    from .api import grade_notebook as _grade

    return _grade(*args, **kwargs)
