"""Fill the zh_Hans catalogue of the events app from the dictionaries below (run after makemessages):

    cd qualityservice/events && ../../.venv/bin/django-admin makemessages -l zh_Hans --no-obsolete --ignore 'tests/*' \
        && ../../.venv/bin/python locale/fill_zh.py

Every string of the app carries the context "events" (``ZH``); other contexts are in ``CONTEXT``, plurals in
``PLURALS``. A msgid missing here is reported and the script fails, so the catalogue stays complete."""

import pathlib
import sys

import polib

ZH = {
    # Models, kinds, audiences, statuses
    "Events": "活动", "Open day": "接待日", "Facility tour": "设施参观", "Forum": "座谈会", "Experience day": "体验日",
    "Experience exchange conference": "经验交流会", "Summary and commendation meeting": "总结表彰大会",
    "Everyone": "所有人", "Signed-in teachers and students": "登录的师生", "By invitation only": "仅限受邀人员",
    "name": "名称", "English name": "英文名称", "in use": "启用", "order": "排序", "co-host organisation": "协办单位",
    "co-host organisations": "协办单位", "Draft": "草稿", "Published": "已发布", "Finished": "已结束", "Cancelled": "已取消",
    "kind": "类型", "host department": "主办部门", "title": "标题", "title (English)": "英文标题", "description": "介绍",
    "description (English)": "英文介绍", "audience": "参加对象", "status": "状态", "public code": "公开代码", "organiser": "组织者",
    "created": "创建时间", "published": "发布时间", "submission key": "提交键", "event": "活动", "events": "活动",
    "Scheduled": "待举行", "Held": "已举行", "starts": "开始时间", "ends": "结束时间", "place": "地点", "where exactly": "具体位置",
    "capacity": "名额", "registration opens": "报名开始", "registration closes": "报名截止", "seats reserved for co-hosts": "协办单位预留名额",
    "seats taken (general)": "已占名额（公共）", "held": "举行时间", "session": "场次", "sessions": "场次", "seats": "名额",
    "seats taken": "已占名额", "registration link code": "报名链接代码", "list link code": "名单链接代码",
    "reserved allocation": "预留名额", "reserved allocations": "预留名额", "Not answered": "未回复", "Accepted": "已接受",
    "Declined": "已谢绝", "Withdrawn by the organiser": "组织者已撤回", "invitee": "受邀人", "link code": "链接代码",
    "invited": "邀请时间", "answered": "回复时间", "last reminded": "最近提醒", "reminders sent": "已提醒次数",
    "invitation": "邀请", "invitations": "邀请", "On the waiting list": "候补中", "Seat offered": "候补待确认",
    "Attended": "已签到", "Did not come": "未到场", "Left the waiting list": "已退出候补", "Offer expired": "候补确认已过期",
    "account": "账号", "phone": "手机号", "arrival": "报名顺序", "place in the waiting list": "候补位次", "ticket code": "票券代码",
    "registered": "报名时间", "seat confirmed": "确认座位时间", "cancelled or left": "取消或退出时间", "checked in": "签到时间",
    "reminded": "提醒时间", "personal data deleted": "个人信息删除时间", "registration": "报名",
    "Open": "待确认", "Expired": "已过期", "offered": "发出时间", "confirm by": "确认截止", "offer": "候补确认", "offers": "候补确认",
    "from place": "原位次", "to place": "新位次", "reason": "原因", "waiting-list move": "候补顺序调整",
    "waiting-list moves": "候补顺序调整", "Refused": "未通过", "Unknown ticket": "无效票券", "Ticket cancelled": "票券已取消",
    "Already checked in": "已签到过", "Ticket of another session": "其他场次的票券", "No confirmed seat (waiting list)": "没有确认的座位（候补中）",
    "scanned text": "扫描内容", "outcome": "结果", "conflict": "冲突", "scanned offline": "离线扫描", "device": "设备",
    "scanned": "扫描时间", "received": "上传时间", "scan": "扫码记录", "scans": "扫码记录", "Final": "定稿", "minutes": "纪要",
    "Entered by the organiser": "组织者录入", "Sent by an attendee": "参会者提交", "Suggestion": "建议", "Complaint": "投诉",
    "Praise": "表扬", "Question": "咨询", "department concerned": "涉及部门", "opinion": "意见", "feedback tracking code": "反馈跟踪码",
    "opinions": "意见",
    # Forms
    "Give the event a title.": "请填写活动标题。", "A session has at least one seat.": "每场至少有一个名额。",
    "Reserve at least one seat.": "请至少预留一个名额。", "Your name": "您的姓名", "Mobile number": "手机号",
    "Enter your name.": "请填写姓名。", "New place": "新位次", "Reason (logged, shown to the supervisors)": "原因（记录在案，督查可见）",
    "Reason (sent to the person)": "原因（发送给本人）", "ID or badge numbers, one a line": "学号/工号，每行一个",
    "Enter at least one number.": "请至少填写一个号码。", "At most 500 invitees at a time.": "每次最多邀请500人。",
    "Nobody with an account has these numbers: %(numbers)s": "以下号码没有对应的账号：%(numbers)s", "Minutes": "纪要",
    "Every save is kept as a revision. Final minutes are locked and shown on the event page.": "每次保存都会留存一个版本。定稿后锁定，并在活动页面公开。",
    "Opinion": "意见", "Kind": "类型", "Department concerned": "涉及部门", "Session": "场次", "Write the opinion first.": "请先填写意见内容。",
    # Indicators
    "Events held": "举办活动数",
    "Events hosted by the department with at least one session held that started in the period (an event with several sessions counts once).":
        "本部门主办、统计期内至少有一场已举行（按开始时间）的活动数（多场次的活动只计一次）。",
    "Event participants": "活动参与人次",
    "People checked in at the department's sessions that started in the period (one person at two sessions counts twice).":
        "统计期内开始的本部门活动场次中签到的人次（同一人参加两场计两次）。",
    "Opinions raised at events": "活动征集意见数",
    "Opinions raised at events in the period that concern the department (each became a feedback record of the department).":
        "统计期内在活动中提出、涉及本部门的意见数（每条都已转为本部门的反馈工单）。",
    "Event opinions answered": "活动意见答复数",
    "Opinions raised at events that concern the department and whose feedback record was first answered in the period (whenever they were raised).":
        "活动中提出、涉及本部门、其反馈工单在统计期内首次答复的意见数（不论何时提出）。",
    # My page, personal data
    "Event": "活动", "Status": "状态", "Name": "姓名", "Phone": "手机号", "Registered": "报名时间", "Checked in": "已签到",
    "Ticket code": "票券代码", "My registrations and tickets": "我的报名与票券",
    "Only your 20 latest registrations are listed; your data download holds them all.": "这里只列出最近20条报名；下载个人数据可查看全部。",
    "Open days, tours and events you register for are listed here with their tickets.": "您报名的接待日、参观和各类活动会连同票券列在这里。",
    "Upcoming events": "近期活动",
    # Public views
    "Too many registrations": "报名过于频繁",
    "Too many registrations from this browser or network: please try again later.": "报名过于频繁（同一浏览器或网络）：请稍后再试。",
    "This event is by invitation only: please use the link of your invitation.": "本活动仅限受邀人员参加：请使用邀请中的链接报名。",
    "You declined the invitation. Thank you for telling us.": "您已谢绝邀请，感谢告知。",
    "Cancelled. Thank you for telling us: your seat goes to the next person.": "已取消。感谢告知：您的座位将让给下一位候补者。",
    "Your seat is confirmed.": "您的座位已确认。", "You declined the seat; it goes to the next person.": "您已放弃该座位，座位将让给下一位。",
    "Unknown action.": "未知操作。",
    "Opinions can be sent from an hour before the session until 30 days after it, by the people who have a seat.":
        "有座位的参会者可在活动开始前一小时至结束后30天内提交意见。",
    "Thank you. Your opinion is recorded as feedback %(code)s: its answer will be shown on the event page.":
        "谢谢！您的意见已登记为反馈工单 %(code)s，答复将公布在活动页面。",
    "You have sent many opinions from this ticket today: please try again tomorrow.": "这张票券今天已提交了很多条意见，请明天再试。",
    # Services
    "Enter an 11-digit mobile number, e.g. 13812345678.": "请输入11位手机号，例如 13812345678。",
    "A finished or cancelled event can no longer be changed.": "已结束或已取消的活动不能再修改。",
    "The session ends after it starts.": "结束时间应晚于开始时间。", "Registration closes after it opens.": "报名截止时间应晚于开始时间。",
    "Registration closes before the session ends.": "报名应在活动结束前截止。", "Only a scheduled session can be changed.": "只有待举行的场次可以修改。",
    "%(n)s seats are taken or reserved: the capacity cannot be smaller.": "已有 %(n)s 个名额被占用或预留：名额不能再少。",
    "%(org)s has a reservation for this session already.": "%(org)s在本场已有预留名额。",
    "%(n)s seats of this reservation are taken: it cannot be smaller.": "该预留名额已被占用 %(n)s 个：不能再少。",
    "Only %(n)s seats are free for a reservation.": "只有%(n)s个座位可以预留。",
    "Registration for this session is closed.": "本场报名已截止。", "Registration opens on %(when)s.": "报名将于 %(when)s 开始。",
    "This event is for teachers and students: please sign in to register.": "本活动面向师生：请登录后报名。",
    "You are registered for this session already.": "您已报名本场。",
    "This phone number is registered for this session already.": "该手机号已报名本场。",
    "The %(org)s seats of this session are all taken.": "本场的%(org)s名额已满。", "Registered: %(event)s": "报名成功：%(event)s",
    "You are registered for %(event)s on %(when)s. Show the QR code of your ticket at the door.": "您已报名 %(when)s 的%(event)s。入场时请出示票券二维码。",
    "On the waiting list: %(event)s": "已进入候补：%(event)s",
    "%(event)s on %(when)s is full: you are number %(n)s on the waiting list. We write to you when a seat is free.":
        "%(when)s 的%(event)s已报满：您是候补第 %(n)s 位。有空位时会通知您。",
    "Write why the order changes (at least a few words).": "请写明调整顺序的原因（至少几个字）。",
    "This person is no longer on the waiting list.": "此人已不在候补名单中。", "This person is at that place already.": "此人已在该位次。",
    "Waiting list reordered: %(event)s": "候补顺序调整：%(event)s",
    "%(who)s moved %(name)s from place %(from)s to %(to)s on the waiting list of %(event)s on %(when)s. Reason: %(reason)s":
        "%(who)s将 %(when)s %(event)s候补名单中的%(name)s从第 %(from)s 位调整到第 %(to)s 位。原因：%(reason)s",
    "Invitation: %(event)s": "邀请：%(event)s",
    "You are invited to %(event)s. Open the link to choose a session or to decline.": "诚邀您参加%(event)s。请打开链接选择场次或谢绝。",
    "Reminder: you are invited to %(event)s": "提醒：诚邀您参加%(event)s",
    "You have not answered the invitation to %(event)s yet. Open the link to choose a session or to decline.":
        "您尚未回复%(event)s的邀请。请打开链接选择场次或谢绝。",
    "Scan %(n)s is malformed and was not recorded.": "第 %(n)s 条扫码数据格式有误，未记录。",
    "Check-in conflicts: %(event)s": "签到冲突：%(event)s",
    "%(n)s tickets shown as valid offline were refused when they were uploaded:": "%(n)s 张离线时显示有效的票券在上传后被拒绝：",
    "Write the minutes first.": "请先填写纪要。", "The minutes are final and can no longer be changed.": "纪要已定稿，不能再修改。",
    "Nothing changed.": "内容没有变化。", "General registration": "公共报名", "The feedback module is not available.": "反馈模块不可用。",
    "Opinion at %(event)s": "%(event)s意见", "An opinion from %(event)s has been answered": "%(event)s上的意见已有答复",
    "Opinion: %(opinion)s\nAnswer: %(answer)s": "意见：%(opinion)s\n答复：%(answer)s",
    "Reminder: %(event)s on %(when)s": "提醒：%(when)s %(event)s",
    "See you at %(event)s on %(when)s (%(where)s). Cannot come? Cancel on your ticket page so that the next person in line gets your seat.":
        "%(when)s 的%(event)s（%(where)s）期待您的参加。如不能到场，请在票券页面取消，把座位让给候补的同学。",
    # Templates
    "Recorded": "已登记", "automatic": "系统自动", "No moves yet.": "暂无记录。",
    "Seats reserved for %(org)s: %(t)s of %(s)s taken.": "%(org)s预留名额：已用 %(t)s / %(s)s。",
    "Nobody has registered through your link yet.": "还没有人通过您的链接报名。",
    "This page is your organisation's own list: do not pass its address on.": "本页是贵单位的报名名单，请勿转发链接。",
    "Check-in": "签到", "Scan log": "扫码记录", "Loading the list of tickets…": "正在加载票券名单…", "Waiting to upload": "待上传",
    "Scan or type the ticket code": "扫码或输入票券代码", "Check": "核验", "Scan with the camera": "用摄像头扫码",
    "Search by name or the last four digits of the phone": "按姓名或手机号后四位查找", "Recent scans": "最近扫码",
    "Online: every scan is uploaded at once.": "在线：每次扫码立即上传。",
    "Tickets on this phone: #.": "本机已存票券 # 张。", "The list could not be refreshed: using the copy kept on this phone from": "名单无法刷新：正在使用本机保存的名单，保存于",
    "No list of tickets on this phone yet: connect to the network once before the event.": "本机还没有票券名单：请在活动开始前联网打开一次本页面。",
    "Upload failed; retrying.": "上传失败，正在重试。", "Refused by the server": "服务器拒绝", "not uploaded yet": "尚未上传",
    "recorded": "已记录", "Check in": "签到", "%(a)s accepted · %(r)s refused · %(c)s conflicts": "通过 %(a)s · 拒绝 %(r)s · 冲突 %(c)s",
    "All": "全部", "Conflicts": "冲突", "Scanned": "扫描时间", "Received": "上传时间", "Outcome": "结果", "Device": "设备", "By": "操作人",
    "offline": "离线", "No scans yet.": "暂无扫码记录。", "Co-host organisations": "协办单位", "Add": "添加", "In use": "启用",
    "No co-host organisations yet.": "还没有协办单位。", "Edit": "编辑", "Host department": "主办部门", "Audience": "参加对象",
    "Organiser": "组织者", "Public page": "公开页面", "Sessions": "场次", "Add a session": "添加场次", "When": "时间", "Where": "地点",
    "Seats taken": "已占名额", "Waiting": "候补", "No sessions yet: add one before publishing.": "还没有场次：发布前请先添加。",
    "After the event": "活动之后", "not written yet": "尚未撰写", "Opinions": "意见", "Invitations": "邀请",
    "%(p)s not answered, %(a)s accepted, %(d)s declined": "未回复 %(p)s，已接受 %(a)s，已谢绝 %(d)s",
    "Registered %(r)s · attended %(a)s · did not come %(n)s · waiting %(w)s": "报名 %(r)s · 签到 %(a)s · 未到场 %(n)s · 候补 %(w)s",
    "Attended per co-host:": "各协办单位签到：", "Registrations": "报名名单", "Waiting list": "候补名单", "Attendance": "出席情况",
    "QR code of the public page (for posters)": "公开页面二维码（可印在海报上）", "History": "处理记录", "New event": "新建活动",
    "First session": "首场时间", "Title": "标题", "No events yet.": "还没有活动。", "For signed-in teachers and students.": "面向登录的师生。",
    "By invitation only.": "仅限受邀人员。", "Full · %(w)s on the waiting list": "已报满 · 候补 %(w)s 人", "My ticket": "我的票券",
    "Register": "报名", "Join the waiting list": "加入候补", "Registration is closed.": "报名已截止。", "Add to calendar": "加入日历",
    "What was said, and the answers": "征集的意见与答复", "Answer": "答复", "Invitation": "邀请",
    "Dear %(name)s, you are invited.": "%(name)s，诚邀您参加。", "Register for this session": "报名本场", "I cannot come": "无法参加",
    "Members by their ID number (学号/工号), staff by their badge number. Each invitee gets an e-mail with a personal link.":
        "师生填学号/工号，员工填工号。每位受邀人都会收到一封带有个人链接的邮件。",
    "Invite": "邀请", "Reminders sent": "已提醒", "Personal link": "个人链接", "link": "链接", "Withdraw this invitation?": "撤回这份邀请？",
    "Withdraw": "撤回", "Nobody invited yet.": "还没有邀请任何人。", "Back": "返回",
    "Final minutes can no longer be changed. Make them final?": "定稿后纪要不能再修改。确定定稿吗？", "Make final": "定稿",
    "Attendance: %(a)s of %(r)s registered came, %(n)s did not.": "出席：报名 %(r)s 人，到场 %(a)s 人，未到场 %(n)s 人。",
    "Final since %(when)s: locked.": "%(when)s 定稿：已锁定。", "Save draft": "保存草稿", "Revisions": "历史版本",
    "Revision %(n)s · %(when)s · %(who)s": "第 %(n)s 版 · %(when)s · %(who)s", "No revisions yet.": "还没有版本。",
    "Share an opinion": "提出意见", "Share an opinion or suggestion": "提出意见或建议",
    "It becomes a feedback record of the department concerned, handled under its service commitment; its answer is shown on the event page and sent to the attendees. Your name is not passed on.":
        "您的意见将转为涉及部门的反馈工单，按其服务承诺办理；答复会公布在活动页面并通知参会者。您的姓名不会转交。",
    "Send": "提交", "Back to my ticket": "返回我的票券",
    "Each opinion becomes a feedback record (channel “forum”) of the department concerned, handled under its commitment. Its status and public reply are shown on the event page.":
        "每条意见都会转为涉及部门的反馈工单（渠道“座谈会”），按其服务承诺办理；办理状态和公开答复显示在活动页面。",
    "Record the opinion": "登记意见", "No opinions yet.": "还没有意见。", "Open days, tours and forums": "接待日、参观与座谈会",
    "Come and see how the logistics group works, and tell us what you think.": "走进后勤、了解后勤，欢迎提出您的意见和建议。",
    "for signed-in teachers and students": "面向登录的师生", "No events are open for registration at the moment.": "目前没有开放报名的活动。",
    "Seats reserved for %(org)s: %(n)s free.": "%(org)s预留名额：剩余 %(n)s 个。",
    "This event is for teachers and students: sign in with your campus account to register.": "本活动面向师生：请用校园账号登录后报名。",
    "Sign in to register": "登录后报名",
    "This session is full. Join the waiting list: when a seat frees, the first in line gets it — strictly in the order of registration.":
        "本场已报满。可以加入候补：有座位空出时，严格按报名先后依次递补。",
    "Registering as <strong>%(name)s</strong>.": "以<strong>%(name)s</strong>的身份报名。",
    "Your name and phone are used for this event only and deleted some days after it.": "您的姓名和手机号仅用于本次活动，活动结束若干天后删除。",
    "Teacher or student?": "您是本校师生？", "Sign in": "登录", "With a seat": "有座位", "Cancelled or left": "已取消或退出",
    "Co-host": "协办单位", "Reason": "原因", "Cancel this registration?": "取消这条报名？", "Cancel": "取消", "Nobody here.": "暂无人员。",
    "Registration": "报名时间", "Capacity": "名额", "General seats": "公共名额", "%(t)s of %(c)s taken, %(f)s free": "已占 %(t)s / %(c)s，剩余 %(f)s",
    "Public registration": "公开报名", "Registration page": "报名页面", "Seats reserved for co-hosts": "协办单位预留名额",
    "Reserve seats": "预留名额", "%(t)s of %(s)s taken": "已用 %(t)s / %(s)s", "Registration link": "报名链接", "Their own list": "本单位名单",
    "No reserved seats: everyone registers in one pool.": "没有预留名额：所有人统一报名。", "Who": "人员", "Move in the waiting list": "调整候补位次",
    "Nobody is waiting.": "没有人候补。", "Changes to the waiting-list order": "候补顺序调整记录",
    "%(name)s from place %(f)s to %(t)s": "%(name)s 从第 %(f)s 位调到第 %(t)s 位",
    "The waiting list is in the order of registration.": "候补名单完全按报名先后排列。", "Ticket": "票券",
    "Show this QR code at the door.": "入场时请出示此二维码。",
    "You are number <strong>%(n)s</strong> on the waiting list.": "您在候补名单中排第<strong>%(n)s</strong>位。",
    "When a seat frees, the first in line gets it, strictly in the order of registration. We write to you.": "有座位空出时严格按报名先后依次递补，届时会通知您。",
    "A seat is free for you. Confirm it by <strong>%(when)s</strong>, or it goes to the next person in line.":
        "有一个座位留给您。请在 <strong>%(when)s</strong> 前确认，否则将让给下一位候补者。",
    "Confirm my seat": "确认座位", "QR code (PNG)": "二维码（PNG）", "Leave the waiting list?": "退出候补？",
    "Cancel your registration? Your seat goes to the next person.": "取消报名？您的座位将让给下一位。", "Leave the waiting list": "退出候补",
    "Cancel my registration": "取消报名", "Keep this page: its address is your ticket. Anyone with it can use or cancel the ticket.":
        "请保存本页：它的网址就是您的票券。任何人拿到这个网址都可以使用或取消票券。",
    "The event page": "活动页面",
    # Staff views
    "Event created. Add its sessions, then publish it.": "活动已创建。请添加场次，然后发布。", "Event saved.": "活动已保存。",
    "Edit event": "编辑活动", "Done: %(action)s": "已完成：%(action)s", "Session added.": "场次已添加。", "Session saved.": "场次已保存。",
    "Edit a session of %(event)s": "编辑%(event)s的场次", "New session of %(event)s": "为%(event)s添加场次", "Reservation saved.": "预留名额已保存。",
    "Seats of %(event)s reserved for a co-host": "%(event)s：协办单位预留名额", "Registration of %(name)s cancelled.": "已取消%(name)s的报名。",
    "%(name)s moved from place %(from)s to %(to)s.": "已将%(name)s从第 %(from)s 位调到第 %(to)s 位。", "%(n)s invited.": "已邀请 %(n)s 人。",
    "Reminder sent to %(n)s invitees who have not answered.": "已提醒 %(n)s 位尚未回复的受邀人。",
    "Invitation of %(name)s withdrawn.": "已撤回对%(name)s的邀请。", "Minutes saved.": "纪要已保存。", "The minutes are final.": "纪要已定稿。",
    "Opinion recorded as feedback %(code)s.": "意见已登记为反馈工单 %(code)s。", "Co-host organisation saved.": "协办单位已保存。",
    "Co-host organisation": "协办单位", "Too many scans at once: upload them in smaller batches.": "一次上传的扫码记录太多，请分批上传。",
    "The upload could not be read.": "无法读取上传的数据。", "You may not check people in at this session.": "您无权为本场签到。", "registrations": "报名名单", "waiting list": "候补名单",
    "attendance": "出席情况", "Place in line": "候补位次", "Joined": "加入时间", "Seat confirmed": "确认座位时间", "Raised": "提出时间",
    "Answered": "答复时间", "Public reply": "公开答复", "Feedback tracking code": "反馈跟踪码",
    # Workflows
    "A seat is free for you: %(event)s": "有座位留给您：%(event)s",
    "A seat of %(event)s on %(when)s is free for you. Confirm it on your ticket page by %(deadline)s, or it goes to the next person in line.":
        "%(when)s 的%(event)s空出一个座位留给您。请在 %(deadline)s 前到票券页面确认，否则将让给下一位候补者。",
    "You have a seat: %(event)s": "您已获得座位：%(event)s",
    "A seat of %(event)s on %(when)s became free and is now yours. Your ticket is on the page below; cancel it there if you cannot come.":
        "%(when)s 的%(event)s空出一个座位，现已递补给您。票券见下面的页面；如不能参加，请在那里取消。",
    "This offer has expired: the seat went to the next person in line.": "确认时间已过：座位已让给下一位候补者。",
    "Withdrawal: %(name)s, %(event)s": "退出报名：%(name)s，%(event)s", "%(name)s withdrew from %(event)s on %(when)s.": "%(name)s退出了 %(when)s 的%(event)s。",
    "You left the waiting list: %(event)s": "您已退出候补：%(event)s",
    "You are no longer on the waiting list of %(event)s on %(when)s.": "您已不在 %(when)s %(event)s的候补名单中。",
    "Your offer expired: %(event)s": "候补确认已过期：%(event)s",
    "The seat offered to you for %(event)s on %(when)s was not confirmed in time and went to the next person in line.":
        "为您保留的 %(when)s %(event)s座位未在期限内确认，已让给下一位候补者。",
    "Cancelled: %(event)s": "活动取消：%(event)s", "The session of %(event)s on %(when)s has been cancelled. We are sorry.": "很抱歉，%(when)s 的%(event)s已取消。",
    "Registration cancelled: %(event)s": "报名已取消：%(event)s",
    "The organiser cancelled your registration for %(event)s on %(when)s.": "组织者取消了您 %(when)s %(event)s的报名。",
    "Offer the seat": "发出候补确认", "Seat offered, to confirm by %(deadline)s": "已发出候补确认，截止 %(deadline)s", "Give the seat": "递补座位",
    "Seat given to the first in line (the session is near)": "座位已自动递补给排第一的候补者（临近活动）", "Confirm the seat": "确认座位",
    "Offer accepted": "已确认候补座位", "Decline the seat": "放弃座位", "Offer declined": "已放弃候补座位", "Let the offer lapse": "候补确认过期",
    "Offer expired without an answer": "候补确认到期未回复", "Cancel the registration": "取消报名", "Registration cancelled": "报名已取消",
    "Mark as no-show": "标记为未到场", "Accept": "接受", "Decline": "谢绝", "Expire": "过期",
    "A session can be marked as held once it has started.": "场次开始后才能标记为已举行。", "Mark as held": "标记为已举行",
    "Held; %(no_shows)s no-shows marked": "已举行；标记未到场 %(no_shows)s 人", "Cancel the session": "取消场次", "Session cancelled": "场次已取消",
    "Add at least one session before publishing.": "发布前请至少添加一个场次。", "Mark every session as held or cancel it first.": "请先将每个场次标记为已举行或取消。",
    "Publish": "发布", "Finish": "结束活动", "Cancel the event": "取消活动", "Event cancelled": "活动已取消", "Invitation accepted": "已接受邀请",
    "Invitation declined": "已谢绝邀请", "Withdraw the invitation": "撤回邀请", "Invitation withdrawn": "邀请已撤回",
    "Write the minutes before making them final.": "请先撰写纪要再定稿。", "Minutes made final": "纪要已定稿",
    # The campaign activity an event serves
    "campaign activity": "服务的活动", "Campaign activity": "服务的活动", "None": "无",
    "Campaign activity it serves": "服务的活动",
    "Each session held is recorded as evidence of this activity.": "每举行一场，即作为该活动的佐证材料记录。",
    "Choose an activity of the host department.": "请选择主办部门的活动。",
    "Part of %(activity)s": "属于“%(activity)s”活动",
    # Check-in that survives a reload without network
    "Offline: scans are kept on this phone and uploaded when the network is back.": "离线：扫码记录保存在本机，网络恢复后自动上传。",
    "This phone could not store the last scan: keep this page open until it is uploaded.": "本机未能保存最近一次扫码：请保持本页打开，直到上传完成。",
    "Scans not recorded": "未记录的扫码", "Send again": "重新上传",
    "Signed out: sign in again on this phone to upload the scans (they are kept).": "已退出登录：请在本机重新登录后上传扫码记录（记录已保存）。",
    "not recorded": "未记录", "The server did not answer for this scan.": "服务器未返回这次扫码的结果。",
    # The camera
    "Stop the camera": "关闭摄像头",
    "The camera could not be opened: allow it in the browser, or type the code.": "无法打开摄像头：请在浏览器中允许使用摄像头，或手动输入票券代码。",
}
CONTEXT = {("events status", "Registered"): "已报名", ("events unit", "events"): "场", ("events unit", "people"): "人次", ("events unit", "opinions"): "条"}
PLURALS = {"%(n)s seat free": "剩余 %(n)s 个名额",
           "Remind the %(n)s invitee who has not answered": "提醒 %(n)s 位尚未回复的受邀人"}


def main() -> int:
    path = pathlib.Path(__file__).parent / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    missing = []
    for entry in po:
        if entry.msgid_plural:
            text = PLURALS.get(entry.msgid)
            if text is None:
                missing.append(entry.msgid)
                continue
            entry.msgstr_plural = {0: text}
        else:
            text = ZH.get(entry.msgid) if entry.msgctxt == "events" else CONTEXT.get((entry.msgctxt, entry.msgid))
            if text is None:
                missing.append(f"{entry.msgctxt}|{entry.msgid}")
                continue
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata_is_fuzzy = False
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save(str(path))
    for m in missing:
        print("missing:", m)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
