"""Reading, building and editing nbgrader notebooks.

Used by the tests (to make fake submissions: replace a solution, delete a test cell)
and by lesson authors (to build a solution notebook's cells with the right metadata).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import nbformat
from nbformat import NotebookNode

NBGRADER_SCHEMA = 3


def read(path: str | Path) -> NotebookNode:
    return nbformat.read(str(path), as_version=4)


def write(nb: NotebookNode, path: str | Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def _nbgrader(cell: NotebookNode, **fields: object) -> NotebookNode:
    cell.metadata["nbgrader"] = {"schema_version": NBGRADER_SCHEMA, "cell_type": cell.cell_type, **fields}
    return cell


def markdown(source: str) -> NotebookNode:
    """A plain teaching cell."""
    return nbformat.v4.new_markdown_cell(source.strip("\n"))


def code(source: str) -> NotebookNode:
    """A plain, editable code cell (demos, widgets)."""
    return nbformat.v4.new_code_cell(source.strip("\n"))


def locked(grade_id: str, source: str) -> NotebookNode:
    """A read-only code cell that nbgrader restores if a student edits it (setup, self-check)."""
    return _nbgrader(code(source), grade=False, solution=False, locked=True, grade_id=grade_id)


def solution(grade_id: str, source: str) -> NotebookNode:
    """A solution cell; the part between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` is removed on release."""
    if "### BEGIN SOLUTION" not in source:
        raise ValueError(f"solution cell {grade_id!r} has no ### BEGIN SOLUTION marker")
    return _nbgrader(code(source), grade=False, solution=True, locked=False, grade_id=grade_id)


def test(grade_id: str, points: float, source: str) -> NotebookNode:
    """A locked autograded test cell worth ``points``."""
    return _nbgrader(code(source), grade=True, solution=False, locked=True, grade_id=grade_id, points=points)


def new_notebook(cells: Iterable[NotebookNode]) -> NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def grade_id(cell: NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def find(nb: NotebookNode, gid: str) -> NotebookNode:
    """The cell with nbgrader ``grade_id`` ``gid``."""
    for cell in nb.cells:
        if grade_id(cell) == gid:
            return cell
    raise KeyError(f"no cell with grade_id {gid!r}")


def graded_cells(nb: NotebookNode) -> list[NotebookNode]:
    return [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")]


def solution_cells(nb: NotebookNode) -> list[NotebookNode]:
    return [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")]


def strip_outputs(nb: NotebookNode) -> NotebookNode:
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def meta(cell: NotebookNode) -> dict:
    """The cell's nbgrader metadata ({} if none)."""
    found = cell.get("metadata", {}).get("nbgrader")
    return found if isinstance(found, dict) else {}


def is_graded(cell: NotebookNode) -> bool:
    return bool(meta(cell).get("grade"))


def normalized(source: str) -> str:
    """Source with whitespace differences removed (for comparing cells)."""
    return "\n".join(line.rstrip() for line in source.strip().splitlines() if line.strip())
