"""Zero the tests that ran after code tampering with the checks; flag solutions that use the reference code."""
from __future__ import annotations

from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .. import integrity
from .. import notebooks as nbt
from ..paths import LESSONS
from .notes import error_output, note


class IntegrityCheck(NbGraderPreprocessor):
    """Scan the code a student wrote (outside the kernel) with :mod:`autograder.integrity`.

    Cells identical to a cell of the released lesson and locked cells (restored from the
    source) are the course's code and are not scanned. A ``tamper`` finding in cell *k*
    inserts an error into every test cell after *k*, so those tests score 0 with the reason;
    a ``reference`` finding is only recorded (for the class report's integrity review).
    """

    release_directory = Unicode(str(LESSONS), help="Released lessons, whose own cells are trusted").tag(config=True)

    def _released_sources(self, resources) -> set[str]:
        info = resources.get("nbgrader", {})
        path = Path(self.release_directory) / info.get("assignment", "") / f"{info.get('notebook', '')}.ipynb"
        if not path.is_file():
            return set()
        return {nbt.normalized(c.source) for c in nbt.read(path).cells if c.cell_type == "code"}

    def preprocess(self, nb, resources):
        trusted = self._released_sources(resources)
        student = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and not nbt.meta(c).get("locked")
                   and nbt.normalized(c.source) not in trusted]
        modules = integrity.imported_modules([c.source for c in nb.cells if c.cell_type == "code"])
        first_tamper = None
        for index, cell in student:
            where = nbt.grade_id(cell) or f"cell {index + 1}"
            for finding in integrity.scan(cell.source, modules=modules):
                note(nb, finding.kind, f"{where}, line {finding.line}: {finding.message}", where)
                if finding.kind == "tamper" and first_tamper is None:
                    first_tamper = (index, where, finding)
        if first_tamper is not None:
            index, where, finding = first_tamper
            reason = (f"code in {where} (line {finding.line}) {finding.message}; tests that run after it "
                      "cannot be trusted and score 0")
            for cell in nb.cells[index + 1:]:
                if cell.cell_type == "code" and nbt.is_graded(cell):
                    cell.outputs = [error_output("IntegrityError", reason)] + list(cell.get("outputs", []))
        return nb, resources
