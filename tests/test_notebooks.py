"""Every notebook: valid, without outputs, current, and running as the contract says.

Solution notebooks must run top to bottom with no error and full points on every
autograded test; released lessons must fail only inside exercise cells.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from autograder import notebooks as nbt
from autograder import release
from autograder.paths import LESSONS, SOLUTIONS, assignments
from course._config import setup_cell_source
from notebook_runner import errors, executed, text_of

ASSIGNMENTS = assignments()
ALL_NOTEBOOKS = [SOLUTIONS / a / f"{a}.ipynb" for a in ASSIGNMENTS] + [LESSONS / a / f"{a}.ipynb" for a in ASSIGNMENTS]


def _id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.stem}"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=_id)
def test_notebook_is_valid_clean_and_has_cell_ids(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    ids = [c.get("id") for c in nb.cells]
    assert all(ids), "every cell needs an id (nbformat 4.5)"
    assert len(set(ids)) == len(ids), "cell ids must be unique"
    grade_ids = [nbt.grade_id(c) for c in nb.cells if nbt.grade_id(c)]
    assert len(set(grade_ids)) == len(grade_ids), "nbgrader grade_ids must be unique"
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"cells {dirty} were committed with outputs; strip them"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=_id)
def test_first_code_cell_is_the_configured_setup_cell(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert first.source == setup_cell_source(), "run `python -m autograder sync-setup`"
    assert nbt.grade_id(first) == "setup" and first.metadata["nbgrader"]["locked"]


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=_id)
def test_no_ipympl_or_lab_only_magics(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "ipympl" not in cell.source and "%matplotlib widget" not in cell.source
            assert not re.search(r"^\s*%(?!pip\b)", cell.source, re.M), "no IPython magics: keep cells plain Python"


def test_lessons_are_what_nbgrader_generates() -> None:
    problems = release.stale()
    assert not problems, "\n".join(problems)


def _hidden_grade_calls(source: str) -> list[ast.Call]:
    hidden = source.split("### BEGIN HIDDEN TESTS", 1)[-1] if "### BEGIN HIDDEN TESTS" in source else ""
    hidden = hidden.split("### END HIDDEN TESTS", 1)[0]
    tree = ast.parse(hidden)
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "grade"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_grade_their_own_exercise_with_their_points(assignment: str) -> None:
    nb = nbformat.read(str(SOLUTIONS / assignment / f"{assignment}.ipynb"), as_version=4)
    solutions = {nbt.grade_id(c) for c in nbt.solution_cells(nb)}
    for cell in nbt.graded_cells(nb):
        gid = nbt.grade_id(cell)
        assert gid.startswith("test_"), f"graded cell {gid} must be named test_<exercise>"
        name = gid[len("test_"):]
        assert name in solutions, f"{gid} has no solution cell {name!r}"
        calls = _hidden_grade_calls(cell.source)
        assert len(calls) == 1, f"{gid}: its hidden part must end with one grade(...) call"
        call = calls[0]
        args = [ast.literal_eval(a) if isinstance(a, ast.Constant) else getattr(a, "id", None) for a in call.args]
        points = {k.arg: ast.literal_eval(k.value) for k in call.keywords}.get("points")
        assert args[0] == assignment[:2] and args[1] == name, f"{gid} grades {args[:2]}"
        assert points == cell.metadata["nbgrader"]["points"], f"{gid}: points in grade() differ from the metadata"
        last = ast.parse(cell.source).body[-1]
        assert isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) and \
            getattr(last.value.func, "id", None) == "grade", f"{gid}: grade(...) must be the cell's last expression"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_runs_clean_with_full_points(assignment: str) -> None:
    nb, seconds = executed(str(SOLUTIONS / assignment / f"{assignment}.ipynb"), False)
    assert not errors(nb)
    for cell in nbt.graded_cells(nb):
        outs = cell.get("outputs", [])
        assert not [o for o in outs if o.get("name") == "stderr"], f"{nbt.grade_id(cell)} wrote to stderr"
        results = [o for o in outs if o.get("output_type") == "execute_result"]
        assert results, f"{nbt.grade_id(cell)} produced no score"
        assert float(text_of(results[-1])) == cell.metadata["nbgrader"]["points"], nbt.grade_id(cell)
    print(f"{assignment}: solution executed in {seconds:.1f} s")


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_lesson_fails_only_inside_exercises(assignment: str) -> None:
    nb, _ = executed(str(LESSONS / assignment / f"{assignment}.ipynb"), True)
    for index, cell, output in errors(nb):
        meta = cell.metadata.get("nbgrader", {})
        assert meta.get("solution") or meta.get("grade"), (
            f"cell {index} ({nbt.grade_id(cell) or 'teaching/widget cell'}) failed outside an exercise:\n"
            + text_of(output)[-1500:])
    graded = nbt.graded_cells(nb)
    failing = {nbt.grade_id(c) for i, c, _ in errors(nb)}
    assert all(nbt.grade_id(c) in failing for c in graded), "an unimplemented exercise passed its self-check"
