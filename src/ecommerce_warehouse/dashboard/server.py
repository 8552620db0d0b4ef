"""Start the dashboard: `warehouse dashboard` runs Streamlit on ``app.py`` for one warehouse.

The warehouse is opened read-only once first, so a missing or unreadable one is the usual
one-line error (exit 5) before any server starts. Streamlit runs as a child process
(``python -m streamlit run``), headless unless asked to open a browser, with its usage
statistics off; Ctrl-C stops it.
"""

from __future__ import annotations

import importlib.util
import signal
import subprocess
import sys
from pathlib import Path

from ecommerce_warehouse.db import redacted
from ecommerce_warehouse.errors import WarehouseError

APP = Path(__file__).with_name("app.py")
INSTALL = "pip install 'ecommerce-warehouse[dashboard]' (or `make dashboard`)"


class DashboardUnavailable(WarehouseError):
    """Streamlit (the optional extra ``dashboard``) is not installed."""

    exit_code = 2


def command(db: str, currency: str, host: str, port: int, browser: bool) -> list[str]:
    """The Streamlit command line for one warehouse."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address", host, "--server.port", str(port),
            "--server.headless", "false" if browser else "true",
            "--browser.gatherUsageStats", "false", "--theme.base", "light",
            "--client.toolbarMode", "viewer",
            "--", "--db", db, "--currency", currency]


def start(db: str, currency: str, host: str, port: int, browser: bool, say=print) -> int:
    """Check the warehouse, then run the dashboard until Ctrl-C; return Streamlit's exit code."""
    if importlib.util.find_spec("streamlit") is None:
        raise DashboardUnavailable(f"the dashboard needs Streamlit, an optional extra: {INSTALL}")
    from ecommerce_warehouse.read.figures import Reader

    Reader(db).close()
    say(f"Dashboard of {redacted(db)} at http://{host}:{port} (Ctrl-C stops it)")
    # our own interpreter running our own app, the arguments a list (no shell)
    process = subprocess.Popen(command(db, currency, host, port, browser))  # noqa: S603

    def stop(signum, _frame):            # `kill` of this command stops the server with it
        process.send_signal(signum)

    before = signal.signal(signal.SIGTERM, stop)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.wait()          # Streamlit got the same Ctrl-C and stops on its own
        say("Dashboard stopped.")
        return 0
    finally:
        signal.signal(signal.SIGTERM, before)
        if process.poll() is None:
            process.terminate()
            process.wait()
