"""The contract every CRM sink passes: the built-in CRM, HubSpot and Salesforce (against their stand-ins).

Each `Test*Sink` class overrides one fixture, `crm`: a harness holding the sink and reading the CRM's records
back in neutral terms (contact, company, task), so the same tests run against every adapter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadrelay.errors import IntegrationError
from leadrelay.integrations.base import CrmLead, CrmSink
from leadrelay.integrations.crm_builtin import BuiltinCrmSink
from leadrelay.integrations.hubspot import HubSpotSettings, HubSpotSink
from leadrelay.integrations.salesforce import SalesforceSettings, SalesforceSink
from leadrelay.standins import hubspot as hubspot_standin
from leadrelay.standins import salesforce as salesforce_standin
from leadrelay.store.tables import CrmRecord, LeadRow
from tests.store.support import committed_engine, database_url, engine  # noqa: F401
from tests.support import serve_on_loopback

OWNER = "maria.lopez@cobalt.example"


def make_lead(n: int = 1, **changes: Any) -> CrmLead:
    """A demo request from Ana Ruiz at Initech; `n` varies the lead and its key."""
    lead = CrmLead(
        key=f"crm:lead:{n}:decision:1", lead_id=n, email=f"ana.ruiz{n}@initech.example", first_name="Ana",
        last_name="Ruiz", company="Initech", domain="initech.example", owner_email=OWNER,
        task_subject="Call Ana Ruiz: enterprise demo request", task_body="1,200 people, ES, wants SOC 2 reporting",
        fields={"role": "VP Data", "country": "ES", "use_case": "SOC 2 reporting", "confidence": "0.93"},
    )
    return dataclasses.replace(lead, **changes)


class CrmHarness(Protocol):
    """A sink plus a way to seed and read the CRM behind it, in neutral terms."""

    @property
    def sink(self) -> CrmSink: ...

    def seed_contact(self, email: str, first_name: str, last_name: str) -> str: ...
    def seed_company(self, domain: str, name: str) -> str: ...
    def contact(self, contact_id: str) -> dict[str, str | None]: ...  # email, first_name, last_name
    def field(self, contact_id: str, name: str) -> str | None: ...  # our field, where the mapping put it
    def company_of(self, contact_id: str) -> str | None: ...
    def tasks_of(self, contact_id: str) -> list[dict[str, str | None]]: ...  # subject, owner (email)
    def count(self, kind: str) -> int: ...  # contact, company, task


class CrmSinkContract:
    """Behaviour every CRM sink shares; subclasses provide the `crm` fixture."""

    @pytest.fixture
    def crm(self) -> CrmHarness:
        raise NotImplementedError

    def test_creates_contact_company_and_task(self, crm: CrmHarness) -> None:
        ref = crm.sink.upsert_lead(make_lead())
        assert sorted(ref.created) == ["company", "contact", "task"]
        assert ref.system == crm.sink.slug
        assert (crm.count("contact"), crm.count("company"), crm.count("task")) == (1, 1, 1)
        assert crm.contact(ref.contact_id) == {"email": "ana.ruiz1@initech.example", "first_name": "Ana",
                                               "last_name": "Ruiz"}
        assert crm.company_of(ref.contact_id) == ref.company_id
        assert ref.task_id is not None

    def test_second_write_with_the_same_key_creates_nothing(self, crm: CrmHarness) -> None:
        first = crm.sink.upsert_lead(make_lead())
        second = crm.sink.upsert_lead(make_lead())
        assert second.created == ()
        assert (second.contact_id, second.company_id, second.task_id) == (first.contact_id, first.company_id,
                                                                          first.task_id)
        assert (crm.count("contact"), crm.count("company"), crm.count("task")) == (1, 1, 1)

    def test_a_new_key_for_the_same_person_adds_only_a_task(self, crm: CrmHarness) -> None:
        first = crm.sink.upsert_lead(make_lead())
        second = crm.sink.upsert_lead(make_lead(key="crm:lead:1:decision:2"))
        assert second.created == ("task",)
        assert second.contact_id == first.contact_id
        assert second.task_id != first.task_id
        assert len(crm.tasks_of(first.contact_id)) == 2

    def test_an_existing_contact_found_by_email_is_updated(self, crm: CrmHarness) -> None:
        seeded = crm.seed_contact("Ana.Ruiz1@Initech.example", "A.", "R.")
        ref = crm.sink.upsert_lead(make_lead())
        assert ref.contact_id == seeded
        assert "contact" not in ref.created
        assert crm.count("contact") == 1
        assert crm.contact(seeded)["first_name"] == "Ana"
        assert crm.contact(seeded)["last_name"] == "Ruiz"
        assert crm.field(seeded, "role") == "VP Data"

    def test_an_existing_company_found_by_domain_is_associated(self, crm: CrmHarness) -> None:
        company = crm.seed_company("initech.example", "Initech Inc.")
        ref = crm.sink.upsert_lead(make_lead(domain="Initech.example"))
        assert ref.company_id == company
        assert "company" not in ref.created
        assert crm.count("company") == 1
        assert crm.company_of(ref.contact_id) == company

    def test_two_people_of_one_company_share_it(self, crm: CrmHarness) -> None:
        ana = crm.sink.upsert_lead(make_lead(1))
        ben = crm.sink.upsert_lead(make_lead(2, first_name="Ben", last_name="Ode"))
        assert ana.contact_id != ben.contact_id
        assert ana.company_id == ben.company_id
        assert (crm.count("contact"), crm.count("company")) == (2, 1)

    def test_mapped_fields_are_written(self, crm: CrmHarness) -> None:
        ref = crm.sink.upsert_lead(make_lead())
        assert crm.field(ref.contact_id, "role") == "VP Data"
        assert crm.field(ref.contact_id, "use_case") == "SOC 2 reporting"  # through the workspace's override
        crm.sink.upsert_lead(make_lead(key="crm:lead:1:decision:2", fields={"role": "CDO"}))
        assert crm.field(ref.contact_id, "role") == "CDO"
        assert crm.field(ref.contact_id, "use_case") == "SOC 2 reporting"  # not cleared by a lead that lacks it

    def test_the_task_goes_to_the_owner_once(self, crm: CrmHarness) -> None:
        ref = crm.sink.upsert_lead(make_lead())
        crm.sink.upsert_lead(make_lead())
        tasks = crm.tasks_of(ref.contact_id)
        assert len(tasks) == 1
        assert (tasks[0]["subject"] or "").startswith("Call Ana Ruiz: enterprise demo request")
        assert tasks[0]["owner"] == OWNER

    def test_a_lead_without_domain_or_company_gets_a_contact_only(self, crm: CrmHarness) -> None:
        ref = crm.sink.upsert_lead(make_lead(email="ana@gmail.example", domain=None, company=None))
        assert ref.company_id is None
        assert sorted(ref.created) == ["contact", "task"]
        assert crm.count("company") == 0
        assert crm.company_of(ref.contact_id) is None

    def test_a_lead_without_a_task_subject_gets_no_task(self, crm: CrmHarness) -> None:
        ref = crm.sink.upsert_lead(make_lead(task_subject=None))
        assert ref.task_id is None
        assert crm.count("task") == 0

    def test_a_lead_without_email_is_refused_for_good(self, crm: CrmHarness) -> None:
        with pytest.raises(IntegrationError) as caught:
            crm.sink.upsert_lead(make_lead(email=None))
        assert caught.value.retryable is False
        assert crm.count("contact") == 0


# -- the built-in CRM --------------------------------------------------------------------------------


class BuiltinHarness:
    """The built-in CRM's rows in `crm_records`."""

    def __init__(self, db_engine: Engine) -> None:
        self.engine = db_engine
        self.mapping = {"use_case": "notes"}
        self.sink = BuiltinCrmSink(db_engine, field_mapping=self.mapping)

    def _rows(self, kind: str) -> list[CrmRecord]:
        with Session(self.engine) as db:
            return list(db.scalars(select(CrmRecord).where(CrmRecord.system == "builtin", CrmRecord.object == kind)))

    def _row(self, kind: str, external_id: str) -> CrmRecord:
        return next(row for row in self._rows(kind) if row.external_id == external_id)

    def _seed(self, kind: str, key: str, data: dict[str, Any]) -> str:
        with Session(self.engine) as db, db.begin():
            row = CrmRecord(system="builtin", object=kind, match_key=key, external_id="", data=data)
            db.add(row)
            db.flush()
            row.external_id = f"{kind}-{row.id}"
            return row.external_id

    def seed_contact(self, email: str, first_name: str, last_name: str) -> str:
        return self._seed("contact", email.lower(), {"email": email.lower(), "first_name": first_name,
                                                     "last_name": last_name, "fields": {}})

    def seed_company(self, domain: str, name: str) -> str:
        return self._seed("company", domain, {"domain": domain, "name": name})

    def contact(self, contact_id: str) -> dict[str, str | None]:
        data = self._row("contact", contact_id).data
        return {"email": data["email"], "first_name": data["first_name"], "last_name": data["last_name"]}

    def field(self, contact_id: str, name: str) -> str | None:
        value: str | None = self._row("contact", contact_id).data["fields"].get(self.mapping.get(name, name))
        return value

    def company_of(self, contact_id: str) -> str | None:
        return self._row("contact", contact_id).data.get("company_id")

    def tasks_of(self, contact_id: str) -> list[dict[str, str | None]]:
        return [{"subject": row.data["subject"], "owner": row.data["owner_email"]} for row in self._rows("task")
                if row.data["contact_id"] == contact_id]

    def count(self, kind: str) -> int:
        return len(self._rows(kind))


