"""Fill the zh_Hans catalogue of the feedback app from the dictionary below (run after makemessages):

    cd qualityservice/feedback && ../../.venv/bin/python locale/fill_zh.py
"""

import pathlib
import sys

import polib

ZH = {
    "Feedback": "意见反馈", "Feedback inbox": "反馈收件箱", "Log a call": "热线登记", "Callbacks": "回访",
    "5 · Very satisfied": "5 · 非常满意", "4 · Satisfied": "4 · 满意", "3 · Acceptable": "3 · 基本满意",
    "2 · Dissatisfied": "2 · 不满意", "1 · Very dissatisfied": "1 · 非常不满意",
    "At most %(n)d photos.": "最多上传 %(n)d 张照片。", "Your submission could not be accepted.": "您的提交未被受理。",
    "Leave a phone number or e-mail so that we can call you back, or stay anonymous.": "请留下电话或邮箱以便回访，或选择匿名。",
    "What is it?": "反馈类型", "Category": "类别", "— choose —": "— 请选择 —", "Where?": "地点", "— not sure —": "— 不确定 —",
    "Which department?": "哪个部门？", "— not sure, route it for me —": "— 不确定，请帮我转交 —", "Subject": "标题",
    "What happened?": "具体情况", "Photos (optional)": "照片（可选）", "Stay anonymous": "匿名提交", "Your name": "您的姓名",
    "Phone or e-mail": "电话或邮箱", "No, only the rating": "不需要，只评分", "Praise": "表扬", "Complaint": "投诉",
    "Skill": "技能", "Attitude": "态度", "Environment": "环境", "Process": "流程", "Appearance": "仪容仪表", "Language": "用语",
    "Add a praise or a complaint?": "再写几句表扬或投诉？", "Your words": "您想说的话", "Photo (optional)": "照片（可选）",
    "Write your praise or complaint, or choose “only the rating”.": "请填写表扬或投诉内容，或选择“只评分”。",
    "How satisfied are you with how we handled it?": "您对处理结果满意吗？", "Comment (optional)": "意见（可选）",
    "Caller": "来电人", "Phone number": "电话号码", "The caller wants to stay anonymous": "来电人要求匿名", "Kind": "类型",
    "Place": "地点", "Route to department": "转交部门", "Staff member concerned": "涉及员工", "What happened": "来电内容",
    "Record the caller's number, or tick anonymous.": "请记录来电号码，或勾选匿名。", "This person works in %(dept)s.": "此人属于%(dept)s。",
    "Search": "搜索", "Status": "状态", "All statuses": "全部状态", "Open": "未办结", "All kinds": "全部类型",
    "All categories": "全部类别", "Channel": "渠道", "All channels": "全部渠道", "Department": "部门", "All departments": "全部部门",
    "All places": "全部地点", "Staff": "员工", "Anyone": "全部人员", "Overdue only": "仅看超时", "From": "起始", "To": "截至",
    "Assign to": "指派给", "Note": "备注", "Reply": "答复", "Who sees it": "可见范围", "The submitter (public reply)": "提交人可见（公开答复）",
    "Staff only (internal note)": "仅内部可见（内部备注）", "Mark as resolved": "标记为已办结", "Reached the submitter?": "是否联系上提交人？",
    "Reached": "已联系上", "Not reached": "未联系上", "Satisfaction": "满意度", "Comment": "备注",
    "Record how satisfied the submitter is.": "请记录提交人的满意度。", "Transfer to": "转交给", "Reason": "原因",
    "Tracking code of the item to keep": "保留事项的跟踪码", "Tracking code": "跟踪码",
    "“%(name)s” is larger than %(mb).0f MB.": "“%(name)s”超过 %(mb).0f MB。", "“%(name)s” has too many pixels.": "“%(name)s”像素过大。",
    "“%(name)s” is not a photo (JPEG, PNG, GIF or WebP).": "“%(name)s”不是照片（仅支持 JPEG、PNG、GIF、WebP）。",
    "“%(name)s” is not an image file.": "“%(name)s”不是图片文件。",
    "Attachment “%(name)s” was not kept (not an image).": "附件“%(name)s”未保存（不是图片）。",
    "Web form": "网页表单", "Badge QR code": "胸牌二维码", "Hotline": "服务热线", "E-mail": "电子邮件", "Survey": "问卷调查",
    "Inspection": "检查", "Supervision visit": "督查走访", "Forum": "论坛", "Received": "已受理", "Accepted / assigned": "已接收/已指派",
    "In progress": "处理中", "Reopened": "已重新打开", "Replied / resolved": "已答复/已办结", "Callback in progress": "回访中",
    "Closed": "已关闭", "Merged": "已合并", "Satisfied": "满意", "Dissatisfied": "不满意", "Unreachable": "无法联系",
    "date": "日期", "name": "名称", "make-up working day": "调休上班日", "Tick for a weekend day that is worked (调休).": "周末调休上班时勾选。",
    "holiday": "节假日", "holidays": "节假日", "English name": "英文名称", "default department": "默认部门", "order": "排序",
    "active": "有效", "category": "类别", "categories": "类别", "tracking code": "跟踪码", "handling rated at": "评价时间",
    "kind": "类型", "channel": "渠道", "department": "部门", "staff member concerned": "涉及员工", "place": "场所", "title": "标题",
    "details": "说明", "anonymous": "匿名", "phone or e-mail": "电话或邮箱", "source reference": "来源编号", "logged by": "登记人",
    "status": "状态", "assigned to": "承办人", "merged into": "合并至", "received": "受理时间", "updated": "更新时间",
    "deadline": "办结时限", "overdue": "超时", "escalated": "督办时间", "resolved": "办结时间", "resolved on time": "按时办结",
    "closed": "关闭时间", "times reopened": "重新打开次数", "callback result": "回访结果", "satisfaction": "满意度",
    "feedback": "意见反馈", "Anonymous": "匿名", "Withheld (the feedback is about you)": "不予显示（该反馈涉及您本人）",
    "Public": "公开", "Internal": "内部", "action": "操作", "from": "原状态", "to": "新状态", "by": "操作人", "note": "说明",
    "visibility": "可见范围", "time": "时间", "feedback event": "处理记录", "feedback events": "处理记录", "author": "作者",
    "reply": "答复", "visible to the submitter": "提交人可见", "replies": "答复", "image": "图片", "file name": "文件名",
    "size": "大小", "uploaded": "上传时间", "attachment": "附件", "attachments": "附件", "staff member": "员工", "comment": "意见",
    "badge rating": "胸牌评价", "badge ratings": "胸牌评价", "attempt": "次数", "result": "结果", "callback attempt": "回访记录",
    "callback attempts": "回访记录", "Imported": "已导入", "Skipped (auto-reply or bounce)": "已跳过（自动回复或退信）", "Failed": "失败",
    "Message-ID": "邮件编号", "sender": "发件人", "subject": "主题", "outcome": "处理结果", "reason": "原因",
    "mailbox message": "信箱邮件", "mailbox messages": "信箱邮件", "month": "月份", "callbacks with a score": "有评分的回访",
    "published figure": "公开数据", "published figures": "公开数据", "Accepted": "已接收", "Assigned": "已指派", "Work started": "开始处理",
    "Callback: not reached": "回访：未联系上", "Callback: satisfied": "回访：满意", "Callback: dissatisfied, reopened": "回访：不满意，重新打开",
    "Rated by the submitter": "提交人已评价", "Transferred": "已转交", "Merged into another item": "已合并至其他事项",
    "Overdue: escalated to the supervisor": "超时：已提交督查督办", "Internal note": "内部备注", "System": "系统",
    "Unknown action.": "未知操作。", "“%(action)s” is not possible while the item is “%(status)s”.": "事项处于“%(status)s”状态，不能执行“%(action)s”。",
    "You may not do “%(action)s” on this item.": "您无权对该事项执行“%(action)s”。",
    "Assign the item to an active member of its department.": "请指派给本部门的在职人员。",
    "Feedback %(code)s assigned to you": "反馈 %(code)s 已指派给您", "Assigned to %(name)s": "指派给%(name)s",
    "Write the reply to the submitter before marking the item resolved.": "标记办结前请先填写给提交人的答复。",
    "Closed after %(n)d unanswered callbacks.": "回访 %(n)d 次未联系上，已关闭。", "Attempt %(n)d not reached.": "第 %(n)d 次回访未联系上。",
    "Satisfaction %(score)d/5.": "满意度 %(score)d/5。",
    "Feedback %(code)s reopened: the submitter is not satisfied": "反馈 %(code)s 已重新打开：提交人不满意",
    "Choose another department to transfer the item to.": "请选择要转交的其他部门。",
    "Feedback %(code)s transferred to your department": "反馈 %(code)s 已转交贵部门", "From %(old)s to %(new)s.": "由%(old)s转至%(new)s。",
    "Choose another item to merge this one into.": "请选择要合并到的其他事项。",
    "The chosen item is itself merged; merge into the item it was merged into.": "所选事项本身已被合并，请合并到它所合并的事项。",
    "Duplicate of %(code)s.": "与 %(code)s 重复。", "The reply is empty.": "答复内容为空。",
    "An internal note cannot resolve an item: write a public reply.": "内部备注不能办结事项，请填写公开答复。",
    "You may not reply to this item.": "您无权答复该事项。", "Only resolved items are called back.": "只有已办结的事项才能回访。",
    "Record how satisfied the submitter is (1–5).": "请记录提交人的满意度（1–5）。", "This rating link is not valid.": "评价链接无效。",
    "This rating link has already been used.": "该评价链接已使用过。", "Submitter": "提交人", "(no title)": "（无标题）",
    "Received by %(dept)s via %(channel)s.": "%(dept)s已受理（%(channel)s）。", "New %(kind)s %(code)s": "新%(kind)s %(code)s",
    "Deadline %(deadline)s passed.": "已超过办结时限 %(deadline)s。", "Overdue feedback %(code)s (%(dept)s)": "超时反馈 %(code)s（%(dept)s）",
    "Rate this person": "为TA评分", "Complain": "我要投诉", "Suggest": "我要建议", "Track my submission": "查询办理进度",
    "Published figures": "办理情况公示", "Who are you?": "您的信息",
    "Anonymous submissions store no name, contact or IP address. Leave a contact if you would like a callback.":
        "匿名提交不保存姓名、联系方式和IP地址。如需回访请留下联系方式。",
    "Track": "进度查询", "Figures": "数据公示", "Praise and ratings from the public": "师生表扬与评价", "No praise yet.": "暂无表扬。",
    "Rate": "评价", "Badge No.": "工号", "1 = very poor, 5 = excellent": "1 = 很差，5 = 很好", "Send": "提交",
    "Callback queue": "回访队列",
    "Resolved items with a contact, oldest first. After %(n)s unanswered attempts an item closes as unreachable; a score of 1–2 reopens it to its department.":
        "已办结且留有联系方式的事项，按办结时间排序。回访 %(n)s 次未联系上即以“无法联系”关闭；满意度为 1–2 分时退回部门重新办理。",
    "Code": "跟踪码", "Resolved": "已办结", "Attempts": "回访次数", "Record callback": "记录回访", "Save": "保存",
    "No item is waiting for a callback.": "没有待回访的事项。", "Feedback figures": "反馈数据", "Open now": "当前未办结",
    "Overdue now": "当前超时", "Month": "月份", "On-time rate": "按时办结率", "Callback satisfaction": "回访满意度",
    "No figures yet.": "暂无数据。", "Inbox": "收件箱", "Staff concerned": "涉及员工", "Deadline": "办结时限", "Assigned to": "承办人",
    "Merged into": "合并至", "Badge rating": "胸牌评价", "Duplicates merged here": "合并到此的重复事项", "Replies and notes": "答复与备注",
    "public reply": "公开答复", "internal note": "内部备注", "No reply yet.": "尚未答复。", "No callback yet.": "尚未回访。",
    "After %(n)s unanswered attempts the item closes as unreachable.": "回访 %(n)s 次未联系上，事项将以“无法联系”关闭。",
    "Actions": "操作", "Assign": "指派", "Route": "转交与合并", "Transfer": "转交", "Merge this item into the other one?": "确定将本事项合并到另一事项？",
    "Merge": "合并", "Timeline": "处理过程", "internal": "内部", "Log a hotline call": "登记热线来电", "Log and route": "登记并转交",
    "Export to Excel": "导出 Excel", "Filter": "筛选", "Selected:": "所选事项：", "Assign selected": "批量指派", "Select all": "全选",
    "about": "涉及", "Nothing matches these filters.": "没有符合条件的事项。",
    "Feedback received, resolved, answered on time and callback satisfaction, by department, since %(since)s.":
        "%(since)s 以来各部门受理、办结、按时办结及回访满意度情况。",
    "Updated": "更新于", "By month": "按月", "No figures have been published yet.": "尚未公示数据。",
    "Complaints, suggestions and praise": "投诉·建议·表扬", "Tell us: complaints, suggestions, praise, questions": "投诉、建议、表扬、咨询",
    "About %(name)s (%(dept)s)": "关于 %(name)s（%(dept)s）",
    "Every submission gets a tracking code and is answered by the department responsible. Urgent? Call %(hotline)s.":
        "每条反馈都有跟踪码，由责任部门答复。紧急情况请拨打 %(hotline)s。",
    "Submit": "提交", "Already submitted? Check the status with your tracking code.": "已经提交过？用跟踪码查询办理进度。",
    "Back": "返回", "Home": "首页", "Rate the handling": "评价办理结果", "Send rating": "提交评价",
    "Thank you! Your submission has been received. Keep this tracking code to follow it:": "感谢您的反馈！我们已收到，请保存跟踪码以便查询进度：",
    "handled by": "承办部门", "answer due by": "答复时限", "This item was handled together with a report of the same problem; its answers are shown below.":
        "本事项已与反映同一问题的其他事项合并办理，答复如下。",
    "Bookmark this page or note the code; you can check the status any time at": "请收藏本页或记下跟踪码，随时可在此查询：",
    "How did we do?": "您对办理满意吗？", "Rate how your item was handled. The link works once.": "请评价本次办理情况，该链接只能使用一次。",
    "Replies": "答复", "No reply yet. The department will answer within its commitment.": "尚未答复，部门将在承诺时限内答复。",
    "Progress": "办理进度", "Show status": "查询", "Too many submissions": "提交过于频繁",
    "You have sent many submissions in a short time. Please wait a while and try again, or call the hotline.":
        "您在短时间内提交次数过多，请稍后再试，或拨打服务热线。",
    "No item has this tracking code. Check the code and try again.": "没有找到该跟踪码，请核对后重试。", "Rating": "评价",
    "This rating link has already been used or the item is not answered yet.": "该评价链接已使用，或事项尚未答复。",
    "Thank you for your rating.": "感谢您的评价。", "Thank you": "感谢", "Your rating of %(name)s has been recorded.": "您对%(name)s的评价已记录。",
    "On-time rate (%)": "按时办结率（%）", "Yes": "是", "No": "否", "Details": "内容", "Overdue": "超时", "On time": "按时", "Contact": "联系方式",
    "Select items of one department to assign them together.": "请选择同一部门的事项进行批量指派。",
    "Choose a member of the department.": "请选择本部门人员。", "%(n)d items assigned to %(name)s.": "已将 %(n)d 项指派给%(name)s。",
    "%(action)s: %(code)s.": "%(action)s：%(code)s。", "Assigned to %(name)s.": "已指派给%(name)s。", "Reply saved.": "答复已保存。",
    "Replied and marked resolved.": "已答复并办结。", "Callback recorded: %(code)s is now “%(status)s”.": "回访已记录：%(code)s 现为“%(status)s”。",
    "Choose a department.": "请选择部门。", "Transferred to %(dept)s.": "已转交%(dept)s。", "No item has this tracking code.": "没有该跟踪码的事项。",
    "Merged into %(code)s.": "已合并至 %(code)s。",
    "Call logged as %(code)s and routed to %(dept)s. Tell the caller the tracking code.": "来电已登记为 %(code)s 并转交%(dept)s，请告知来电人跟踪码。",
    "Badge number (工号) from the badge, or the full name.": "胸牌上的工号，或员工全名。",
    "Several staff are called %(name)s: give the badge number (%(badges)s).": "有多名员工叫%(name)s，请填写工号（%(badges)s）。",
    "No staff member with badge number or name “%(value)s”.": "没有工号或姓名为“%(value)s”的员工。",
    "about (at intake)": "涉及员工（受理时）", "Your private rating link": "您的专属评价链接",
    "Your feedback %(code)s has been answered": "您的反馈 %(code)s 已答复",
    "Rate how your item was handled with the link below. It works once and is meant for you only: do not forward it.":
        "请通过下面的链接评价本次办理情况。该链接只能使用一次，仅供您本人使用，请勿转发。",
    "Once the department has answered, this link lets you rate how your item was handled. It works once and is shown "
    "to you only now: save it, and do not share it (the tracking code can be shared, this link cannot).":
        "部门答复后，您可以通过此链接评价办理情况。链接只能使用一次，且仅在此时显示：请妥善保存，不要告诉他人"
        "（跟踪码可以分享，此链接不可以）。",
    "To rate how your item was handled, use the private link shown to you when you submitted it, or sent to the "
    "e-mail address you left.": "如需评价办理情况，请使用提交时显示给您的专属链接，或发送到您所留邮箱的链接。",
}
# Words other apps translate differently carry a context (the first app's translation would win).
CONTEXT = {("verb", "Filter"): "筛选", ("feedback", "Place"): "地点", ("feedback", "Note"): "备注", ("feedback", "Overdue"): "超时",
           ("channel", "Survey"): "问卷调查", ("feedback status", "In progress"): "处理中", ("mail import", "Failed"): "失败"}
