"""A message channel between the server and one query worker process.

Each end is a socket of a connected pair; a message is a pickle framed by its length (8 bytes,
big-endian). Sending blocks until the bytes are handed to the kernel. Receiving can block (with
an optional timeout) or be awaited on an asyncio loop: the awaiting side is woken by the loop
when bytes arrive and reads only what is there, so a large answer never blocks the loop while
the worker is still writing it, and no thread is involved.

>>> import asyncio
>>> here, there = Channel.pair()
>>> there.send(("ok", b"answer"))
>>> asyncio.run(here.receive_async(timeout=1.0))
('ok', b'answer')
>>> here.send(["ping"]); there.receive(timeout=1.0)
['ping']
>>> here.receive(timeout=0.01)
Traceback (most recent call last):
...
TimeoutError: no message within 0.01 s
"""

from __future__ import annotations

import asyncio
import os
import pickle
import select
import socket
import struct
import threading
import time

_HEADER = struct.Struct("!Q")
_LARGEST_READ = 1 << 22


class Channel:
    """One end of a pair of connected sockets carrying pickled messages.

    Safe for one receiver at a time and any number of sending threads."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._send_lock = threading.Lock()

    @classmethod
    def pair(cls) -> tuple[Channel, Channel]:
        """Two connected ends (one to keep, one to hand to a worker process)."""
        one, two = socket.socketpair()
        return cls(one), cls(two)

    @property
    def socket(self) -> socket.socket:
        """The underlying socket (to hand to a child process)."""
        return self._sock

    def send(self, message: object) -> None:
        """Send one message; blocks until the kernel has taken all of it.

        ``OSError`` when the other end is gone."""
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        with self._send_lock:
            self._sock.sendall(_HEADER.pack(len(payload)) + payload)

    def receive(self, timeout: float | None = None) -> object:
        """The next message; ``TimeoutError`` when none has begun to arrive within ``timeout``
        seconds (``None``: wait for ever), ``EOFError`` when the other end closed."""
        frame = _Frame()
        deadline = None if timeout is None else time.monotonic() + timeout
        while not frame.complete:
            if deadline is not None and not frame.started:
                left = max(0.0, deadline - time.monotonic())
                ready, _, _ = select.select([self._sock], [], [], left)
                if not ready:
                    raise TimeoutError(f"no message within {timeout:g} s")
            frame.feed(self._sock.recv(frame.wanted()))
        return frame.message()

    async def receive_async(self, timeout: float, *, spin: float = 0.0) -> object:
        """The next message, awaited on the running loop; ``TimeoutError`` when it is not
        complete within ``timeout`` seconds (the channel is then in an unknown state: close
        it), ``EOFError`` when the other end closed.

        With ``spin``, first look for the message without leaving the loop, for up to that many
        seconds, offering the CPU to other processes between looks (to the worker computing
        the answer, when it runs on the same CPU): when the caller has nothing else to do and
        the answer is due within microseconds, this spares the process being put to sleep and
        woken again, which costs more than that on small virtual machines."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[object] = loop.create_future()
        frame = _Frame()
        fd = self._sock.fileno()
        if spin > 0 and self._spin_for_message(frame, spin):
            return frame.message()

        def readable() -> None:
            # Read what has arrived, without waiting for the rest: the loop calls again.
            try:
                while not frame.complete:
                    frame.feed(self._sock.recv(frame.wanted(), socket.MSG_DONTWAIT))
                done.set_result(frame.message())
            except BlockingIOError:
                return
            except (OSError, EOFError, pickle.UnpicklingError) as error:
                done.set_exception(error)
            if done.done():
                loop.remove_reader(fd)

        def expired() -> None:
            if not done.done():
                done.set_exception(TimeoutError(f"no answer within {timeout:g} s"))

        loop.add_reader(fd, readable)
        timer = loop.call_later(timeout, expired)
        try:
            return await done
        finally:
            timer.cancel()
            loop.remove_reader(fd)

    def _spin_for_message(self, frame: _Frame, seconds: float) -> bool:
        """Read into ``frame`` without blocking until it is complete (``True``) or
        ``seconds`` have passed with nothing more arriving (``False``)."""
        give_up = time.perf_counter() + seconds
        while True:
            try:
                frame.feed(self._sock.recv(frame.wanted(), socket.MSG_DONTWAIT))
            except BlockingIOError:
                if time.perf_counter() > give_up:
                    return False
                os.sched_yield()
                continue
            if frame.complete:
                return True

    def close(self) -> None:
        """Close this end; the other end then reads ``EOFError``."""
        self._sock.close()


class _Frame:
    """One message being read: its length header, then its payload."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._size: int | None = None

    @property
    def started(self) -> bool:
        return bool(self._buffer)

    @property
    def complete(self) -> bool:
        return self._size is not None and len(self._buffer) >= _HEADER.size + self._size

    def wanted(self) -> int:
        """How many bytes to ask the socket for next: never past this message, so that the
        next one stays in the socket."""
        if self._size is None:
            return _HEADER.size - len(self._buffer)
        return min(_HEADER.size + self._size - len(self._buffer), _LARGEST_READ)

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            raise EOFError("the other end of the channel closed")
        self._buffer += chunk
        if self._size is None and len(self._buffer) == _HEADER.size:
            (self._size,) = _HEADER.unpack_from(self._buffer)

    def message(self) -> object:
        return pickle.loads(memoryview(self._buffer)[_HEADER.size :])
