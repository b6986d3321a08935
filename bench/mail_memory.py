#!/usr/bin/env python
"""Peak memory of importing one large e-mail (the complaint mailbox, ``import_mail``).

    python bench/mail_memory.py              # a 40 MB message, QS_MAIL_MAX_BYTES as configured (25 MB)
    python bench/mail_memory.py --mb 24      # a message under the limit: its photo is kept too
    python bench/mail_memory.py --full       # the 40 MB message with the limit raised above it

Writes the message (GBK text + a photo + a ~40 MB base64 attachment) to a temporary directory, migrates a
temporary SQLite database there, then imports the message in a fresh subprocess through the same entry
point as ``manage.py import_mail`` (``mailbox.import_file``). The child measures its own ``ru_maxrss``
after Django is set up and one small message is imported (the baseline: interpreter, Django, the email
package, the models), then after the large import. Prints JSON: the baseline, the peak, the growth
(peak - baseline) and its ratio to the 150 MB target."""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 150.0


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def write_message(path: Path, megabytes: float) -> int:
    """A complaint with a photo and an attachment so that the whole message is ``megabytes`` MB.
    Written in pieces: the generator itself stays small."""
    import io

    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 120, 60)).save(photo, format="JPEG")
    text = "宿舍楼道的监控录像在附件里，请后勤尽快查看并处理。\n" * 20
    b = "==bench-boundary=="
    target = int(megabytes * 1024 * 1024)
    with path.open("wb") as out:
        out.write(
            (f"From: =?utf-8?B?{base64.b64encode('王同学'.encode()).decode()}?= <wang@stu.ouc.edu.cn>\r\n"
             f"Subject: =?utf-8?B?{base64.b64encode('监控录像（大附件）'.encode()).decode()}?=\r\n"
             "To: hqjt@ouc.edu.cn\r\nMessage-ID: <bench-large@stu.ouc.edu.cn>\r\nMIME-Version: 1.0\r\n"
             f'Content-Type: multipart/mixed; boundary="{b}"\r\n\r\n'
             f"--{b}\r\nContent-Type: text/plain; charset=gbk\r\nContent-Transfer-Encoding: base64\r\n\r\n").encode()
            + _b64_lines(text.encode("gbk"))
            + (f"--{b}\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"photo.jpg\"\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n").encode()
            + _b64_lines(photo.getvalue())
            + (f"--{b}\r\nContent-Type: video/mp4\r\nContent-Disposition: attachment; filename=\"video.mp4\"\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n").encode()
        )
        chunk = os.urandom(57 * 1024)  # 57 bytes = one 76-character base64 line
        encoded = _b64_lines(chunk)
        while out.tell() + len(encoded) < target - 64:
            out.write(encoded)
        out.write(f"--{b}--\r\n".encode())
        return out.tell()


def _b64_lines(data: bytes) -> bytes:
    raw = base64.b64encode(data)
    return b"".join(raw[i:i + 76] + b"\r\n" for i in range(0, len(raw), 76))


def child(path: str) -> dict:
    """Runs in the measured subprocess."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    from qualityservice.feedback.mailbox import import_file, import_message

    warm = import_message(b"From: a@ouc.edu.cn\r\nSubject: warm-up\r\nMessage-ID: <warm@bench>\r\n"
                          b"Content-Type: text/plain; charset=utf-8\r\n\r\nwarm up\r\n")
    assert warm.outcome == "imported", warm
    baseline = rss_mb()
    start = time.perf_counter()
    outcome = import_file(path)
    seconds = time.perf_counter() - start
    peak = rss_mb()
    fb = outcome.feedback
    return {"outcome": outcome.outcome, "seconds": round(seconds, 2), "baseline_rss_mb": round(baseline, 1),
            "peak_rss_mb": round(peak, 1), "limit_mb": round(settings.QS_MAIL_MAX_BYTES / 1024 / 1024, 1),
            "body_chars": len(fb.body) if fb is not None else 0,
            "attachments": fb.attachments.count() if fb is not None else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=40.0, help="size of the message (MB)")
    parser.add_argument("--full", action="store_true", help="raise QS_MAIL_MAX_BYTES above the size (photo kept)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    with tempfile.TemporaryDirectory(prefix="qs-mail-bench-") as tmp:
        tmp = Path(tmp)
        size = write_message(tmp / "large.eml", args.mb)
        env = {**os.environ, "SQLITE_PATH": str(tmp / "bench.sqlite3"), "DJANGO_SETTINGS_MODULE": "config.settings",
               "MEDIA_ROOT": str(tmp / "media")}
        env.pop("DATABASE_URL", None)
        if args.full:
            env["QS_MAIL_MAX_BYTES"] = str(size + 1)
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run([sys.executable, "-c", "import django; django.setup(); from qualityservice.org.models import "
                        "Department; Department.objects.create(code='bangongshi', name='集团办公室', kind='group')"],
                       env=env, check=True, cwd=ROOT)
        done = subprocess.run([sys.executable, __file__, "--child", str(tmp / "large.eml")], env=env, cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"the import failed:\n{done.stderr}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
    growth = result["peak_rss_mb"] - result["baseline_rss_mb"]
    result.update({"message_mb": round(size / 1024 / 1024, 1), "growth_mb": round(growth, 1),
                   "target_mb": TARGET_MB, "ratio_to_target": round(growth / TARGET_MB, 2)})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
