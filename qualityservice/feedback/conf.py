"""Feedback's settings: hotline, mailbox, callbacks (core.conf: read from the environment, applied when the
app is loaded; a settings module may override each)."""

from qualityservice.core.conf import env, env_bool, env_int, env_rate

# Business calendar for deadlines: working periods of a day and ISO weekdays (1=Monday).
QS_BUSINESS_HOURS = env("QS_BUSINESS_HOURS", "08:00-12:00,13:30-17:30")
QS_WORK_DAYS = env("QS_WORK_DAYS", "1-5")
# Deadline when a department has no measurable commitment for the kind (working hours; 0 = none).
QS_FEEDBACK_DEFAULT_WORKING_HOURS = env_int("QS_FEEDBACK_DEFAULT_WORKING_HOURS", 16)
# Department (code) that receives what nobody routed (web form without place, mailbox).
QS_FEEDBACK_TRIAGE_DEPARTMENT = env("QS_FEEDBACK_TRIAGE_DEPARTMENT", "bangongshi")
QS_CALLBACK_MAX_ATTEMPTS = env_int("QS_CALLBACK_MAX_ATTEMPTS", 3)
# Public form rate limits (core.ratelimit syntax): generous per IP (a campus NAT shares one),
# strict per browser.
QS_FEEDBACK_RATE_PER_IP = env_rate("QS_FEEDBACK_RATE_PER_IP", "300/h")
QS_FEEDBACK_RATE_PER_SESSION = env_rate("QS_FEEDBACK_RATE_PER_SESSION", "20/h")
# How often the same browser may rate the same staff member from the badge (core.ratelimit syntax, a fixed
# window: "1/d" = once a day). Counted on a keyed hash of the browser id and the person, never the address.
QS_BADGE_RATING_PER_BROWSER = env_rate("QS_BADGE_RATING_PER_BROWSER", "1/d")
QS_FEEDBACK_MAX_IMAGE_BYTES = env_int("QS_FEEDBACK_MAX_IMAGE_BYTES", 5 * 1024 * 1024)
QS_FEEDBACK_MAX_IMAGES = env_int("QS_FEEDBACK_MAX_IMAGES", 3)
# Complaint mailbox (IMAP); polling is off while QS_IMAP_HOST is empty.
QS_IMAP_HOST = env("QS_IMAP_HOST")
QS_IMAP_PORT = env_int("QS_IMAP_PORT", 993)
QS_IMAP_USER = env("QS_IMAP_USER")
QS_IMAP_PASSWORD = env("QS_IMAP_PASSWORD")
QS_IMAP_FOLDER = env("QS_IMAP_FOLDER", "INBOX")
QS_IMAP_SSL = env_bool("QS_IMAP_SSL", True)
# Messages larger than this are not decoded whole: header and text are kept, attachments dropped.
QS_MAIL_MAX_BYTES = env_int("QS_MAIL_MAX_BYTES", 25 * 1024 * 1024)
