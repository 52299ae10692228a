"""A reverse proxy in front of a test server that adds X-Forwarded-For, as nginx would.

Chromium 150 (Debian bookworm's package) does not send Playwright's extra HTTP headers on
the WebSocket handshake, and Streamlit reads a session's headers from that handshake: a
browser-side header cannot show that a proxied session gets no data. A proxy adds the header
to every request itself, the upgrade included, so the test sees what a real deployment would.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import uvicorn
import websockets
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.e2e.harness import SERVER_START_TIMEOUT

FORWARDED_FOR = "203.0.113.9"  # TEST-NET-3: an address no real client has
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length",
               "content-encoding"}


def _app(upstream: str) -> Starlette:
    ws_upstream = upstream.replace("http://", "ws://", 1)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The upstream client lives on the proxy's own event loop and closes with it.
        async with httpx.AsyncClient(base_url=upstream, timeout=30) as client:
            app.state.client = client
            yield

    async def forward(request: Request) -> Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers["X-Forwarded-For"] = FORWARDED_FOR
        answer = await request.app.state.client.request(request.method, request.url.path, params=request.query_params,
                                      headers=headers, content=await request.body())
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    async def bridge(browser: WebSocket) -> None:
        protocols = [p.strip() for p in browser.headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
        target = ws_upstream + browser.url.path + (f"?{browser.url.query}" if browser.url.query else "")
        async with websockets.connect(target, subprotocols=protocols or None,
                                      additional_headers={"X-Forwarded-For": FORWARDED_FOR},
                                      max_size=None) as server:
            await browser.accept(subprotocol=server.subprotocol)

            async def up() -> None:
                with contextlib.suppress(WebSocketDisconnect):
                    while True:
                        message = await browser.receive()
                        if message["type"] == "websocket.disconnect":
                            break
                        # An empty text frame stays text: pick the field by presence, not truth.
                        data = message.get("bytes")
                        await server.send(data if data is not None else message.get("text", ""))
                await server.close()

            async def down() -> None:
                with contextlib.suppress(websockets.ConnectionClosed):
                    async for data in server:
                        if isinstance(data, bytes):
                            await browser.send_bytes(data)
                        else:
                            await browser.send_text(data)
                with contextlib.suppress(Exception):
                    await browser.close()

            await asyncio.gather(up(), down())

    methods = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"]
    return Starlette(routes=[WebSocketRoute("/{path:path}", bridge), Route("/{path:path}", forward, methods=methods)],
                     lifespan=lifespan)


@contextlib.contextmanager
def forwarding_proxy(upstream: str, port: int) -> Iterator[str]:
    """Serve the proxy on 127.0.0.1:``port`` for the block; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(_app(upstream), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        server.should_exit = True
        raise RuntimeError(f"the forwarding proxy did not start on port {port} within {SERVER_START_TIMEOUT} s")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
