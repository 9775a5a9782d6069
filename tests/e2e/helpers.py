"""What the browser tests share: signing in, counting taps, the layout and accessibility checks, screenshots."""

import json
import re
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.management import call_command
from django.test import Client

from alerts import engine
from logs.models import Person, User

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-output" / "screenshots"
SAVE = re.compile(r"^\s*Save\b")  # web.md: the button that saves a form is named Save (may go on)
MIN_TARGET = 44  # CSS px, web.md
# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")


# --- People and data ------------------------------------------------------------

def sign_in(context, base_url, user):
    """Give the browser context a session of ``user`` without going through the log-in page."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


def seed_demo():
    """The demo account as ``manage.py seed_demo`` makes it, with its people scanned (their alerts exist)."""
    call_command("seed_demo", stdout=StringIO())
    user = User.objects.get(username="demo")
    people = {person.name: person for person in Person.objects.filter(caregivers__user=user)}
    for person in people.values():
        engine.scan(person.pk)
    return SimpleNamespace(user=user, infant=people["Maya"], exerciser=people["Alex"], back_pain=people["Jordan"])


# --- Acting as a person ---------------------------------------------------------

class Taps:
    """Taps the user makes, counted: ``taps(locator)`` taps it (the quick log promises three)."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        locator.tap()
        self.count += 1


def choice(page, name, value):
    """The label a person taps to pick ``value`` of the radio or checkbox group ``name``."""
    control = page.locator(f'input[name="{name}"][value="{value}"]')
    control_id = control.get_attribute("id")
    if control_id:
        return page.locator(f'label[for="{control_id}"]')
    return page.locator("label", has=control)


def reveal(page, name):
    """Open the closed details holding the field ``name``, outermost first, as a person taps their summaries."""
    details = page.locator(f'details:has([name="{name}"])')
    for index in range(details.count()):
        if details.nth(index).get_attribute("open") is None:
            details.nth(index).locator("> summary").tap()


def choose(page, name, value):
    """Pick ``value`` for the field ``name``, whether it is drawn as tiles (radios) or a drop-down."""
    if page.locator(f'select[name="{name}"]').count():
        page.locator(f'select[name="{name}"]').select_option(value)
    else:
        choice(page, name, value).tap()


def save_button(scope):
    return scope.get_by_role("button", name=SAVE)


def log_in_through_the_form(page, username, password):
    """Fill the log-in page in front of the user (allauth's fields: ``login`` and ``password``)."""
    page.locator('input[name="login"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        page.locator('form:has(input[name="login"]) [type="submit"]').tap()


# --- Layout and accessibility checks -------------------------------------------

OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5 && el.checkVisibility())
    .slice(0, 5)
    .map(el => el.outerHTML.slice(0, 120));
  return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""

# Every visible control a finger hits: buttons, fields, summaries, links (not a link
# in the running text of a paragraph), and for radios and checkboxes their label.
TAP_TARGETS_JS = """(minimum) => {
  const targets = new Set();
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    if (el.disabled || el.type === 'hidden') continue;
    if (el.matches('a') && el.closest('p') && getComputedStyle(el).display === 'inline') continue;
    const radioOrCheckbox = el.matches('input[type=radio], input[type=checkbox]');
    targets.add(radioOrCheckbox && el.labels && el.labels.length ? el.labels[0] : el);
  }
  const small = [];
  for (const el of targets) {
    const box = el.getBoundingClientRect();
    const shown = el.checkVisibility({visibilityProperty: true}) && box.width > 0 && box.height > 0;
    if (!shown || box.right <= 0 || box.bottom <= 0) continue;  // hidden, or off-screen (a skip link)
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40);
      small.push(`${Math.round(box.width)}x${Math.round(box.height)} <${el.tagName.toLowerCase()}`
        + (el.id ? ` id="${el.id}"` : '') + (el.name ? ` name="${el.name}"` : '')
        + (el.className ? ` class="${el.className}"` : '') + `> ${JSON.stringify(text)}`
        + (el.parentElement.closest('[id]') ? ` in #${el.parentElement.closest('[id]').id}` : ''));
    }
  }
  return small;
}"""

AXE_JS = """async ([tags, impacts]) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), why: n.failureSummary})),
    more: Math.max(0, v.nodes.length - 5),
  }));
}"""


def overflow(page):
    """Why the page scrolls sideways, or None."""
    found = page.evaluate(OVERFLOW_JS)
    if found["scrollWidth"] <= found["width"]:
        return None
    return f"{found['scrollWidth']} px wide in a {found['width']} px window; too wide: {found['wide']}"


def small_tap_targets(page):
    return page.evaluate(TAP_TARGETS_JS, MIN_TARGET)


def axe_violations(page, axe_source):
    """axe-core's serious and critical WCAG A/AA violations on the page, as readable lines.

    Evaluated through the DevTools protocol: the pages' CSP (script-src 'self')
    refuses an injected <script>, not this. The window is as tall as the page
    meanwhile: axe's target-size rule takes a sticky element (the Save bar) for one
    covering the controls it passes over while scrolling (dequelabs/axe-core#3720).
    """
    window = page.viewport_size
    lay_out_in_full(page)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    found = page.evaluate(AXE_JS, [AXE_TAGS, list(BLOCKING_IMPACTS)])
    page.set_viewport_size(window)
    lines = []
    for violation in found:
        lines.append(f"{violation['impact']} {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node['why']}".replace("\n", " / "))
        if violation["more"]:
            lines.append(f"    and {violation['more']} more")
    return lines


def lay_out_in_full(page):
    """Make the window as tall as the page, so that a sticky bar (Save) sits where the page ends."""
    height = page.evaluate("() => document.documentElement.scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": max(height, page.viewport_size["height"])})


def screenshot(page, name):
    """``test-output/screenshots/<name>.png`` at the repository's root: the whole page, laid out in full."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window = page.viewport_size
    lay_out_in_full(page)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")
    page.set_viewport_size(window)


def readable(problems):
    return json.dumps(problems, indent=2, ensure_ascii=False)
