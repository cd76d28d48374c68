"""The embedded broker: starts on loopback, speaks Kafka, refuses a taken port, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from kafka import KafkaConsumer, KafkaProducer

from streams.broker import free_port, port_in_use
from streams.topics import ensure_topics


def _crisismap(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "streams.cli", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env or os.environ.copy(),
    )  # fmt: skip


def test_topics_created_and_round_trip(broker, kafka_settings):
    settings = kafka_settings()
    created = ensure_topics(settings)
    assert set(settings.feed_topics) <= set(created)
    assert ensure_topics(settings) == []  # idempotent
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap_servers)
    producer.send(settings.topic_weather, b"hello", headers=[("format", b"bulletin")]).get(timeout=10)
    producer.close()
    consumer = KafkaConsumer(settings.topic_weather, bootstrap_servers=broker.bootstrap_servers,
                             auto_offset_reset="earliest", consumer_timeout_ms=10_000)  # fmt: skip
    record = next(iter(consumer))
    consumer.close()
    assert record.value == b"hello"
    assert record.headers == [("format", b"bulletin")]


def test_broker_command_binds_loopback_and_stops_on_sigterm():
    port = free_port()
    env = os.environ | {"CRISISMAP_BROKER_PORT": str(port)}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    proc = _crisismap("broker", env=env)
    try:
        deadline = time.monotonic() + 30
        while not port_in_use(port) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read()
            time.sleep(0.1)
        assert port_in_use(port)
        line = proc.stdout.readline()
        assert f"127.0.0.1:{port}" in line
        # bound to loopback only: another local address of this host does not answer
        with socket.socket() as s:
            s.settimeout(1)
            other = socket.gethostbyname(socket.gethostname())
            if not other.startswith("127."):
                assert s.connect_ex((other, port)) != 0
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        time.sleep(0.2)
        assert not port_in_use(port)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_port_in_use_is_a_one_line_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = os.environ | {"CRISISMAP_BROKER_PORT": str(port)}
        env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
        proc = _crisismap("broker", env=env)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert err.strip().count("\n") == 0
    assert f"port {port}" in err and "already in use" in err


def test_external_cluster_setting_starts_nothing():
    proc = _crisismap("broker", env=os.environ | {"KAFKA_BOOTSTRAP_SERVERS": "kafka.example:9092"})
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert "nothing embedded starts" in err
