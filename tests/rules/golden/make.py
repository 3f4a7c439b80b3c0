"""Write tests/rules/golden/digests.json from the code as it stands.

    .venv/bin/python tests/rules/golden/make.py

Runs tests/rules/test_golden.py with PCNHUB_GOLDEN_WRITE=1, which makes each test
write its digests instead of comparing them (the national one only when
../shared/data is present). Run it only when a change to the amounts is meant.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

if __name__ == "__main__":
    sys.exit(
        subprocess.call(
            [
                sys.executable,
                "-m",
                "pytest",
                "tests/rules/test_golden.py",
                "-q",
                "-p",
                "no:cacheprovider",
            ],
            cwd=REPO,
            env={**os.environ, "PCNHUB_GOLDEN_WRITE": "1"},
        )
    )
