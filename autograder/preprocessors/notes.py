"""What the preprocessors found, recorded in the graded notebook's metadata for feedback and the report."""
from __future__ import annotations

from nbformat import NotebookNode

NOTES_KEY = "workbook_grader"


def note(nb: NotebookNode, kind: str, message: str, cell: str | None = None) -> None:
    """Record a finding (``kind`` e.g. "tamper", "reference", "restored", "timeout")."""
    entry = {"kind": kind, "message": message}
    if cell:
        entry["cell"] = cell
    notes = nb.metadata.setdefault(NOTES_KEY, {}).setdefault("notes", [])
    if entry not in notes:
        notes.append(entry)


def notes_of(nb: NotebookNode) -> list[dict]:
    return list(nb.get("metadata", {}).get(NOTES_KEY, {}).get("notes", []))


def error_output(ename: str, evalue: str) -> NotebookNode:
    """An error output, which makes nbgrader score a test cell 0."""
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])
