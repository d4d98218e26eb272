"""nbgrader configuration: solutions/ is the source, lessons/ the release; grading state lives in grading/ (git-ignored).

nbgrader reads this file from the current directory: run nbgrader from autograder/, or use `python -m autograder`.
WORKBOOK_GRADING_DIR and WORKBOOK_DB_URL (e.g. postgresql+psycopg://user@host/db) move the grading state.
"""
import os

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADING = os.environ.get("WORKBOOK_GRADING_DIR", os.path.join(REPO, "grading"))
os.makedirs(GRADING, exist_ok=True)  # SQLite cannot create gradebook.db in a missing folder

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)
c.CourseDirectory.root = REPO
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
for kind in ("submitted", "autograded", "feedback"):
    setattr(c.CourseDirectory, f"{kind}_directory", os.path.join(GRADING, kind))
c.CourseDirectory.db_url = os.environ.get("WORKBOOK_DB_URL", "sqlite:///" + os.path.join(GRADING, "gradebook.db"))
c.ExecutePreprocessor.timeout = 60  # seconds per cell; a cell that runs longer is interrupted and scores 0
