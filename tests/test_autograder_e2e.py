"""End to end through real nbgrader, for every lesson: solutions get full marks, released lessons zero
without grader errors, partial submissions exactly the points of their correct exercises."""
from __future__ import annotations

import pytest

from autograder.paths import assignments
from autograder_batch import graded_batch

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("assignment", assignments())
@pytest.mark.parametrize("kind", ["sol", "rel", "part"])
def test_lesson_grades_exactly(assignment, kind):
    batch = graded_batch()
    student = f"{kind}{assignment[:2]}"
    result = batch.results()[student]
    assert result["status"] == "done", result["details"].get("error")
    assert batch.scores()[student] == batch.expected[student]
    if kind == "sol":
        review = [n for n in result["details"]["notes"] if n["kind"] in ("tamper", "reference")]
        assert not review, f"the solution of {assignment} would be flagged: {review}"
