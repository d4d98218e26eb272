"""Keep text on stderr from zeroing a test cell."""
from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

from .. import notebooks as nbt


class DemoteStderr(NbGraderPreprocessor):
    """Turn stderr output of graded cells into stdout, marked ``[stderr]``.

    nbgrader gives 0 to a test cell with *any* stderr output, so a harmless
    ``RuntimeWarning`` from a correct solution costs all its points. Here the score of a
    test cell is the number it ends with, and failures are errors; stderr carries no
    verdict, so it is kept for the feedback but no longer decides the grade.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and nbt.is_graded(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    output["name"] = "stdout"
                    output["text"] = "".join(f"[stderr] {line}" for line in output["text"].splitlines(True))
        return cell, resources
