"""Suite-wide settings: a fixed test salt, so no test depends on the demo-salt warning."""

from __future__ import annotations

import os

os.environ.setdefault("CX_ID_SALT", "cxwh-test-salt")
