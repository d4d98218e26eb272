"""Grade one notebook file from Python: ``grade_notebook(path, assignment, student)``."""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from . import release
from .gradebook import make_template
from .worker import run_job


def grade_notebook(path: str | Path, assignment: str, student: str = "student",
                   config: dict | None = None, details: bool = False) -> dict[str, Any]:
    """Autograde the notebook at ``path`` as ``student``'s submission of ``assignment``, with real nbgrader.

    Uses the course configuration (sandboxed kernel, cell restoration, integrity checks) and a
    throw-away gradebook; touches no grading state and never modifies ``path``.

    Returns ``{grade_id: (score, max_score)}`` for every test cell; with ``details=True``,
    ``{"scores": ..., "notes": [...], "tests": {grade_id: message}, "error": str | None}``.
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="grade-notebook-") as tmp:
        tmp = Path(tmp)
        db_url = f"sqlite:///{tmp / 'gradebook.db'}"
        release.generate([assignment], release_dir=tmp / "release", db_url=db_url)
        make_template(db_url, [assignment], tmp / "template.db")
        from .gradebook import gradebook

        with gradebook(db_url) as gb:
            maxima = {c.name: c.max_score for nb in gb.find_assignment(assignment).notebooks for c in nb.grade_cells}
        job = {"student": student, "assignment": assignment, "files": {f"{assignment}.ipynb": str(path)},
               "workdir": str(tmp / "job"), "template": str(tmp / "template.db"), "config": config or {},
               "digest": hashlib.sha256(path.read_bytes()).hexdigest()}
        result = run_job(job)
    graded = {}
    for nb in result.get("notebooks", {}).values():
        graded.update(nb.get("grades", {}))
    scores = {gid: (float(graded.get(gid) or 0.0), float(maximum)) for gid, maximum in sorted(maxima.items())}
    if not details:
        return scores
    return {"scores": scores, "notes": result.get("notes", []), "tests": result.get("tests", {}),
            "error": result.get("error"), "log": result.get("log", [])}
