"""Run a benchmark script again in a fresh process, so each measurement pays its own start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_child(script: str, args: list[str], cache: Path) -> dict:
    """Run ``script --child ARGS`` with its own parse cache; return the JSON of its last line."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run(
        [sys.executable, script, "--child", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
