"""The app's settings, from the environment (core.conf); each name becomes ``settings.<NAME>`` unless the
settings module set it."""

from qualityservice.core.conf import env_int, env_rate

# Submitted nominations nobody closed are closed by the hourly job after this many days.
QS_RECOGNITION_CLOSE_AFTER_DAYS = env_int("QS_RECOGNITION_CLOSE_AFTER_DAYS", 30)

# Fraud signals for review (never a rejection): a nominee with at least this many choices in a 10-minute window
# and three times their usual rate; a browser that cast at least this many ballots; this many codes of one
# batch used within 10 seconds.
QS_RECOGNITION_BURST_MIN = env_int("QS_RECOGNITION_BURST_MIN", 20)
QS_RECOGNITION_BROWSER_BALLOTS = env_int("QS_RECOGNITION_BROWSER_BALLOTS", 5)
QS_RECOGNITION_CODE_BURST = env_int("QS_RECOGNITION_CODE_BURST", 3)
# The largest batch of voting codes generated at once.
QS_RECOGNITION_CODE_BATCH_MAX = env_int("QS_RECOGNITION_CODE_BATCH_MAX", 5000)
# Objections to a round's winners during the public notice, per client address and per browser (core.ratelimit:
# never a silent refusal — the visitor keeps what they typed and reads why).
QS_RECOGNITION_OBJECTION_RATE_PER_IP = env_rate("QS_RECOGNITION_OBJECTION_RATE_PER_IP", "60/h")
QS_RECOGNITION_OBJECTION_RATE_PER_VISITOR = env_rate("QS_RECOGNITION_OBJECTION_RATE_PER_VISITOR", "5/h")