# The mailbox (intake hardening: replies, rejected messages, large messages, the operator's page).
ZH_MAIL = {
    "Mailbox": "信箱邮件", "Complaint mailbox": "投诉邮箱", "To review": "待处理",
    "All messages": "全部邮件", "Marked as reviewed.": "已标记为已处理。", "This message was already reviewed.": "这封邮件已处理过。",
    "%(what)s: 8-bit bytes that are neither UTF-8 nor GB18030 were dropped.":
        "%(what)s：既非 UTF-8 也非 GB18030 的 8 位字节已舍弃。",
    "%(what)s: a malformed encoded word was dropped.": "%(what)s：格式错误的编码字已舍弃。",
    "%(what)s: text in the charset “%(charset)s” could not be decoded and was dropped.":
        "%(what)s：字符集“%(charset)s”的文字无法解码，已舍弃。",
    "%(what)s: unknown charset “%(charset)s”, read as UTF-8 or GB18030.":
        "%(what)s：未知字符集“%(charset)s”，已按 UTF-8 或 GB18030 读取。",
    "Sender: the address could not be read.": "发件人：邮箱地址无法读取。",
    "Sender: the name could not be decoded and was left empty.": "发件人：姓名无法解码，已留空。",
    "File name: could not be decoded.": "文件名：无法解码。",
    "Text: unknown charset “%(charset)s”, read as UTF-8 or GB18030.": "正文：未知字符集“%(charset)s”，已按 UTF-8 或 GB18030 读取。",
    "The text cannot be read: unknown charset “%(charset)s”.": "正文无法读取：未知字符集“%(charset)s”。",
    "The message is %(size)s, over the limit of %(limit)s: only its text was kept. Not kept: %(files)s.":
        "邮件大小为 %(size)s，超过 %(limit)s 的上限：只保留了正文。未保留：%(files)s。",
    "The message cannot be read (%(error)s).": "邮件无法读取（%(error)s）。",
    "(no text)": "（无正文）", "Photos attached: %(n)d.": "附照片 %(n)d 张。",
    "The item is closed: this reply waits for the operator (reopen the item or mark the message reviewed on the "
    "mailbox page).": "该事项已关闭：这封回复等待接线员处理（重新打开事项，或在信箱邮件页面标记为已处理）。",
    "Reply to a closed item.": "回复的是已关闭的事项。", "E-mail reply to closed item %(code)s": "已关闭事项 %(code)s 收到邮件回复",
    "Reply added to an item": "已追加到事项", "Rejected (unreadable)": "已拒收（无法读取）", "Message-ID hash": "Message-ID 哈希",
    "size (bytes)": "大小（字节）", "to review": "待处理", "reviewed": "处理时间", "reviewed by": "处理人",
    "E-mail reply received": "收到邮件回复",
    "Messages that could not be read are rejected and listed here: open them in the mail client (they carry the "
    "keyword $QSRejected) and log them by hand if they are feedback. Replies to closed items are added to the item's "
    "timeline and wait here: reopen the item from its page, or mark the message reviewed.":
        "无法读取的邮件会被拒收并列在这里：请在邮件客户端中打开（带有关键字 $QSRejected），如属反馈请手工登记。"
        "对已关闭事项的回复已追加到事项的处理记录，并在这里等待处理：可在事项页面重新打开，或标记为已处理。",
    "reviewed %(when)s": "%(when)s 已处理",
    "No message here.": "这里没有邮件。",
    "Photo “%(name)s” was not kept: larger than %(limit)s.": "照片“%(name)s”未保留：超过 %(limit)s。",
}
ZH.update(ZH_MAIL)
CONTEXT.update({("mail header", "Sender"): "发件人", ("mail header", "Subject"): "邮件主题",
                ("mail header", "File name"): "文件名", ("mailbox", "Rejected"): "已拒收",
                ("mailbox", "Outcome"): "处理结果", ("mailbox", "Item"): "事项", ("mailbox", "Reviewed"): "已处理",
                ("mailbox", "Received"): "收信时间"})
