"""LeadRelay's own CRM: contacts by email, companies by domain and owner tasks by key, in the `crm_records` table.

It honours the same contract as the HubSpot and Salesforce sinks (search before create, upsert, associate, map
fields, one task per key), so a workspace without an outside CRM still gets a record of every lead it acted on.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from leadrelay.errors import IntegrationError
from leadrelay.integrations.base import CrmLead, CrmRef
from leadrelay.store.tables import CrmRecord, utcnow

__all__ = ["SYSTEM", "BuiltinCrmSink"]

log = logging.getLogger(__name__)

SYSTEM = "builtin"
_ATTEMPTS = 2  # a second attempt after a concurrent writer created the same contact, company or task


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
                with Session(self._engine, expire_on_commit=False) as db, db.begin():
                    return self._write(db, lead)
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
        out: dict[str, str] = {}
        for name, value in fields.items():
            target = self._mapping.get(name, name)
            if target and value not in (None, ""):
                out[target] = value
        return out

    def _write(self, db: Session, lead: CrmLead) -> CrmRef:
        created: list[str] = []
        assert lead.email is not None
        email = lead.email.strip().lower()
        company = None
        if lead.domain:
            domain = lead.domain.strip().lower()
            company = _find(db, "company", domain)
            if company is None:
                company = _insert(db, "company", domain, lead.lead_id,
                                  {"domain": domain, "name": lead.company or domain})
                created.append("company")
            elif lead.company and not company.data.get("name"):
                company.data = {**company.data, "name": lead.company}
                company.updated_at = utcnow()
        contact = _find(db, "contact", email)
        contact_data: dict[str, Any] = {
            "email": email,
            "first_name": lead.first_name,
            "last_name": lead.last_name,
            "company": lead.company,
            "owner_email": lead.owner_email,
        }
        if contact is None:
            contact_data["company_id"] = company.external_id if company else None
            contact_data["fields"] = self.mapped_fields(lead.fields)
            contact = _insert(db, "contact", email, lead.lead_id, contact_data)
            created.append("contact")
        else:
            merged = dict(contact.data)
            merged.update({k: v for k, v in contact_data.items() if v})
            merged["fields"] = {**merged.get("fields", {}), **self.mapped_fields(lead.fields)}
            if company is not None:
                merged["company_id"] = company.external_id
            contact.data = merged
            contact.updated_at = utcnow()
            if contact.lead_id is None:
                contact.lead_id = lead.lead_id
        task = None
        if lead.task_subject:
            task = _find(db, "task", lead.key)
            if task is None:
                task = _insert(db, "task", lead.key, lead.lead_id, {
                    "contact_id": contact.external_id,
                    "company_id": company.external_id if company else None,
                    "subject": lead.task_subject,
                    "body": lead.task_body or "",
                    "owner_email": lead.owner_email,
                    "status": "open",
                })
                created.append("task")
        log.info("builtin crm written", extra={"lead_id": lead.lead_id, "created": created})
        return CrmRef(system=SYSTEM, contact_id=contact.external_id,
                      company_id=company.external_id if company else None,
                      task_id=task.external_id if task else None, created=tuple(created),
                      url=lead.fields.get("lead_url") or None)


def _find(db: Session, object_: str, match_key: str) -> CrmRecord | None:
    return db.scalar(select(CrmRecord).where(CrmRecord.system == SYSTEM, CrmRecord.object == object_,
                                             CrmRecord.match_key == match_key))


def _insert(db: Session, object_: str, match_key: str, lead_id: int | None, data: dict[str, Any]) -> CrmRecord:
    row = CrmRecord(system=SYSTEM, object=object_, match_key=match_key, external_id="", lead_id=lead_id, data=data)
    db.add(row)
    db.flush()
    row.external_id = f"{object_}-{row.id}"
    db.flush()
    return row
