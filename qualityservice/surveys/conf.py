"""Surveys' settings (core.conf: read from the environment, applied when the app is loaded)."""

from qualityservice.core.conf import env_int, env_rate

# Public answering limits (core.ratelimit syntax), each per survey. Submits: strict per browser id (the
# signed cookie of the answer page; requests without it share one allowance per address) and a generous
# ceiling per client address (a campus NAT puts thousands behind one), which also caps new drafts.
QS_SURVEY_RATE_PER_BROWSER = env_rate("QS_SURVEY_RATE_PER_BROWSER", "10/h")
QS_SURVEY_RATE_PER_IP = env_rate("QS_SURVEY_RATE_PER_IP", "600/10m")
QS_SURVEY_AUTOSAVE_RATE_PER_BROWSER = env_rate("QS_SURVEY_AUTOSAVE_RATE_PER_BROWSER", "300/h")
# Bursts page: a minute with more submitted responses than this is listed as suspicious.
QS_SURVEY_BURST_PER_MINUTE = env_int("QS_SURVEY_BURST_PER_MINUTE", 20)
# Unsubmitted drafts started longer ago than this are deleted by the periodic purge.
QS_SURVEY_DRAFT_RETENTION_DAYS = env_int("QS_SURVEY_DRAFT_RETENTION_DAYS", 7)
# Workbench: an open survey closing within this many days is listed among the supervisor's and heads' to-dos.
QS_SURVEY_CLOSING_SOON_DAYS = env_int("QS_SURVEY_CLOSING_SOON_DAYS", 3)
