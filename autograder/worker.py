"""Grade one submission with nbgrader's own ``Autograde`` converter, against a private gradebook.

Runs in a worker process (see :mod:`autograder.parallel`): the submission is copied into a
private folder with a private SQLite copy of the gradebook, nbgrader autogrades it there
with the course configuration (``autograder/nbgrader_config.py``: sandboxed kernels, cell
restoration, ...), and the grades, the grader's notes and each test's message come back as
plain data for the parent to merge into the real gradebook.
"""
from __future__ import annotations

import logging
import re
import shutil
import time
import traceback
from functools import lru_cache
from pathlib import Path
from typing import Any

from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from . import notebooks as nbt
from .gradebook import quiet_sqlalchemy, read_private
from .paths import AUTOGRADER
from .preprocessors.notes import notes_of
from .submissions import notebook_problem

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@lru_cache(maxsize=1)
def course_config() -> Config:
    """The course's nbgrader configuration (autograder/nbgrader_config.py)."""
    return PyFileConfigLoader("nbgrader_config.py", path=str(AUTOGRADER)).load_config()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


COUNT_LINE = re.compile(r"^\S+: \d+ of \d+ checks passed")


def headline(message: str) -> str:
    """The line of a test's message that says what went wrong (skipping "k of n checks passed")."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    for line in lines:
        if not COUNT_LINE.match(line):
            return line
    return lines[0] if lines else ""


def test_messages(nb) -> dict[str, str]:
    """What each test cell said: its error, or the failure it printed with partial credit."""
    out = {}
    for cell in nbt.graded_cells(nb):
        message = ""
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                known = o.get("ename") in ("CheckFailed", "TamperingDetected", "NotImplementedYet")
                message = ANSI.sub("", o.get("evalue", "") if known else f"{o.get('ename')}: {o.get('evalue')}")
                break
            if o.get("output_type") == "stream" and "✗ " in o.get("text", ""):
                message = ANSI.sub("", o["text"]).split("✗ ", 1)[1].split("\n→", 1)[0].strip()
        out[nbt.grade_id(cell)] = message[:1500]
    return out


def warm_up() -> None:
    """Run first in each new worker: importing this module (nbgrader, nbclient) and the configuration."""
    course_config()


def error_result(student: str, assignment: str, digest: str | None, message: str) -> dict[str, Any]:
    """A submission that cannot be graded: every test scores 0, with the reason."""
    return {"student": student, "assignment": assignment, "digest": digest, "error": message, "notebooks": {},
            "notes": [{"kind": "error", "message": message}], "tests": {}}


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Grade ``job`` (student, assignment, files, workdir, template, digest); return the result."""
    start = time.perf_counter()
    student, assignment = job["student"], job["assignment"]
    problems = [p for p in (notebook_problem(Path(job["files"].get(f"{nb}.ipynb", f"/nonexistent/{nb}.ipynb")))
                            for nb in job.get("notebooks", [])) if p]
    if problems:
        return error_result(student, assignment, job.get("digest"), "; ".join(problems))
    work = Path(job["workdir"])
    shutil.rmtree(work, ignore_errors=True)
    target = work / "submitted" / student / assignment
    target.mkdir(parents=True)
    for rel, path in job["files"].items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / rel)
    db = work / "gradebook.db"
    shutil.copyfile(job["template"], db)
    db_url = f"sqlite:///{db}"

    config = Config(course_config())
    config.merge(Config(job.get("config", {})))
    config.CourseDirectory.submitted_directory = str(work / "submitted")
    config.CourseDirectory.autograded_directory = str(work / "autograded")
    config.CourseDirectory.db_url = db_url
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = assignment, student

    log = logging.getLogger(f"autograder.worker.{student}")
    log.propagate = False
    collect = _Collect()
    log.handlers = [collect]
    result: dict[str, Any] = {"student": student, "assignment": assignment, "digest": job.get("digest"),
                              "autograded": str(work / "autograded" / student / assignment)}
    try:
        converter = Autograde(coursedir=coursedir, config=config, log=log)
        converter.force = True
        converter.create_student = True
        with quiet_sqlalchemy():
            converter.start()
    except Exception as exc:  # nbgrader reports per-submission failures this way
        result["error"] = _explain(exc, collect.lines)
    try:
        result.update(read_private(db_url, assignment, student))
    except Exception as exc:
        result.setdefault("error", f"no grades were recorded ({type(exc).__name__}: {exc})")
    notes, tests = [], {}
    for path in sorted(Path(result["autograded"]).glob("*.ipynb")):
        graded = nbt.read(path)
        notes += notes_of(graded)
        tests.update(test_messages(graded))
        _add_notes_cell(graded, path)
    result["notes"], result["tests"] = notes, tests
    if not result.get("notebooks") or not any(v.get("grades") for v in result["notebooks"].values()):
        result.setdefault("error", "nbgrader produced no grades: " + (" | ".join(collect.lines[-3:]) or "unknown"))
    elif "error" in result and not tests:
        pass
    elif "error" in result:  # nbgrader complained but graded: keep the grades, report the complaint as a note
        result["notes"].append({"kind": "grader", "message": result.pop("error")})
    result["seconds"] = round(time.perf_counter() - start, 2)
    result["log"] = collect.lines[-20:]
    return result


def _add_notes_cell(nb, path: Path) -> None:
    """Put what the grader repaired or zeroed at the top of the graded notebook (it shows in the feedback)."""
    shown = [n for n in notes_of(nb) if n.get("kind") != "reference"]
    if not shown:
        return
    lines = ["**Autograder notes** (what was repaired or zeroed before grading):", ""]
    lines += [f"- {n['message']}" for n in shown]
    nb.cells.insert(0, nbt.markdown("\n".join(lines)))
    mode = path.stat().st_mode
    path.chmod(0o644)
    nbt.write(nb, path)
    path.chmod(mode)


def _explain(exc: BaseException, lines: list[str]) -> str:
    text = " | ".join(line.strip().splitlines()[-1] for line in lines if "error" in line.lower())[:600]
    return text or f"{type(exc).__name__}: {exc}" or traceback.format_exc(limit=1)
