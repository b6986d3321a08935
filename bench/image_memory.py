#!/usr/bin/env python
"""Peak memory of the image sanitiser (``core.images.sanitize_image``) for the worst images it accepts.

    python bench/image_memory.py            # every case, a Markdown table
    python bench/image_memory.py --json     # the same as JSON lines

Each case is an image built here at the edge of the limits (the largest of its kind that the decode
budget QS_IMAGE_DECODE_MB accepts), written to a temporary file and handed to a fresh Python process
that sets up Django, warms the codecs up with small images, then sanitises the file once. The figure
is that process's peak RSS (``ru_maxrss``) above its peak before the call — the memory one upload
costs a web worker — and its ratio to the target of 150 MB. "parallel" runs four worst-case images
in four threads of one process: QS_IMAGE_CONCURRENCY (default 2) of them at a time.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_MB = 150


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# --- Worst accepted sizes, from the sanitiser's own cost model ---------------------------------


class _Header:
    """What ``decode_plan`` reads of an opened image, without building one."""

    def __init__(self, side, mode, layer=None):
        self.size, self.mode, self.layer = (side, side), mode, layer

    def getbands(self):
        return ("R", "G", "B") if self.mode == "RGB" else ("L",)


SUBSAMPLING = {0: [(1, 1, 1, 0), (2, 1, 1, 1), (3, 1, 1, 1)], 2: [(1, 2, 2, 0), (2, 1, 1, 1), (3, 1, 1, 1)]}
PROGRESSIVE = b"\xff\xd8\xff\xc2\x00\x11"  # enough of a header for the scan check
BASELINE = b"\xff\xd8\xff\xda\x00\x0c\x03"


def worst_side(fmt: str, mode: str, *, layer=None, data=b"") -> tuple[int, int]:
    """(side, scale) of the square image of this kind whose accepted decode costs the most."""
    from qualityservice.core import images

    budget, best = images.decode_budget(), (0, 0, 1)
    for side in range(256, math.isqrt(images.MAX_PIXELS) + 1, 4):
        scale, cost = images.decode_plan(_Header(side, mode, layer), fmt, data, images.MAX_SIDE, budget)
        if cost <= budget and cost >= best[0]:
            best = (cost, side, scale)
    return best[1], best[2]


def build_cases() -> list[tuple[str, str, bytes]]:
    from PIL import Image, PngImagePlugin

    def png(side, mode, **kw):
        colour = {"RGBA": (30, 90, 160, 128), "RGB": (30, 90, 160), "L": 120, "P": 3, "1": 1}[mode]
        img = Image.new(mode, (side, side), colour)
        if mode == "P":
            img.putpalette([i % 256 for i in range(768)])
            img.info["transparency"] = 0
        out = io.BytesIO()
        img.save(out, format="PNG", optimize=True, **kw)
        return out.getvalue()

    def gradient(size):
        small = Image.linear_gradient("L").resize((64, 64))
        return Image.merge("RGB", (small, small.transpose(Image.Transpose.ROTATE_90), small)).resize(size)

    def jpeg(size, **kw):
        out = io.BytesIO()
        gradient(size).save(out, format="JPEG", quality=85, **kw)
        return out.getvalue()

    cases = []
    out = io.BytesIO()
    Image.new("RGBA", (7740, 7740), (30, 90, 160, 128)).save(out, format="PNG", optimize=True)
    cases.append(("issue: 7740×7740 RGBA PNG (refused)", "png", out.getvalue()))
    for mode in ("RGBA", "RGB", "P", "L", "1"):
        side, _scale = worst_side("PNG", mode)
        cases.append((f"PNG {mode} {side}×{side}", "png", png(side, mode)))
    side, _scale = worst_side("JPEG", "RGB", layer=SUBSAMPLING[2], data=BASELINE)
    cases.append((f"JPEG baseline {side}×{side}", "jpg", jpeg((side, side))))
    cases.append(("JPEG baseline 4000×3000 (phone)", "jpg", jpeg((4000, 3000))))
    cases.append(("JPEG baseline 8944×6708 (60 MP cap)", "jpg", jpeg((8944, 6708))))
    for sub in (2, 0):
        side, scale = worst_side("JPEG", "RGB", layer=SUBSAMPLING[sub], data=PROGRESSIVE)
        label = "4:2:0" if sub == 2 else "4:4:4"
        cases.append((f"JPEG progressive {label} {side}×{side} (1/{scale})", "jpg", jpeg((side, side), progressive=True, subsampling=sub)))
    cases.append(("JPEG progressive 4:2:0 4000×3000 (phone)", "jpg", jpeg((4000, 3000), progressive=True, subsampling=2)))
    side, _scale = worst_side("WEBP", "RGBA")
    out = io.BytesIO()
    Image.new("RGBA", (side, side), (30, 90, 160, 128)).save(out, format="WEBP", lossless=True)
    cases.append((f"WebP RGBA {side}×{side}", "webp", out.getvalue()))
    side, _scale = worst_side("GIF", "P")
    out = io.BytesIO()
    Image.new("P", (side, side), 3).save(out, format="GIF")
    cases.append((f"GIF {side}×{side}", "gif", out.getvalue()))
    side, _scale = worst_side("BMP", "P")
    side = min(side, 2200)  # an uncompressed 8-bit BMP over the byte limit would only test that limit
    out = io.BytesIO()
    Image.new("P", (side, side), 3).save(out, format="BMP")
    cases.append((f"BMP {side}×{side}", "bmp", out.getvalue()))
    info = PngImagePlugin.PngInfo()
    for i in range(64):
        info.add_text(f"k{i}", "a" * (1024 * 1024 - 64), zip=True)
    out = io.BytesIO()
    Image.new("RGB", (64, 64)).save(out, format="PNG", pnginfo=info)
    cases.append(("PNG with 64 MB of zTXt text (refused)", "png", out.getvalue()))
    return cases


# --- One case in a fresh process ----------------------------------------------------------------


def child(path: str, threads: int) -> dict:
    from bench._django import setup

    setup()
    import gc
    import threading

    from django.core.exceptions import ValidationError
    from django.utils import translation
    from PIL import Image

    from qualityservice.core.images import sanitize_image

    translation.activate("en")
    for fmt in ("PNG", "JPEG", "WEBP", "GIF", "BMP"):  # load the codecs and the catalogue first
        warm = io.BytesIO()
        Image.new("RGB" if fmt != "GIF" else "P", (64, 48)).save(warm, format=fmt)
        sanitize_image(warm.getvalue(), f"warm.{fmt.lower()}")
    data = Path(path).read_bytes()
    gc.collect()
    idle = rss_mb()
    results = []

    def run():
        translation.activate("en")  # per thread
        start = time.perf_counter()
        try:
            clean = sanitize_image(data, Path(path).name)
            results.append({"outcome": f"accepted → {clean.width}×{clean.height} {clean.name.rsplit('.', 1)[-1]}",
                            "seconds": time.perf_counter() - start})
        except ValidationError as exc:
            results.append({"outcome": "refused: " + " ".join(exc.messages), "seconds": time.perf_counter() - start})

    workers = [threading.Thread(target=run) for _ in range(threads)]
    start = time.perf_counter()
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return {"outcome": results[0]["outcome"], "seconds": round(time.perf_counter() - start, 2),
            "idle_mb": round(idle, 1), "above_idle_mb": round(rss_mb() - idle, 1)}


def build(folder: str) -> None:
    """Write every case into ``folder`` with a manifest (a process of its own: the parent stays small,
    and a child's ru_maxrss starts from its parent's on Linux)."""
    from bench._django import setup

    setup()
    from django.conf import settings
    from PIL import Image

    from qualityservice.core.images import decode_budget

    cases = build_cases()
    worst = next(c for c in cases if c[0].startswith("PNG RGBA"))
    manifest = {"budget_mib": decode_budget() / 1024 / 1024, "concurrency": getattr(settings, "QS_IMAGE_CONCURRENCY", 2),
                "cases": []}
    plan = [(label, ext, data, 1) for label, ext, data in cases]
    plan.append((f"parallel: 4 threads × {worst[0]}", worst[1], worst[2], 4))
    for n, (label, ext, data, threads) in enumerate(plan):
        path = Path(folder) / f"case{n}.{ext}"
        path.write_bytes(data)
        try:
            with Image.open(path) as img:
                size, mode = f"{img.width}×{img.height}", img.mode
        except ValueError:  # the text-chunk case is refused on open, here too
            size, mode = "64×64", "RGB"
        manifest["cases"].append({"case": label, "path": str(path), "threads": threads, "file_kb": round(len(data) / 1024),
                                  "size": size, "mode": mode})
    (Path(folder) / "manifest.json").write_text(json.dumps(manifest))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.threads)))
        return
    if args.build:
        build(args.build)
        return

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, __file__, "--build", tmp], env=env, cwd=ROOT, check=True)
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
        for case in manifest["cases"]:
            proc = subprocess.run([sys.executable, __file__, "--child", case["path"], "--threads", str(case["threads"])],
                                  capture_output=True, text=True, env=env, cwd=ROOT, check=False)
            if proc.returncode:
                raise SystemExit(f"{case['case']}: child failed\n{proc.stderr}")
            row = {k: v for k, v in case.items() if k not in ("path", "threads")}
            row.update(json.loads(proc.stdout.strip().splitlines()[-1]))
            row["ratio_to_target"] = round(row["above_idle_mb"] / TARGET_MB, 2)
            rows.append(row)
            if args.json:
                print(json.dumps(row, ensure_ascii=False), flush=True)
    if args.json:
        return
    print(f"Decode budget {manifest['budget_mib']:.0f} MiB, QS_IMAGE_CONCURRENCY={manifest['concurrency']}, "
          f"target {TARGET_MB} MB above idle\n")
    print("| case | file | pixels | mode | outcome | seconds | MB above idle | ratio to 150 MB |")
    print("|---|---:|---|---|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['case']} | {r['file_kb']} KB | {r['size']} | {r['mode']} | {r['outcome']} | {r['seconds']} | "
              f"{r['above_idle_mb']} | {r['ratio_to_target']} |")


if __name__ == "__main__":
    main()
