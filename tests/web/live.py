"""A real uvicorn server on 127.0.0.1 (a free port) in a thread, for tests of concurrency and logs."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from unforgotten.web import log_without_data


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its base URL. Logs go to the root logger."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, log_level="info")
    server = uvicorn.Server(config)
    log_without_data()
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
