"""The message channel to query workers: framing, large messages, time-outs, closed ends."""

from __future__ import annotations

import asyncio
import threading

import pytest

from r2p_graph.store.channel import Channel


def test_messages_queued_one_after_another_arrive_one_by_one() -> None:
    here, there = Channel.pair()
    for n in range(5):
        there.send(("replay", n))
    assert [here.receive(timeout=1) for _ in range(5)] == [("replay", n) for n in range(5)]


def test_a_large_message_is_awaited_while_the_loop_keeps_running() -> None:
    here, there = Channel.pair()
    payload = bytes(range(256)) * (48 * 1024)  # 12 MiB: far more than a socket buffer holds

    async def main() -> tuple[object, int]:
        ticks = 0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0)

        counting = asyncio.create_task(ticker())
        sender = threading.Thread(target=there.send, args=(("ok", payload),))
        sender.start()
        message = await here.receive_async(timeout=10)
        stop.set()
        await counting
        sender.join()
        return message, ticks

    message, ticks = asyncio.run(main())
    assert message == ("ok", payload)
    assert ticks > 1  # the loop ran other work while the message came in


def test_the_next_message_after_a_large_one_is_intact() -> None:
    here, there = Channel.pair()
    big = b"x" * (3 << 20)
    sender = threading.Thread(target=lambda: (there.send(big), there.send("after")))
    sender.start()
    assert asyncio.run(here.receive_async(timeout=10)) == big
    assert here.receive(timeout=5) == "after"
    sender.join()


def test_no_answer_in_time_is_a_timeout_error() -> None:
    here, _there = Channel.pair()
    with pytest.raises(TimeoutError, match=r"0\.05 s"):
        asyncio.run(here.receive_async(timeout=0.05))
    with pytest.raises(TimeoutError):
        here.receive(timeout=0.05)


def test_a_closed_end_is_an_eof_error() -> None:
    here, there = Channel.pair()
    there.close()
    with pytest.raises(EOFError):
        asyncio.run(here.receive_async(timeout=1))
    with pytest.raises(EOFError):
        here.receive(timeout=1)
