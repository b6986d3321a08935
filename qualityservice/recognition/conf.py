"""The app's settings, from the environment (core.conf); each name becomes ``settings.<NAME>`` unless the
settings module set it."""

from qualityservice.core.conf import env_int

# Submitted nominations nobody closed are closed by the hourly job after this many days.
QS_RECOGNITION_CLOSE_AFTER_DAYS = env_int("QS_RECOGNITION_CLOSE_AFTER_DAYS", 30)
