import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
# Headless figures for widget tests; notebooks run in their own kernels and keep the inline backend.
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_report_header(config):
    return f"workbook repo: {REPO}"


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(12345)
