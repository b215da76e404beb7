from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from leadrelay.errors import WorkspaceError
from leadrelay.workspace import Workspace, load_workspace
from tests.conftest import COBALT


def test_cobalt_loads(cobalt: Workspace) -> None:
    assert cobalt.config.company.name == "Cobalt Data"
    assert len(cobalt.accounts) == 240
    assert cobalt.account("ACC-1002") is not None
    assert "NO" in cobalt.served_countries
    assert {"ae-na", "ae-emea", "ae-apac", "enterprise", "smb", "partners", "nurture", "review"} <= cobalt.queues()
    assert cobalt.version.startswith("2026-11-29.1+")


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(COBALT, target)
    return target


def _problems(path: Path) -> list[str]:
    with pytest.raises(WorkspaceError) as info:
        load_workspace(path)
    return info.value.problems


def test_yaml_mistakes_name_file_and_key(tmp_path: Path) -> None:
    ws = _copy(tmp_path)
    text = (ws / "workspace.yaml").read_text()
    (ws / "workspace.yaml").write_text(text.replace("min_confidence: 0.45", "min_confidence: 3")
                                       .replace("spam: {action: archive", "spam: {action: delete"))
    problems = _problems(ws)
    assert any(p.startswith("workspace.yaml: review.min_confidence:") for p in problems)
    assert any(p.startswith("workspace.yaml: routing.types.spam.action:") for p in problems)


def test_unquoted_norway_gets_a_hint(tmp_path: Path) -> None:
    ws = _copy(tmp_path)
    text = (ws / "workspace.yaml").read_text()
    (ws / "workspace.yaml").write_text(text.replace('"NO"', "NO"))
    [problem] = _problems(ws)
    assert "icp.served_countries" in problem and "quote" in problem


def test_csv_mistakes_name_file_line_and_column(tmp_path: Path) -> None:
    ws = _copy(tmp_path)
    accounts = (ws / "crm_accounts.csv").read_text().splitlines()
    accounts[1] = accounts[1].replace(",2761,", ",lots,")
    (ws / "crm_accounts.csv").write_text("\n".join(accounts) + "\n")
    contacts = (ws / "crm_contacts.csv").read_text().splitlines()
    contacts[1] = contacts[1].replace("ACC-1001", "ACC-9999")
    (ws / "crm_contacts.csv").write_text("\n".join(contacts) + "\n")
    problems = _problems(ws)
    assert "crm_accounts.csv:2: employees 'lots' is not a whole number" in problems
    assert "crm_contacts.csv:2: account_id 'ACC-9999' is not in the accounts file" in problems


def test_missing_files_and_unknown_types(tmp_path: Path) -> None:
    ws = _copy(tmp_path)
    (ws / "owners.csv").unlink()
    assert any("owners.csv: file not found" in p for p in _problems(ws))
    text = (ws / "workspace.yaml").read_text()
    (ws / "workspace.yaml").write_text(text.replace("    press:", "    media:"))
    assert any("unknown inbound type" in p for p in _problems(ws))


def test_not_a_workspace(tmp_path: Path) -> None:
    assert "workspace.yaml: not found" in _problems(tmp_path)[0]
    (tmp_path / "workspace.yaml").write_text("- just\n- a list\n")
    assert "top level must be a mapping" in _problems(tmp_path)[0]
    (tmp_path / "workspace.yaml").write_text("company: [unclosed\n")
    assert "not valid YAML" in _problems(tmp_path)[0]
