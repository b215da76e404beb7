"""Screenshots of the web app's main pages with realistic data, saved to docs/screenshots/*.png.

The example workspace's events (examples/cobalt/events.jsonl and labelled.jsonl) go through the real
intake and pipeline into a fresh SQLite database, spread over the last few days and several sources; a
few people then act as they would (claims, touches, review verdicts, outcomes). The app is served by
uvicorn on 127.0.0.1 and photographed by Debian's chromium through Playwright.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

from leadrelay.standins import serve_on_loopback

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "screenshots-only-1"


def build(data_dir: Path) -> tuple[object, str]:
    """A filled database in `data_dir`; returns the app and the email of the rep with the most open leads."""
    from leadrelay.api.app import create_app
    from leadrelay.config import Settings
    from leadrelay.store.db import make_engine, make_session_factory, session_scope, upgrade
    from leadrelay.store.tables import utcnow
    from leadrelay.web.auth import create_user
    from leadrelay.web.demo import busiest_rep, example_payloads, load_events, simulate_team, sources_of

    settings = Settings(data_dir=data_dir, workspace=ROOT / "examples" / "cobalt")
    engine = make_engine(settings.db_url)
    upgrade(engine)
    payloads = example_payloads([ROOT / "examples/cobalt/events.jsonl", ROOT / "examples/cobalt/labelled.jsonl"])
    now = utcnow()
    # Newest last, about every 2.5 hours over the last few days.
    received = [now - timedelta(minutes=150 * (len(payloads) - i) + 17 * (i % 5)) for i in range(len(payloads))]
    load_events(settings, engine, payloads, received_at=received, sources=sources_of(payloads))

    rep = busiest_rep(engine) or "maya.chen@cobaltdata.com"
    with session_scope(make_session_factory(engine)) as db:
        create_user(db, email="admin@cobaltdata.com", role="admin", name="Alex Admin", password=PASSWORD)
        create_user(db, email=rep, role="rep", name=rep.split("@")[0].replace(".", " ").title(), password=PASSWORD)
    # A few people act as they would: claims and replies, review verdicts, outcomes from the CRM.
    simulate_team(engine, reviewer="admin@cobaltdata.com", keep_open_for=rep, now=now)
    return create_app(settings, engine=engine, migrate=False), rep


def shoot(app: object, rep: str, out: Path) -> list[Path]:
    """Serve `app` on loopback and save the main pages as PNG files in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with serve_on_loopback(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for email, pages in (("admin@cobaltdata.com", [("inbox", "/inbox"), ("review-queue", "/review"),
                                                       ("dashboard", "/dashboard"), ("settings", "/settings")]),
                             (rep, [("my-leads", "/my")])):
            context = browser.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
            page = context.new_page()
            page.goto(f"{base}/signin")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            for name, path in pages:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                target = out / f"{name}.png"
                page.screenshot(path=str(target), full_page=name in {"review-queue", "dashboard"})
                saved.append(target)
                if name == "inbox":
                    page.click("table.leads tbody tr:has(.action-escalate) a.lead-name")
                    page.wait_for_load_state("networkidle")
                    target = out / "lead.png"
                    page.screenshot(path=str(target), full_page=True)
                    saved.append(target)
            context.close()
        browser.close()
    return saved


def main() -> int:
    """Build the demo data, take the screenshots, print where they went."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="leadrelay-shots-") as tmp:
        app, rep = build(Path(tmp))
        for path in shoot(app, rep, args.out):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
