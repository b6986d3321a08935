"""The app's settings, from the environment (core.conf); each name becomes ``settings.<NAME>`` unless the
settings module set it."""

from qualityservice.core.conf import env_int

# An import reads at most this many sessions (rows below the header); a larger file is refused whole.
QS_TRAINING_IMPORT_MAX_ROWS = env_int("QS_TRAINING_IMPORT_MAX_ROWS", 500)
# An import file larger than this many MB is refused before it is read.
QS_TRAINING_IMPORT_MAX_MB = env_int("QS_TRAINING_IMPORT_MAX_MB", 5)
