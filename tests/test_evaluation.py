from __future__ import annotations

import importlib.util
import random
from typing import Any

import pytest

from leadrelay.evaluation import score_decisions
from tests.conftest import ROOT

SCORE_PY = ROOT.parent / "shared" / "leadbench" / "score.py"
TYPES = ["sales", "support", "partnership", "press", "vendor", "spam", "unknown"]
ACTIONS = ["escalate", "route", "reply", "review", "archive"]


def _random_case(rng: random.Random, i: int) -> tuple[dict[str, Any], dict[str, Any]]:
    def decision() -> dict[str, Any]:
        return {"type": rng.choice(TYPES), "urgency": rng.choice(["high", "normal", "low"]),
                "fit": rng.choice(["strong", "weak", None]), "action": rng.choice(ACTIONS),
                "owner": rng.choice(["ae-na", "review", None, "maya.chen@cobaltdata.com"]),
                "account_id": rng.choice([None, "ACC-1"]), "duplicate_of": rng.choice([None, None, "e-0"]),
                "fields": {"company": rng.choice(["Acme Inc", "ACME", None]), "role": "Head of Data",
                           "country": rng.choice(["US", "de", None]), "team_size": rng.choice([5, 300, None])}}
    gold = decision()
    pred = {"id": f"e-{i}", "confidence": round(rng.random(), 2), **decision()}
    return {"id": f"e-{i}", "gold": gold}, pred


def test_matches_leadbench_score_py() -> None:
    if not SCORE_PY.is_file():
        pytest.skip("LeadBench's score.py is not beside the project")
    spec = importlib.util.spec_from_file_location("leadbench_score", SCORE_PY)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = random.Random(3)
    pairs = [_random_case(rng, i) for i in range(300)]
    labelled, decisions = [p[0] for p in pairs], [p[1] for p in pairs[:-5]]  # five decisions missing
    ours = score_decisions(labelled, decisions)
    theirs = module.score(labelled, decisions)
    for key, value in ours.items():
        if key != "misses":
            assert value == theirs[key], key


def test_hand_checked_numbers() -> None:
    labelled = [{"id": "a", "gold": {"type": "sales", "action": "escalate", "owner": "ae-na", "fields": {}}},
                {"id": "b", "gold": {"type": "spam", "action": "archive", "owner": None, "fields": {}}}]
    decisions = [{"id": "a", "type": "sales", "action": "reply", "owner": "nurture", "confidence": 0.9},
                 {"id": "b", "type": "sales", "action": "route", "owner": "ae-na", "confidence": 0.8}]
    report = score_decisions(labelled, decisions)
    assert report["missed_hot_leads"] == 1
    assert report["junk_to_sales"] == 1
    assert report["type_accuracy"] == 0.5
    assert report["calibration_ece"] == round((abs(1 - 0.9) + abs(0 - 0.8)) / 2, 4)
