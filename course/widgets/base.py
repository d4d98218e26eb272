"""Shared plumbing for the lesson widgets: figure -> PNG -> one Output widget."""
from __future__ import annotations

import io
from typing import Any, Callable, Mapping

from matplotlib.figure import Figure

__all__ = ["new_figure", "figure_png", "live_figure", "show_figure"]


def new_figure(width: float = 6.0, height: float = 4.0, dpi: int = 90) -> Figure:
    """A figure outside pyplot's state machine: nothing to close, nothing leaks."""
    return Figure(figsize=(width, height), dpi=dpi, layout="constrained")


def figure_png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def show_figure(fig: Figure) -> None:
    """Display a figure as a PNG image in the current output area (any backend)."""
    from IPython.display import Image, display

    display(Image(data=figure_png(fig), format="png"))


def live_figure(draw: Callable[..., Figure], controls: Mapping[str, Any], extra: list[Any] | None = None,
                columns: int = 1) -> Any:
    """Wire controls to a pure ``draw(**values) -> Figure`` through one Output widget.

    Parameters
    ----------
    draw : callable
        Called with each control's current ``value`` under its key; returns a Figure.
    controls : mapping of name -> ipywidgets value widget
    extra : list of widgets, optional
        Shown under the controls (buttons, labels).
    columns : int, default=1
        Lay the controls out in this many columns.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``output`` (the Output) and ``update`` (redraw now).
    """
    import ipywidgets as widgets

    output = widgets.Output()

    def update(*_: Any) -> None:
        with output:
            output.clear_output(wait=True)  # wait=True: no flicker between frames
            show_figure(draw(**{name: c.value for name, c in controls.items()}))

    for control in controls.values():
        control.observe(update, names="value")
    items = list(controls.values())
    if columns > 1:
        rows = [widgets.HBox(items[i:i + columns]) for i in range(0, len(items), columns)]
        panel = widgets.VBox(rows)
    else:
        panel = widgets.VBox(items)
    box = widgets.VBox([panel, *(extra or []), output])
    box.output, box.update = output, update  # type: ignore[attr-defined]
    update()
    return box
