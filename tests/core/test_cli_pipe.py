"""A command whose reader goes away (``pcnhub rulesdoc | head``) stops quietly."""

from __future__ import annotations

import subprocess
import sys

PCNHUB = [sys.executable, "-c", "from pcnhub.cli import main; main()"]


def test_a_closed_pipe_ends_the_command_without_a_traceback() -> None:
    command = subprocess.Popen(
        [*PCNHUB, "rulesdoc"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert command.stdout is not None and command.stderr is not None
    # Closed before the command can write (it takes a while to start), as `head`
    # does once it has its lines: every write then meets a closed pipe.
    command.stdout.close()
    errors = command.stderr.read().decode()
    assert command.wait(timeout=120) == 141, errors
    assert "Traceback" not in errors
    assert "BrokenPipeError" not in errors


def test_the_same_command_writes_when_read() -> None:
    done = subprocess.run([*PCNHUB, "rulesdoc"], capture_output=True, check=True)
    assert done.stdout.startswith(b"# The Network Contract DES")
