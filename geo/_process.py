"""Child processes the commands start (broker, workers, Streamlit): one way to stop them."""

from __future__ import annotations

import signal
import subprocess


def stop_process(process: subprocess.Popen, timeout: float = 15.0, sig: int = signal.SIGTERM) -> int:
    """Ask ``process`` to stop with ``sig``; SIGKILL it if it has not exited after ``timeout`` seconds.

    Returns its exit status (negative: the signal that ended it).
    """
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
