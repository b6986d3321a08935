"""The app's settings, from the environment (core.conf); each name becomes ``settings.<NAME>`` unless the
settings module set it."""

from qualityservice.core.conf import env, env_int

# How many days a signed draft-preview link works.
QS_NEWS_PREVIEW_DAYS = env_int("QS_NEWS_PREVIEW_DAYS", 3)

# The public figures board shows no figure based on fewer than this many people or records (product.md, J).
QS_NEWS_BOARD_MIN_BASIS = env_int("QS_NEWS_BOARD_MIN_BASIS", 5)

# The Word template of the work bulletin (docxtpl); empty: the one shipped in news/templates/news/bulletin.docx.
# A relative path is taken from the project root. The system check news.E001 reports a missing or broken file.
QS_NEWS_BULLETIN_DOCX_TEMPLATE = env("QS_NEWS_BULLETIN_DOCX_TEMPLATE", "")
