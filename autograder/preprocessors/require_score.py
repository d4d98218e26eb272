"""A test cell must end with a valid score, or it scores 0."""
from __future__ import annotations

import ast

from nbgrader.preprocessors import NbGraderPreprocessor

from .. import notebooks as nbt
from .notes import error_output, note


def _ends_with_expression(source: str) -> bool:
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and isinstance(body[-1], ast.Expr)


class RequireScore(NbGraderPreprocessor):
    """Zero a graded cell whose score is missing or invalid.

    nbgrader gives *full* points to a test cell with no output at all, and to one whose
    result is not a number or is negative; it crashes on one above the maximum. Our test
    cells end with ``grade(...)``, which always shows the points earned, so a cell that
    did not show a number between 0 and its points did not run to the end (its traceback
    was suppressed, or its result replaced): it scores 0 with a note.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not nbt.is_graded(cell) or not _ends_with_expression(cell.source):
            return cell, resources
        outputs = cell.get("outputs", [])
        if any(o.get("output_type") == "error" for o in outputs):
            return cell, resources
        points = float(nbt.meta(cell).get("points", 0))
        results = [o for o in outputs if o.get("output_type") == "execute_result"]
        problem = None
        if not results:
            problem = "the test produced no score (it did not run to the end)"
        else:
            text = results[-1].get("data", {}).get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            try:
                value = float(text)
            except ValueError:
                problem = f"the test's result {text[:40]!r} is not a score"
            else:
                if not 0 <= value <= points:
                    problem = f"the test's result {value:g} is not between 0 and {points:g}"
        if problem:
            cell.outputs = [error_output("NoScore", problem + "; this test scores 0")] + [
                o for o in outputs if o.get("output_type") != "execute_result"]
            note(self._nb, "no score", f"{nbt.grade_id(cell)}: {problem}", nbt.grade_id(cell))
        return cell, resources

    def preprocess(self, nb, resources):
        self._nb = nb
        return super().preprocess(nb, resources)
