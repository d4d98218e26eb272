"""nbgrader preprocessors of the workbook's autograder, one class per module (nbgrader style).

Sanitizing (before execution): :class:`RestoreCells` matches cells whose nbgrader metadata an
editor stripped, drops duplicates and puts every graded cell back in its place.
Autograding: :class:`GuardedExecute` runs the notebook in a sandboxed kernel and survives
timeouts, dead kernels and floods of output; :class:`DemoteStderr` keeps a harmless warning
from zeroing a correct answer; :class:`RequireScore` zeroes a test cell that produced no
score; :class:`IntegrityCheck` zeroes tests that ran after code tampering with the checks.
"""
from .demote_stderr import DemoteStderr
from .guarded_execute import GuardedExecute
from .integrity_check import IntegrityCheck
from .require_score import RequireScore
from .restore_cells import RestoreCells

__all__ = ["DemoteStderr", "GuardedExecute", "IntegrityCheck", "RequireScore", "RestoreCells"]
