"""LeadBench measures: compare decisions with labelled events.

The definitions follow LeadBench's `score.py` (type macro-F1, action/owner accuracy, missed hot
leads, junk to sales, insufficient-information recall, review rate, account match, duplicate F1,
field accuracy, calibration error), so `leadrelay eval` and the README table agree with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any

from leadrelay.pipeline.records import TYPES

__all__ = ["REPORT_KEYS", "score_decisions"]

_SALES_QUEUES = {"enterprise", "ae-na", "ae-emea", "ae-apac", "partners", "smb"}
_SUFFIX = re.compile(r"\b(inc|llc|ltd|gmbh|corp|co|plc|bv|ag|sa|pty)\b\.?")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

REPORT_KEYS = (
    "events", "type_accuracy", "type_macro_f1", "action_accuracy", "owner_accuracy", "urgency_accuracy",
    "fit_accuracy_sales", "missed_hot_leads", "junk_to_sales", "escalation_recall", "escalation_precision",
    "insufficient_info_recall", "review_rate", "account_match_accuracy", "duplicate_f1", "field_accuracy",
    "calibration_ece",
)


def _norm(text: object) -> str:
    return _NON_ALNUM.sub(" ", _SUFFIX.sub(" ", str(text or "").lower())).strip()


def _similar(a: object, b: object, threshold: float = 0.85) -> bool:
    x, y = _norm(a), _norm(b)
    if not x or not y:
        return False
    if x == y or x in y.split() or y in x.split():
        return True
    return SequenceMatcher(None, x, y).ratio() >= threshold


def _role_match(gold: object, pred: object) -> bool:
    g, p = set(_norm(gold).split()), set(_norm(pred).split())
    if not g or not p:
        return False
    return len(g & p) / len(g) >= 0.5 or _similar(gold, pred, 0.8)


def _band(n: object) -> str | None:
    try:
        size = int(n)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    for top, name in ((10, "1-10"), (49, "11-49"), (199, "50-199"), (999, "200-999"), (4999, "1000-4999")):
        if size <= top:
            return name
    return "5000+"


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def _sales_owner(owner: object, own_domains: Sequence[str]) -> bool:
    return bool(owner) and (owner in _SALES_QUEUES or any(str(owner).endswith("@" + d) for d in own_domains))


_FIELD_MATCH: dict[str, Callable[[Any, Any], bool]] = {
    "company": _similar,
    "role": _role_match,
    "country": lambda a, b: str(a or "").upper() == str(b or "").upper(),
    "team_size": lambda a, b: _band(a) is not None and _band(a) == _band(b),
}


def score_decisions(labelled: Sequence[Mapping[str, Any]], decisions: Sequence[Mapping[str, Any]],
                    *, own_domains: Sequence[str] = ("cobaltdata.com",)) -> dict[str, Any]:
    """The LeadBench report for `decisions` against the `gold` of `labelled` events."""
    by_id = {d.get("id"): d for d in decisions}
    n = len(labelled)
    c: Counter[str] = Counter()
    bins = [[0, 0.0, 0] for _ in range(10)]
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    misses: list[dict[str, Any]] = []
    for event in labelled:
        gold = event["gold"]
        d = by_id.get(event["id"]) or {}
        pt, gt = d.get("type"), gold["type"]
        if pt == gt:
            c["type_ok"] += 1
            tp[gt] += 1
        else:
            fn[gt] += 1
            if pt:
                fp[pt] += 1
            misses.append({"id": event["id"], "what": "type", "gold": gt, "got": pt})
        conf = d.get("confidence")
        if isinstance(conf, int | float) and 0 <= conf <= 1:
            b = bins[min(int(conf * 10), 9)]
            b[0] += 1
            b[1] += conf
            b[2] += int(pt == gt)
        for key in ("action", "owner", "urgency"):
            if d.get(key) == gold.get(key):
                c[key + "_ok"] += 1
            elif key == "action":
                misses.append({"id": event["id"], "what": "action", "gold": gold.get(key), "got": d.get(key)})
        if gt == "sales":
            c["sales"] += 1
            c["fit_ok"] += int(d.get("fit") == gold.get("fit"))
        ga, pa = gold.get("action"), d.get("action")
        if ga == "escalate":
            c["gold_escalate"] += 1
            c["escalate_hit"] += int(pa == "escalate")
            if pa in ("archive", "reply", None):
                c["missed_hot"] += 1
                misses.append({"id": event["id"], "what": "MISSED HOT LEAD", "gold": ga, "got": pa})
        if pa == "escalate":
            c["pred_escalate"] += 1
            c["escalate_right"] += int(ga == "escalate")
        if ga == "archive" and pa in ("route", "escalate") and _sales_owner(d.get("owner"), own_domains):
            c["junk_to_sales"] += 1
            misses.append({"id": event["id"], "what": "JUNK TO SALES", "gold": ga, "got": pa})
        if gt == "unknown":
            c["gold_unknown"] += 1
            c["unknown_caught"] += int(pt == "unknown" or pa == "review")
        c["review"] += int(pa == "review")
        c["account_ok"] += int(d.get("account_id") == gold.get("account_id"))
        gd, pd = gold.get("duplicate_of"), d.get("duplicate_of")
        if gd and pd == gd:
            c["dup_tp"] += 1
        else:
            c["dup_fn"] += int(bool(gd))
            c["dup_fp"] += int(bool(pd))
        gf, pf = gold.get("fields") or {}, d.get("fields") or {}
        for key, match in _FIELD_MATCH.items():
            if gf.get(key) not in (None, ""):
                totals[key] += 1
                hits[key] += int(bool(match(gf[key], pf.get(key))))
    f1s = []
    for t in TYPES:
        if tp[t] + fn[t] == 0:
            continue
        p = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else 0.0
        r = tp[t] / (tp[t] + fn[t])
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    ece = sum(abs(b[2] - b[1]) for b in bins if b[0]) / n if n else None
    dup_p = _ratio(c["dup_tp"], c["dup_tp"] + c["dup_fp"])
    dup_r = _ratio(c["dup_tp"], c["dup_tp"] + c["dup_fn"])
    return {
        "events": n,
        "type_accuracy": _ratio(c["type_ok"], n),
        "type_macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else None,
        "action_accuracy": _ratio(c["action_ok"], n),
        "owner_accuracy": _ratio(c["owner_ok"], n),
        "urgency_accuracy": _ratio(c["urgency_ok"], n),
        "fit_accuracy_sales": _ratio(c["fit_ok"], c["sales"]),
        "missed_hot_leads": c["missed_hot"],
        "junk_to_sales": c["junk_to_sales"],
        "escalation_recall": _ratio(c["escalate_hit"], c["gold_escalate"]),
        "escalation_precision": _ratio(c["escalate_right"], c["pred_escalate"]),
        "insufficient_info_recall": _ratio(c["unknown_caught"], c["gold_unknown"]),
        "review_rate": _ratio(c["review"], n),
        "account_match_accuracy": _ratio(c["account_ok"], n),
        "duplicate_f1": round(2 * dup_p * dup_r / (dup_p + dup_r), 4) if dup_p and dup_r else 0.0,
        "field_accuracy": {k: _ratio(hits[k], totals[k]) for k in sorted(totals)},
        "calibration_ece": round(ece, 4) if ece is not None else None,
        "misses": misses,
    }
