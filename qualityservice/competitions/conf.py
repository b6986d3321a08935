"""The app's settings, from the environment (core.conf); each name becomes ``settings.<NAME>`` unless the
settings module set it."""

from qualityservice.core.conf import env_int

# Judges with unsubmitted sheets are reminded once, this many hours before a round's scoring closes.
QS_COMPETITIONS_REMIND_HOURS = env_int("QS_COMPETITIONS_REMIND_HOURS", 2)
