"""The example workspace's own labelled events: a regression guard on events the model never trained on.

`examples/cobalt/labelled.jsonl` was written by hand for this purpose (not generated from the training
templates, not taken from LeadBench). The bars are below what the pipeline reaches today, so a change
that breaks qualification fails here before it reaches anyone.
"""

from __future__ import annotations

import json

from leadrelay.cli.evaluate import evaluate_backend
from leadrelay.workspace import Workspace
from tests.conftest import COBALT


def test_the_hand_labelled_events(cobalt: Workspace) -> None:
    labelled = [json.loads(line) for line in (COBALT / "labelled.jsonl").read_text().splitlines()]
    report = evaluate_backend(cobalt, labelled, "local")
    assert report["events"] == 30
    assert report["missed_hot_leads"] == 0
    assert report["junk_to_sales"] == 0
    assert report["type_macro_f1"] >= 0.85
    assert report["action_accuracy"] >= 0.85
    assert report["owner_accuracy"] >= 0.85
    assert report["account_match_accuracy"] >= 0.95
    assert report["duplicate_f1"] >= 0.8
    assert report["calibration_ece"] <= 0.1
