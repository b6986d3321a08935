"""Scale data for feedback (``manage.py generate_scale_data --feedback N``): N records spread over
24 months, every centre, every channel and kind, each with the full timeline a record of its age and
state would have — events (received, accepted, started, replied, escalated, called back, closed,
reopened, merged), the public reply, internal notes and callback attempts — then the published
figures are recomputed with the app's own ``refresh_public_figures``.

Speed: rows are built as tuples with precomputed primary keys and written per table in chunks —
``COPY … FROM STDIN`` on PostgreSQL, one ``executemany`` per chunk inside a transaction on SQLite.
1,000,000 records (≈ 6 million rows with their timelines) take a few minutes on two cores.
No historical (simple_history) rows are written: the history of a generated record is its events.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection, transaction

from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Place, Staff

from .models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CallbackAttempt,
    Category,
    Feedback,
    FeedbackEvent,
    Reply,
)

CHUNK = 20_000
DAYS = 730
UTC = dt.UTC

CATEGORIES = [
    ("饮食服务", "Catering", "yinshi"), ("宿舍与公寓", "Dormitories", "gongyu"), ("维修报修", "Repairs", "weixiu"),
    ("环境卫生", "Cleaning", "wuye"), ("校园交通", "Transport", "jiaotong"), ("商贸服务", "Shops", "shangmao"),
    ("幼儿园", "Kindergarten", "youeryuan"), ("其他", "Other", ""),
]
ISSUES = {
    "yinshi": ["饭菜偏咸", "窗口排队时间长", "餐具清洗不干净", "菜品价格上涨", "饭菜里有异物", "打饭分量不足", "夜宵选择太少"],
    "gongyu": ["热水供应不稳定", "楼道灯不亮", "宿管态度生硬", "洗衣机故障", "门禁卡失灵", "空调漏水"],
    "weixiu": ["报修三天无人上门", "维修后再次损坏", "水龙头漏水", "门锁损坏", "暖气不热", "下水道堵塞"],
    "wuye": ["卫生间无纸巾", "垃圾清运不及时", "草坪浇水时间扰民", "教室桌椅损坏", "走廊地面湿滑"],
    "jiaotong": ["校车晚点", "校车早高峰拥挤", "司机开车过快", "班次信息不准确", "停车位不足"],
    "shangmao": ["超市营业时间短", "商品价格偏高", "收银排队太久", "过期商品未下架"],
    "youeryuan": ["接送秩序混乱", "午餐营养搭配", "园区设施老化"],
}
PRAISE = ["服务热情周到", "一次就修好了，非常负责", "打扫得很干净", "耐心解答问题", "拾金不昧，值得表扬"]
SUGGEST = ["建议增加", "希望延长", "建议开通线上", "能否调整", "建议优化"]
REPLIES = [
    "您好，您反映的问题已收到，我们已安排专人处理，感谢您的监督。",
    "经核实情况属实，已对相关人员进行批评教育，并加强日常检查。",
    "已安排维修人员上门处理，问题已解决，如仍有问题请随时联系我们。",
    "感谢您的建议，我们将在下学期调整服务安排并公示。",
    "您好，已转告相关班组并落实整改，欢迎继续监督。",
]
NOTES = ["已电话联系班组长核实", "需协调物资，预计两天内完成", "与宿管沟通后确认情况", "已安排夜班人员跟进"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰红玉华建国春梅海燕云飞鹏辉宁波晶晓东志立新文彬斌浩凯婷雪琳颖"
CHANNELS = ["web"] * 45 + ["badge_qr"] * 15 + ["hotline"] * 20 + ["email"] * 8 + ["survey"] * 4 + ["inspection"] * 3 \
    + ["visit"] * 3 + ["forum"] * 2
CHANNEL_LABELS = {"web": "网页表单", "badge_qr": "工牌二维码", "hotline": "投诉热线", "email": "电子邮件", "survey": "满意度问卷",
                  "inspection": "服务检查", "visit": "督导走访", "forum": "校园论坛"}
# Local hour of submission (UTC+8): mostly daytime and evening, a few at night.
HOURS = [7, 8, 9, 9, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 18, 19, 20, 20, 21, 21, 22, 23, 0]
KINDS = ["complaint"] * 50 + ["suggestion"] * 20 + ["enquiry"] * 10 + ["repair"] * 8 + ["praise"] * 12


# --- Bulk writer (PostgreSQL COPY / SQLite executemany) ----------------------------------------


class Table:
    """Writes tuples of the model's fields named in ``fields`` (in that order); every other concrete
    field gets its default, so a field added later does not break generation."""

    def __init__(self, model, fields: list[str]):
        self.model = model
        self.table = model._meta.db_table
        concrete = {f.name: f for f in model._meta.concrete_fields}
        self.fields = fields
        self.columns = [concrete[n].column for n in fields]
        self.extra_columns, self.extra_values = [], []
        for name, f in concrete.items():
            if name in fields:
                continue
            self.extra_columns.append(f.column)
            value = f.get_default() if f.has_default() else (None if f.null else "")
            self.extra_values.append(_db(f.get_db_prep_save(value, connection)))
        self.extra = tuple(self.extra_values)
        self.rows: list[tuple] = []
        self.written = 0

    def next_id(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")
            return cursor.fetchone()[0] + 1

    def flush(self) -> None:
        if not self.rows:
            return
        cols = self.columns + self.extra_columns
        rows = [r + self.extra for r in self.rows] if self.extra else self.rows
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(cols))
                cursor.executemany(f"INSERT INTO {self.table} ({', '.join(cols)}) VALUES ({marks})", rows)
        self.written += len(self.rows)
        self.rows = []


def _db(value):
    if isinstance(value, dt.datetime):
        return ts(value.timestamp())
    return value


_PG = None


def ts(seconds: float | None):
    """A timestamp as the backend's literal (UTC)."""
    if seconds is None:
        return None
    text = dt.datetime.fromtimestamp(int(seconds), UTC).replace(tzinfo=None).isoformat(" ")
    return text + "+00" if _PG else text


