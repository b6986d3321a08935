"""Compile every .po catalogue to .mo with polib (no system gettext needed)."""

import pathlib
import sys

import polib

root = pathlib.Path(__file__).resolve().parent.parent
count = 0
for po_path in list(root.glob("locale/*/LC_MESSAGES/*.po")) + list(root.glob("qualityservice/*/locale/*/LC_MESSAGES/*.po")):
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        continue
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    count += 1
print(f"compilemessages: {count} catalogue(s) compiled", file=sys.stderr)
