"""Org's settings (core.conf: read from the environment, applied when the app is loaded)."""

from qualityservice.core.conf import env

# What the public site shows until an administrator saves the site settings.
QS_ORGANISATION_NAME = env("QS_ORGANISATION_NAME", "后勤集团")
QS_HOTLINE = env("QS_HOTLINE", "66781315")
QS_MAILBOX = env("QS_MAILBOX", "hqjt@ouc.edu.cn")
