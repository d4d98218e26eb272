"""Execute notebooks in a fresh kernel for the tests, once per session."""
from __future__ import annotations

import functools
import time
from pathlib import Path

import nbclient
import nbformat
from nbformat import NotebookNode

from autograder.shell_polling import SlicedPollingMixin

REPO = Path(__file__).resolve().parents[1]


class NotebookClient(SlicedPollingMixin, nbclient.NotebookClient):
    """nbclient without the lost wake-up that stalls a run until the cell timeout."""


def execute(path: Path, allow_errors: bool = False, timeout: int = 120) -> tuple[NotebookNode, float]:
    """Run every cell of ``path`` in a new python3 kernel; return the executed notebook and seconds taken."""
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, allow_errors=allow_errors,
                                     resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return nb, time.perf_counter() - start


@functools.lru_cache(maxsize=None)
def executed(path: str, allow_errors: bool) -> tuple[NotebookNode, float]:
    """Cached :func:`execute`: several tests inspect the same run."""
    return execute(Path(path), allow_errors=allow_errors)


def errors(nb: NotebookNode) -> list[tuple[int, NotebookNode, dict]]:
    """Every error output as (cell index, cell, output)."""
    return [(i, c, o) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def text_of(output: dict) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return "\n".join(output.get("traceback", [])) or f"{output.get('ename')}: {output.get('evalue')}"
    return output.get("data", {}).get("text/plain", "")
