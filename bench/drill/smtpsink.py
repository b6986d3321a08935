#!/usr/bin/env python
"""A local SMTP sink (aiosmtpd) for the drill: accepts every message on 127.0.0.1 and appends one JSON
line per accepted message to a log — the time, the port it came in on (each Celery worker of the drill
sends to a port of its own), the Message-ID, the recipients and the subject. Nothing is relayed.

    python bench/drill/smtpsink.py --ports 2525,2526 --log var/scaleout/mail.jsonl [--rcpt-delay-ms 5]

``--rcpt-delay-ms`` makes each RCPT take that long, as a relay checking its recipients does, so that a
worker spends most of a delivery waiting on the server — and a worker killed "mid-delivery" is killed
while the server has not yet accepted the message. Stops on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import threading
import time
from email.parser import BytesHeaderParser
from email.policy import default

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, log_path: str, port: int, rcpt_delay: float, lock: threading.Lock):
        self.log_path, self.port, self.rcpt_delay, self.lock = log_path, port, rcpt_delay, lock

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser(policy=default).parsebytes(envelope.original_content or envelope.content or b"")
        line = json.dumps({"t": time.time(), "port": self.port, "mid": str(headers.get("Message-ID", "")).strip(),
                           "rcpt": list(envelope.rcpt_tos), "subject": str(headers.get("Subject", ""))}, ensure_ascii=False)
        with self.lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
        return "250 Message accepted"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ports", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--rcpt-delay-ms", type=float, default=0)
    args = parser.parse_args()
    lock = threading.Lock()
    open(args.log, "a").close()
    controllers = []
    for port in (int(p) for p in args.ports.split(",")):
        controller = Controller(Sink(args.log, port, args.rcpt_delay_ms / 1000, lock), hostname="127.0.0.1", port=port,
                                data_size_limit=10 * 1024 * 1024)
        controller.start()
        controllers.append(controller)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    for controller in controllers:
        controller.stop()


if __name__ == "__main__":
    main()
