"""The gradebook: nbgrader's own (SQLite or any SQLAlchemy URL), plus one table of ours.

Workers grade against private SQLite copies (:func:`make_template`); the parent process
writes each finished submission into the real gradebook with :func:`merge`, one writer at a
time, through nbgrader's :class:`~nbgrader.api.Gradebook` API. Our table
``workbook_results`` records, per student and assignment, whether grading finished, for
which version of the submission (a digest of its files), and what the grader noticed
(restored cells, tampering, timeouts, test messages). It makes reruns idempotent and lets
several machines share one PostgreSQL gradebook (a row marked ``running`` is a claim).
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from nbgrader.api import Gradebook
from sqlalchemy import Column, Float, MetaData, String, Table, Text, create_engine, select, text
from sqlalchemy.exc import IntegrityError

from .paths import COURSE_ID, ensure_bin_on_path

ensure_bin_on_path()
SA_NOISE = ".*not in session, add operation along.*"


@contextmanager
def quiet_sqlalchemy() -> Iterator[None]:
    """nbgrader's add_submission trips a harmless SQLAlchemy 2 warning (a RuntimeWarning) on every submission."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=SA_NOISE)
        yield

METADATA = MetaData()
RESULTS = Table(
    "workbook_results", METADATA,
    Column("student", String(255), primary_key=True),
    Column("assignment", String(255), primary_key=True),
    Column("status", String(16), nullable=False),  # running | done | error
    Column("digest", String(64)),
    Column("host", String(255)),
    Column("started", Float),
    Column("finished", Float),
    Column("details", Text),  # JSON: notes, per-test messages, error
)
HOST = f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def gradebook(db_url: str) -> Iterator[Gradebook]:
    gb = Gradebook(db_url, COURSE_ID)
    try:
        yield gb
    finally:
        gb.close()


def engine_for(db_url: str):
    engine = create_engine(db_url, future=True)
    METADATA.create_all(engine)
    return engine


# --- workers' private gradebooks ----------------------------------------------------------

def _empty_sqlite(path: Path, version: str) -> None:
    """nbgrader's schema in a new SQLite file, stamped with ``version`` (nbgrader would run alembic for it)."""
    from nbgrader.api import Base

    engine = create_engine(f"sqlite:///{path}", future=True)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
    engine.dispose()


def make_template(db_url: str, assignments: list[str], path: Path) -> None:
    """A fresh SQLite gradebook at ``path`` holding ``assignments`` exactly as the real one does."""
    with gradebook(db_url) as src:
        version = src.db.execute(text("SELECT version_num FROM alembic_version")).scalar()
    _empty_sqlite(path, version)
    with gradebook(db_url) as src, gradebook(f"sqlite:///{path}") as dst:
        for name in assignments:
            a = src.find_assignment(name)
            dst.update_or_create_assignment(name, duedate=a.duedate)
            for nb in a.notebooks:
                dst.update_or_create_notebook(nb.name, name, kernelspec=nb.kernelspec)
                for c in nb.source_cells:
                    dst.update_or_create_source_cell(c.name, nb.name, name, cell_type=c.cell_type, locked=c.locked,
                                                     source=c.source, checksum=c.checksum)
                for c in nb.grade_cells:
                    dst.update_or_create_grade_cell(c.name, nb.name, name, max_score=c.max_score,
                                                    cell_type=c.cell_type)
                for c in nb.solution_cells:
                    dst.update_or_create_solution_cell(c.name, nb.name, name)
                for c in nb.task_cells:
                    dst.update_or_create_task_cell(c.name, nb.name, name, max_score=c.max_score,
                                                   cell_type=c.cell_type)


def known_assignments(db_url: str) -> set[str]:
    with gradebook(db_url) as gb:
        return {a.name for a in gb.assignments}


def notebooks_of(db_url: str, assignment: str) -> list[str]:
    with gradebook(db_url) as gb:
        return [nb.name for nb in gb.find_assignment(assignment).notebooks]


def read_private(db_url: str, assignment: str, student: str) -> dict[str, Any]:
    """What a worker's private gradebook holds for one submission (plain data, for the parent)."""
    with gradebook(db_url) as gb:
        sub = gb.find_submission(assignment, student)
        out: dict[str, Any] = {"timestamp": sub.timestamp.isoformat() if sub.timestamp else None, "notebooks": {}}
        for nb in sub.notebooks:
            out["notebooks"][nb.name] = {
                "grades": {g.name: g.auto_score for g in nb.grades},
                "comments": {c.name: c.auto_comment for c in nb.comments},
            }
        return out


