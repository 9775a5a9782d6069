"""A Redis server of a test's own, on a free port, that the test may stop and start again.

Never the shared one on 6379: tests that break Redis break only their own.
"""

import shutil
import socket
import subprocess

from tests.services import unavailable


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def closed_port_url():
    """A Redis URL nothing listens at: connections are refused at once."""
    return f"redis://127.0.0.1:{free_port()}/0"


class RedisServer:
    """``redis-server`` without persistence in ``directory``; ``url`` stays the same across restarts."""

    def __init__(self, directory):
        if shutil.which("redis-server") is None:
            unavailable("needs redis-server on the PATH (Debian: apt-get install redis-server)")
        self.directory, self.port, self.process = directory, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        # It says so once it listens; it exits (an empty read) if it cannot.
        for line in self.process.stdout:
            if "Ready to accept connections" in line:
                return self
        self.process.wait()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
