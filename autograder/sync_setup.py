"""Rewrite every solution notebook's setup cell from course/_config.py, then regenerate the lessons."""
from __future__ import annotations

from . import notebooks as nbt
from . import release
from .paths import SOLUTIONS, assignments


def sync_setup(names: list[str] | None = None) -> list[str]:
    """Set each solution's ``setup`` cell to ``course._config.setup_cell_source()``; return the changed ones."""
    from course._config import setup_cell_source

    wanted, changed = setup_cell_source(), []
    for name in names or assignments():
        path = SOLUTIONS / name / f"{name}.ipynb"
        nb = nbt.read(path)
        try:
            cell = nbt.find(nb, "setup")
        except KeyError:
            cell = next(c for c in nb.cells if c.cell_type == "code")
        if cell.source != wanted:
            cell.source = wanted
            nbt.write(nb, path)
            changed.append(name)
    release.generate(names)
    return changed