# --- the real gradebook -----------------------------------------------------------------

def merge(db_url: str, result: dict[str, Any], engine=None, gb: Gradebook | None = None) -> None:
    """Write one graded submission into the real gradebook (replacing any earlier grading of it).

    ``gb`` is an open gradebook to reuse across many merges (opening one costs a tenth of a second).
    """
    student, assignment = result["student"], result["assignment"]
    with (contextlib.nullcontext(gb) if gb is not None else gradebook(db_url)) as gb, quiet_sqlalchemy():
        gb.update_or_create_student(student)
        kwargs = {"timestamp": result["timestamp"]} if result.get("timestamp") else {}
        gb.update_or_create_submission(assignment, student, **kwargs)
        for nb_name in [nb.name for nb in gb.find_assignment(assignment).notebooks]:
            graded = result.get("notebooks", {}).get(nb_name, {})
            sub_nb = gb.find_submission_notebook(nb_name, assignment, student)
            for grade in sub_nb.grades:
                score = graded.get("grades", {}).get(grade.name)
                score = 0.0 if score is None else min(max(float(score), 0.0), float(grade.max_score))
                grade.auto_score = score
                grade.needs_manual_grade = False
            for comment in sub_nb.comments:
                comment.auto_comment = graded.get("comments", {}).get(comment.name)
        gb.db.commit()
    record(db_url, student, assignment, "error" if result.get("error") else "done", result.get("digest"),
           {k: result.get(k) for k in ("notes", "tests", "error", "seconds")}, engine=engine)


def record(db_url: str, student: str, assignment: str, status: str, digest: str | None, details: dict,
           engine=None) -> None:
    engine = engine or engine_for(db_url)
    row = {"status": status, "digest": digest, "host": HOST, "finished": time.time(),
           "details": json.dumps(details, default=str)}
    with engine.begin() as conn:
        done = conn.execute(RESULTS.update().where(RESULTS.c.student == student, RESULTS.c.assignment == assignment)
                            .values(**row))
        if done.rowcount == 0:
            conn.execute(RESULTS.insert().values(student=student, assignment=assignment, started=time.time(), **row))


def _alive(host: str | None) -> bool:
    """Whether the grader that claimed a submission may still be running (always yes on another machine)."""
    name, _, pid = (host or "").rpartition(":")
    if name != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim(engine, student: str, assignment: str, digest: str, force: bool, stale_after: float) -> bool:
    """Take the submission for grading unless it is already graded (same digest) or claimed elsewhere."""
    now = time.time()
    with engine.begin() as conn:
        row = conn.execute(select(RESULTS).where(RESULTS.c.student == student, RESULTS.c.assignment == assignment)
                           ).mappings().first()
        if row is not None:
            if row["status"] == "running" and row["host"] != HOST and _alive(row["host"]) \
                    and now - (row["started"] or 0) < stale_after:
                return False
            if row["status"] in ("done", "error") and row["digest"] == digest and not force:
                return False
            conn.execute(RESULTS.update().where(RESULTS.c.student == student, RESULTS.c.assignment == assignment,
                                                RESULTS.c.status == row["status"], RESULTS.c.host == row["host"])
                         .values(status="running", host=HOST, started=now))
            return True
    try:
        with engine.begin() as conn:
            conn.execute(RESULTS.insert().values(student=student, assignment=assignment, status="running",
                                                 digest=digest, host=HOST, started=now))
    except IntegrityError:  # another grader claimed it a moment ago
        return False
    return True


def release_claim(engine, student: str, assignment: str) -> None:
    """Drop an unfinished claim of ours (the run was interrupted)."""
    with engine.begin() as conn:
        conn.execute(RESULTS.delete().where(RESULTS.c.student == student, RESULTS.c.assignment == assignment,
                                            RESULTS.c.status == "running", RESULTS.c.host == HOST))


def results(db_url: str, engine=None) -> list[dict[str, Any]]:
    engine = engine or engine_for(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(RESULTS)).mappings().all()
    return [{**r, "details": json.loads(r["details"]) if r["details"] else {}} for r in rows]


def scores(db_url: str) -> list[dict[str, Any]]:
    """Every grade of every submission: student, assignment, notebook, test, score, max_score."""
    out = []
    with gradebook(db_url) as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        out.append({"student": sub.student.id, "assignment": assignment.name, "notebook": nb.name,
                                    "test": g.name, "score": g.score, "max_score": g.max_score})
    return out

