from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadrelay.errors import EventError
from leadrelay.pipeline.records import Decision, Evidence, Fields
from leadrelay.store import repo
from leadrelay.store.tables import ApiToken, DecisionRow, EventRow, Job, LeadRow, TimelineEntry, utcnow

WINDOW = 3600


def payload(**overrides: object) -> str:
    event: dict[str, object] = {"id": "ev-100", "channel": "web_form", "from_email": "Dana.Roe@Northwind.example",
                                "from_name": "Dana Roe", "subject": "Pricing",
                                "body": "We need pipelines into BigQuery.", "fields": {"company": "Northwind"}}
    event.update(overrides)
    return json.dumps(event)


def decision(external_id: str = "ev-100", *, workspace_version: str = "ws-1", action: str = "route",
             account_id: str | None = None) -> Decision:
    return Decision(id=external_id, type="sales", urgency="normal", fit="moderate", action=action,  # type: ignore[arg-type]
                    owner="ae-emea", confidence=0.8, account_id=account_id,
                    fields=Fields(company="Northwind", role="CTO", country="DE", source="web_form"),
                    reasons=(Evidence(kind="rule", step="route", detail="segment"),), model="m1",
                    workspace_version=workspace_version)


def test_token_is_stored_hashed_and_authenticates_its_source(db: Session) -> None:
    token = repo.create_token(db, source="webform")
    assert token.startswith("lr_") and len(token) > 40
    stored = db.scalars(select(ApiToken)).one()
    assert token not in (stored.token_sha256, stored.prefix) and len(stored.token_sha256) == 64
    assert repo.authenticate(db, token=token) == "webform"
    assert repo.authenticate(db, token=token + "x") is None
    assert repo.authenticate(db, token="Bearer nonsense") is None
    stored.revoked_at = utcnow()
    db.flush()
    assert repo.authenticate(db, token=token) is None


def test_token_needs_a_source(db: Session) -> None:
    with pytest.raises(ValueError, match="1 to 64"):
        repo.create_token(db, source="  ")


def test_intake_stores_the_payload_verbatim_with_job_timeline_and_lead(db: Session) -> None:
    raw = payload()
    result = repo.intake_event(db, source="webform", raw=raw, window_s=WINDOW)
    assert result.duplicate is False
    row = db.get(EventRow, result.event_id)
    assert row is not None
    assert row.payload == raw and row.external_id == "ev-100" and row.channel == "web_form"
    assert row.sender_email == "dana.roe@northwind.example" and row.status == "received"
    job = db.scalars(select(Job).where(Job.event_id == row.id)).one()
    assert job.state == "pending" and job.attempts == 0
    lead = db.get(LeadRow, row.lead_id)
    assert lead is not None and lead.email == "dana.roe@northwind.example" and lead.name == "Dana Roe"
    kinds = [t.kind for t in repo.event_timeline(db, event_id=row.id)]
    assert kinds == ["event_received"]


def test_same_content_within_the_window_is_a_duplicate(db: Session) -> None:
    first = repo.intake_event(db, source="webform", raw=payload(), window_s=WINDOW)
    again = repo.intake_event(db, source="webform", raw=payload(), window_s=WINDOW)
    assert again.duplicate is True and again.event_id == first.event_id
    assert db.scalar(select(func.count()).select_from(EventRow)) == 1
    other_source = repo.intake_event(db, source="email-bridge", raw=payload(), window_s=WINDOW)
    assert other_source.duplicate is False and other_source.event_id != first.event_id


def test_same_content_after_the_window_is_a_new_event(db: Session) -> None:
    first = repo.intake_event(db, source="webform", raw=payload(), window_s=60)
    later = repo.intake_event(db, source="webform", raw=payload(), window_s=60, now=utcnow() + timedelta(seconds=61))
    assert later.duplicate is False and later.event_id != first.event_id
    # The key now points at the newer event.
    again = repo.intake_event(db, source="webform", raw=payload(), window_s=60, now=utcnow() + timedelta(seconds=62))
    assert again.duplicate is True and again.event_id == later.event_id


