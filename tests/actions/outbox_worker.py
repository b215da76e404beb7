"""A worker process for the fault-injection test: runs due actions one by one until told to stop (or killed).

Settings come from LEADRELAY_* environment variables, as for `leadrelay worker`.
"""

from __future__ import annotations

import sys
import time

from leadrelay.actions.outbox import ActionContext, due_actions, run_action
from leadrelay.config import Settings
from leadrelay.store.db import make_engine


def main() -> None:
    settings = Settings()
    engine = make_engine(settings.db_url)
    ctx = ActionContext(settings, engine=engine)
    idle = 0
    while idle < 50:
        with engine.connect() as conn:
            ids = due_actions(conn, now=ctx.clock(), lost_after_s=settings.action_lost_after_s, limit=5)
        idle = 0 if ids else idle + 1
        for action_id in ids:
            run_action(ctx, action_id)
            time.sleep(0.05)
        time.sleep(0.05)
    print("worker idle, exiting", file=sys.stderr)


if __name__ == "__main__":
    main()
