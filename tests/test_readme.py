"""The README is followed word for word: its commands, links and pictures must be right.

* The two set-up commands are there, exactly, and the test command between the
  ``<!-- test-command -->`` markers is what ``.ci/run`` extracts and runs.
* Every lesson in lessons/ has its "Open in Colab" link, built by ``course._config.colab_url``;
  every Colab link points at a lesson of the curriculum.
* Every relative link and picture points at a file that exists.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from autograder.paths import LESSONS, REPO
from course._config import colab_url
from test_contract import CONTRACT

README = REPO / "README.md"
TEXT = README.read_text(encoding="utf-8")
SETUP_COMMAND = 'python3 -m pip install -e ".[all]" && python3 -m course lab'
TEST_COMMAND = 'python3 -m pip install -e ".[test]" && python3 -m pytest'


def _code_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S)]


def test_setup_command_comes_first_exactly() -> None:
    blocks = _code_blocks(TEXT)
    assert blocks[0] == SETUP_COMMAND, f"the first code block must be the set-up command, got {blocks[0]!r}"
    assert blocks[1] == TEST_COMMAND


def test_ci_extracts_the_documented_test_command() -> None:
    """Run the very pipeline of .ci/run on the README."""
    ci = (REPO / ".ci" / "run").read_text()
    pipeline = re.search(r"test_command=\$\((.*)\)\n", ci)
    assert pipeline, ".ci/run no longer extracts the test command the way this test expects"
    if shutil.which("bash") is None or shutil.which("sed") is None:
        pytest.skip("needs bash and sed")
    done = subprocess.run(["bash", "-c", pipeline.group(1)], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == TEST_COMMAND
    assert TEXT.count("<!-- test-command -->") == 1 and TEXT.count("<!-- /test-command -->") == 1


def _lesson_paths() -> list[str]:
    return sorted(f"lessons/{p.parent.name}/{p.name}" for p in LESSONS.glob("*/*.ipynb")
                  if p.stem == p.parent.name)


@pytest.mark.parametrize("notebook", _lesson_paths())
def test_every_lesson_has_its_colab_link(notebook: str) -> None:
    url = colab_url(notebook)
    assert f"]({url})" in TEXT, f"README.md lacks the lesson's Colab link; add a row with\n({url})"
    assert f"]({notebook})" in TEXT, f"README.md lacks a link to {notebook}"


def test_every_colab_link_is_a_configured_lesson_link() -> None:
    links = re.findall(r"\]\((https://colab\.research\.google\.com/github/[^)\s]+)\)", TEXT)
    assert links, "no Colab links in README.md"
    expected = {colab_url(f"lessons/{a}/{a}.ipynb") for a in CONTRACT}
    stray = [url for url in links if url not in expected]
    assert not stray, f"Colab links not built by course._config.colab_url for a lesson: {stray}"
    assert len(links) == len(set(links)), "a lesson's Colab link appears twice"


def test_relative_links_and_pictures_exist() -> None:
    targets = re.findall(r"\]\(([^)\s]+)\)", TEXT)
    local = [t.split("#", 1)[0] for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    lessons_to_come = {f"lessons/{a}/{a}.ipynb" for a in CONTRACT}
    missing = [t for t in local if not (REPO / t).exists() and t not in lessons_to_come]
    assert not missing, f"README.md links to missing files: {missing}"
    pictures = re.findall(r"!\[[^\]]+\]\(([^)\s]+)\)", TEXT)
    assert any(p.startswith("docs/img/") for p in pictures)
    for picture in pictures:
        if not picture.startswith("http"):
            assert (REPO / picture).stat().st_size > 10_000, f"{picture} looks empty"


def test_readme_covers_students_instructors_and_self_study() -> None:
    for heading in ("## For students", "## For instructors", "## For self-study"):
        assert heading in TEXT
    assert "](docs/instructor-guide.md)" in TEXT
    assert "](CONTRIBUTING.md)" in TEXT
    # The commands the README names exist.
    for step in re.findall(r"python3 -m autograder ([a-z][a-z-]*)", TEXT):
        assert step in _autograder_steps(), f"README.md names `python3 -m autograder {step}`, which does not exist"
    assert "--instructor" in TEXT and "--no-browser" in TEXT and "WORKBOOK_NO_BROWSER=1" in TEXT


def _autograder_steps() -> set[str]:
    from autograder.cli import build_parser

    parser = build_parser()
    choices = next(a.choices for a in parser._actions if getattr(a, "choices", None))
    return set(choices)


def test_readme_paths_mentioned_in_code_exist() -> None:
    for path in re.findall(r"`((?:docs|course|tests|lessons|solutions|\.ci)/[\w./-]*)`", TEXT):
        if path.startswith("lessons/") and path.endswith(".ipynb"):
            continue
        assert (REPO / path.rstrip("/")).exists(), f"README.md mentions {path}, which does not exist"


def test_contract_names_every_lesson_once() -> None:
    rows = [line for line in TEXT.splitlines() if line.startswith("| ") and "colab-badge" in line]
    assert [row.split("|")[1].strip() for row in rows] == [a[:2] for a in sorted(CONTRACT)]