class TestBuiltinCrmSink(CrmSinkContract):
    @pytest.fixture
    def crm(self, committed_engine: Engine) -> CrmHarness:  # noqa: F811
        with Session(committed_engine) as db, db.begin():
            db.add_all([LeadRow(id=n, email=f"lead{n}@example.invalid") for n in range(1, 4)])
        return BuiltinHarness(committed_engine)

    def test_rows_name_the_lead(self, crm: BuiltinHarness) -> None:
        crm.sink.upsert_lead(make_lead(2))
        with Session(crm.engine) as db:
            rows = db.scalars(select(CrmRecord)).all()
        assert {row.lead_id for row in rows} == {2}
        assert {row.object for row in rows} == {"contact", "company", "task"}

    def test_concurrent_writes_of_one_lead_create_each_record_once(self, crm: BuiltinHarness) -> None:
        with ThreadPoolExecutor(max_workers=4) as pool:
            refs = list(pool.map(lambda _n: crm.sink.upsert_lead(make_lead()), range(8)))
        assert len({(ref.contact_id, ref.company_id, ref.task_id) for ref in refs}) == 1
        assert (crm.count("contact"), crm.count("company"), crm.count("task")) == (1, 1, 1)
        assert sorted(name for ref in refs for name in ref.created) == ["company", "contact", "task"]


