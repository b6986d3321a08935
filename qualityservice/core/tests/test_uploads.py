"""core.uploads: one check of an upload's content for every app — the kinds it accepts, the size limit from a
setting, and a message naming the file in the reader's language."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from qualityservice.core import uploads

RULES = uploads.Rules(limit_setting="QS_TEST_UPLOAD_MB", documents=frozenset({"pdf", "doc", "docx", "xlsx", "txt"}),
                      images=True, max_side=400)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def limit(settings):
    settings.QS_TEST_UPLOAD_MB = 1
    return settings


def office(folder: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return buf.getvalue()


def photo(size=(1200, 800)) -> bytes:
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def refusal(name: str, data: bytes, rules=RULES, language="en") -> tuple[str, str]:
    with translation.override(language), pytest.raises(ValidationError) as caught:
        uploads.check(SimpleUploadedFile(name, data), rules)
    return caught.value.code, caught.value.messages[0]


@pytest.mark.parametrize("name, data", [
    ("报告.pdf", PDF), ("报告.PDF", PDF), ("计划.docx", office("word/")), ("表.xlsx", office("xl/")),
    ("旧.doc", uploads.OLE2 + b"\0" * 64), ("说明.txt", "纯文本".encode()),
])
def test_it_accepts_a_document_whose_content_matches_its_name(name, data):
    checked = uploads.check(SimpleUploadedFile(name, data), RULES)
    assert (checked.name, checked.is_image, checked.content.read()) == (name, False, data)
    assert checked.ext == name.rsplit(".", 1)[1].lower()


@pytest.mark.parametrize("name, data, kind", [
    ("计划.docx", office("xl/"), "Word"),  # a workbook renamed
    ("计划.docx", b"PK\x03\x04 not really a zip", "Word"),
    ("表.xlsx", office("word/"), "Excel"),
    ("旧.doc", PDF, "Word"),
    ("报告.pdf", b"hello", "PDF"),
    ("报告.pdf", b"", "PDF"),
])
def test_it_refuses_a_document_whose_content_does_not_match_its_name(name, data, kind):
    assert refusal(name, data) == ("not_matching", f"“{name}” is not a {kind} file: its content does not match its name.")
    assert refusal(name, data, language="zh-hans") == ("not_matching", f"“{name}”不是 {kind} 文件：其内容与文件名不符。")


@pytest.mark.parametrize("name", ["virus.exe", "page.html", "no-extension", "幻灯片.pptx"])
def test_it_refuses_a_kind_the_rules_do_not_list(name):
    assert refusal(name, b"MZ\x90\x00") == ("not_accepted", f"“{name}”: this kind of file is not accepted.")
    assert refusal(name, b"MZ\x90\x00", language="zh-hans")[1] == f"“{name}”：不接受这种文件。"


def test_it_takes_the_limit_from_the_setting_and_reads_no_more_than_it(limit):
    big = PDF + b"0" * (1024 * 1024)
    assert refusal("大.pdf", big) == ("too_large", "“大.pdf” is too large (1.0 MB); the limit is 1 MB.")
    limit.QS_TEST_UPLOAD_MB = 2
    assert uploads.check(SimpleUploadedFile("大.pdf", big), RULES).name == "大.pdf"

    class Lying(SimpleUploadedFile):  # claims to be small, is not
        size = 10

    with pytest.raises(ValidationError) as caught:
        uploads.check(Lying("大.pdf", PDF + b"0" * (3 * 1024 * 1024)), RULES)
    assert caught.value.code == "too_large"


def test_it_re_encodes_a_photo_without_its_camera_data_and_refuses_a_fake_one():
    checked = uploads.check(SimpleUploadedFile("现场.png", photo()), RULES)
    assert checked.is_image and checked.name.endswith(".jpg")
    image = Image.open(checked.content)
    assert image.format == "JPEG" and max(image.size) == 400 and not image.getexif()
    with pytest.raises(ValidationError):
        uploads.check(SimpleUploadedFile("现场.jpg", PDF), RULES)
    documents_only = uploads.Rules(limit_setting="QS_TEST_UPLOAD_MB", documents=frozenset({"pdf"}))
    assert refusal("现场.jpg", photo(), rules=documents_only)[0] == "not_accepted"
    assert uploads.clean_image(SimpleUploadedFile("scan", photo()), documents_only).is_image  # a photo field


def test_it_says_an_apps_own_sentences_and_an_empty_file_apart():
    rules = uploads.Rules(limit_setting="QS_TEST_UPLOAD_MB", documents=frozenset({"pdf"}), empty="“%(name)s” is empty.",
                          not_matching="“%(name)s” is not a real %(ext)s file.", too_large="“%(name)s” is larger than %(mb)d MB.",
                          not_accepted="“%(name)s”: PDF only.")
    assert refusal("a.pdf", b"", rules) == ("empty", "“a.pdf” is empty.")
    assert refusal("a.pdf", b"hello", rules) == ("not_matching", "“a.pdf” is not a real PDF file.")
    assert refusal("a.pdf", PDF + b"0" * 1024 * 1024, rules) == ("too_large", "“a.pdf” is larger than 1 MB.")
    assert refusal("a.doc", PDF, rules) == ("not_accepted", "“a.doc”: PDF only.")


def test_it_knows_its_kinds_content_types_and_input_filter():
    with pytest.raises(ValueError):
        uploads.Rules(limit_setting="QS_TEST_UPLOAD_MB", documents=frozenset({"exe"}))
    assert uploads.content_type("计划.DOCX") == uploads.KINDS["docx"].content_type
    assert uploads.content_type("x.bin") == "application/octet-stream"
    assert RULES.accept == "image/*,.doc,.docx,.pdf,.txt,.xlsx"
