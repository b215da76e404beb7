from __future__ import annotations

import pytest

from leadrelay.pipeline.records import CrmAccount
from leadrelay.pipeline.route import RouteStep
from leadrelay.workspace import Workspace
from tests.factories import scored


@pytest.fixture(scope="module")
def step(cobalt: Workspace) -> RouteStep:
    return RouteStep(cobalt)


@pytest.mark.parametrize(
    ("size", "country", "owner"),
    [
        (2000, "DE", "enterprise"), (300, "US", "ae-na"), (300, "CA", "ae-na"), (300, "DE", "ae-emea"),
        (300, "AU", "ae-apac"), (300, "BR", "partners"), (30, "US", "smb"), (None, "FR", "ae-emea"),
        (None, None, "smb"),
    ],
)
def test_sales_segments_by_size_and_territory(step: RouteStep, size: int | None, country: str | None,
                                              owner: str) -> None:
    fit = "moderate" if (size is not None and size < 50) or country == "BR" else "strong"
    routed = step.run(scored(size=size, country=country, fit=fit))
    assert routed.routing.owner == owner


def test_strong_fit_and_high_urgency_escalates(step: RouteStep) -> None:
    routed = step.run(scored(size=300, country="US", urgency="high"))
    assert (routed.routing.action, routed.routing.owner) == ("escalate", "ae-na")


def test_a_thousand_employees_escalates_without_urgency(step: RouteStep) -> None:
    routed = step.run(scored(size=1500, country="GB"))
    assert (routed.routing.action, routed.routing.owner) == ("escalate", "enterprise")


def test_moderate_fit_never_escalates(step: RouteStep) -> None:
    routed = step.run(scored(size=30, country="US", fit="moderate", urgency="high"))
    assert routed.routing.action == "route"


def test_known_customer_goes_to_its_owner(step: RouteStep) -> None:
    account = CrmAccount(account_id="ACC-1", name="Acme", status="customer", owner_email="hannah.park@cobaltdata.com")
    routed = step.run(scored(size=300, country="US", account=account))
    assert (routed.routing.action, routed.routing.owner) == ("route", "hannah.park@cobaltdata.com")


def test_churned_account_is_routed_like_a_new_company(step: RouteStep) -> None:
    account = CrmAccount(account_id="ACC-2", name="Acme", status="churned", owner_email="hannah.park@cobaltdata.com")
    assert step.run(scored(size=300, country="DE", account=account)).routing.owner == "ae-emea"


def test_weak_and_unknown_fit(step: RouteStep) -> None:
    weak = step.run(scored(size=4, fit="weak"))
    unknown = step.run(scored(size=None, country=None, fit="unknown"))
    assert (weak.routing.action, weak.routing.owner) == ("reply", "nurture")
    assert (unknown.routing.action, unknown.routing.owner) == ("review", "review")


@pytest.mark.parametrize(
    ("kind", "action", "owner"),
    [
        ("support", "route", "support"), ("partnership", "route", "partnerships"), ("press", "route", "marketing"),
        ("investor", "route", "founders"), ("recruiting", "route", "talent"), ("student", "reply", None),
        ("vendor", "archive", None), ("spam", "archive", None), ("unknown", "review", "review"),
    ],
)
def test_other_types_follow_the_table(step: RouteStep, kind: str, action: str, owner: str | None) -> None:
    routed = step.run(scored(type=kind, fit=None, probabilities={kind: 0.9}))
    assert (routed.routing.action, routed.routing.owner) == (action, owner)


def test_urgent_support_escalates(step: RouteStep) -> None:
    routed = step.run(scored(type="support", fit=None, urgency="high"))
    assert (routed.routing.action, routed.routing.owner) == ("escalate", "support")


def test_low_confidence_goes_to_review(step: RouteStep) -> None:
    routed = step.run(scored(confidence=0.3))
    assert (routed.routing.action, routed.routing.owner) == ("review", "review")
    assert any(r.source == "rule:route.review.min_confidence" for r in routed.evidence)


def test_possible_sales_is_never_archived(step: RouteStep) -> None:
    routed = step.run(scored(type="vendor", fit=None, confidence=0.6, probabilities={"vendor": 0.6, "sales": 0.35}))
    assert routed.routing.action == "review"


def test_every_decision_names_its_rule(step: RouteStep) -> None:
    routed = step.run(scored(size=300, country="US"))
    assert [r.source for r in routed.evidence if r.step == "route"] == ["rule:route.segments.ae-na"]


def test_possible_junk_never_reaches_sales(step: RouteStep) -> None:
    lead = scored(size=300, country="US", confidence=0.6, probabilities={"sales": 0.6, "spam": 0.2, "vendor": 0.15})
    routed = step.run(lead)
    assert (routed.routing.action, routed.routing.owner) == ("review", "review")
    assert any(r.source == "rule:route.review.possible_junk" for r in routed.evidence)


def test_weak_fit_gets_the_self_serve_answer_even_for_a_known_account(step: RouteStep) -> None:
    account = CrmAccount(account_id="ACC-3", name="Tiny", status="prospect", employees=6,
                         owner_email="maya.chen@cobaltdata.com")
    routed = step.run(scored(size=6, fit="weak", account=account))
    assert (routed.routing.action, routed.routing.owner) == ("reply", "nurture")


def test_crm_and_sender_disagreeing_on_size_goes_to_review(step: RouteStep, cobalt: Workspace) -> None:
    from leadrelay.pipeline.records import Enrichment

    account = CrmAccount(account_id="ACC-4", name="Acme", status="customer", employees=8,
                         owner_email="hannah.park@cobaltdata.com")
    lead = scored(size=8, fit="weak", account=account)
    lead = lead.model_copy(update={"enrichment": Enrichment(account=account, stated_team_size=60)})
    routed = step.run(lead)
    assert (routed.routing.action, routed.routing.owner) == ("review", "review")
    assert any(r.source == "rule:route.review.size_conflict" for r in routed.evidence)