PLURALS = {"%(n)s rating": "%(n)s 条评价", "%(n)s item": "共 %(n)s 项"}

# The figures this app publishes in the indicator registry (indicators.py).
ZH.update({
    'Feedback received': '受理量',
    'Items received in the period from every channel (complaints, suggestions, praise, enquiries, repair requests), counted at the department that handles them now; merged duplicates are not counted.': '统计期内从各渠道收到的意见反馈件数（投诉、建议、表扬、咨询、报修），按目前的承办部门统计；被合并的重复件不计。',
    'Complaints per 100 staff': '百人投诉量',
    "Complaints received in the period (merged duplicates not counted) × 100 ÷ the department's active staff on today's roster (employed staff of the department, its teams included). No value for a department without active staff.": '统计期内收到的投诉件数（被合并的重复件不计）× 100 ÷ 该部门当前花名册上的在职员工数（本部门在职员工，含所属班组）。没有在职员工的部门不计算。',
    'On-time handling rate': '按时办结率',
    "Of the items received in the period that are resolved (answered to the submitter, or closed), the share answered by the deadline of the department's commitment × 100; items without a deadline (praise) count as on time. A reopened item counts again once it is answered again.": '统计期内收到且已办结（已答复提交人或已关闭）的事项中，在部门服务承诺时限内答复的比例 × 100；没有时限的事项（表扬）计为按时。重新打开的事项再次答复后重新计入。',
    "Mean satisfaction score (1 = very dissatisfied … 5 = very satisfied) of the items received in the period that have one: the last score given at a callback or through the submitter's rating link.": '统计期内收到且有满意度评分的事项的平均分（1 = 非常不满意 … 5 = 非常满意），取回访或提交人评价链接给出的最后一次评分。',
    'Reopened rate': '重办率',
    'Of the items received in the period that were resolved at least once, the share reopened at least once (after an unhappy callback or rating, or by staff) × 100.': '统计期内收到且至少办结过一次的事项中，至少被重新打开过一次（回访或评价不满意，或由工作人员重新打开）的比例 × 100。',
})
CONTEXT.update({
    ('indicator unit', 'items'): '件',
    ('indicator unit', 'complaints per 100 staff'): '件/百人',
    ('indicator unit', 'points (1–5)'): '分（1–5）',
})

