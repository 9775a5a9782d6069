"""A share link from end to end in the browser: the owner makes one on the export page, copies it
(or shows its QR code), a doctor opens it without an account and downloads the PDF, and once
revoked it opens nothing."""

import re

from playwright.sync_api import expect

from tests.e2e import helpers

SMALLEST_PHONE = {"width": 320, "height": 640}


def test_a_link_made_copied_opened_and_revoked(page, context, browser, signed_in, server, axe_source):
    demo = helpers.seed_demo()
    signed_in(demo.user)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)

    page.goto(f"/people/{demo.infant.pk}/export/")
    page.get_by_role("link", name="Last 3 months").tap()
    page.get_by_role("button", name="Make a link").tap()

    link = page.get_by_label("Link to the report")
    expect(link).to_have_value(re.compile(rf"^{re.escape(server)}/share/[\w-]{{43}}/$"))
    url = link.input_value()
    expect(page.get_by_role("img", name="QR code of the link")).to_be_visible()
    page.get_by_role("button", name="Copy the link").tap()
    expect(page.get_by_role("status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == url
    helpers.screenshot(page, "export-new-link-light")
    page.set_viewport_size(SMALLEST_PHONE)
    problems = {
        "refused by the Content-Security-Policy": refused,
        "scrolls sideways at 320 px": helpers.overflow(page),
        "small tap targets": helpers.small_tap_targets(page),
        "axe": helpers.axe_violations(page, axe_source),
    }
    assert not any(problems.values()), helpers.readable(problems)

    doctor = browser.new_context(base_url=server)
    report = doctor.new_page()
    report.goto(url)
    expect(report.get_by_role("heading", level=1)).to_have_text("Popwatch report: Maya")
    with report.expect_download() as download:
        report.get_by_role("link", name="Download the PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_role("button", name="Revoke").first.tap()
    expect(page.get_by_text("The link is revoked")).to_be_visible()
    assert report.goto(url).status == 404
    doctor.close()
