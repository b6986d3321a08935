#!/usr/bin/env python
"""Time the member roster import (members.services.import_roster) of a large workbook, on a fresh
database of each kind, and print a Markdown table (and the JSON rows).

    .venv/bin/python bench/members_roster_import.py                       # 30,000 rows, SQLite and PostgreSQL
    .venv/bin/python bench/members_roster_import.py --rows 30000 --db sqlite

Each database is created empty and migrated (SQLite: a file under BENCH_WORK, default var/bench;
PostgreSQL: the database ``qs_members_bench`` on BENCH_PG_URL's server, dropped and re-created), then in
a fresh process for each: the workbook is written (not timed), imported the first time (every member
new: accounts, profiles, history rows), imported again unchanged, and again with every tenth
student's class changed (2,000 of 30,000 rows). The timed part is what the import page does: reading the .xlsx, validating every
row, writing in one transaction."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("BENCH_WORK", ROOT / "var" / "bench"))
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://qs:qs@127.0.0.1:5432/qs")
PG_DB = "qs_members_bench"
COLLEGES = ["信息科学与工程学院", "海洋与大气学院", "经济学院", "外国语学院", "医药学院", "法学院", "文学与新闻传播学院",
            "数学科学学院", "物理与光电工程学院", "化学化工学院", "环境科学与工程学院", "管理学院", "水产学院", "食品科学与工程学院"]


def workbook(path: Path, rows: int, changed_every: int = 0) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("师生名册")
    ws.append(["学号/工号", "姓名", "类型", "学院/单位", "班级", "手机", "邮箱"])
    for i in range(rows):
        teacher = i % 15 == 0
        college = COLLEGES[i % len(COLLEGES)]
        klass = "" if teacher else f"{college[:2]}{2022 + i % 4}{(i // 40) % 8 + 1:02d}"
        if changed_every and i % changed_every == 0 and not teacher:
            klass += "转"
        ws.append([f"T{i:06d}" if teacher else f"{2022 + i % 4}{i:06d}", f"测试{i}", "教师" if teacher else "学生", college,
                   klass, f"138{i:08d}", f"m{i}@example.edu.cn" if teacher else ""])
    wb.save(path)


def child(rows: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench._django import setup

    setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--noinput", verbosity=0)
    from qualityservice.members.models import Member
    from qualityservice.members.services import import_roster

    result = {"db": connection.vendor, "rows": rows}
    with tempfile.TemporaryDirectory() as tmp:
        first, changed = Path(tmp) / "roster.xlsx", Path(tmp) / "roster-changed.xlsx"
        workbook(first, rows)
        workbook(changed, rows, changed_every=10)
        for label, path in (("first import", first), ("same file again", first), ("a class moved", changed)):
            with open(path, "rb") as f:
                started = time.perf_counter()
                outcome = import_roster(f)
                seconds = time.perf_counter() - started
            assert outcome.ok, (outcome.file_error, outcome.errors[:3])
            result[label] = {"seconds": round(seconds, 2), "created": outcome.created, "updated": outcome.updated,
                             "unchanged": outcome.unchanged}
    result["members"] = Member.objects.count()
    result["history rows"] = Member.history.count()
    return result


def run(db: str, rows: int) -> dict:
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "bench-" + "x" * 60, "ALLOWED_HOSTS": "127.0.0.1",
           "CACHE_DIR": str(WORK / f"cache-members-{db}"), "SECURE_SSL_REDIRECT": "false"}
    env.pop("DATABASE_URL", None)
    WORK.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        path = WORK / "members-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        env["SQLITE_PATH"] = str(path)
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
    out = subprocess.run([sys.executable, __file__, "--child", "--rows", str(rows)], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=30000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.rows), ensure_ascii=False))
        return
    results = [run(db, args.rows) for db in args.db.split(",")]
    print("| database | rows | first import (s) | same file again (s) | a class moved (s) | members | history rows |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['db']} | {r['rows']:,} | {r['first import']['seconds']} | {r['same file again']['seconds']} | "
              f"{r['a class moved']['seconds']} ({r['a class moved']['updated']:,} updated) | {r['members']:,} | {r['history rows']:,} |")
    for r in results:
        print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