def test_idempotency_header_wins_over_content(db: Session) -> None:
    first = repo.intake_event(db, source="webform", raw=payload(), idempotency_key="k-1", window_s=WINDOW)
    changed = repo.intake_event(db, source="webform", raw=payload(body="edited"), idempotency_key="k-1",
                                window_s=WINDOW)
    assert changed.duplicate is True and changed.event_id == first.event_id
    fresh = repo.intake_event(db, source="webform", raw=payload(), idempotency_key="k-2", window_s=WINDOW)
    assert fresh.duplicate is False


@pytest.mark.parametrize(("raw", "error", "message"), [
    ("{not json", repo.MalformedPayload, "not valid JSON"),
    ("[1, 2]", repo.MalformedPayload, "JSON object, not list"),
    (b"\xff\xfe", repo.MalformedPayload, "not valid JSON"),
    (json.dumps({"id": "x", "channel": "fax"}), EventError, "channel"),
    (json.dumps({"channel": "chat", "body": "hi"}), EventError, "id"),
    (json.dumps({"id": "x", "channel": "chat", "bdy": "hi"}), EventError, "unknown keys: bdy"),
    (json.dumps({"id": "x\u0000", "channel": "chat", "body": "hi"}), EventError, "id: text may not contain NUL"),
    (json.dumps({"id": "x", "channel": "web_form", "fields": {"company": "a\u0000"}}), EventError,
     "fields.company: text may not contain NUL"),
    (b'{"id": "x", "channel": "chat", "body": "hi\\u0000"}', EventError, "body: text may not contain NUL"),
    (b'{"id": "x", "channel": "chat", "from_email": "a\\ud800@b.example"}', EventError,
     "from_email: text may not contain unpaired surrogates"),
    ('{"id": "x", "channel": "chat", "from_name": "\\uDFFF", "body": "hi"}', EventError,
     "from_name: text may not contain unpaired surrogates"),
])
def test_intake_refuses_bad_payloads_with_clear_messages(db: Session, raw: str | bytes, error: type[Exception],
                                                         message: str) -> None:
    with pytest.raises(error, match=message):
        repo.intake_event(db, source="webform", raw=raw, window_s=WINDOW)
    assert db.scalar(select(func.count()).select_from(EventRow)) == 0


def test_a_surrogate_pair_is_one_character_and_accepted(db: Session) -> None:
    raw = '{"id": "x", "channel": "chat", "from_name": "Dana \\ud83d\\ude00", "body": "hi"}'
    result = repo.intake_event(db, source="webform", raw=raw, window_s=WINDOW)
    assert result.event is not None and result.event.from_name == "Dana \N{GRINNING FACE}"


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(db: Session) -> None:
    raw = json.dumps({"id": "x", "channel": "chat", "body": "see \\u0000 in the log"})
    assert "\\\\u0000" in raw  # the JSON text holds the escape sequence, the value holds no NUL
    result = repo.intake_event(db, source="webform", raw=raw, window_s=WINDOW)
    assert not result.duplicate


def test_labelled_files_may_carry_gold_when_not_strict(db: Session) -> None:
    raw = payload(gold={"type": "sales"}, notes="why")
    with pytest.raises(EventError, match="gold"):
        repo.intake_event(db, source="import", raw=raw, window_s=WINDOW)
    result = repo.intake_event(db, source="import", raw=raw, window_s=WINDOW, strict=False)
    row = db.get(EventRow, result.event_id)
    assert row is not None and json.loads(row.payload)["notes"] == "why"


