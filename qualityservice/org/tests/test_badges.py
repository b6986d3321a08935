"""Badge sheets (挂牌上岗): a print-ready A4 PDF per department, 8 badges a page, each with a QR
code that opens the person's public badge page."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from qualityservice.org.models import Staff
from qualityservice.org.services import BADGES_PER_PAGE
from qualityservice.org.tests.factories import DepartmentFactory, StaffFactory

from .pdfs import embedded_font_names, has_font_files, page_qr_codes, page_texts, response_bytes

SURNAMES = "王李张刘陈杨黄赵吴周"


@pytest.fixture
def canteen_team(org):
    """A department of nine badge wearers (one more than fits a page) and one who left."""
    dept = DepartmentFactory(code="canteen2", name="第二餐厅服务部", parent=org.group)
    staff = [
        StaffFactory(department=dept, name=f"{SURNAMES[i]}师傅{i}", badge_number=f"CT{i:03d}", post="面点师")
        for i in range(9)
    ]
    StaffFactory(department=dept, name="已离职员工", badge_number="CT999", is_active=False)
    return dept, staff


def get_pdf(client, user, department):
    client.force_login(user)
    response = client.get(reverse("org:badge_sheet", args=[department.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"badges-{department.code}.pdf" in response["Content-Disposition"]
    return response_bytes(response)


def test_it_prints_eight_badges_per_a4_page_with_names_badge_numbers_and_chinese_labels(client, org, canteen_team):
    dept, staff = canteen_team
    data = get_pdf(client, org.admin, dept)
    assert data.startswith(b"%PDF")
    texts = page_texts(data)
    assert len(texts) == 2  # 9 active staff at 8 a page
    everything = "\n".join(texts)
    for person in staff:
        assert person.name in everything
        assert person.badge_number in everything
    assert "已离职员工" not in everything and "CT999" not in everything
    assert texts[0].count("面点师") == BADGES_PER_PAGE
    assert texts[1].count("面点师") == 1
    assert "挂牌上岗" in everything and "工号" in everything
    assert "66781315" in everything  # the group's hotline on every badge


def test_it_puts_a_decodable_qr_code_of_the_right_public_page_on_every_badge(client, org, canteen_team):
    dept, staff = canteen_team
    data = get_pdf(client, org.supervisor, dept)
    pages = page_qr_codes(data)
    assert [len(codes) for codes in pages] == [8, 1]
    decoded = [url for codes in pages for url in codes]
    expected = {f"http://testserver/b/{s.public_code}/" for s in staff}
    assert set(decoded) == expected
    # Ordered by badge number: the first page holds CT000..CT007, the second CT008.
    assert pages[1] == [f"http://testserver/b/{staff[8].public_code}/"]


def test_it_opens_the_staff_members_badge_page_when_the_qr_code_is_scanned(client, org, canteen_team):
    dept, staff = canteen_team
    data = get_pdf(client, org.admin, dept)
    url = page_qr_codes(data)[1][0]
    client.logout()  # a teacher's phone: anonymous
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200
    html = response.content.decode()
    assert staff[8].name in html and "CT008" in html
    assert dept.name in html and "面点师" in html
    assert staff[0].name not in html


def test_it_embeds_the_cjk_fonts_in_the_pdf(client, org):
    data = get_pdf(client, org.head_wuye, org.wuye)
    names = embedded_font_names(data)
    assert any("Noto-Sans-CJK-SC" in n or "NotoSansCJK" in n for n in names), names
    assert has_font_files(data)  # the glyphs travel with the file: prints the same on any computer


def test_it_prints_a_single_page_saying_so_for_a_department_without_staff(client, org):
    empty = DepartmentFactory(code="empty", name="空部门", parent=org.group)
    texts = page_texts(get_pdf(client, org.admin, empty))
    assert len(texts) == 1
    assert "空部门" in texts[0] and "花名册中暂无员工" in texts[0]


def test_it_refuses_the_badge_sheet_of_another_department_to_a_head(client, org):
    client.force_login(org.head_yinshi)
    assert client.get(reverse("org:badge_sheet", args=[org.wuye.pk])).status_code == 404


def test_it_gives_every_badge_an_unguessable_public_code(org):
    codes = list(Staff.objects.values_list("public_code", flat=True))
    assert len(set(codes)) == len(codes)
    assert all(len(code) >= 12 for code in codes)
    assert not any(code.isdigit() for code in codes)


def test_it_hides_the_badge_page_of_someone_who_left_and_unknown_codes(client, org):
    gone = StaffFactory(department=org.wuye, is_active=False)
    assert client.get(gone.get_public_url()).status_code == 404
    assert client.get("/b/not-a-real-code/").status_code == 404


def test_it_shows_on_the_badge_page_the_department_commitments_and_hotline(client, org):
    staff = Staff.objects.get(user=org.staff_wuye)
    response = client.get(staff.get_public_url())
    html = response.content.decode()
    assert "物业员工" in html and "保洁一班" in html
    assert "报修30分钟内响应" in html and "投诉24小时内答复" in html
    assert "饭菜明码标价" not in html  # another department's commitment
    assert "66781315" in html and "hqjt@ouc.edu.cn" in html
    assert staff.phone == "" or staff.phone not in html

