"""Log lines written by a thread of their own, so that no request waits for a write.

The service logs a line for every request (:mod:`r2p_graph.api.access_log`); writing it to a
terminal or a pipe can take longer than answering a simple query. Records are formatted where
they are made and queued; one thread writes them, in order, through the handlers that were
configured before.

>>> import io, logging
>>> out = io.StringIO()
>>> logger = logging.getLogger("r2p_graph.example")
>>> logger.addHandler(logging.StreamHandler(out)); logger.propagate = False
>>> with logs_written_in_background(logger):
...     logger.warning("hello")
>>> out.getvalue()
'hello\\n'
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import QueueHandler, QueueListener


@contextmanager
def logs_written_in_background(logger: logging.Logger | None = None) -> Iterator[None]:
    """Within this block, the handlers of ``logger`` (default: the root logger) are called
    from a background thread; every record queued is written before the block ends."""
    target = logger or logging.getLogger()
    handlers = list(target.handlers)
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = QueueListener(records, *handlers, respect_handler_level=True)
    for handler in handlers:
        target.removeHandler(handler)
    target.addHandler(QueueHandler(records))
    listener.start()
    try:
        yield
    finally:
        listener.stop()
        for handler in list(target.handlers):
            target.removeHandler(handler)
        for handler in handlers:
            target.addHandler(handler)
