"""An instructor opens nbgrader's formgrader inside JupyterLab and finds the course's assignments.

The server is ``python -m course lab --instructor`` (the repository, with nbgrader reading
autograder/nbgrader_config.py); the gradebook lives in a temporary grading folder
(``WORKBOOK_GRADING_DIR``) into which the assignments were recorded first, as
``python -m autograder release`` records them.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from autograder.paths import AUTOGRADER, assignments
from labdriver import LOAD, instructor_lab, isolated_jupyter_env

pytestmark = pytest.mark.browser

# nbgrader's own API, all assignments in one process (one nbgrader start-up, one gradebook migration):
# the course's config from autograder/, with the release written to a scratch folder, not lessons/.
RECORD = textwrap.dedent("""
    import sys
    from nbgrader.apps import NbGraderAPI
    from nbgrader.apps.baseapp import NbGrader
    from nbgrader.coursedir import CourseDirectory

    app = NbGrader()
    app.load_config_file()
    config = app.config
    config.CourseDirectory.release_directory = sys.argv[1]
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    for name in sys.argv[2:]:
        result = api.generate_assignment(name, force=True)
        if not result["success"]:
            sys.exit(f"generate_assignment {name} failed: {result['error']}")
""")


@pytest.fixture(scope="module")
def grading(tmp_path_factory):
    """The instructor's grading folder (gradebook.db), outside the repository."""
    return tmp_path_factory.mktemp("instructor") / "grading"


@pytest.fixture(scope="module")
def instructor_server(chromium, grading):
    base = grading.parent
    env = isolated_jupyter_env(base / "jupyter")
    env["WORKBOOK_GRADING_DIR"] = str(grading)
    done = subprocess.run([sys.executable, "-c", RECORD, str(base / "release"), *assignments()], cwd=AUTOGRADER,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (grading / "gradebook.db").exists()
    with instructor_lab(grading, base / "jupyter") as server:
        yield server


def test_formgrader_lists_the_course_assignments(instructor_server, grading, lab_factory):
    from playwright.sync_api import expect

    lab = lab_factory(instructor_server)
    lab.menu("Nbgrader", "Formgrader")
    formgrader = lab.page.frame_locator(".jp-MainAreaWidget:visible iframe")
    expect(formgrader.locator("h1", has_text="Manage Assignments")).to_be_visible(timeout=LOAD)
    rows = formgrader.locator("#main_table tbody tr, table tbody tr")
    for name in assignments():
        expect(rows.filter(has_text=name).first).to_be_visible(timeout=LOAD)
    lab.screenshot("instructor-formgrader")

    # They are the gradebook's assignments, not only folders the formgrader found in solutions/.
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{grading / 'gradebook.db'}") as gb:
        assert sorted(a.name for a in gb.assignments) == assignments()
