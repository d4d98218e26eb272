"""The sliced shell polling keeps the channel contract and survives a missed wake-up."""
import asyncio
from concurrent.futures import ThreadPoolExecutor
from queue import Empty

import pytest

from autograder.shell_polling import patch_shell_channel


def run(coroutine):
    """asyncio.run in a fresh thread: another test may have left an event loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class FakeChannel:
    def __init__(self, replies):
        self.replies = list(replies)  # each: a message, or Empty to simulate a missed wake-up
        self.timeouts = []

    async def get_msg(self, timeout=None):
        self.timeouts.append(timeout)
        reply = self.replies.pop(0) if self.replies else Empty
        if reply is Empty:
            await asyncio.sleep(min(timeout or 0, 0.01))
            raise Empty
        return reply


class FakeClient:
    def __init__(self, replies):
        self.shell_channel = FakeChannel(replies)


def test_a_missed_wakeup_costs_one_slice_not_the_whole_timeout():
    client = patch_shell_channel(FakeClient([Empty, {"msg": "reply"}]), slice_seconds=0.05)
    assert run(client.shell_channel.get_msg(timeout=60)) == {"msg": "reply"}
    # The original was asked for short slices, never for the caller's 60 s in one go.
    assert client.shell_channel.timeouts == [0.05, 0.05]


def test_empty_is_still_raised_at_the_deadline():
    client = patch_shell_channel(FakeClient([]), slice_seconds=0.05)
    with pytest.raises(Empty):
        run(client.shell_channel.get_msg(timeout=0.12))
    assert len(client.shell_channel.timeouts) >= 2
    assert all(t <= 0.05 for t in client.shell_channel.timeouts)


def test_patching_twice_is_harmless():
    client = FakeClient([{"msg": 1}])
    patch_shell_channel(client)
    first = client.shell_channel.get_msg
    patch_shell_channel(client)
    assert client.shell_channel.get_msg is first
