#!/usr/bin/env bash
# LeadRelay's two everyday commands, for a fresh machine as much as for yours:
#   ./dev.sh run    set up .venv, qualify the example workspace's events, then `leadrelay demo`
#                   (from a terminal: `leadrelay demo --serve`, the web app with the demo's data)
#   ./dev.sh test   set up .venv (with test tools) and run the test suite
# Any further arguments go to the command run (leadrelay qualify, or pytest).
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

setup() {
    local extras=$1
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e ".$extras"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    run)
        setup ""
        "$VENV/bin/leadrelay" qualify --workspace examples/cobalt examples/cobalt/events.jsonl \
            -o out/decisions.jsonl "$@" || exit $?
        echo "decisions: out/decisions.jsonl"
        "$VENV/bin/python" - <<'PY'
import json
for line in open("out/decisions.jsonl", encoding="utf-8"):
    d = json.loads(line)
    f = d["fields"]
    print(f"{d['id']:8} {d['type']:11} {d['action']:9} {str(d['owner']):28} conf={d['confidence']:.2f} "
          f"{f.get('company') or '-'} / {f.get('country') or '-'} / {f.get('team_size') or '-'}"
          + (f"  duplicate of {d['duplicate_of']}" if d.get("duplicate_of") else ""))
PY
        # Then the whole path against local stand-ins (CRMs, Slack, SMTP): actions, owners, SLAs, a team's
        # history. From a terminal it keeps serving the web app; never in CI or scripts (it would not return).
        echo
        if [ -t 0 ]; then
            echo "== leadrelay demo --serve (Ctrl-C stops it) =="
            exec "$VENV/bin/leadrelay" demo --serve
        fi
        echo "== leadrelay demo =="
        "$VENV/bin/leadrelay" demo
        echo
        echo "To see it in the web app: $VENV/bin/leadrelay demo --serve"
        echo "(runs the demo again and keeps serving it; open the printed URL, sign in with the printed credentials)"
        ;;
    test)
        setup "[dev]"
        set +e
        "$VENV/bin/python" -m pytest "$@"
        status=$?
        set -e
        # pytest exits 5 when a selection holds no tests: nothing failed, but say so.
        if [ "$status" -eq 5 ]; then
            echo "no tests were selected"
            exit 0
        fi
        exit "$status"
        ;;
    *)
        echo "usage: ./dev.sh run|test [args...]" >&2
        exit 2
        ;;
esac