# -- HubSpot -----------------------------------------------------------------------------------------


class HubSpotHarness:
    """The HubSpot stand-in's records."""

    def __init__(self, app: FastAPI, sink: HubSpotSink) -> None:
        self.app = app
        self.sink = sink
        self.mapping = {"role": "jobtitle", "use_case": "leadrelay_use_case"}
        self.owner_emails = {owner_id: owner["email"] for owner_id, owner in app.state.owners.items()}

    def _records(self, kind: str) -> dict[str, dict[str, Any]]:
        return self.app.state.records[kind]  # type: ignore[no-any-return]

    def seed_contact(self, email: str, first_name: str, last_name: str) -> str:
        return self._seed("contacts", {"email": email, "firstname": first_name, "lastname": last_name})

    def seed_company(self, domain: str, name: str) -> str:
        return self._seed("companies", {"domain": domain, "name": name})

    def _seed(self, kind: str, properties: dict[str, str]) -> str:
        record_id = str(9000 + len(self._records(kind)))
        self._records(kind)[record_id] = {"id": record_id, "properties": properties, "createdAt": "",
                                          "updatedAt": "", "archived": False}
        return record_id

    def contact(self, contact_id: str) -> dict[str, str | None]:
        props = self._records("contacts")[contact_id]["properties"]
        return {"email": props.get("email"), "first_name": props.get("firstname"),
                "last_name": props.get("lastname")}

    def field(self, contact_id: str, name: str) -> str | None:
        return self._records("contacts")[contact_id]["properties"].get(self.mapping[name])  # type: ignore[no-any-return]

    def company_of(self, contact_id: str) -> str | None:
        linked = [to_id for (source, from_id, target, to_id, _type) in self.app.state.associations
                  if (source, from_id, target) == ("contacts", contact_id, "companies")]
        return linked[0] if linked else None

    def tasks_of(self, contact_id: str) -> list[dict[str, str | None]]:
        ids = {from_id for (source, from_id, target, to_id, type_id) in self.app.state.associations
               if (source, target, to_id, type_id) == ("tasks", "contacts", contact_id, 204)}
        return [{"subject": task["properties"].get("hs_task_subject"),
                 "owner": self.owner_emails.get(task["properties"].get("hubspot_owner_id"))}
                for task_id, task in self._records("tasks").items() if task_id in ids]

    def count(self, kind: str) -> int:
        return len(self._records({"contact": "contacts", "company": "companies", "task": "tasks"}[kind]))


