"""One batch, graded in parallel: hostile and broken submissions beside well-behaved ones.

Every well-behaved submission gets exactly its points, every hostile one is contained with
exactly the points its correct parts earn, and the batch always finishes.
"""
from __future__ import annotations

import pytest

from autograder_batch import BROKEN_FILES, HOSTILE, graded_batch, tree_digest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def batch():
    return graded_batch()


def test_the_batch_finishes_and_well_behaved_submissions_get_exact_scores(batch):
    scores = batch.scores()
    for student, expected in batch.expected.items():
        if expected is not None and student not in HOSTILE:
            assert scores[student] == expected, student
    assert not [k for k in batch.summary.errors if k[0] not in {*BROKEN_FILES, "missing_notebook"}]


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_submission_is_contained_with_exact_scores(batch, case):
    assert batch.scores()[case] == batch.expected[case]
    assert batch.results()[case]["status"] == "done"


def test_infinite_loop_scores_zero_with_timed_out(batch):
    tests = batch.results()["infinite_loop"]["details"]["tests"]
    assert any("timed out" in message for message in tests.values())


def test_kernel_death_and_memory_hog_are_explained(batch):
    died = batch.results()["kernel_death"]["details"]
    assert any("kernel died" in m for m in died["tests"].values())
    hog = batch.results()["memory_hog"]["details"]["tests"]
    assert any("MemoryError" in m and "memory" in m for m in hog.values())


def test_tampering_is_flagged_with_a_reason(batch):
    for case in ("patched_numpy", "patched_checks", "hidden_errors"):
        details = batch.results()[case]["details"]
        assert any(n["kind"] == "tamper" for n in details["notes"]), case
        zeroed = [m for t, m in details["tests"].items() if batch.expected[case][t] == 0]
        assert all(("IntegrityError" in m or "tamper" in m.lower()) for m in zeroed), (case, zeroed)


def test_repairs_are_recorded(batch):
    notes = {case: {n["kind"] for n in batch.results()[case]["details"]["notes"]}
             for case in ("edited_and_deleted_tests", "duplicated_and_reordered", "stripped_metadata")}
    assert "edited" in notes["edited_and_deleted_tests"]
    assert "duplicate" in notes["duplicated_and_reordered"] and "reordered" in notes["duplicated_and_reordered"]
    assert "metadata" in notes["stripped_metadata"]


@pytest.mark.parametrize("student, words", [("empty_file", "empty"), ("invalid_json", "not valid notebook JSON"),
                                            ("missing_notebook", "missing")])
def test_broken_files_get_a_clear_per_student_error_and_zero(batch, student, words):
    result = batch.results()[student]
    assert result["status"] == "error" and words in result["details"]["error"]
    assert set(batch.scores()[student].values()) == {0.0}


def test_non_ascii_student_id_is_graded(batch):
    assert batch.scores()["zoë-李"] == batch.expected["zoë-李"]


def test_nothing_submitted_is_modified(batch):
    assert tree_digest(batch.source) == batch.before["source"]
    assert tree_digest(batch.grading / "submitted") == batch.before["submitted"]
    submitted = batch.grading / "submitted"
    for path in batch.source.rglob("*.ipynb"):
        rel = path.relative_to(batch.source)
        if len(rel.parts) == 3:  # <student>/<assignment>/<assignment>.ipynb is copied byte for byte
            assert (submitted / rel).read_bytes() == path.read_bytes()