def reset_sequences(models) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows explicit ids by itself
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def analyze(models) -> None:
    """PostgreSQL's autovacuum would analyse the new rows within minutes; do it now so the planner
    sees the production-like state right away."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {model._meta.db_table}")


# --- Codes -----------------------------------------------------------------------------------

_SPACE = len(CODE_ALPHABET) ** CODE_LENGTH
_MULT = 0x2545F4914F6CDD1D % _SPACE  # not divisible by 31: i -> i * MULT + OFFSET is a bijection


def tracking_code(pk: int, offset: int) -> str:
    """Distinct primary keys give distinct, random-looking codes (a bijection of the code space)."""
    n = (pk * _MULT + offset) % _SPACE
    chars = []
    for _i in range(CODE_LENGTH):
        n, r = divmod(n, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[r])
    return "".join(chars)


# --- Generation --------------------------------------------------------------------------------


def _categories():
    by_code = dict(Department.objects.values_list("code", "pk"))
    existing = set(Category.objects.values_list("name", flat=True))
    Category.objects.bulk_create([
        Category(name=name, name_en=en, department_id=by_code.get(code), sort_order=10 * i)
        for i, (name, en, code) in enumerate(CATEGORIES) if name not in existing
    ])
    return {c.department_id: c.pk for c in Category.objects.all()}, list(Category.objects.values_list("pk", flat=True))


# FeedbackEvent.action is max_length=20 but services use "callback_dissatisfied" (21 characters):
# PostgreSQL refuses it (reported to the feedback owner). Generate the longest name that fits.
_ACTION_MAX = FeedbackEvent._meta.get_field("action").max_length
DISSATISFIED_ACTION = "callback_dissatisfied" if len("callback_dissatisfied") <= _ACTION_MAX else "reopen"


# The counts this module generates: `manage.py generate_scale_data --feedback N`.
COUNTS = {"feedback": "feedback records to add"}


def generate(out, rng, counts) -> None:
    global _PG
    n = counts.get("feedback", 0)
    if n <= 0:
        return
    _PG = connection.vendor == "postgresql"
    started = time.perf_counter()
    centres = list(Department.objects.centres().order_by("sort_order", "pk"))
    if not centres:
        return
    cat_by_dept, cat_ids = _categories()
    places: dict[int, list[tuple[int, str]]] = {}
    for pk, name, dept in Place.objects.filter(is_active=True).exclude(kind=Place.Kind.CAMPUS).values_list("pk", "name", "department_id"):
        places.setdefault(dept, []).append((pk, name))
    all_places = [p for v in places.values() for p in v]
    staff: dict[int, list[tuple[int, str, int | None]]] = {}
    for pk, name, dept, user in Staff.objects.filter(is_active=True).values_list("pk", "name", "department_id", "user_id"):
        staff.setdefault(dept, []).append((pk, name, user))
    heads = {d: [(pk, name, user) for pk, name, dd, user in
                 Staff.objects.filter(role=Role.HEAD, user__isnull=False).values_list("pk", "name", "department_id", "user_id") if dd == d]
             for d in [c.pk for c in centres]}
    operators = list(Staff.objects.filter(role=Role.OPERATOR, user__isnull=False).values_list("name", "user_id"))
    weights = [max(1, 10 - i) for i in range(len(centres))]

    fb_t = Table(Feedback, [
        "id", "code", "rating_token", "rating_used_at", "submission_key", "kind", "channel", "department", "staff", "place",
        "category", "title", "body", "anonymous", "submitter_name", "submitter_contact", "submitter_user", "client_ip",
        "source_ref", "created_by", "status", "assigned_to", "merged_into", "created_at", "updated_at", "deadline",
        "is_overdue", "escalated_at", "resolved_at", "resolved_on_time", "closed_at", "reopen_count", "callback_result",
        "satisfaction", "about_staff",
    ])
    ev_t = Table(FeedbackEvent, ["id", "feedback", "action", "from_status", "to_status", "actor", "actor_name", "note",
                                 "visibility", "created_at"])
    rp_t = Table(Reply, ["id", "feedback", "author", "author_name", "body", "is_public", "created_at"])
    cb_t = Table(CallbackAttempt, ["id", "feedback", "attempt_no", "result", "satisfied", "comment", "by", "created_at"])
    fid, eid, rid, cid = fb_t.next_id(), ev_t.next_id(), rp_t.next_id(), cb_t.next_id()
    offset = rng.randrange(_SPACE)
    token_salt = rng.getrandbits(64)
    now = time.time()
    T, F = (True, False)
    pub, internal = "public", "internal"
    random, choice, randint, uniform = rng.random, rng.choice, rng.randint, rng.uniform

    if not _PG:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-200000")
    if True:  # one transaction per chunk (see _flush): bounded memory for PostgreSQL's deferred FK checks
        last_in_dept: dict[int, int] = {}
        for _done in range(n):
            pk = fid
            fid += 1
            # Newer months carry more feedback (growing use): age skewed towards the present.
            age_days = DAYS * (random() ** 1.4)
            local_day = (now + 8 * 3600 - age_days * 86400) // 86400 * 86400
            created = local_day + choice(HOURS) * 3600 + randint(0, 3599) - 8 * 3600
            if created > now - 60:
                created -= 86400
            dept = centres[_weighted(rng, weights)]
            d = dept.pk
            kind = choice(KINDS)
            channel = choice(CHANNELS)
            dstaff = staff.get(d) or [(None, "", None)]
            concerned = choice(dstaff) if (channel == "badge_qr" or kind == "praise" or random() < 0.15) else None
            place = choice(places.get(d) or all_places or [(None, "")]) if random() < 0.8 else (None, "")
            issue = choice(ISSUES.get(dept.code) or ISSUES["wuye"])
            where = place[1] or dept.name
            if kind == "praise":
                who = concerned[1] if concerned and concerned[1] else "工作人员"
                title = f"表扬{where}{who}{choice(PRAISE)}"
            elif kind == "suggestion":
                title = f"{choice(SUGGEST)}{where}服务：{issue}"
            elif kind == "enquiry":
                title = f"咨询：{where}{issue}怎么处理？"
            else:
                title = f"{where}{issue}"
            body = (f"{title}。时间大约在{dt.datetime.fromtimestamp(created, UTC):%m月%d日}，"
                    f"希望{dept.name}尽快核实处理，并告知处理结果。谢谢！")
            anonymous = random() < 0.55
            name = contact = ""
            if not anonymous:
                name = choice(SURNAMES) + choice(GIVEN) + (choice(GIVEN) if random() < 0.6 else "")
                contact = f"1{randint(3, 9)}{randint(0, 999999999):09d}"
            created_by = None
            if channel == "hotline" and operators:
                created_by = choice(operators)[1]
            deadline = created + 2 * 86400
            head = choice(heads.get(d) or dstaff)
            handler = choice(dstaff)
            handler_name = handler[1] or head[1]

            # Where the record stands depends on its age.
            x = random()
            if age_days < 2:
                status = "received" if x < .35 else "assigned" if x < .6 else "in_progress" if x < .8 else "resolved" if x < .93 else "closed"
            elif age_days < 10:
                status = ("received" if x < .04 else "assigned" if x < .12 else "in_progress" if x < .25 else "resolved" if x < .42
                          else "callback" if x < .5 else "reopened" if x < .53 else "closed")
            else:
                status = ("closed" if x < .9 else "resolved" if x < .93 else "callback" if x < .95 else "in_progress" if x < .96
                          else "reopened" if x < .97 else "received" if x < .975 else "assigned" if x < .98 else "merged"
                          if x < .99 and d in last_in_dept else "closed")
            if status in ("callback",) and anonymous:
                status = "resolved"

            events = [(eid, pk, "create", "", "received", created_by, "" if created_by else "提交人",
                       f"由{dept.name}通过{CHANNEL_LABELS.get(channel, channel)}接收。", pub, created)]
            eid += 1
            steps = [uniform(600, 8 * 3600), uniform(1800, 24 * 3600), uniform(3600, 60 * 3600), uniform(2 * 3600, 72 * 3600),
                     uniform(3600, 48 * 3600)]
            span = sum(steps)
            limit = (now - created) * 0.95
            if span > limit:
                steps = [s * limit / span for s in steps]
            t = created
            assigned_to = None
            resolved_at = closed_at = escalated = rating_used = None
            on_time = None
            overdue = False
            callback_result = ""
            satisfaction = None
            reopen_count = 0
            merged_into = None
            replies, callbacks = [], []
            if status == "merged":
                t += steps[0]
                merged_into = last_in_dept[d]
                closed_at = t
                events.append((eid, pk, "merge", "received", "merged", None, "督办员", "重复反映，已合并。", pub, t))
                eid += 1
            else:
                order = ["received", "assigned", "in_progress", "resolved", "callback", "closed"]
                reached = {"reopened": 4, "callback": 4}.get(status, order.index(status) if status in order else 0)
                if reached >= 1:
                    t += steps[0]
                    assigned_to = handler[0]
                    events.append((eid, pk, "accept", "received", "assigned", head[2], head[1], "", pub, t))
                    eid += 1
                    if random() < 0.08:
                        replies.append((rid, pk, head[2], head[1], choice(NOTES), F, t + 60))
                        rid += 1
                        events.append((eid, pk, "note", "", "", head[2], head[1], choice(NOTES), internal, t + 60))
                        eid += 1
                if reached >= 2:
                    t += steps[1]
                    events.append((eid, pk, "start", "assigned", "in_progress", handler[2], handler_name, "", pub, t))
                    eid += 1
                if reached < 3 and deadline < now:
                    escalated = deadline + 300
                    overdue = True
                    events.append((eid, pk, "escalate", "", "", None, "系统", "已超过办理时限。", internal, escalated))
                    eid += 1
                if reached >= 3:
                    t += steps[2]
                    resolved_at = t
                    on_time = t <= deadline
                    overdue = not on_time
                    text = choice(REPLIES)
                    replies.append((rid, pk, handler[2], handler_name, text, T, t))
                    rid += 1
                    events.append((eid, pk, "resolve", "in_progress" if reached >= 2 else "assigned", "resolved", handler[2],
                                   handler_name, text, internal, t))
                    eid += 1
                if reached >= 4:
                    t += steps[3]
                    if anonymous:
                        if status == "closed" and random() < 0.3:
                            satisfaction = randint(3, 5) if random() < 0.85 else randint(1, 2)
                            rating_used = t
                            if satisfaction >= 3:
                                callback_result, closed_at = "satisfied", t
                                events.append((eid, pk, "rated", "resolved", "closed", None, "提交人", f"满意度 {satisfaction}/5。", pub, t))
                            else:
                                status, callback_result, reopen_count = "reopened", "dissatisfied", 1
                                events.append((eid, pk, "rated", "resolved", "reopened", None, "提交人", f"满意度 {satisfaction}/5。", pub, t))
                            eid += 1
                        elif status == "closed":
                            closed_at = t
                            events.append((eid, pk, "close", "resolved", "closed", head[2], head[1], "", pub, t))
                            eid += 1
                    else:
                        op = choice(operators) if operators else (head[1], head[2])
                        attempt = 1
                        if status == "callback" or random() < 0.15:
                            callbacks.append((cid, pk, attempt, "unreachable", None, "无人接听", op[1], t))
                            cid += 1
                            attempt += 1
                            events.append((eid, pk, "callback_unreached", "resolved", "callback", op[1], op[0],
                                           "第1次回访未接通。", internal, t))
                            eid += 1
                            t += 3600 * 20
                        if status in ("closed", "reopened"):
                            good = status == "closed"
                            score = randint(3, 5) if good else randint(1, 2)
                            satisfaction = score
                            callbacks.append((cid, pk, attempt, "reached", score, "", op[1], t))
                            cid += 1
                            frm = "callback" if attempt > 1 else "resolved"
                            if good:
                                callback_result, closed_at = "satisfied", t
                                events.append((eid, pk, "callback_satisfied", frm, "closed", op[1], op[0], f"满意度 {score}/5。", pub, t))
                            else:
                                callback_result, reopen_count = "dissatisfied", 1
                                events.append((eid, pk, DISSATISFIED_ACTION, frm, "reopened", op[1], op[0],
                                               f"满意度 {score}/5。", pub, t))
                            eid += 1
                    if status == "reopened":
                        resolved_at, on_time = None, None
                        if callback_result == "":
                            reopen_count = 1
                            events.append((eid, pk, "reopen", "resolved", "reopened", head[2], head[1], "处理不到位，重新办理。", pub, t))
                            eid += 1
            last_in_dept[d] = pk
            updated = max(e[-1] for e in events)
            fb_t.rows.append((
                pk, tracking_code(pk, offset), f"{pk:010x}{(pk * 2654435761 ^ token_salt) & 0xFFFFFFFFFFFFFFFF:016x}"[:32],
                ts(rating_used), None, kind, channel, d, concerned[0] if concerned else None, place[0],
                cat_by_dept.get(d) or (choice(cat_ids) if cat_ids else None), title[:200], body, anonymous, name, contact, None,
                None, "", created_by, status, assigned_to, merged_into, ts(created), ts(updated), ts(deadline), overdue,
                ts(escalated), ts(resolved_at), on_time, ts(closed_at), reopen_count, callback_result, satisfaction,
                concerned[0] if concerned else None,
            ))
            ev_t.rows.extend(e[:-1] + (ts(e[-1]),) for e in events)
            rp_t.rows.extend(r[:-1] + (ts(r[-1]),) for r in replies)
            cb_t.rows.extend(c[:-1] + (ts(c[-1]),) for c in callbacks)
            if len(fb_t.rows) >= CHUNK:
                _flush(fb_t, ev_t, rp_t, cb_t)
        _flush(fb_t, ev_t, rp_t, cb_t)
        reset_sequences([Feedback, FeedbackEvent, Reply, CallbackAttempt])
    written = time.perf_counter() - started
    analyze([Feedback, FeedbackEvent, Reply, CallbackAttempt])
    from .services import refresh_public_figures

    figures = refresh_public_figures()
    out.write(
        f"feedback: {fb_t.written} records, {ev_t.written} events, {rp_t.written} replies, {cb_t.written} callback attempts "
        f"written in {written:.1f}s; {figures} published figures refreshed ({time.perf_counter() - started:.1f}s in all)"
    )


def _flush(*tables) -> None:
    with transaction.atomic():
        for table in tables:
            table.flush()


def _weighted(rng, weights: list[int]) -> int:
    total = sum(weights)
    x = rng.random() * total
    for i, w in enumerate(weights):
        x -= w
        if x < 0:
            return i
    return len(weights) - 1
