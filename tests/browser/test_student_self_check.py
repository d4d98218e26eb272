"""A student gets lesson 01's sigmoid wrong, reads the self-check's diagnosis, fixes it, and saves.

Then the saved file is examined as the instructor will receive it: every nbgrader cell (and
its cell id) is still there, and it grades as it should (stock nbgrader, and the course's
autograder where it exists): full points for sigmoid, none for the exercises not done yet.
"""
from __future__ import annotations

import nbformat
import pytest

import autograder
from autograder import notebooks as nbt
from labdriver import KERNEL, REPO
from plain_nbgrader import grade

pytestmark = pytest.mark.browser

ASSIGNMENT = "01_logistic_regression"

# The classic slip: exp(z) instead of exp(-z). The self-check knows this mistake and says so.
WRONG_SIGMOID = '''def sigmoid(z):
    """Elementwise logistic sigmoid of an array z of any shape."""
    return 1 / (1 + np.exp(z))
'''
# Stable on both sides (no overflow warning at |z| = 1e4), as the hidden tests demand.
RIGHT_SIGMOID = '''def sigmoid(z):
    """Elementwise logistic sigmoid of an array z of any shape."""
    return np.exp(-np.logaddexp(0.0, -z))
'''


def test_wrong_sigmoid_is_diagnosed_then_fixed_saved_and_graded(student_server, lab_factory, tmp_path):
    lab = lab_factory(student_server)
    lab.open_from_file_browser(ASSIGNMENT, f"{ASSIGNMENT}.ipynb")

    # Run the setup cell, then write a wrong sigmoid and run it (Shift+Enter moves on to the self-check).
    lab.run_cell(lab.code_cell("# Setup:"))
    lab.wait_for_kernel_idle()
    solution = lab.code_cell("def sigmoid(z):")
    lab.replace_source(solution, WRONG_SIGMOID)
    lab.run_cell(solution)
    check = lab.code_cell("check_sigmoid(sigmoid)")
    lab.run_cell(check)
    lab.wait_for_kernel_idle()

    # The self-check's message: what is wrong, and the hint for this very mistake.
    error = check.locator(".jp-OutputArea-output")
    error.filter(has_text="sigmoid is not right yet").wait_for(timeout=KERNEL)
    message = error.inner_text()
    assert "exp(-z)" in message, f"the hint for the exp(z) slip is missing:\n{message}"
    statement = solution.locator(
        "xpath=preceding-sibling::div[contains(concat(' ', @class, ' '), ' jp-MarkdownCell ')][1]")
    exercise = [statement, solution, check]  # the task, the student's code, the self-check and its message
    lab.scroll_to_top(exercise[0])
    lab.screenshot("lesson01-self-check-diagnosis", *exercise)

    # Fix it, run both cells again: the self-check passes.
    lab.replace_source(solution, RIGHT_SIGMOID)
    lab.run_cell(solution)
    lab.run_cell(check)
    lab.wait_for_kernel_idle()
    check.locator(".jp-OutputArea-output", has_text="✓ sigmoid passed all").wait_for(timeout=KERNEL)
    assert "not right yet" not in check.inner_text()
    lab.scroll_to_top(exercise[0])
    lab.screenshot("lesson01-self-check-passed", *exercise)

    lab.save()

    # The file on disk is what a student hands in.
    saved = student_server.root / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    original = nbt.read(REPO / "lessons" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    nb = nbt.read(saved)
    nbformat.validate(nb)
    ids_before = {nbt.grade_id(c): c.id for c in original.cells if nbt.grade_id(c)}
    ids_after = {nbt.grade_id(c): c.id for c in nb.cells if nbt.grade_id(c)}
    assert ids_after == ids_before, "JupyterLab's save lost or changed nbgrader cells or their ids"
    assert [c.id for c in nb.cells] == [c.id for c in original.cells]
    for gid in ids_before:
        assert nbt.find(nb, gid).metadata["nbgrader"] == nbt.find(original, gid).metadata["nbgrader"], gid
    assert "np.logaddexp" in nbt.find(nb, "sigmoid").source

    # Graded by stock nbgrader (what `nbgrader autograde` and the formgrader see) and, where it exists,
    # by the course's autograder (sandboxed kernel, cell repair, integrity checks): the same scores.
    graders = {"stock nbgrader": lambda: grade(saved, ASSIGNMENT, tmp_path / "course")}
    course_grader = getattr(autograder, "grade_notebook", None)
    if course_grader is not None:
        graders["python -m autograder"] = lambda: course_grader(saved, ASSIGNMENT)
    for name, run in graders.items():
        scores = run()
        assert scores["test_sigmoid"][0] == scores["test_sigmoid"][1] > 0, (name, scores)
        others = {gid: s for gid, s in scores.items() if gid != "test_sigmoid"}
        assert others and all(score == 0 for score, _ in others.values()), f"{name}: undone exercises scored {others}"

