"""What every page gets for phones and dates: the date picker served locally (flatpickr and its Chinese locale,
never a CDN), the confirmation dialog in the page's language, and ISO date values in every language."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["vendor/flatpickr/flatpickr.min.js", "vendor/flatpickr/flatpickr.min.css", "vendor/flatpickr/l10n/zh.js"])
def test_it_serves_the_date_picker_from_the_site_itself(path):
    assert finders.find(path), path


@pytest.mark.parametrize("language, words", [("zh-hans", ("请确认", "取消", "确定")), ("en", ("Please confirm", "Cancel", "Confirm"))])
def test_it_puts_the_confirmation_dialog_and_the_picker_on_every_page(client, org, language, words):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in html  # the picker's language is the page's
    assert 'data-datepicker-zh="/static/vendor/flatpickr/l10n/zh.js"' in html and "//cdn" not in html
    dialog = html[html.index('<dialog id="qs-confirm"'):html.index("</dialog>")]
    assert all(word in dialog for word in words)