# The workflow (workflows.py): verb labels of the buttons, and the event parameters' field name.
ZH.update({"parameters": "参数"})
CONTEXT.update({
    ("feedback action", "Accept"): "接收", ("feedback action", "Assign"): "指派",
    ("feedback action", "Start work"): "开始处理", ("feedback action", "Reply and resolve"): "答复并办结",
    ("feedback action", "Callback: not reached"): "回访：未联系上", ("feedback action", "Callback: satisfied"): "回访：满意",
    ("feedback action", "Callback: dissatisfied"): "回访：不满意", ("feedback action", "Rate the handling"): "评价办理结果",
    ("feedback action", "Close"): "关闭", ("feedback action", "Reopen"): "重新打开",
    ("feedback action", "Transfer"): "转交", ("feedback action", "Merge"): "合并",
})

# The signed-in member's page fragment (member_page.py, _my_page.html).
ZH.update({
    "Optional: we call you back here.": "选填：我们会通过这里回访您。", "Title": "标题", "Name": "姓名",
    "My feedback": "我的意见反馈", "Rate how it was handled": "评价办理情况", "Send feedback": "提交意见反馈",
    "Sent with your name: %(name)s (%(number)s). It is shown to the staff who handle it, never to the person it is about.":
        "将以您的实名提交：%(name)s（%(number)s）。仅办理人员可见，被反映的员工本人看不到。",
    "Only your 20 latest items are listed; your data download holds them all.": "这里只列出最近 20 条，下载的数据中包含全部记录。",
    "You have not sent feedback with your name yet. Feedback sent anonymously is not listed here: it is linked to nobody.":
        "您还没有实名提交过意见反馈。匿名提交的反馈不与任何人关联，因此不在此列出。",
})

