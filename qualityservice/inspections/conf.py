"""Inspections' settings (core.conf: read from the environment, applied when the app is loaded)."""

from qualityservice.core.conf import env_int

QS_INSPECTIONS_RECTIFICATION_DAYS = env_int("QS_INSPECTIONS_RECTIFICATION_DAYS", 7)  # default deadline of a finding
QS_INSPECTIONS_MAX_UPLOAD_MB = env_int("QS_INSPECTIONS_MAX_UPLOAD_MB", 5)  # photos, evidence, attachments
