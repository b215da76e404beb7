"""LeadRelay's own CRM: contacts by email, companies by domain and owner tasks by key, in the `crm_records` table.

It honours the same contract as the HubSpot and Salesforce sinks (search before create, upsert, associate, map
fields, one task per key), so a workspace without an outside CRM still gets a record of every lead it acted on.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from leadrelay.errors import IntegrationError
from leadrelay.integrations.base import CrmLead, CrmRef, map_fields
from leadrelay.store.tables import CRM_RECORD_TABLE as _CRM
from leadrelay.store.tables import utcnow

__all__ = ["SYSTEM", "BuiltinCrmSink"]

log = logging.getLogger(__name__)

SYSTEM = "builtin"
_ATTEMPTS = 2  # a second attempt after a concurrent writer created the same contact, company or task

# Built once, Core rather than ORM objects: the outbox runs this for nearly every decision.
# The lead's company, contact and task are looked up in one read; new records get their external id (which
# is made from the row id) in one statement at the end.
_FIND = select(_CRM.c.id, _CRM.c.object, _CRM.c.match_key, _CRM.c.external_id, _CRM.c.lead_id, _CRM.c.data).where(
    _CRM.c.system == SYSTEM, _CRM.c.object.in_(bindparam("b_objects", expanding=True)),
    _CRM.c.match_key.in_(bindparam("b_match_keys", expanding=True)))
_INSERT = insert(_CRM).returning(_CRM.c.id)
_NAME_ID = update(_CRM).where(_CRM.c.id == bindparam("b_id")).values(external_id=bindparam("new_external_id"))
_UPDATE_DATA = update(_CRM).where(_CRM.c.id == bindparam("b_id")).values(
    data=bindparam("new_data"), updated_at=bindparam("new_updated_at"))
_UPDATE_DATA_AND_LEAD = _UPDATE_DATA.values(lead_id=bindparam("new_lead_id"))


class BuiltinCrmSink:
    """Writes leads to LeadRelay's own CRM tables; `field_mapping` renames our field names (others keep theirs).

    Args:
        engine: the service's database engine; every `upsert_lead` is one transaction of its own.
        field_mapping: our field name -> the name stored on the contact; an empty name drops the field.
    """

    slug = SYSTEM

    def __init__(self, engine: Engine, field_mapping: dict[str, str] | None = None) -> None:
        self._engine = engine
        self._mapping = dict(field_mapping or {})

    @property
    def engine(self) -> Engine:
        """The database this sink writes to."""
        return self._engine

    def upsert_lead(self, lead: CrmLead) -> CrmRef:
        """Create or update the contact and company, associate them, create the owner's task once per key.

        Raises:
            IntegrationError: the lead has no email (not retryable), or the database failed (retryable).
        """
        if not lead.email:
            raise IntegrationError(f"lead {lead.lead_id} has no email to match a contact on", slug=self.slug,
                                   retryable=False)
        for attempt in range(_ATTEMPTS):
            try:
                with self._engine.begin() as conn:
                    return self.write(conn, lead)
            except IntegrityError:
                # Another writer created the same contact/company/task between our search and insert:
                # the next attempt finds it and updates instead.
                if attempt + 1 == _ATTEMPTS:
                    raise IntegrationError("concurrent writes kept colliding", slug=self.slug,
                                           retryable=True) from None
            except OperationalError as exc:
                raise IntegrationError(f"database error: {exc.orig}", slug=self.slug, retryable=True) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def mapped_fields(self, fields: dict[str, str]) -> dict[str, str]:
        """Our fields under the names the workspace's mapping gives them; empty values and names are dropped."""
        return map_fields(fields, self._mapping, keep_unmapped=True)

    def write(self, conn: Connection, lead: CrmLead) -> CrmRef:
        """`upsert_lead` inside the caller's transaction, once (no retry, no commit).

        The outbox uses it to write the built-in CRM and record the action in one transaction.

        Raises:
            IntegrationError: the lead has no email (not retryable).
            IntegrityError: a concurrent writer created the same record first.
        """
        if not lead.email:
            raise IntegrationError(f"lead {lead.lead_id} has no email to match a contact on", slug=self.slug,
                                   retryable=False)
        created: list[str] = []
        email = lead.email.strip().lower()
        domain = lead.domain.strip().lower() if lead.domain else None
        wanted = {"contact": email, "company": domain, "task": lead.key if lead.task_subject else None}
        found = _find(conn, {o: k for o, k in wanted.items() if k is not None})
        new: list[dict[str, Any]] = []
        company = None
        if domain:
            company = found.get("company")
            if company is None:
                company = _insert(conn, new, "company", domain, lead.lead_id,
                                  {"domain": domain, "name": lead.company or domain})
                created.append("company")
            elif lead.company and not company["data"].get("name"):
                conn.execute(_UPDATE_DATA, {"b_id": company["id"], "new_updated_at": utcnow(),
                                            "new_data": {**company["data"], "name": lead.company}})
        contact = found.get("contact")
        contact_data: dict[str, Any] = {
            "email": email,
            "first_name": lead.first_name,
            "last_name": lead.last_name,
            "company": lead.company,
            "owner_email": lead.owner_email,
        }
        if contact is None:
            contact_data["company_id"] = company["external_id"] if company else None
            contact_data["fields"] = self.mapped_fields(lead.fields)
            contact = _insert(conn, new, "contact", email, lead.lead_id, contact_data)
            created.append("contact")
        else:
            merged = dict(contact["data"])
            merged.update({k: v for k, v in contact_data.items() if v})
            merged["fields"] = {**merged.get("fields", {}), **self.mapped_fields(lead.fields)}
            if company is not None:
                merged["company_id"] = company["external_id"]
            params = {"b_id": contact["id"], "new_data": merged, "new_updated_at": utcnow()}
            if contact["lead_id"] is None:
                conn.execute(_UPDATE_DATA_AND_LEAD, {**params, "new_lead_id": lead.lead_id})
            else:
                conn.execute(_UPDATE_DATA, params)
        task = None
        if lead.task_subject:
            task = found.get("task")
            if task is None:
                task = _insert(conn, new, "task", lead.key, lead.lead_id, {
                    "contact_id": contact["external_id"],
                    "company_id": company["external_id"] if company else None,
                    "subject": lead.task_subject,
                    "body": lead.task_body or "",
                    "owner_email": lead.owner_email,
                    "status": "open",
                })
                created.append("task")
        if new:
            conn.execute(_NAME_ID, new)
        log.info("builtin crm written", extra={"lead_id": lead.lead_id, "created": created})
        return CrmRef(system=SYSTEM, contact_id=contact["external_id"],
                      company_id=company["external_id"] if company else None,
                      task_id=task["external_id"] if task else None, created=tuple(created),
                      url=lead.fields.get("lead_url") or None)


def _find(conn: Connection, match_keys: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The built-in records with these match keys, by object (``contact``, ``company``, ``task``)."""
    rows = conn.execute(_FIND, {"b_objects": list(match_keys), "b_match_keys": list(set(match_keys.values()))})
    return {row.object: {"id": row.id, "external_id": row.external_id, "lead_id": row.lead_id, "data": row.data or {}}
            for row in rows if match_keys.get(row.object) == row.match_key}


def _insert(conn: Connection, new: list[dict[str, Any]], object_: str, match_key: str, lead_id: int | None,
            data: dict[str, Any]) -> dict[str, Any]:
    """Insert a record; its external id is added to `new`, to be written when the other records are in."""
    now = utcnow()
    row_id = int(conn.execute(_INSERT, {"system": SYSTEM, "object": object_, "match_key": match_key,
                                        "external_id": "", "lead_id": lead_id, "data": data, "created_at": now,
                                        "updated_at": now}).scalar_one())
    external_id = f"{object_}-{row_id}"
    new.append({"b_id": row_id, "new_external_id": external_id})
    return {"id": row_id, "external_id": external_id, "lead_id": lead_id, "data": data}
