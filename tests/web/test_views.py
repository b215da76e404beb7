"""The web pages through FastAPI's TestClient, on the example events decided by the real pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from leadrelay.jobs.queue import JobQueue
from leadrelay.jobs.tasks import JobContext
from leadrelay.store.db import make_session_factory
from leadrelay.store.tables import Action, DecisionRow, Label, LeadRow, LeadState, Touch
from leadrelay.web.auth import COOKIE
from tests.support import RecordingHuey
from tests.web.support import ADMIN, PASSWORD, SCRIPT_NAME, Site, csrf_of, sign_in


def _rows(site: Site, query):  # type: ignore[no-untyped-def]
    with make_session_factory(site.engine)() as db:
        return db.scalars(query).all()


# --- sign-in, sessions, roles, CSRF -----------------------------------------------------------------


def test_pages_need_sign_in_and_return_to_where_they_were(site: Site) -> None:
    with site.client() as client:
        response = client.get("/review?x=1")
        assert response.status_code == 303
        assert response.headers["location"] == "/signin?next=%2Freview%3Fx%3D1"
        page = client.get("/signin?next=/review")
        token = csrf_of(page.text)
        response = client.post("/signin", data={"email": ADMIN, "password": PASSWORD, "next": "/review",
                                                "csrf_token": token})
        assert response.status_code == 303 and response.headers["location"] == "/review"
        assert client.get("/review").status_code == 200


def test_wrong_password_is_refused_plainly(site: Site) -> None:
    with site.client() as client:
        token = csrf_of(client.get("/signin").text)
        response = client.post("/signin", data={"email": ADMIN, "password": "wrong-password", "csrf_token": token})
        assert response.status_code == 400
        assert "do not match" in response.text
        assert client.get("/inbox").status_code == 303


def test_sign_in_may_not_redirect_to_another_site(site: Site) -> None:
    with site.client() as client:
        token = csrf_of(client.get("/signin").text)
        response = client.post("/signin", data={"email": ADMIN, "password": PASSWORD, "csrf_token": token,
                                                "next": "//evil.example/x"})
        assert response.headers["location"] == "/"


def test_session_cookie_is_httponly_lax_and_secure_over_https(site: Site) -> None:
    with site.client() as client:
        cookie = client.get("/signin").headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Secure" not in cookie
    with site.client(https=True) as client:
        cookie = client.get("/signin").headers["set-cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie


def test_every_form_needs_the_csrf_token(site: Site) -> None:
    with site.client() as client:
        client.get("/signin")
        response = client.post("/signin", data={"email": ADMIN, "password": PASSWORD})
        assert response.status_code == 403 and "expired" in response.text
        token = sign_in(client, ADMIN)
        lead_id = next(iter(site.leads.values()))
        assert client.post(f"/leads/{lead_id}/touch", data={}).status_code == 403
        assert client.post(f"/leads/{lead_id}/touch", data={"csrf_token": "forged"}).status_code == 403
        assert client.post(f"/leads/{lead_id}/touch", headers={"X-CSRF-Token": "forged"}).status_code == 403
        # HTMX sends the token as a header (hx-headers on <body>).
        assert f'"X-CSRF-Token": "{token}"' in client.get("/review").text.replace("&#34;", '"')


def test_signing_in_starts_a_new_session_token(site: Site) -> None:
    with site.client() as client:
        before = csrf_of(client.get("/signin").text)
        after = sign_in(client, ADMIN)
        assert before != after


def test_sign_out_ends_the_session(site: Site) -> None:
    with site.client() as client:
        token = sign_in(client, ADMIN)
        assert client.post("/signout", data={"csrf_token": token}).status_code == 303
        assert client.get("/inbox").status_code == 303


def test_reps_see_their_leads_and_review_but_not_the_workspace(site: Site) -> None:
    with site.client() as client:
        sign_in(client, site.rep)
        assert client.get("/").headers["location"] == "/my"
        for path in ("/inbox", "/settings", "/users"):
            response = client.get(path)
            assert response.status_code == 403, path
            assert "for admins" in response.text
        assert client.get("/review").status_code == 200
        mine = client.get("/my")
        assert mine.status_code == 200 and site.rep in mine.text
        assert 'href="/inbox"' not in mine.text  # admin links are not offered


def test_admins_start_at_the_inbox(site: Site) -> None:
    with site.client() as client:
        sign_in(client, ADMIN)
        assert client.get("/").headers["location"] == "/inbox"


# --- inbox -----------------------------------------------------------------------------------------


def test_inbox_lists_leads_newest_first_with_filters_and_search(site: Site) -> None:
    with site.client() as client:
        sign_in(client, ADMIN)
        page = client.get("/inbox?format=json").json()
        times = [row["last_event_at"] for row in page["rows"]]
        assert times == sorted(times, reverse=True) and len(times) == len(set(site.leads.values()))
        kind = page["rows"][-1]["type"]
        same = client.get(f"/inbox?format=json&type={kind}").json()["rows"]
        assert same and all(row["type"] == kind for row in same)
        assert len(same) == sum(row["type"] == kind for row in page["rows"])
        found = client.get("/inbox?format=json&q=MALLORY").json()["rows"]
        assert [row["email"] for row in found] == ["mallory@evil.example"]
        assert client.get("/inbox?format=json&q=nobody-like-this").json()["rows"] == []
        archived = client.get("/inbox?format=json&action=archive").json()["rows"]
        assert all(row["action"] == "archive" for row in archived)


def test_inbox_answers_htmx_with_the_rows_only(site: Site) -> None:
    with site.client() as client:
        sign_in(client, ADMIN)
        response = client.get("/inbox?type=sales", headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "<html" not in response.text and "<tr>" in response.text


def test_a_script_in_lead_data_is_shown_as_text(site: Site) -> None:
    lead_id = site.leads["xss-1"]
    with site.client() as client:
        sign_in(client, ADMIN)
        for path in ("/inbox", f"/leads/{lead_id}"):
            html = client.get(path).text
            assert "<script>alert(1)</script>" not in html, path
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
            assert "<img src=x" not in html and "<i>Evil</i>" not in html
        assert SCRIPT_NAME in client.get("/inbox?format=json").text.encode().decode("unicode_escape")


# --- review queue ----------------------------------------------------------------------------------


def _review_ids(client) -> list[int]:  # type: ignore[no-untyped-def]
    return [item["decision"]["id"] for item in client.get("/review?format=json").json()["items"]]


def test_review_queue_shows_evidence_most_valuable_first(site: Site) -> None:
    with site.client() as client:
        sign_in(client, ADMIN)
        items = client.get("/review?format=json").json()["items"]
        assert items, "the example events leave some cases to a person"
        assert all(item["decision"]["action"] == "review" for item in items)
        values = [item["value"] for item in items]
        assert values == sorted(values, reverse=True)
        assert all(item["evidence"]["rules"] for item in items)  # the rule that sent it here
        html = client.get("/review").text
        assert "Rules that fired" in html and "rule:route" in html and "Accept as decided" in html


def test_accept_stores_a_label_and_leaves_the_queue(site: Site) -> None:
    with site.client() as client:
        token = sign_in(client, ADMIN)
        decision_id = _review_ids(client)[0]
        response = client.post(f"/review/{decision_id}/accept", data={"csrf_token": token},
                               headers={"HX-Request": "true"})
        assert response.status_code == 200 and "Accepted" in response.text
        assert decision_id not in _review_ids(client)
    labels = _rows(site, select(Label).where(Label.decision_id == decision_id))
    assert [(label.field, label.by) for label in labels] == [("*", ADMIN)]


def test_a_correction_is_stored_with_who_what_and_when(site: Site) -> None:
    with site.client() as client:
        token = sign_in(client, site.rep)
        decision_id = _review_ids(client)[0]
        predicted = _rows(site, select(DecisionRow).where(DecisionRow.id == decision_id))[0].type
        corrected = "support" if predicted != "support" else "sales"
        response = client.post(f"/review/{decision_id}/correct",
                               data={"csrf_token": token, "field": "type", "value": corrected})
        assert response.status_code == 303 and response.headers["location"] == "/review"
        refused = client.post(f"/review/{decision_id}/correct", data={"csrf_token": token, "field": "type",
                                                                     "value": "not-a-type"})
        assert refused.status_code == 400
        assert client.post(f"/review/{decision_id}/correct", data={"csrf_token": token, "field": "id",
                                                                  "value": "1"}).status_code == 400
    label = _rows(site, select(Label).where(Label.decision_id == decision_id))[0]
    assert (label.field, label.predicted, label.corrected, label.by) == ("type", predicted, corrected, site.rep)
    assert label.at is not None


def test_clarifying_reply_is_an_email_action_in_the_outbox(site: Site) -> None:
    with site.client() as client:
        token = sign_in(client, ADMIN)
        items = client.get("/review?format=json").json()["items"]
        item = next(i for i in items if i["lead"] and i["lead"]["email"])
        decision_id = item["decision"]["id"]
        response = client.post(f"/review/{decision_id}/clarify", data={"csrf_token": token},
                               headers={"HX-Request": "true"})
        assert response.status_code == 200 and "Clarifying reply queued" in response.text
    actions = _rows(site, select(Action).where(Action.key == f"email:insufficient_info:decision:{decision_id}"))
    assert len(actions) == 1
    assert actions[0].kind == "email" and actions[0].state == "pending"
    assert actions[0].payload["to"] == item["lead"]["email"]
    assert actions[0].payload["situation"] == "insufficient_info"


def test_unknown_decision_is_a_404_page(site: Site) -> None:
    with site.client() as client:
        token = sign_in(client, ADMIN)
        response = client.post("/review/999999/accept", data={"csrf_token": token})
        assert response.status_code == 404 and "no decision" in response.text
        assert client.post(f"/review/{2**64}/accept", data={"csrf_token": token}).status_code == 404
        assert client.post(f"/leads/{2**64}/claim", data={"csrf_token": token}).status_code == 404


# --- lead page, claim, reassign ----------------------------------------------------------------------


def test_lead_page_shows_fields_with_sources_and_the_timeline(site: Site) -> None:
    lead_id = site.leads["ex-001"]
    with site.client() as client:
        sign_in(client, ADMIN)
        page = client.get(f"/leads/{lead_id}?format=json").json()
        kinds = {item["kind"] for item in page["timeline"]}
        assert {"event", "decision"} <= kinds
        sources = {f["name"]: f["source"] for f in page["fields"]}
        assert any(source and source.startswith("form:") for source in sources.values())
        html = client.get(f"/leads/{lead_id}").text
        assert "Timeline" in html and "Message received" in html and "Claim" in html
        assert client.get("/leads/999999").status_code == 404
        assert client.get(f"/leads/{2**64}").status_code == 404


def test_claim_records_the_first_touch_and_assigns_the_lead(site: Site) -> None:
    lead_id = site.leads["ex-003"]
    with site.client() as client:
        token = sign_in(client, site.rep)
        response = client.post(f"/leads/{lead_id}/claim", data={"csrf_token": token})
        assert response.status_code == 303 and response.headers["location"] == f"/leads/{lead_id}"
        assert "Claimed by you" in client.get(f"/leads/{lead_id}").text
    state = _rows(site, select(LeadState).where(LeadState.lead_id == lead_id))[0]
    assert state.assignee == site.rep and state.first_touch_at is not None and state.status == "touched"
    touches = _rows(site, select(Touch).where(Touch.lead_id == lead_id))
    assert [(t.kind, t.source, t.by) for t in touches] == [("claim", "ui", site.rep)]


def test_mark_touched_and_reassign(site: Site) -> None:
    lead_id = site.leads["ex-004"]
    with site.client() as client:
        token = sign_in(client, ADMIN)
        client.post(f"/leads/{lead_id}/touch", data={"csrf_token": token, "note": "called, left a voicemail"})
        response = client.post(f"/leads/{lead_id}/reassign",
                               data={"csrf_token": token, "assignee": "Lukas.Weber@cobaltdata.com",
                                     "reason": "speaks German"})
        assert response.status_code == 303
        html = client.get(f"/leads/{lead_id}").text
        assert "called, left a voicemail" in html and "speaks German" in html
        assert client.post(f"/leads/{lead_id}/reassign", data={"csrf_token": token}).status_code == 400
        assert client.post("/leads/999999/claim", data={"csrf_token": token}).status_code == 404
    state = _rows(site, select(LeadState).where(LeadState.lead_id == lead_id))[0]
    assert state.assignee == "lukas.weber@cobaltdata.com" and state.first_touch_at is not None


def test_my_leads_lists_a_reps_open_leads_with_sla_clocks(site: Site) -> None:
    with site.client() as client:
        sign_in(client, site.rep)
        rows = client.get("/my?format=json").json()["rows"]
        assert rows and all(row["assignee"] == site.rep or row["owner"] == site.rep for row in rows)
        assert all(row["status"] in {"open", "touched"} for row in rows)
        lefts = [row["sla_left_s"] for row in rows if row["sla_left_s"] is not None]
        assert lefts == sorted(lefts)
        assert "My leads" in client.get("/my").text


# --- dashboard, settings, users ------------------------------------------------------------------------


def test_dashboard_renders_the_monitor_figures_with_filters(site: Site) -> None:
    with site.client() as client:
        sign_in(client, ADMIN)
        html = client.get("/dashboard").text
        assert "Median first response" in html and "<svg" in html and "Accuracy against review" in html
        everything = client.get("/dashboard?format=json").json()["figures"]
        source = everything["by_source"][0]["source"]
        figures = client.get(f"/dashboard?format=json&source={source}").json()["figures"]
        assert figures["source"] == source and 1 <= figures["events"] < everything["events"]
        assert f'<option value="{source}" selected>' in client.get(f"/dashboard?source={source}").text
        assert client.get("/dashboard?format=json&source=no-such-source").json()["figures"]["events"] == 0
        assert client.get("/dashboard?since=yesterday").status_code == 400
        assert client.get("/dashboard?since=2026-11-20&until=2026-11-10").status_code == 400


def test_settings_show_the_workspace_as_loaded(site: Site) -> None:
    with site.client() as client:
        sign_in(client, ADMIN)
        html = client.get("/settings").text
        assert "Cobalt Data" in html and "maya.chen@cobaltdata.com" in html and "served_countries" in html


def test_settings_show_validation_errors_plainly(site: Site, tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    from leadrelay.api.app import create_app

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "workspace.yaml").write_text("company:\n  name: ''\n", encoding="utf-8")
    settings = site.settings.model_copy(update={"workspace": broken})
    queue = JobQueue(settings, huey=RecordingHuey(), context=JobContext(settings, engine=engine))
    app = create_app(settings, engine=engine, queue=queue, migrate=False)
    from fastapi.testclient import TestClient

    with TestClient(app, follow_redirects=False) as client:
        sign_in(client, ADMIN)
        response = client.get("/settings")
        assert response.status_code == 200
        assert "The workspace does not load" in response.text and "workspace.yaml" in response.text


def test_admin_adds_a_user_whose_password_is_shown_once(site: Site) -> None:
    with site.client() as client:
        token = sign_in(client, ADMIN)
        response = client.post("/users", data={"csrf_token": token, "email": "new.rep@cobaltdata.com",
                                               "role": "rep", "name": "New Rep"})
        assert response.status_code == 200 and "shown only now" in response.text
        password = response.text.split('class="secret">')[1].split("<")[0]
        again = client.post("/users", data={"csrf_token": token, "email": "new.rep@cobaltdata.com", "role": "rep"})
        assert again.status_code == 400 and "already exists" in again.text
    with site.client() as client:
        sign_in(client, "new.rep@cobaltdata.com", password)
        assert client.get("/my").status_code == 200


def test_a_rep_cannot_add_users(site: Site) -> None:
    with site.client() as client:
        token = sign_in(client, site.rep)
        response = client.post("/users", data={"csrf_token": token, "email": "x@cobaltdata.com", "role": "admin"})
        assert response.status_code == 403


def test_a_disabled_user_is_signed_out(site: Site) -> None:
    with site.client() as admin, site.client() as rep_client:
        token = sign_in(admin, ADMIN)
        admin.post("/users", data={"csrf_token": token, "email": "leaver@cobaltdata.com", "role": "rep",
                                   "name": "Leaver"})
        users = admin.get("/users?format=json").json()["users"]
        leaver = next(u for u in users if u["email"] == "leaver@cobaltdata.com")
        with make_session_factory(site.engine)() as db:
            from leadrelay.web.auth import find_user, set_password

            user = find_user(db, email="leaver@cobaltdata.com")
            assert user is not None
            set_password(db, user=user, password=PASSWORD)
            db.commit()
        sign_in(rep_client, "leaver@cobaltdata.com")
        assert admin.post(f"/users/{leaver['id']}/disable", data={"csrf_token": token}).status_code == 303
        assert rep_client.get("/my").status_code == 303


def test_static_files_are_served_without_a_cdn(site: Site) -> None:
    with site.client() as client:
        sign_in(client, ADMIN)
        html = client.get("/inbox").text
        assert "/static/vendor/htmx-2.0.11.min.js" in html and "https://" not in html.split("</head>")[0]
        assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200
        assert client.get("/static/app.css").status_code == 200


@pytest.mark.parametrize("path", ["/api/leads", "/healthz"])
def test_the_json_api_stays_where_it_was(site: Site, path: str) -> None:
    with site.client() as client:
        response = client.get(path)
        assert response.headers["content-type"].startswith("application/json")


def test_leads_exist_for_the_example_events(site: Site) -> None:
    assert len(_rows(site, select(LeadRow))) >= 10