def test_save_decision_links_lead_closes_job_and_is_idempotent(db: Session) -> None:
    event_id = repo.intake_event(db, source="webform", raw=payload(), window_s=WINDOW).event_id
    saved = repo.save_decision(db, event_id=event_id, decision=decision(account_id="ACC-9"), pipeline_version="p1",
                               sender_email="dana.roe@northwind.example", sender_name="Dana Roe")
    assert saved is not None and saved.reasons[0]["detail"] == "segment" and saved.fields["country"] == "DE"
    assert repo.save_decision(db, event_id=event_id, decision=decision(), pipeline_version="p1") is None
    assert db.scalar(select(func.count()).select_from(DecisionRow)) == 1
    event = db.get(EventRow, event_id)
    assert event is not None and event.status == "decided"
    lead = db.get(LeadRow, event.lead_id)
    assert lead is not None
    assert (lead.company, lead.role, lead.country, lead.account_id, lead.action) == (
        "Northwind", "CTO", "DE", "ACC-9", "route")
    assert db.scalars(select(Job.state).where(Job.event_id == event_id)).one() == "done"
    assert [t.kind for t in repo.lead_timeline(db, lead_id=lead.id)] == ["event_received", "decided"]


def test_a_new_workspace_version_re_decides(db: Session) -> None:
    event_id = repo.intake_event(db, source="webform", raw=payload(), window_s=WINDOW).event_id
    repo.save_decision(db, event_id=event_id, decision=decision(), pipeline_version="p1")
    second = repo.save_decision(db, event_id=event_id, decision=decision(workspace_version="ws-2", action="escalate"),
                                pipeline_version="p1")
    assert second is not None
    assert [d.workspace_version for d in repo.event_decisions(db, event_id=event_id)] == ["ws-1", "ws-2"]
    assert [t.kind for t in repo.event_timeline(db, event_id=event_id)] == ["event_received", "decided", "redecided"]


def test_events_without_an_address_merge_by_account(db: Session) -> None:
    first = repo.intake_event(db, source="li", raw=payload(id="a", from_email=None), window_s=WINDOW).event_id
    second = repo.intake_event(db, source="li", raw=payload(id="b", from_email=None), window_s=WINDOW).event_id
    one = repo.save_decision(db, event_id=first, decision=decision("a", account_id="ACC-7"), pipeline_version="p",
                             sender_name="Dana Roe")
    two = repo.save_decision(db, event_id=second, decision=decision("b", account_id="ACC-7"), pipeline_version="p")
    assert one is not None and two is not None and one.lead_id == two.lead_id


def test_failures_then_dead_letter(db: Session) -> None:
    event_id = repo.intake_event(db, source="webform", raw=payload(), window_s=WINDOW).event_id
    repo.mark_job(db, event_id=event_id, state="running", count_attempt=True)
    repo.record_failure(db, event_id=event_id, error="RuntimeError: boom", final=False)
    job = db.scalars(select(Job).where(Job.event_id == event_id)).one()
    assert (job.state, job.attempts, job.last_error) == ("retrying", 1, "RuntimeError: boom")
    repo.record_failure(db, event_id=event_id, error="RuntimeError: boom again", final=True)
    db.refresh(job)
    assert job.state == "dead"
    event = db.get(EventRow, event_id)
    assert event is not None and event.status == "dead"
    kinds = [t.kind for t in repo.event_timeline(db, event_id=event_id)]
    assert kinds == ["event_received", "failed", "dead_lettered"]
    # A dead job stays dead: neither workers nor the sweeper move it.
    repo.mark_job(db, event_id=event_id, state="running")
    db.refresh(job)
    assert job.state == "dead"
    assert repo.claim_stalled_jobs(db, older_than_s=0.000001) == []


def test_sweeper_claims_stalled_jobs_once(db: Session) -> None:
    stalled = repo.intake_event(db, source="webform", raw=payload(id="s"), window_s=WINDOW).event_id
    done = repo.intake_event(db, source="webform", raw=payload(id="d"), window_s=WINDOW).event_id
    repo.save_decision(db, event_id=done, decision=decision("d"), pipeline_version="p")
    db.execute(Job.__table__.update().values(updated_at=utcnow() - timedelta(minutes=10)))
    assert repo.claim_stalled_jobs(db, older_than_s=60) == [stalled]
    assert repo.claim_stalled_jobs(db, older_than_s=60) == []  # claimed: its clock restarted
    assert "requeued" in [t.kind for t in repo.event_timeline(db, event_id=stalled)]


