"""Parallel grading into a real PostgreSQL gradebook: two graders at once (as on two machines), two workers each.

CI starts the server (.ci/setup.d/postgres.sh) and exports WORKBOOK_TEST_PG_URL.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import MetaData, create_engine

from autograder.parallel import ensure_assignments
from autograder.paths import REPO, assignments, nbgrader_env
from autograder.gradebook import results
from test_autograder_parallel import exactly_once, small_batch

PG_URL = os.environ.get("WORKBOOK_TEST_PG_URL")
pytestmark = [pytest.mark.slow, pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="WORKBOOK_TEST_PG_URL is not set: no PostgreSQL server "
                                                    "(CI starts one with .ci/setup.d/postgres.sh)")]


@pytest.fixture
def pg_url():
    engine = create_engine(PG_URL)
    meta = MetaData()
    meta.reflect(engine)
    meta.drop_all(engine)  # a clean gradebook for each test
    engine.dispose()
    return PG_URL


def test_two_graders_share_one_postgres_gradebook(tmp_path, pg_url):
    batch = small_batch(tmp_path, pg_url)
    ensure_assignments(pg_url, assignments()[:1])
    cmd = [sys.executable, "-m", "autograder", "autograde", "--jobs", "2", "--quiet", "--timeout", "10",
           "--grading-dir", str(batch.grading), "--db", pg_url]
    graders = [subprocess.Popen(cmd, cwd=REPO, env=nbgrader_env(), stdout=subprocess.PIPE, text=True)
               for _ in range(2)]
    outputs = [g.communicate(timeout=600)[0] for g in graders]
    assert all(g.returncode == 0 for g in graders), outputs
    graded = [int(out.split("graded ")[1].split(",")[0]) for out in outputs]
    assert sum(graded) == 4, outputs  # each submission graded by exactly one of them
    exactly_once(batch)
    assert len({r["host"] for r in results(pg_url)}) >= 1
