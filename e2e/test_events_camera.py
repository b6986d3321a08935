"""Browser journey: check-in with the phone's camera. Chromium's fake camera is fed a video of a ticket's QR code
(a .y4m file made here with segno and Pillow); the page reads it with jsQR (served from the site, from npm), the
ticket is checked in at once and recorded once on the server — also while the code stays in front of the camera."""

import datetime as dt
import io

import pytest
import segno
from PIL import Image
from playwright.sync_api import expect

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, login
from e2e.foundation import ConsoleWatch, no_horizontal_overflow
from qualityservice.events.models import CheckIn, Registration
from qualityservice.events.tests.helpers import make_event, visitor

pytestmark = pytest.mark.django_db(transaction=True)
WIDTH, HEIGHT = 640, 480


def write_y4m(path, text: str, frames: int = 10) -> None:
    """A few seconds of a still picture of ``text``'s QR code, as Chromium's fake camera reads it (YUV4MPEG2, 4:2:0)."""
    qr = segno.make(text, error="m")
    picture = Image.new("L", (WIDTH, HEIGHT), 255)
    png = io.BytesIO()
    qr.save(png, kind="png", scale=1, border=4)
    code = Image.open(io.BytesIO(png.getvalue())).convert("L")
    side = min(WIDTH, HEIGHT) - 40
    code = code.resize((side, side), Image.NEAREST)
    picture.paste(code, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    y, cb, cr = picture.convert("RGB").convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    frame = b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F5:1 Ip A1:1 C420jpeg\n".encode() + frame * frames)


@pytest.fixture
def camera_phone(playwright):
    """Opens a phone-sized context in a Chromium of its own whose (fake) camera shows the video file given."""
    made = {}

    def open_phone(video_path):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video_path}"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                      has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai")
        made["browser"] = browser
        return context

    yield open_phone
    if "browser" in made:
        made["browser"].close()


def test_door_staff_check_a_ticket_in_by_showing_its_qr_code_to_the_camera(camera_phone, live_server, org, tmp_path):
    event = make_event(org, title="设施参观", capacity=10, starts_in=dt.timedelta(hours=1))
    session = event.sessions.get()
    ticket = visitor(session, 1)
    visitor(session, 2)
    video = tmp_path / "ticket.y4m"
    write_y4m(video, f"{live_server.url}{ticket.get_ticket_url()}")  # the QR code of the ticket page holds its address
    context = camera_phone(video)
    context.grant_permissions(["camera"], origin=live_server.url)
    phone = context.new_page()
    watch = ConsoleWatch(phone)
    login(phone, live_server, org.staff_wuye.username, org.password)
    phone.goto(f"{live_server.url}/staff/events/sessions/{session.pk}/checkin/")
    expect(phone.get_by_test_id("checkin-network")).to_contain_text("本机已存票券 2 张")
    button = phone.get_by_test_id("camera")
    expect(button).to_be_visible()  # jsQR is there: the camera is offered even without a BarcodeDetector
    button.click()
    expect(phone.locator("[data-checkin]")).to_have_attribute("data-camera", "on")
    result = phone.get_by_test_id("checkin-result")
    expect(result).to_have_attribute("data-outcome", "accepted", timeout=15000)
    expect(result).to_contain_text("访客1")
    expect(phone.get_by_test_id("scan-recorded")).to_have_count(1, timeout=15000)
    phone.wait_for_timeout(1500)  # the code stays in front of the camera: still one scan
    expect(phone.get_by_test_id("recent-scan")).to_have_count(1)
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/events-checkin-camera.png", full_page=True)
    button.click()
    expect(phone.locator("[data-checkin]")).to_have_attribute("data-camera", "off")
    assert list(CheckIn.objects.values_list("registration_id", "outcome")) == [(ticket.pk, "accepted")]
    assert Registration.objects.get(pk=ticket.pk).status == "attended"
    assert watch.csp_violations() == []
