from __future__ import annotations

from pathlib import Path

import pytest

from leadrelay.workspace import Workspace, load_workspace

ROOT = Path(__file__).resolve().parents[1]
COBALT = ROOT / "examples" / "cobalt"


@pytest.fixture(scope="session")
def cobalt() -> Workspace:
    return load_workspace(COBALT)
