"""Starts and stops live `remit serve` processes for the acceptance suite."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import requests

REMIT_BIN = os.environ.get("REMIT_BIN", os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "remit"))
ADMIN_KEY = "sk_test_acceptance_platform_key_000000000001"
# Nodes sharing a PostgreSQL store share the card fingerprint key, as a deployment does.
FINGERPRINT_KEY = "acceptance-card-fingerprint-key-000000000000001"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_postgres_database():
    """Creates an empty database on the test server; returns its URL."""
    server = os.environ["REMIT_TEST_DATABASE_URL"]
    name = "remit_acc_" + uuid.uuid4().hex[:16]
    base = server.rsplit("/", 1)[0]
    host_port = base.split("@", 1)[1]
    host, port = host_port.split(":")
    subprocess.run(["psql", "-h", host, "-p", port, "-U", "postgres", "-qc", f"CREATE DATABASE {name}"],
                   check=True, capture_output=True)
    return f"{base}/{name}"


class RemitServer:
    """One `remit serve` process. `database_url` None means SQLite in `data_dir`."""

    def __init__(self, data_dir=None, database_url=None, extra_env=None):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="remit-acc-")
        self.database_url = database_url
        self.port = free_port()
        self.extra_env = extra_env or {}
        self.process = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, extra_args=None):
        if extra_args is not None:
            self.extra_args = extra_args
        env = dict(os.environ, REMIT_ADMIN_KEY=ADMIN_KEY, REMIT_FINGERPRINT_KEY=FINGERPRINT_KEY, **self.extra_env)
        env.pop("REMIT_DATABASE_URL", None)
        args = [REMIT_BIN, "serve", "--port", str(self.port), "--data-dir", self.data_dir]
        args += getattr(self, "extra_args", [])
        if self.database_url:
            args += ["--database-url", self.database_url]
        self.log = open(os.path.join(self.data_dir, "serve.log"), "ab")
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"remit exited with {self.process.returncode}; see {self.data_dir}/serve.log")
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise RuntimeError("remit did not start within 60 s")

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)
        self.process = None

    def kill(self):
        self.stop(signal.SIGKILL)

    def verify(self):
        args = [REMIT_BIN, "verify", "--data-dir", self.data_dir]
        if self.database_url:
            args += ["--database-url", self.database_url]
        return subprocess.run(args, capture_output=True, text=True,
                              env=dict(os.environ, REMIT_ADMIN_KEY=ADMIN_KEY, REMIT_FINGERPRINT_KEY=FINGERPRINT_KEY))

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
