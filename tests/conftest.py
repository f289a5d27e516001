"""Test-wide environment: plain, wide terminal output and English unless a test asks."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Rich reads these at print time: no colour codes, no wrapping in asserted output.
os.environ["TERM"] = "dumb"
os.environ["COLUMNS"] = "200"
os.environ.pop("LC_ALL", None)
os.environ.pop("LC_MESSAGES", None)
os.environ["LANG"] = "en_US.UTF-8"
os.environ.pop("LEDGER_LANG", None)
os.environ.setdefault("NO_COLOR", "1")

sys.path.insert(0, str(Path(__file__).parent))
