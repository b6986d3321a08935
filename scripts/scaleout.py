#!/usr/bin/env python
"""Start, inspect or stop a production-like installation on 127.0.0.1 only: nginx in front of two
gunicorn app servers, a PostgreSQL cluster of its own (temporary directory, free port), Redis, two
Celery workers, one beat and an SMTP sink — from the repository's deploy/ files, DEBUG off.

    scripts/scaleout.py up     [--dir var/scaleout] [--app-servers 2] [--workers 2] [--no-seed]
    scripts/scaleout.py status [--dir var/scaleout]
    scripts/scaleout.py down   [--dir var/scaleout]

`up` prints the site's address and the environment file of the installation (<dir>/env, to run
manage.py against it); `down` stops exactly the processes `up` started, by the pids recorded in
<dir>/state.json, and removes the PostgreSQL cluster. The topology: bench/drill/topology.py; the drill
that breaks it on purpose: `make drill` (bench/drill/run.py, bench/README.md "Scale-out drill").
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.drill.topology import DEFAULT_DIR, Topology, TopologyError  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up", "down", "status"])
    parser.add_argument("--dir", default=str(DEFAULT_DIR))
    parser.add_argument("--app-servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-seed", action="store_true", help="migrate only, no demo data")
    args = parser.parse_args()
    topo = Topology(args.dir)
    try:
        if args.command == "up":
            topo.up(app_servers=args.app_servers, workers=args.workers, seed=not args.no_seed)
            env_file = topo.dir / "env"
            env_file.write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in topo.env().items() if k not in ("PATH", "HOME")))
            print(f"up: https://127.0.0.1:{topo.https_port}/  (certificate {topo.state['cert']})")
            print(f"    manage.py against it: set -a; . {env_file}; set +a; .venv/bin/python manage.py …")
        elif args.command == "down":
            stopped = topo.down()
            print("down: stopped " + (", ".join(stopped) or "nothing (nothing was running)"))
        else:
            print(json.dumps(topo.status(), indent=1))
    except TopologyError as exc:
        print(f"scaleout: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
