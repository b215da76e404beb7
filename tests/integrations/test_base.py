"""The field mapping every CRM sink shares."""

from __future__ import annotations

from leadrelay.integrations.base import map_fields

FIELDS = {"company": "Acme", "role": "CTO", "country": "", "use_case": "pipelines", "type": "sales"}
MAPPING = {"company": "company", "role": "jobtitle", "country": "country", "use_case": ""}


def test_a_remote_crm_gets_only_mapped_fields_with_a_value() -> None:
    assert map_fields(FIELDS, MAPPING, keep_unmapped=False) == {"company": "Acme", "jobtitle": "CTO"}


def test_the_built_in_crm_keeps_unmapped_fields_under_their_own_names() -> None:
    assert map_fields(FIELDS, MAPPING, keep_unmapped=True) == {"company": "Acme", "jobtitle": "CTO", "type": "sales"}