# Who sees what: front-line staff work only on the items assigned to them.
ZH.update({
    "This item is about %(name)s: assign it to a colleague.": "该事项涉及%(name)s本人，请指派给其他同事。",
})

# The timeline: each row rendered from its action and parameters (workflows.describe_events).
ZH.update({
    "Deadline %(deadline)s passed: escalated to the supervisor.": "已超过办结时限 %(deadline)s，已提交督查员督办。",
    "Callback attempt %(attempts)s: not reached": "第 %(attempts)s 次回访未联系上",
    "Callback: satisfied (%(score)s/5)": "回访：满意（%(score)s/5）",
    "Callback: dissatisfied (%(score)s/5), reopened": "回访：不满意（%(score)s/5），已重新打开",
    "Rated by the submitter: %(score)s/5": "提交人评价：%(score)s/5",
    "Transferred from %(from)s to %(to)s": "由%(from)s转交至%(to)s",
    "Merged into %(target)s": "已合并至 %(target)s",
})

# A head's transfer request, decided by a supervisor or the hotline.
ZH.update({
    "Propose another department to handle the item.": "请选择应承办该事项的其他部门。",
    "Give the reason for the transfer.": "请说明转交的原因。",
    "Transfer requested for feedback %(code)s: %(from)s → %(to)s": "反馈 %(code)s 申请转交：%(from)s → %(to)s",
    "Transfer of feedback %(code)s accepted: it is now with %(dept)s": "反馈 %(code)s 的转交申请已同意：现由%(dept)s承办",
    "Transfer of feedback %(code)s declined: it stays with your department": "反馈 %(code)s 的转交申请未获同意：仍由贵部门承办",
    "Transfer to %(to)s requested": "申请转交至%(to)s",
    "Transfer request accepted: from %(from)s to %(to)s": "同意转交：由%(from)s转交至%(to)s",
    "Transfer to %(to)s declined": "转交至%(to)s的申请未获同意",
    "Transfer requested": "已申请转交", "Transfer request declined": "转交申请未获同意",
    "Department that should handle it": "应承办的部门", "Or move it to": "或转交至",
    "— the proposed department —": "— 申请转交的部门 —", "Reason (told to the head)": "原因（将告知申请的主任）",
    "Transfer to %(dept)s requested: a supervisor or the hotline decides.": "已申请转交至%(dept)s，由督查员或热线决定。",
    "Transfer request declined: the item stays with %(dept)s.": "已拒绝转交申请，该事项仍由%(dept)s承办。",
    "Transfer request": "转交申请",
    "%(who)s asked on %(when)s to move this item to %(dept)s.": "%(who)s于 %(when)s 申请将该事项转交至%(dept)s。",
    "Move this item to %(dept)s? It leaves this department's inbox, nobody is assigned, and its deadline starts again there.":
        "确定将该事项转交至%(dept)s吗？它将离开本部门的收件箱，取消指派，并在该部门重新计算办结时限。",
    "Move to %(dept)s": "移交至%(dept)s",
    "Move this item to the chosen department? It leaves this department's inbox, nobody is assigned, and its deadline starts again there.":
        "确定将该事项转交至所选部门吗？它将离开本部门的收件箱，取消指派，并在该部门重新计算办结时限。",
    "Move there": "转交至所选部门", "Waiting for a supervisor or the hotline to decide.": "等待督查员或热线决定。",
    "Routed here by mistake? Propose the department that should handle it: a supervisor or the hotline decides.":
        "分错了部门？请提出应承办的部门，由督查员或热线决定。",
    "transfer requested": "申请转交中",
    "transfer requested to": "申请转交至", "reason for the transfer": "转交原因", "transfer requested by": "转交申请人",
    "transfer requested at": "申请转交时间",
})
CONTEXT.update({
    ("feedback action", "Request transfer"): "申请转交", ("feedback action", "Accept the transfer"): "同意转交",
    ("feedback action", "Decline the transfer"): "不同意转交",
    ("transfer decision", "Accept"): "同意", ("transfer decision", "Decline"): "拒绝",
})

