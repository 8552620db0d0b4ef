"""Headless Chromium driven over the DevTools protocol, for pages that draw themselves with
script after they load (the Streamlit dashboard): open a URL, wait until its text says
it is ready, read its text, take a screenshot.

``chromium --screenshot`` shoots when the page has loaded, before a Streamlit app has
talked to its server; here the page is asked (``Runtime.evaluate``) until it is ready.
The DevTools websocket is spoken with the ``websockets`` client, which Streamlit brings
(these helpers only serve the dashboard's tests). Standard library otherwise.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--disable-default-apps", "--hide-scrollbars", "--mute-audio")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Page:
    """One browser tab on a DevTools websocket."""

    def __init__(self, connection):
        self.connection = connection
        self.next_id = 0

    async def call(self, method: str, **params) -> dict:
        self.next_id += 1
        await self.connection.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(await self.connection.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def text(self) -> str:
        found = await self.call("Runtime.evaluate", expression="document.body ? document.body.innerText : ''",
                                returnByValue=True)
        return found.get("result", {}).get("value") or ""


def devtools_page(port: int, timeout: float) -> str:
    """The websocket URL of the browser's first tab, once its DevTools answer."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as answer:
                targets = [t for t in json.load(answer) if t.get("type") == "page"]
            if targets:
                return targets[0]["webSocketDebuggerUrl"]
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("chromium's DevTools did not answer")
        time.sleep(0.2)


async def _capture(address: str, url: str, shot: Path | None, width: int, height: int,
                   ready: tuple[str, ...], settle: float, timeout: float) -> str:
    from websockets.asyncio.client import connect

    deadline = time.monotonic() + timeout
    connection = await connect(address, max_size=256 << 20)
    page = Page(connection)
    try:
        await page.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                        deviceScaleFactor=1, mobile=width < 600)
        await page.call("Page.enable")
        await page.call("Page.navigate", url=url)
        text = ""
        while not all(word in text for word in ready):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the page never showed {ready}; it shows: {text[:500]!r}")
            await asyncio.sleep(0.5)
            text = await page.text()
        await asyncio.sleep(settle)                      # charts finish drawing
        text = await page.text()
        if shot is not None:
            taken = await page.call("Page.captureScreenshot", format="png",
                                    clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
                                    captureBeyondViewport=True)
            shot.write_bytes(base64.b64decode(taken["data"]))
        return text
    finally:
        await connection.close()


def capture(url: str, shot: Path | None = None, width: int = 1280, height: int = 2200,
            ready: tuple[str, ...] = (), settle: float = 3.0, timeout: float = 90.0) -> str:
    """Open ``url`` in headless Chromium, wait until its text holds every word of ``ready``,
    then (after ``settle`` seconds) return the page's text and, if asked, save a PNG."""
    port = free_port()
    # Chromium's helper processes (renderer, GPU, crash handler) can outlive the main one
    # and still write into the profile while it is being removed ("Directory not empty:
    # 'Default'", seen once in CI): Chromium runs in a session of its own, and the whole
    # group is stopped before the profile goes.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        browser = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
                                    f"--remote-debugging-port={port}", "about:blank"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            address = devtools_page(port, timeout)
            return asyncio.run(_capture(address, url, shot, width, height, ready, settle, timeout))
        finally:
            _stop_group(browser)


def _stop_group(browser: subprocess.Popen) -> None:
    """SIGTERM to Chromium's process group, then SIGKILL to whatever of it is left."""
    for signal_number, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(browser.pid, signal_number)
        except ProcessLookupError:
            break
        try:
            browser.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    time.sleep(0.2)         # the group's last helpers close their files


if __name__ == "__main__":
    # The README's screenshot: python tests/browser.py URL OUT.png [WIDTH HEIGHT]
    import sys

    target, out = sys.argv[1], Path(sys.argv[2])
    size = [int(n) for n in sys.argv[3:5]] or [1200, 1500]
    capture(target, out, width=size[0], height=size[1], ready=("Rejects by reason",), settle=5)
    print(out)