@pytest.fixture
def hubspot_app() -> FastAPI:
    """A HubSpot stand-in with one owner and a custom contact property."""
    app = hubspot_standin.make_app(extra_properties={"contacts": ["leadrelay_use_case"]})
    hubspot_standin.add_owner(app, OWNER, first_name="María", last_name="López")
    return app


@pytest.mark.integration
class TestHubSpotSink(CrmSinkContract):
    @pytest.fixture
    def crm(self, hubspot_app: FastAPI) -> Iterator[CrmHarness]:
        with serve_on_loopback(hubspot_app) as url, httpx.Client() as http:
            settings = HubSpotSettings(base_url=url, access_token=SecretStr("hubspot-standin-token"),
                                       timeout_s=5.0, portal_id="4711")
            yield HubSpotHarness(hubspot_app, HubSpotSink(settings, http, {"use_case": "leadrelay_use_case"}))

    def test_the_record_url_names_the_portal(self, crm: HubSpotHarness) -> None:
        ref = crm.sink.upsert_lead(make_lead())
        assert ref.url == f"https://app.hubspot.com/contacts/4711/record/0-1/{ref.contact_id}"


# -- Salesforce --------------------------------------------------------------------------------------


class SalesforceHarness:
    """The Salesforce stand-in's records, writing Contacts with Accounts."""

    def __init__(self, app: FastAPI, sink: SalesforceSink) -> None:
        self.app = app
        self.sink = sink
        self.mapping = {"role": "Title", "use_case": "Use_Case__c"}

    def _records(self, obj: str) -> dict[str, dict[str, Any]]:
        return self.app.state.records[obj]  # type: ignore[no-any-return]

    def _seed(self, obj: str, values: dict[str, Any]) -> str:
        record_id = str(self.app.state.next_id(obj))
        self._records(obj)[record_id] = {**values, "Id": record_id, "CreatedDate": "2026-01-01T00:00:00"}
        return record_id

    def seed_contact(self, email: str, first_name: str, last_name: str) -> str:
        return self._seed("Contact", {"Email": email, "FirstName": first_name, "LastName": last_name})

    def seed_company(self, domain: str, name: str) -> str:
        return self._seed("Account", {"Name": name, "Website": f"https://www.{domain}/"})

    def contact(self, contact_id: str) -> dict[str, str | None]:
        record = self._records("Contact")[contact_id]
        return {"email": record.get("Email"), "first_name": record.get("FirstName"),
                "last_name": record.get("LastName")}

    def field(self, contact_id: str, name: str) -> str | None:
        return self._records("Contact")[contact_id].get(self.mapping[name])

    def company_of(self, contact_id: str) -> str | None:
        return self._records("Contact")[contact_id].get("AccountId")

    def tasks_of(self, contact_id: str) -> list[dict[str, str | None]]:
        users = self._records("User")
        return [{"subject": task["Subject"], "owner": users.get(task.get("OwnerId", ""), {}).get("Email")}
                for task in self._records("Task").values() if task["WhoId"] == contact_id]

    def count(self, kind: str) -> int:
        return len(self._records({"contact": "Contact", "company": "Account", "task": "Task"}[kind]))


@pytest.fixture
def salesforce_app() -> FastAPI:
    """A Salesforce stand-in with one active user and a custom Contact field."""
    app = salesforce_standin.make_app(extra_fields={"Contact": ["Use_Case__c"]})
    salesforce_standin.add_user(app, OWNER)
    return app


@pytest.mark.integration
class TestSalesforceSink(CrmSinkContract):
    @pytest.fixture
    def crm(self, salesforce_app: FastAPI) -> Iterator[CrmHarness]:
        with serve_on_loopback(salesforce_app) as url, httpx.Client() as http:
            settings = SalesforceSettings(instance_url=url, access_token=SecretStr("salesforce-standin-token"),
                                          token_url=f"{url}/services/oauth2/token", timeout_s=5.0, object="Contact")
            yield SalesforceHarness(salesforce_app, SalesforceSink(settings, http, {"use_case": "Use_Case__c"}))

    def test_the_record_url_points_at_the_org(self, crm: SalesforceHarness) -> None:
        ref = crm.sink.upsert_lead(make_lead())
        assert ref.url is not None
        assert ref.url.endswith(f"/lightning/r/Contact/{ref.contact_id}/view")