# Tracking look-up and the status page.
ZH.update({
    "Upper or lower case; spaces and dashes do not matter.": "大小写均可，空格和横线可有可无。",
    "Type the tracking code.": "请输入跟踪码。", "Copied": "已复制", "Copy code": "复制跟踪码",
})

# The hotline form's staff suggestions.
ZH.update({"Type a part of the name or of the badge number (工号) and pick the person.": "输入姓名或工号的一部分，然后选择员工。",
           "Staff members": "员工", "No staff member matches “%(query)s”.": "没有与“%(query)s”匹配的员工。"})

# Badge ratings: once a day per browser and person.
ZH.update({
    "This browser has already rated %(name)s today. Thank you! To tell us more, use the feedback form.":
        "您今天已经评价过%(name)s，感谢您的评价！如需补充意见，请使用意见反馈表。",
    "Open the feedback form": "打开意见反馈表",
})

# Reopening (any path): the heads and the assignee are told.
ZH.update({"Feedback %(code)s reopened": "反馈 %(code)s 已重新打开"})

po_path = pathlib.Path(__file__).parent / "zh_Hans" / "LC_MESSAGES" / "django.po"
po = polib.pofile(str(po_path))
missing = []
for entry in po:
    if entry.msgid_plural:
        if entry.msgid in PLURALS:
            entry.msgstr_plural = {0: PLURALS[entry.msgid]}
        else:
            missing.append(entry.msgid)
    elif entry.msgctxt and (entry.msgctxt, entry.msgid) in CONTEXT:
        entry.msgstr = CONTEXT[(entry.msgctxt, entry.msgid)]
    elif entry.msgid in ZH:
        entry.msgstr = ZH[entry.msgid]
    else:
        missing.append(entry.msgid)
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
po.metadata_is_fuzzy = False
po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
po.metadata["Language"] = "zh_Hans"
po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
po.save()
if missing:
    print("untranslated:", *missing, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"{len(po)} entries translated")
