"""The app's settings, from the environment (core.conf); each name becomes ``settings.<NAME>`` unless the
settings module set it."""

from qualityservice.core.conf import env_int, env_rate

# A seat freed this many hours (or fewer) before the session starts goes straight to the first in line;
# earlier, the first in line gets an offer to confirm within QS_EVENTS_OFFER_HOURS.
QS_EVENTS_AUTO_PROMOTE_HOURS = env_int("QS_EVENTS_AUTO_PROMOTE_HOURS", 24)
# How long an offered seat waits for its confirmation (never past the session's start).
QS_EVENTS_OFFER_HOURS = env_int("QS_EVENTS_OFFER_HOURS", 24)
# Reminder to registered people this many hours before their session.
QS_EVENTS_REMINDER_HOURS = env_int("QS_EVENTS_REMINDER_HOURS", 24)
# Invitees who have not answered after this many days get one reminder (the organiser can send more).
QS_EVENTS_INVITATION_REMINDER_DAYS = env_int("QS_EVENTS_INVITATION_REMINDER_DAYS", 3)
# Names and phones of visitors (registrations without an account) are deleted this many days after the session.
QS_EVENTS_RETENTION_DAYS = env_int("QS_EVENTS_RETENTION_DAYS", 30)
# Public registration by visitors (name + phone): per client address (a campus NAT shares one) and per browser.
QS_EVENTS_RATE_PER_IP = env_rate("QS_EVENTS_RATE_PER_IP", "600/10m")
QS_EVENTS_RATE_PER_VISITOR = env_rate("QS_EVENTS_RATE_PER_VISITOR", "20/h")
# Opinions an attendee may send from one ticket.
QS_EVENTS_OPINIONS_PER_TICKET = env_rate("QS_EVENTS_OPINIONS_PER_TICKET", "10/d")
