"""The whole pipeline, end to end, on the example workspace and on a second, different company."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadrelay.errors import ConfigError
from leadrelay.pipeline.events import parse_event
from leadrelay.pipeline.records import Event
from leadrelay.pipeline.runner import Pipeline, check_chain
from leadrelay.workspace import Workspace, load_workspace

FJORDLINE = Path(__file__).resolve().parents[1] / "fixtures" / "workspaces" / "fjordline"


@pytest.fixture(scope="module")
def cobalt_pipeline(cobalt: Workspace) -> Pipeline:
    pipeline = Pipeline.for_workspace(cobalt)
    pipeline.warm_up()
    return pipeline


@pytest.fixture()
def fjordline() -> Pipeline:
    pipeline = Pipeline.for_workspace(load_workspace(FJORDLINE))
    pipeline.warm_up()
    return pipeline


def event(**data: object) -> Event:
    return parse_event({"received_at": "2026-11-02T09:00:00Z", **data})


def test_a_hot_enterprise_lead_escalates_with_reasons(cobalt_pipeline: Pipeline) -> None:
    decision = cobalt_pipeline.qualify(event(
        id="hot-1", channel="demo_request", from_name="Lena Ortiz", from_email="lena.ortiz@granitemutual.com",
        body="We replicate Oracle and SQL Server into Snowflake with home-grown scripts and need CDC. Our "
             "current vendor contract ends December 1 and the steering committee decides on November 20.",
        fields={"company": "Granite Mutual", "job_title": "VP Data Platform", "company_size": "1001-5000",
                "country": "United States"},
    ))
    assert (decision.type, decision.urgency, decision.fit) == ("sales", "high", "strong")
    assert (decision.action, decision.owner) == ("escalate", "enterprise")
    assert decision.fields.country == "US" and decision.fields.team_size is not None
    sources = {r.source for r in decision.reasons}
    assert "form:company" in sources and "rule:route.sales.escalate" in sources
    assert decision.model.startswith("local-linear/")


def test_a_known_customer_goes_to_its_owner(cobalt_pipeline: Pipeline, cobalt: Workspace) -> None:
    account = next(a for a in cobalt.accounts if a.status == "customer" and a.owner_email and a.employees
                   and a.employees >= 200)
    decision = cobalt_pipeline.qualify(event(
        id="cust-1", channel="email", from_name="Sam Reyes", from_email=f"sam.reyes@{account.domain}",
        subject="Adding our marketing team", body="Hi, we'd like to add our marketing team to Cobalt and need "
        "five more connectors (Marketo, LinkedIn Ads, Google Ads). Can you send a quote for the upgrade?"))
    assert decision.account_id == account.account_id
    assert decision.type == "sales"
    assert decision.owner == account.owner_email


def test_junk_and_insufficient_information(cobalt_pipeline: Pipeline) -> None:
    bounce = cobalt_pipeline.qualify(event(
        id="b-1", channel="email", from_name="Mail Delivery Subsystem", from_email="mailer-daemon@example.net",
        subject="Undelivered Mail Returned to Sender", body="This is the mail system. Your message could not "
        "be delivered to one or more recipients: user unknown."))
    assert (bounce.type, bounce.action, bounce.owner) == ("unknown", "review", "review")


def test_a_failing_step_sends_the_event_to_review(cobalt: Workspace) -> None:
    pipeline = Pipeline.for_workspace(cobalt)

    def broken(lead: object) -> object:
        raise RuntimeError("index unavailable")

    pipeline.enrich.run = broken  # type: ignore[method-assign]
    decision = pipeline.qualify(event(id="x-1", channel="chat", body="We need a demo of CDC into BigQuery"))
    assert (decision.type, decision.action, decision.owner) == ("unknown", "review", "review")
    assert decision.parse_error == "enrich: index unavailable"
    assert pipeline.timings.failures["enrich"] == 1


def test_duplicates_across_channels(cobalt_pipeline: Pipeline) -> None:
    ask = ("We'd like a demo: we need Shopify, NetSuite and Klaviyo data in Snowflake, about 250 people, "
           "based in Denver.")
    first = cobalt_pipeline.qualify(event(id="d-1", channel="web_form", from_name="Ada Brooks",
                                          from_email="ada@peakline-outdoor.com", body=ask))
    second = cobalt_pipeline.qualify(event(id="d-2", channel="email", from_name="Ada Brooks",
                                           from_email="ada@peakline-outdoor.com", subject="Demo request",
                                           body="Following up on my form: " + ask,
                                           received_at="2026-11-02T15:00:00Z"))
    assert first.duplicate_of is None
    assert second.duplicate_of == "d-1"


def test_the_same_pipeline_serves_another_company(fjordline: Pipeline) -> None:
    customer = fjordline.qualify(event(
        id="f-1", channel="email", from_name="Ola Nordmann", from_email="ola.nordmann@tromsofiskeri.no",
        subject="Lønn for 200 flere ansatte", body="Hi, we are opening a new plant and want to add 200 more "
        "employees to payroll and time tracking next quarter. Can you send us a quote?"))
    assert customer.account_id == "FJ-1"
    assert customer.owner == "ingrid.dahl@fjordline.no"
    small = fjordline.qualify(event(
        id="f-2", channel="web_form", from_email="anna@lindqvist-bygg.se", body="We need payroll software.",
        fields={"company": "Lindqvist Bygg", "company_size": "51-200", "country": "Sweden"}))
    assert (small.type, small.fit, small.owner) == ("sales", "moderate", "inside-sales")
    dach = fjordline.qualify(event(
        id="f-3", channel="demo_request", from_email="j.meier@alpenwerk.de", body="Wir suchen eine Lösung "
        "für Gehaltsabrechnung und Zeiterfassung für 400 Mitarbeiter.", fields={"company": "Alpenwerk GmbH",
        "country": "Deutschland"}))
    assert (dach.fit, dach.owner) == ("strong", "dach-ae")
    vendor = fjordline.qualify(event(
        id="f-4", channel="email", from_email="growth@seo-rockets.io", subject="Rank #1 on Google",
        body="Hi, we help companies like yours get 50 high-authority backlinks a month. Book a quick call?"))
    assert (vendor.action, vendor.owner) == ("archive", None)


def test_the_chain_is_checked_at_start_up(cobalt_pipeline: Pipeline) -> None:
    steps = list(cobalt_pipeline.steps)
    with pytest.raises(ConfigError, match="step 'parse' produces"):
        check_chain([steps[0], steps[2]])


def test_a_linkedin_message_inherits_what_the_persons_email_said(cobalt: Workspace) -> None:
    pipeline = Pipeline.for_workspace(cobalt)
    pipeline.qualify(event(
        id="m-1", channel="email", from_name="Tessa Lindgren", from_email="tessa@norrsken-retail.com",
        subject="ELT for our stores", body="Hi, Norrsken Retail is about 420 people, based in Chicago. We want "
        "Shopify and NetSuite in Snowflake. Can we see a demo?"))
    follow_up = pipeline.qualify(event(
        id="m-2", channel="linkedin", from_name="Tessa Lindgren", received_at="2026-11-05T09:00:00Z",
        body="Hi! Following up on my email about a demo for Shopify and NetSuite into Snowflake."))
    assert (follow_up.fields.company, follow_up.fields.team_size, follow_up.fields.country) == (
        "Norrsken Retail", 420, "US")
    assert follow_up.owner == "ae-na"
    assert follow_up.duplicate_of == "m-1"
    assert any(r.kind == "history" and r.source == "event:m-1" for r in follow_up.reasons)
