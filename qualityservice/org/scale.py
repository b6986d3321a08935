"""Scale data for the organisation: the demo organisation when the database has none (every other app's
scale data needs its departments; org runs first), then extra staff spread over the centres (bulk insert)."""

import random

from . import demo
from .models import Department, Staff, new_public_code

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰红玉华建国春梅海燕云飞鹏辉宁波晶晓东志立新文彬斌浩凯婷雪琳颖"


# The counts this module generates: `manage.py generate_scale_data --staff N`.
COUNTS = {"staff": "staff to add"}


def generate(out, rng, counts) -> None:
    if not Department.objects.exists():
        demo.seed(out, random.Random(2026))
    n = counts.get("staff", 0)
    if n <= 0:
        return
    centres = list(Department.objects.centres())
    start = Staff.objects.count()
    batch = [
        Staff(department=rng.choice(centres), name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
              badge_number=f"S{start + i:07d}", post="服务员", public_code=new_public_code())
        for i in range(n)
    ]
    Staff.objects.bulk_create(batch, batch_size=2000)
