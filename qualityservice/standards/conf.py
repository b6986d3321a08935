"""The app's settings, from the environment (core.conf); each name becomes ``settings.<NAME>`` unless the
settings module set it."""

from qualityservice.core.conf import env_int

# A procedure's file (PDF or Office) may be at most this many MB.
QS_STANDARDS_MAX_FILE_MB = env_int("QS_STANDARDS_MAX_FILE_MB", 10)
