"""The app's settings, from the environment (core.conf); each name becomes ``settings.<NAME>`` unless the
settings module set it."""

from qualityservice.core.conf import env_int, env_rate

# Judges with unsubmitted sheets are reminded once, this many hours before a round's scoring closes.
QS_COMPETITIONS_REMIND_HOURS = env_int("QS_COMPETITIONS_REMIND_HOURS", 2)
# Objections from the public results page (core.ratelimit syntax): generous per address (a campus NAT shares
# one), strict per browser.
QS_COMPETITIONS_OBJECTION_RATE_PER_IP = env_rate("QS_COMPETITIONS_OBJECTION_RATE_PER_IP", "60/h")
QS_COMPETITIONS_OBJECTION_RATE_PER_VISITOR = env_rate("QS_COMPETITIONS_OBJECTION_RATE_PER_VISITOR", "5/h")
