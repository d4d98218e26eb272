"""Parallel grading is idempotent and survives being killed: every grade present exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from autograder import notebooks as nbt
from autograder.gradebook import results
from autograder.parallel import autograde
from autograder.paths import REPO, assignments, nbgrader_env
from autograder.submissions import import_submissions
from autograder_batch import TEST_CONFIG, Batch, correct, load, partial, released

pytestmark = pytest.mark.slow


def small_batch(tmp_path: Path, db_url: str | None = None) -> Batch:
    """Four submissions of the first lesson (complete, partial, untouched, complete), freshly imported."""
    lesson = load(assignments()[0])
    source, grading = tmp_path / "source", tmp_path / "grading"
    expected = {}
    for student, build in (("amy", correct), ("ben", partial), ("cai", released), ("dan", correct)):
        nb, expected[student] = build(lesson)
        nbt.write(nb, source / student / f"{lesson.name}.ipynb")
    import_submissions(source, grading)
    return Batch(source, grading, db_url or f"sqlite:///{grading / 'gradebook.db'}", expected)


def exactly_once(batch: Batch) -> None:
    """One submission per student, one grade per test, each with its expected score."""
    engine = create_engine(batch.db_url)
    with engine.connect() as conn:
        subs = conn.execute(text("SELECT student_id, COUNT(*) FROM submitted_assignment GROUP BY student_id")).all()
        grades = conn.execute(text(
            "SELECT s.student_id, gc.name, COUNT(*) FROM grade g JOIN submitted_notebook n ON g.notebook_id = n.id "
            "JOIN submitted_assignment s ON n.assignment_id = s.id JOIN base_cell gc ON g.cell_id = gc.id "
            "GROUP BY s.student_id, gc.name")).all()
    engine.dispose()
    assert dict(subs) == {s: 1 for s in batch.expected}
    assert all(count == 1 for _, _, count in grades)
    assert batch.scores() == batch.expected
    assert {r["student"]: r["status"] for r in results(batch.db_url)} == {s: "done" for s in batch.expected}


def test_rerun_is_idempotent_and_regrades_only_changes(tmp_path):
    batch = small_batch(tmp_path)
    first = autograde(grading=batch.grading, db_url=batch.db_url, jobs=2, progress=False, config=TEST_CONFIG)
    assert sorted(s for s, _ in first.graded) == sorted(batch.expected) and not first.errors
    exactly_once(batch)
    again = autograde(grading=batch.grading, db_url=batch.db_url, jobs=2, progress=False, config=TEST_CONFIG)
    assert not again.graded and len(again.skipped) == 4
    # ben resubmits a complete solution: only ben is graded again
    lesson = load(assignments()[0])
    nb, batch.expected["ben"] = correct(lesson)
    nbt.write(nb, batch.source / "ben" / f"{lesson.name}.ipynb")
    import_submissions(batch.source, batch.grading)
    third = autograde(grading=batch.grading, db_url=batch.db_url, jobs=2, progress=False, config=TEST_CONFIG)
    assert [s for s, _ in third.graded] == ["ben"]
    exactly_once(batch)


def test_killed_run_finishes_on_rerun_with_every_grade_once(tmp_path):
    batch = small_batch(tmp_path)
    cmd = [sys.executable, "-m", "autograder", "autograde", "--jobs", "1", "--quiet", "--timeout", "10",
           "--grading-dir", str(batch.grading), "--db", batch.db_url]
    run = subprocess.Popen(cmd, cwd=REPO, env=nbgrader_env(), start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.5)
            if (batch.grading / "gradebook.db").exists() and any(
                    r["status"] == "done" for r in results(batch.db_url)):
                break
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)  # the whole run, workers included, mid-way
        run.wait()
    done_before = [r["student"] for r in results(batch.db_url) if r["status"] == "done"]
    assert 0 < len(done_before) < 4, "the run should have been killed part-way"
    summary = autograde(grading=batch.grading, db_url=batch.db_url, jobs=2, progress=False, config=TEST_CONFIG)
    assert sorted(s for s, _ in summary.graded) == sorted(set(batch.expected) - set(done_before))
    exactly_once(batch)
