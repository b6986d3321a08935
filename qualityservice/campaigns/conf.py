"""The app's settings, from the environment (core.conf); each name becomes ``settings.<NAME>`` unless the
settings module set it."""

from qualityservice.core.conf import env_int

# The daily job reminds the department head (and the group's supervisors for campaign milestones) this many
# days before a milestone's date; once per milestone.
QS_CAMPAIGNS_REMIND_DAYS = env_int("QS_CAMPAIGNS_REMIND_DAYS", 7)
# A new campaign's limit of signature (精品) activities per department (the supervisor changes it per campaign).
QS_CAMPAIGNS_SIGNATURE_MAX = env_int("QS_CAMPAIGNS_SIGNATURE_MAX", 2)
# Largest accepted report file (photo or document), in MB; and how many files one report may carry.
QS_CAMPAIGNS_MAX_UPLOAD_MB = env_int("QS_CAMPAIGNS_MAX_UPLOAD_MB", 10)
QS_CAMPAIGNS_MAX_FILES = env_int("QS_CAMPAIGNS_MAX_FILES", 6)
