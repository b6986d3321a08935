"""Demo data (``manage.py seed_demo``, after org's): operating procedures for the centres — most recorded last
year and revised this year (two versions), a few not revised yet, so the supervisor's "not updated" page has
something to show — and the duties and public service standard of every post org's demo uses. Idempotent:
procedures are found by (department, number), versions by their label, posts by (department, post)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Staff

from . import services
from .models import PostStandard, Procedure

# department code -> [(number, title, English title, first text, revision text or None, what changed)]
PROCEDURES = {
    "yinshi": [
        ("YS-CZ-001", "食品留样操作规程", "Food sample keeping procedure",
         "1. 每餐每个品种留样不少于125克。\n2. 留样放入专用密封容器，贴标签注明日期、餐次、品名、留样人。\n"
         "3. 留样冷藏保存48小时，专人负责，做好记录。",
         "1. 每餐每个品种留样不少于125克，由当班厨师长监督。\n2. 留样放入专用密封容器，贴标签注明日期、餐次、品名、留样人。\n"
         "3. 留样在0–8℃冷藏保存48小时，冷藏柜上锁，专人负责。\n4. 留样记录每日由食品安全员检查签字，保存一年备查。",
         "增加厨师长监督、冷藏温度和记录检查要求"),
        ("YS-CZ-002", "餐具清洗消毒操作规程", "Tableware washing and disinfection procedure",
         "1. 餐具按“一刮、二洗、三冲、四消毒、五保洁”的顺序处理。\n2. 高温消毒温度不低于100℃，时间不少于10分钟。\n"
         "3. 消毒后的餐具放入保洁柜，不得再污染。", None, ""),
    ],
    "wuye": [
        ("WY-CZ-001", "公共区域保洁操作规程", "Cleaning procedure for public areas",
         "1. 楼道、楼梯每日清扫两次，拖洗一次。\n2. 卫生间每日清洁不少于三次，做到无异味、无积水。\n3. 垃圾桶每日清运，桶身保持清洁。",
         "1. 楼道、楼梯每日清扫两次，拖洗一次；雨雪天增设防滑垫并及时清理积水。\n2. 卫生间每两小时巡查一次，做到无异味、无积水。\n"
         "3. 垃圾分类投放、每日清运，桶身保持清洁。\n4. 作业时放置“小心地滑”提示牌，遇师生通行主动避让、礼貌问候。",
         "按六查六看整改：增加雨雪天防滑、卫生间巡查频次和文明作业要求"),
        ("WY-CZ-002", "报修受理与派工规程", "Repair requests: intake and dispatch",
         "1. 接到报修电话登记报修人、地点、故障情况。\n2. 30分钟内派工，急修立即派工。\n3. 维修完成后电话回访报修人。",
         "1. 接到报修（电话、网上、当面）均登记报修人、地点、故障情况和联系方式。\n2. 30分钟内派工并告知报修人预计到场时间，急修立即派工。\n"
         "3. 维修完成后24小时内回访，回访不满意的重新派工并报物业主管。",
         "统一三种报修渠道，增加告知到场时间和不满意重派"),
    ],
    "gongyu": [
        ("GY-CZ-001", "公寓值班与来访登记规程", "Dormitory duty and visitor registration",
         "1. 值班室24小时有人值守，交接班填写值班记录。\n2. 来访人员凭有效证件登记后进入，22:30后谢绝来访。\n"
         "3. 发现异常情况立即报告中心值班领导。", None, ""),
    ],
    "weixiu": [
        ("WX-CZ-001", "低压电气维修安全操作规程", "Low-voltage electrical repair safety procedure",
         "1. 维修前必须断电、验电、挂牌。\n2. 作业人员持证上岗，穿戴绝缘防护用品。\n3. 完工后清理现场，恢复送电并告知使用人。",
         "1. 维修前必须断电、验电、挂“禁止合闸”牌，双人作业、一人监护。\n2. 作业人员持证上岗，穿戴绝缘手套、绝缘鞋。\n"
         "3. 完工后清理现场，恢复送电，向使用人说明维修情况并请其确认签字。",
         "增加双人作业监护和使用人确认签字"),
    ],
    "jiaotong": [
        ("JT-CZ-001", "班车出车前安全检查规程", "Shuttle bus pre-departure safety check",
         "1. 出车前检查轮胎、灯光、制动、安全锤和灭火器。\n2. 检查结果填写出车检查表，发现问题不得出车。\n3. 按时刻表准点发车。",
         "1. 出车前检查轮胎、灯光、制动、安全锤和灭火器，并确认车内整洁。\n2. 检查结果填写出车检查表并拍照上传，发现问题不得出车，立即报调度。\n"
         "3. 按时刻表准点发车，误差不超过3分钟；晚点须向乘客说明原因。",
         "检查留存照片、晚点说明"),
    ],
    "shangmao": [
        ("SM-CZ-001", "商品保质期检查规程", "Shelf-life checks",
         "1. 每日开店前检查临期商品。\n2. 距保质期7天以内的商品下架或打折标示。\n3. 过期商品立即下架登记销毁。", None, ""),
    ],
    "youeryuan": [
        ("YEY-CZ-001", "幼儿晨检操作规程", "Morning health check of the children",
         "1. 幼儿入园时由保健医生进行晨检：一摸、二看、三问、四查。\n2. 发现发热等异常及时与家长联系。\n3. 晨检情况记录在晨检登记表。",
         "1. 幼儿入园时由保健医生进行晨检：一摸、二看、三问、四查，测量体温。\n2. 体温37.3℃以上或有传染病症状的，联系家长接回并跟踪。\n"
         "3. 晨检情况记录在晨检登记表，每日汇总报园长。",
         "明确体温标准、传染病跟踪和每日汇总"),
    ],
    "bangongshi": [
        ("BGS-CZ-001", "服务热线受理规程", "Hotline call handling procedure",
         "1. 电话铃响三声内接听，使用“您好，后勤服务热线”。\n2. 记录来电人、事项和联系方式，当场能答复的当场答复。\n"
         "3. 不能当场答复的转相关中心，并在承诺时限内回复来电人。",
         "1. 电话铃响三声内接听，使用“您好，后勤服务热线，请讲”。\n2. 在平台登记来电人、事项和联系方式，当场能答复的当场答复。\n"
         "3. 不能当场答复的在平台转办相关中心，跟踪至办结，并在承诺时限内回复来电人。\n4. 办结后回访，回访不满意的重新办理。",
         "热线事项统一在平台登记、转办、回访"),
    ],
}

# post -> (English, duties, duties in English, public standard, public standard in English), by post name (the
# same post in two centres shares it).
POSTS = {
    "厨师": ("Cook", "按菜谱和操作规程加工菜肴，保证饭菜质量和份量\n严格执行食品留样和生熟分开制度\n保持灶台、用具和操作间整洁",
           "Cook the dishes to recipe and procedure, keeping quality and portions\nKeep food samples and separate raw from cooked\n"
           "Keep stoves, tools and the kitchen clean",
           "饭菜新鲜卫生、足量供应；明码标价；对饭菜质量有意见可现场反映或拨打服务电话。",
           "Fresh, clean food in full portions at marked prices; tell us at the counter or call the service phone."),
    "面点师": ("Pastry cook", "按标准制作主食和面点\n原料先进先出，不使用过期原料\n做好面点间卫生和设备保养",
            "Make staple food and pastries to standard\nUse ingredients first in, first out; nothing past its date\n"
            "Keep the pastry room and its machines clean", "", ""),
    "售饭员": ("Server", "按量打菜、准确收费\n使用文明用语，耐心解答师生询问\n保持售饭台面清洁",
            "Serve the set portions and charge correctly\nSpeak courteously and answer questions patiently\nKeep the counter clean",
            "打菜足量、收费准确、微笑服务；“您好，请问要什么菜？”", "Full portions, correct prices, a smile: “Hello, what would you like?”"),
    "餐厅服务员": ("Dining-room attendant", "及时清理餐桌和餐具回收处\n巡视餐厅，帮助有需要的师生\n收集师生意见并报告班组长",
              "Clear tables and the tray return promptly\nWalk the dining room and help whoever needs it\n"
              "Collect comments and pass them to the team leader",
              "餐桌随脏随清；需要帮助请招呼身边的服务员。", "Tables cleared as they are used; ask any attendant for help."),
    "采购员": ("Buyer", "按计划从定点供应商采购原料\n索证索票，验收登记\n发现质量问题及时退换并报告",
            "Buy to plan from approved suppliers\nKeep certificates and invoices, register every delivery\nReturn faulty goods and report them",
            "", ""),
    "班组长": ("Team leader", "安排本班组日常工作和人员排班\n检查本班组服务质量，组织整改\n组织班组学习和培训",
            "Plan the team's daily work and shifts\nCheck the team's service and organise corrections\nOrganise the team's study and training",
            "班组长负责本班组服务质量，有问题请找班组长。", "The team leader answers for the team's service: ask for them."),
    "保洁员": ("Cleaner", "按保洁操作规程清扫责任区域\n作业时设置提示牌，文明作业\n发现设施损坏及时报修",
            "Clean the assigned areas to the procedure\nPut up warning signs and work considerately\nReport damaged facilities at once",
            "责任区域每日清扫两次，保持整洁无积水；作业时主动避让师生。",
            "Assigned areas cleaned twice a day, tidy and dry; we make way for you while we work."),
    "绿化工": ("Gardener", "养护责任区花草树木\n按规定使用农药，设置警示标志\n保持绿地整洁",
            "Look after the plants of the assigned area\nUse pesticides as prescribed, with warning signs\nKeep the lawns tidy",
            "绿地每日巡查养护；施药时设置警示标志。", "Lawns cared for daily; warning signs whenever we spray."),
    "楼宇管理员": ("Building manager", "管理楼宇门禁和钥匙\n每日巡查楼宇设施，登记并报修\n受理师生咨询和求助",
              "Keep the building's doors and keys\nCheck the facilities daily, log and report faults\nAnswer questions and requests",
              "楼宇值班时间内随时受理求助；报修30分钟内响应。", "Help at any time during the building's hours; repairs answered within 30 minutes."),
    "物业主管": ("Property supervisor", "组织本中心物业服务和检查\n受理投诉并在24小时内答复\n组织员工培训和考核",
              "Run and check the centre's property services\nAnswer complaints within 24 hours\nOrganise the staff's training and assessment",
              "投诉24小时内答复。", "Complaints answered within 24 hours."),
    "宿舍管理员": ("Dormitory manager", "管理学生公寓日常秩序和安全\n办理入住、调宿、退宿手续\n检查宿舍卫生和用电安全",
              "Keep order and safety in the dormitory\nHandle check-in, room changes and check-out\nCheck rooms for cleanliness and electrical safety",
              "值班室24小时有人；有困难请找宿舍管理员。", "The duty room is staffed round the clock: ask the dormitory manager."),
    "值班员": ("Duty officer", "24小时值守，做好交接班记录\n来访登记，夜间巡查\n遇突发情况立即报告并处置",
            "Keep watch round the clock and log each handover\nRegister visitors and patrol at night\nReport and deal with emergencies at once",
            "来访请出示证件登记。", "Visitors please show ID and register."),
    "电工": ("Electrician", "按电气安全操作规程维修\n持证上岗，穿戴防护用品\n完工后向使用人说明并请其确认",
           "Repair to the electrical safety procedure\nWork licensed and in protective gear\nExplain the repair to the user and get it confirmed",
           "急修30分钟到场，一般维修当日完成。", "Urgent repairs on site within 30 minutes, ordinary ones done the same day."),
    "水暖工": ("Plumber", "维修给排水和供暖设施\n冬季供暖前检修管网\n完工后清理现场",
            "Repair water, drainage and heating\nService the pipes before the heating season\nClean up after the work",
            "急修30分钟到场，一般维修当日完成。", "Urgent repairs on site within 30 minutes, ordinary ones done the same day."),
    "木工": ("Carpenter", "维修门窗、桌椅等木制设施\n按派工单按时完成维修\n节约用料，回收旧料",
           "Repair doors, windows, desks and chairs\nFinish each job order on time\nSave material and reuse old wood", "", ""),
    "维修调度员": ("Repair dispatcher", "受理报修并登记\n30分钟内派工，跟踪进度\n维修完成后回访",
              "Take and log repair requests\nDispatch within 30 minutes and follow up\nCall back when the repair is done",
              "报修后30分钟内派工并告知到场时间。", "A repairer dispatched within 30 minutes, and you are told when they arrive."),
    "驾驶员": ("Driver", "出车前检查车辆，按时刻表准点发车\n安全驾驶，不超速、不疲劳驾驶\n保持车内整洁",
            "Check the bus before leaving and keep to the timetable\nDrive safely: no speeding, no driving tired\nKeep the bus clean",
            "班车准点发车，误差不超过3分钟。", "Shuttles leave on time, within 3 minutes."),
    "调度员": ("Dispatcher", "编排班车时刻和车辆\n处理临时用车需求\n发布班车调整通知",
            "Plan the timetable and the vehicles\nHandle requests for extra transport\nAnnounce timetable changes", "", ""),
    "车辆维修工": ("Vehicle mechanic", "定期保养车辆\n及时排除车辆故障\n做好维修记录",
              "Service the vehicles regularly\nFix faults promptly\nKeep the repair log", "", ""),
    "营业员": ("Shop assistant", "商品上架、补货、明码标价\n检查商品保质期\n礼貌接待顾客",
            "Stock shelves and mark prices\nCheck shelf lives\nServe customers courteously",
            "商品明码标价，假一赔十。", "Every price marked; ten times the price back for a fake."),
    "收银员": ("Cashier", "准确收款找零\n开具票据\n保管营业款",
            "Take payment and give change accurately\nIssue receipts\nKeep the takings safe",
            "收款准确，唱收唱付。", "Accurate payment, every amount said aloud."),
    "仓管员": ("Storekeeper", "商品入库验收、出库登记\n定期盘点\n仓库防火防潮",
            "Check goods in and log them out\nTake stock regularly\nKeep the store dry and fire-safe", "", ""),
    "幼儿教师": ("Kindergarten teacher", "按保教计划组织一日活动\n关注每个幼儿的安全和情绪\n与家长保持沟通",
              "Run the day's activities to the plan\nWatch over every child's safety and mood\nKeep in touch with the parents",
              "家长意见48小时内答复。", "Parents' comments answered within 48 hours."),
    "保育员": ("Nursery assistant", "负责班级卫生消毒\n照顾幼儿进餐、午睡\n配合教师组织活动",
            "Clean and disinfect the classroom\nLook after the children at meals and naps\nHelp the teacher with activities", "", ""),
    "保健医生": ("Kindergarten doctor", "每日晨检和全日观察\n管理幼儿健康档案\n做好传染病预防和报告",
              "Check the children every morning and during the day\nKeep the health records\nPrevent and report infectious diseases",
              "每日晨检，发现异常及时通知家长。", "A health check every morning; parents told at once of anything unusual."),
    "办公室主任": ("Office director", "组织集团办公室日常工作\n组织优质服务活动的督查和总结\n审核对外发布的信息",
              "Run the group office\nOrganise the supervision and review of the quality service campaign\nApprove what is published", "", ""),
    "质量督查员": ("Quality supervisor", "开展服务质量督查和明察暗访\n跟踪整改落实\n汇总分析服务质量数据",
              "Carry out quality checks, announced and unannounced\nFollow up the rectifications\nCompile and analyse the quality figures",
              "", ""),
    "热线接线员": ("Hotline operator", "按热线受理规程接听来电\n在平台登记、转办、跟踪\n按时回访来电人",
              "Answer calls to the hotline procedure\nLog, route and follow every call on the platform\nCall back on time",
              "铃响三声内接听，咨询4个工作小时内答复。", "Calls answered within three rings; enquiries answered within 4 working hours."),
    "信息管理员": ("Information officer", "维护平台账号和基础数据\n发布平台公告\n做好数据备份",
              "Maintain the platform's accounts and reference data\nPublish announcements\nKeep the backups", "", ""),
}


def seed(out, rng) -> None:
    User = get_user_model()
    supervisor = User.objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    heads = {s.department_id: s.user for s in Staff.objects.filter(role=Role.HEAD, user__isnull=False).select_related("user")}
    today = timezone.localdate()
    last_year = timezone.make_aware(dt.datetime(today.year - 1, 3, 15, 10, 0))
    new_year = timezone.make_aware(dt.datetime(today.year, 1, 1))
    # The revisions: in February of this year, or just now early in the year (never in the future).
    this_year = max(new_year, min(new_year + dt.timedelta(days=40, hours=10), timezone.now() - dt.timedelta(minutes=5)))
    versions = 0
    for department in Department.objects.centres():
        author = heads.get(department.pk, supervisor)
        for number, title, title_en, text, revision, change in PROCEDURES.get(department.code, []):
            procedure = Procedure.objects.filter(department=department, number=number).first()
            if procedure is None:
                procedure, _created = services.create_procedure(
                    key=None, by=author, department=department, number=number, version="V1.0", title=title, title_en=title_en,
                    effective_date=last_year.date(), text=text, text_en="", change_note="", recorded_at=last_year,
                    notify_staff=False)
                versions += 1
            if revision and not procedure.versions.filter(version="V2.0").exists():
                services.record_version(procedure, key=None, by=author, version="V2.0", title=title, title_en=title_en,
                                        effective_date=this_year.date(), text=revision, text_en="", change_note=change,
                                        recorded_at=this_year, notify_staff=False)
                versions += 1
    posts = 0
    for department in Department.objects.centres():
        for post in sorted(set(Staff.objects.filter(department=department).values_list("post", flat=True))):
            if post not in POSTS or PostStandard.objects.filter(department=department, post=post).exists():
                continue
            post_en, duties, duties_en, public, public_en = POSTS[post]
            services.save_post_standard(key=None, by=heads.get(department.pk, supervisor), department=department, post=post,
                                        post_en=post_en, duties=duties, duties_en=duties_en, public_standard=public,
                                        public_standard_en=public_en)
            posts += 1
    out.write(f"standards: {versions} procedure versions, {posts} post duties")