def test_lists_filter_and_page_newest_first(db: Session) -> None:
    ids = [repo.intake_event(db, source="webform" if i % 2 else "chat-widget",
                             raw=payload(id=f"e{i}", from_email=f"p{i}@acme.example"), window_s=WINDOW).event_id
           for i in range(5)]
    first = repo.list_events(db, limit=2)
    assert [e.id for e in first.items] == [ids[4], ids[3]] and first.next_cursor == ids[3]
    second = repo.list_events(db, limit=2, cursor=first.next_cursor)
    assert [e.id for e in second.items] == [ids[2], ids[1]]
    last = repo.list_events(db, limit=2, cursor=second.next_cursor)
    assert [e.id for e in last.items] == [ids[0]] and last.next_cursor is None
    assert [e.id for e in repo.list_events(db, source="webform").items] == [ids[3], ids[1]]
    assert repo.list_events(db, since=utcnow() + timedelta(hours=1)).items == []
    repo.save_decision(db, event_id=ids[1], decision=decision("e1", action="escalate"), pipeline_version="p")
    repo.save_decision(db, event_id=ids[2], decision=decision("e2"), pipeline_version="p")
    assert [d.event_id for d in repo.list_decisions(db, action="escalate").items] == [ids[1]]
    assert [d.event_id for d in repo.list_decisions(db, source="chat-widget").items] == [ids[2]]
    leads = repo.list_leads(db, action="route").items
    assert [lead.email for lead in leads] == ["p2@acme.example"]
    assert [lead.email for lead in repo.list_leads(db, source="webform", owner="ae-emea").items] == ["p1@acme.example"]


def test_sender_of_reads_a_raw_email_from_header() -> None:
    event = repo.validate_payload({"id": "r", "channel": "email", "raw_email":
                                   "From: \"Kim Park\" <Kim@Park.example>\r\nSubject: hi\r\n\r\nbody"}, strict=True)
    assert repo.sender_of(event) == ("kim@park.example", "Kim Park")
    plain = repo.validate_payload({"id": "r", "channel": "chat", "body": "hi"}, strict=True)
    assert repo.sender_of(plain) == (None, None)


def test_timeline_entries_of_an_event_move_to_its_lead(db: Session) -> None:
    event_id = repo.intake_event(db, source="li", raw=payload(from_email=None), window_s=WINDOW).event_id
    entry = db.scalars(select(TimelineEntry).where(TimelineEntry.event_id == event_id)).one()
    assert entry.lead_id is None
    repo.save_decision(db, event_id=event_id, decision=decision(), pipeline_version="p",
                       sender_email="dana@northwind.example")
    db.refresh(entry)
    assert entry.lead_id is not None


def test_a_batch_stores_in_order_and_repeats_map_to_the_first(db: Session) -> None:
    def prepared(body: str, *, key: str | None = None, sender: str = "kim@harbor.example") -> repo.PreparedIntake:
        return repo.prepare_intake(source="webform", raw=payload(body=body, from_email=sender, from_name=None),
                                   window_s=WINDOW, idempotency_key=key)

    batch = [prepared("one"), prepared("two", key="retry-1"), prepared("two again", key="retry-1"),
             prepared("three", sender="lee@harbor.example")]
    results = repo.store_intakes(db.connection(), batch)
    assert [r.duplicate for r in results] == [False, False, True, False]
    assert results[2].event_id == results[1].event_id and results[0].event_id < results[1].event_id
    rows = db.scalars(select(EventRow).order_by(EventRow.id)).all()
    assert [json.loads(r.payload)["body"] for r in rows] == ["one", "two", "three"]
    assert rows[0].lead_id == rows[1].lead_id != rows[2].lead_id  # one lead per address, made once
    assert db.scalar(select(func.count()).select_from(Job)) == 3
    assert db.scalar(select(func.count()).select_from(TimelineEntry)) == 3
    again = repo.store_intakes(db.connection(), [prepared("one")])
    assert again[0].duplicate and again[0].event_id == results[0].event_id


def test_ids_beyond_the_column_range_name_no_row(db: Session) -> None:
    assert repo.get_event(db, event_id=2**40) is None and repo.get_lead(db, lead_id=10**30) is None
    assert repo.list_events(db, cursor=2**70).items == []
