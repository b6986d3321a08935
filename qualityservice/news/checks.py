"""System checks of the news app: the work bulletin's Word template can be opened and filled."""

from django.core.checks import Error, register


@register()
def check_bulletin_docx_template(app_configs=None, **kwargs):
    from .bulletins import docx_template_problem

    problem = docx_template_problem()
    if not problem:
        return []
    return [Error(f"The work bulletin's Word template cannot be used: {problem}.",
                  hint="Set QS_NEWS_BULLETIN_DOCX_TEMPLATE to a Word file made from the shipped template "
                       "(python -m qualityservice.news.docx_template <path>), or leave it empty for the shipped one.",
                  id="news.E001")]
