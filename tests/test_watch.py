"""`quizgen build --watch` in a real process: rebuilds on save, survives a broken bank, exits 130."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts a process and waits for file-system events

BANK = """\
id: weather
title: {title}
questions:
  - id: rain
    type: multiple_choice
    prompt: What falls from clouds?
    choices: [Rain, Rocks]
    answer: {answer}
"""


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _title(path: Path) -> str | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["banks"][0]["title"]
    except (OSError, ValueError, KeyError, IndexError):
        return None


def _save(path: Path, text: str) -> None:
    """Save as editors do: a new file renamed over the old one."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_watch_rebuilds_reports_a_broken_bank_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    bank = tmp_path / "weather.yaml"
    bank.write_text(BANK.format(title="First", answer="Rain"), encoding="utf-8")
    out = tmp_path / "out"
    result = out / "weather.json"
    stderr = tmp_path / "stderr.txt"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    with open(stderr, "w", encoding="utf-8") as err:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "quizgen",
                "build",
                str(bank),
                "-o",
                str(out),
                "--format",
                "json",
                "--watch",
            ],
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=tmp_path,
            env=env,
        )
    try:
        _wait_for(lambda: _title(result) == "First", "the first build")
        _wait_for(lambda: "watching for changes" in stderr.read_text(), "the watch to start")
        time.sleep(0.5)  # the watcher is set up just after the first build
        _save(bank, BANK.format(title="Second", answer="Rain"))
        _wait_for(lambda: _title(result) == "Second", "a rebuild after a save")

        _save(bank, BANK.format(title="Third", answer="Snow"))
        message = (
            "weather.yaml:8:13: error: question 'rain': answer 'Snow' is not one of the choices"
        )
        _wait_for(lambda: message in stderr.read_text(), "the broken bank's error")
        _wait_for(lambda: "Build failed" in stderr.read_text(), "the failure notice")
        assert process.poll() is None  # still watching
        assert _title(result) == "Second"  # a failed build writes nothing

        _save(bank, BANK.format(title="Fourth", answer="Rocks"))
        _wait_for(lambda: _title(result) == "Fourth", "a rebuild after the fix")
        # first, second, fourth (the file is written before the line is printed)
        _wait_for(lambda: stderr.read_text().count("Built (") == 3, "the third build's line")
        (out / "unrelated.txt").write_text("x", encoding="utf-8")  # not a bank file
        (tmp_path / "notes.txt").write_text("x", encoding="utf-8")  # beside the bank
        time.sleep(1.0)  # more than the debounce: a build it set off would have started

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = stderr.read_text()
    assert text.count("Built (") == 3  # nothing else set one off
    assert text.count("changed:") == 3  # the three saves of the bank
    assert "Stopped watching." in text
    assert "Traceback" not in text and "Aborted" not in text
