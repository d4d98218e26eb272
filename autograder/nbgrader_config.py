"""nbgrader configuration: solutions/ is the source, lessons/ the release; grading state lives in grading/ (git-ignored).

nbgrader reads this file from the current directory: run nbgrader from autograder/, or use `python -m autograder`.
WORKBOOK_GRADING_DIR and WORKBOOK_DB_URL (e.g. postgresql+psycopg://user@host/db) move the grading state;
WORKBOOK_KERNEL_MEMORY_MB sets each grading kernel's memory limit (default 2048).
"""
import os

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds, LimitOutput,
                                    OverwriteCells, OverwriteKernelspec, SaveAutoGrades)

from autograder.preprocessors import DemoteStderr, GuardedExecute, IntegrityCheck, RequireScore, RestoreCells

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADING = os.environ.get("WORKBOOK_GRADING_DIR", os.path.join(REPO, "grading"))
os.makedirs(GRADING, exist_ok=True)  # SQLite cannot create gradebook.db in a missing folder

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)
c.CourseDirectory.root = REPO
c.CourseDirectory.course_id = "nn-workbook"  # autograder.paths.COURSE_ID
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
for kind in ("submitted", "autograded", "feedback"):
    setattr(c.CourseDirectory, f"{kind}_directory", os.path.join(GRADING, kind))
c.CourseDirectory.db_url = os.environ.get("WORKBOOK_DB_URL", "sqlite:///" + os.path.join(GRADING, "gradebook.db"))

# Robust grading (autograder/preprocessors): restore stripped/moved/deleted cells, run in a sandboxed kernel,
# let stderr warnings pass, zero tests without a score or after tampering.
c.Autograde.sanitize_preprocessors = [ClearOutput, RestoreCells, DeduplicateIds, OverwriteKernelspec, OverwriteCells,
                                      CheckCellMetadata]
c.Autograde.autograde_preprocessors = [GuardedExecute, DemoteStderr, RequireScore, IntegrityCheck,
                                       ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades, AssignLatePenalties,
                                       CheckCellMetadata]
c.GuardedExecute.timeout = 60  # seconds per cell; a cell that runs longer is interrupted and its tests score 0
c.GuardedExecute.notebook_timeout = 900  # seconds per notebook
c.GuardedExecute.secret_file = os.path.join(GRADING, "secret")  # reproducible random test inputs per submission
c.SandboxedKernelManager.memory_limit_mb = int(os.environ.get("WORKBOOK_KERNEL_MEMORY_MB", "2048"))
c.SandboxedKernelManager.hidden_paths = [GRADING, os.path.join(REPO, "solutions")]  # when grading as root
