"""The installed app: manifest, icons, service worker, offline page, and the queue's server side.

The queue itself (IndexedDB, Background Sync, the "Waiting to sync" list) runs in
a browser and is tested in tests/e2e/; here is what it relies on from the server.
"""

import json
import struct
import zlib
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains

from logs import vocab
from logs.models import Event
from tests.factories import make_person, make_user, share
from tracker import pwa

BULK = "/api/v1/events/bulk/"


@pytest.fixture(autouse=True)
def static_read_afresh():
    pwa.forget_static()
    yield
    pwa.forget_static()


def signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


# --- Icons: PNG files with the sizes the manifest declares ----------------------


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def png_pixels(data):
    """Rows of (r, g, b, a) of an 8-bit RGBA PNG, undoing the five row filters."""
    width, height = png_size(data)
    assert data[24:26] == bytes([8, 6]), "8-bit RGBA"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    raw, stride, rows, previous = zlib.decompress(b"".join(chunks)), width * 4, [], bytes(width * 4)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left, up = line[x - 4] if x >= 4 else 0, previous[x]
            corner = previous[x - 4] if x >= 4 else 0
            guess = left + up - corner
            paeth = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))[2]
            line[x] = (line[x] + (0, left, up, (left + up) // 2, paeth)[kind]) & 0xFF
        rows.append([tuple(line[i : i + 4]) for i in range(0, stride, 4)])
        previous = bytes(line)
    return rows


def static_file(url):
    path = finders.find(url.removeprefix(static("")))
    assert path, f"{url} is not a static file"
    with open(path, "rb") as file:
        return file.read()


# --- Manifest ---------------------------------------------------------------------


def test_the_manifest_is_json_served_fresh_with_the_apps_identity(db):
    answer = Client().get("/manifest.webmanifest")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/manifest+json"
    assert "no-cache" in answer["Cache-Control"]
    manifest = json.loads(answer.content)
    assert manifest["name"] == "Popwatch" and manifest["short_name"] and manifest["description"]
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    # The colours of static/css/app.css.
    assert (manifest["theme_color"], manifest["background_color"]) == ("#0b5cad", "#f6f7f9")


def test_the_manifests_icons_exist_with_their_declared_sizes(db):
    icons = json.loads(Client().get("/manifest.webmanifest").content)["icons"]

    declared = {(icon["sizes"], icon.get("purpose", "any")) for icon in icons}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= declared
    for icon in icons:
        assert icon["type"] == "image/png"
        width, height = png_size(static_file(icon["src"]))
        assert icon["sizes"] == f"{width}x{height}"


def test_the_maskable_icon_is_opaque_and_keeps_its_mark_in_the_safe_zone(db):
    icons = json.loads(Client().get("/manifest.webmanifest").content)["icons"]
    maskable = next(icon for icon in icons if icon.get("purpose") == "maskable")
    rows = png_pixels(static_file(maskable["src"]))

    size = len(rows)
    background = rows[0][0]
    assert all(pixel[3] == 255 for row in rows for pixel in row)
    # A mask may cut everything outside the central circle of 80 % of the width.
    outside = [
        rows[y][x] for y in range(size) for x in range(size)
        if (x + 0.5 - size / 2) ** 2 + (y + 0.5 - size / 2) ** 2 > (0.4 * size) ** 2
    ]
    assert set(outside) == {background}
    assert any(pixel != background for row in rows for pixel in row)


def test_signed_out_the_shortcut_opens_the_home_page(db):
    shortcuts = json.loads(Client().get("/manifest.webmanifest").content)["shortcuts"]

    assert [shortcut["url"] for shortcut in shortcuts] == ["/"]


def test_shortcuts_open_the_quick_log_of_at_most_four_people_the_user_may_log_for(owner):
    mine = [make_person(owner, name=name) for name in ("Eve", "Ada", "Cy", "Bo", "Dee")]
    someone = make_user("nadia")
    shared_to_edit = make_person(someone, name="Abe")
    share(shared_to_edit, owner, vocab.Role.EDITOR)
    shared_to_view = make_person(someone, name="Aaron")
    share(shared_to_view, owner, vocab.Role.VIEWER)

    shortcuts = json.loads(signed_in(owner).get("/manifest.webmanifest").content)["shortcuts"]

    by_name = {person.name: person for person in [*mine, shared_to_edit]}
    assert [shortcut["short_name"] for shortcut in shortcuts] == ["Abe", "Ada", "Bo", "Cy"]
    assert [shortcut["url"] for shortcut in shortcuts] == [
        f"/people/{by_name[name].pk}/log/" for name in ("Abe", "Ada", "Bo", "Cy")
    ]
    assert shortcuts[0]["name"] == "Log for Abe"


def test_a_name_with_quotes_and_markup_stays_valid_json(owner):
    name = 'Robin "Bean" \\ </script> & co'
    make_person(owner, name=name)

    manifest = json.loads(signed_in(owner).get("/manifest.webmanifest").content)

    assert manifest["shortcuts"][0]["short_name"] == name


def test_the_manifest_costs_a_constant_number_of_queries(owner, django_assert_max_num_queries):
    for name in "ABCDEFGH":
        make_person(owner, name=name)
    client = signed_in(owner)

    with django_assert_max_num_queries(3):  # session, user, people
        client.get("/manifest.webmanifest")


# --- Service worker -----------------------------------------------------------------


def test_the_service_worker_is_javascript_served_fresh_for_the_whole_site(db):
    answer = Client().get("/sw.js")

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/javascript")
    assert "no-cache" in answer["Cache-Control"]
    assert answer["Service-Worker-Allowed"] == "/"


def precache_list(script):
    start = script.index("const PRECACHE = ") + len("const PRECACHE = ")
    return json.loads(script[start : script.index(";", start)])


def test_the_service_worker_names_its_version_and_precaches_the_static_files_and_the_offline_page(db):
    script = Client().get("/sw.js").content.decode()

    assert f'const VERSION = "{pwa.cache_version()}";' in script
    precached = precache_list(script)
    expected = ["css/app.css", "js/app.js", "js/offline-queue.js", "icons/icon-192.png",
                "icons/icon-512.png", "icons/icon-maskable-512.png"]
    assert {static(path) for path in expected} <= set(precached)
    assert "/offline/" in precached
    assert all(url.startswith("/static/") or url == "/offline/" for url in precached)


@pytest.fixture
def own_static(tmp_path, settings):
    """A static folder of the test's own (with the app folders' files found as usual)."""
    for path, content in {
        "css/app.css": b"body { color: black; }",
        "js/app.js": b"// every page",
        "icons/icon-192.png": b"not really a png",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    settings.STATICFILES_DIRS = [tmp_path]
    pwa.forget_static()
    return tmp_path


def served_version():
    script = Client().get("/sw.js").content.decode()
    return script.split('const VERSION = "', 1)[1].split('"', 1)[0]


def test_the_version_changes_when_a_precached_files_content_changes(own_static):
    before = served_version()
    assert served_version() == before

    (own_static / "css" / "app.css").write_bytes(b"body { color: navy; }")
    assert served_version() == before  # read once per process
    pwa.forget_static()

    assert served_version() != before


def test_the_version_ignores_files_it_does_not_cache(own_static):
    before = served_version()

    (own_static / "notes.txt").write_text("not cached")
    pwa.forget_static()

    assert served_version() == before


def test_the_worker_never_caches_the_api_accounts_or_admin(db):
    script = Client().get("/sw.js").content.decode()

    assert 'const NEVER_CACHED = ["/api/", "/accounts/", "/admin/"];' in script
    assert 'if (request.method !== "GET")' in script
    assert 'event.tag === SYNC_TAG' in script and 'const SYNC_TAG = "popwatch-queue";' in script


# --- Offline page -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "owner"])
def test_the_offline_page_says_so_and_lists_what_waits_to_sync(who, owner):
    client = Client() if who == "anonymous" else signed_in(owner)

    answer = client.get("/offline/")

    assertContains(answer, "<h1>You are offline</h1>", html=True)
    content = answer.content.decode()
    assert "data-waiting-list" in content and "Waiting to sync" in content
    assert f'src="{static("js/offline-queue.js")}"' in content
    assertContains(answer, '<a class="button button--quiet" href="/">Back to my people</a>', html=True)


def test_the_waiting_list_knows_the_users_time_zone(db):
    user = make_user("tess", timezone="Europe/Paris")

    answer = signed_in(user).get("/offline/")

    assert 'data-timezone="Europe/Paris"' in answer.content.decode()


# --- The queue's server side: a session-authenticated bulk POST with the CSRF token ---


def queued_body(person, **fields):
    """An event as static/js/offline-queue.js sends it (every key it may write)."""
    return {
        "person": person.pk,
        "client_id": str(uuid4()),
        "occurred_at": (timezone.now() - timedelta(minutes=5)).astimezone(timezone.get_fixed_timezone(120)).isoformat(),
        "signs": [],
        "body_site": "hip",
        "side": "left",
        "sound": "click",
        "activity": "diaper_change",
        "radiates": "none",
        "pain": None,
        "pain_quality": None,
        "workout": None,
        "temperature_c": 37.2,
        "note": "",
        **fields,
    }


def page_session(user):
    """A browser-like client: signed in, with the csrftoken cookie a page sets."""
    client = signed_in(user, enforce_csrf_checks=True)
    client.get("/offline/")
    return client, client.cookies["csrftoken"].value


def sync(client, token, bodies):
    return client.post(BULK, json.dumps(bodies), content_type="application/json", HTTP_X_CSRFTOKEN=token)


def test_a_queued_batch_is_stored_once_and_its_replay_answers_duplicate(owner, person):
    sibling = make_person(make_user("nadia"), name="Nora", life_stage="infant")
    share(sibling, owner, vocab.Role.EDITOR)
    bodies = [queued_body(person), queued_body(person, sound="pop"), queued_body(sibling)]
    client, token = page_session(owner)

    first = sync(client, token, bodies)
    replay = sync(client, token, bodies)  # the answer to the first was lost: the page sends again

    assert first.status_code == replay.status_code == 200
    assert [r["status"] for r in first.json()] == ["created"] * 3
    assert [r["status"] for r in replay.json()] == ["duplicate"] * 3
    assert [r["client_id"] for r in replay.json()] == [body["client_id"] for body in bodies]
    assert Event.objects.count() == 3
    stored = Event.objects.get(client_id=bodies[0]["client_id"])
    assert (stored.person, stored.created_by, stored.temperature_c) == (person, owner, Decimal("37.2"))


def test_an_invalid_item_is_answered_with_its_errors_and_the_others_stored(owner, person):
    client, token = page_session(owner)
    too_late = (timezone.now() + timedelta(hours=1)).isoformat()

    answer = sync(client, token, [queued_body(person), queued_body(person, occurred_at=too_late)])

    results = answer.json()
    assert [r["status"] for r in results] == ["created", "invalid"]
    assert "occurred_at" in results[1]["errors"]
    assert Event.objects.count() == 1


def test_without_the_csrf_token_nothing_is_stored(owner, person):
    client, _ = page_session(owner)

    answer = sync(client, "", [queued_body(person)])

    assert answer.status_code == 403
    assert not Event.objects.exists()


def test_an_expired_session_is_refused_and_nothing_is_stored(owner, person):
    client, token = page_session(owner)
    client.logout()

    answer = sync(client, token, [queued_body(person)])

    assert answer.status_code in (401, 403)  # the queue then shows "Log in to sync"
    assert not Event.objects.exists()
