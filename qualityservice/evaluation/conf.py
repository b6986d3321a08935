"""The app's settings, from the environment (core.conf); each name becomes ``settings.<NAME>`` unless the
settings module set it."""

from qualityservice.core.conf import env_rate

# Objections on the public notice page (core.ratelimit syntax): generous per IP (a campus NAT shares one),
# strict per browser.
QS_EVALUATION_OBJECTION_RATE_PER_IP = env_rate("QS_EVALUATION_OBJECTION_RATE_PER_IP", "300/h")
QS_EVALUATION_OBJECTION_RATE_PER_BROWSER = env_rate("QS_EVALUATION_OBJECTION_RATE_PER_BROWSER", "10/h")
