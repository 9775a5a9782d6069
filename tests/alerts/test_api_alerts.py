"""The alert inbox and the rule catalogue over HTTP (api.md, "Alerts")."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from alerts.models import Alert, AlertEvidence
from alerts.rules import RULES, Rule
from logs import vocab
from tests.factories import client_for, make_alert, make_event, make_person, make_user, share

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
ALERT_FIELDS = {
    "id", "person", "rule", "urgency", "title", "message", "advice", "source", "body_site", "side",
    "evidence", "status", "first_seen_at", "last_evidence_at", "updated_at",
}
# rules.md, "Rules": every code the catalogue must list.
RULE_CODES = {
    "infant_fever_young", "limb_not_moving", "hot_swollen_joint", "pain_after_sound", "persistent_crepitus",
    "hip_clunk", "hip_asymmetry", "hip_click_risk_factors", "one_sided_limb_avoidance", "painful_pop",
    "joint_locking", "rising_pain", "pops_despite_reduced_rom", "arching_during_leg_raise",
    "cauda_equina_signs", "progressive_leg_weakness", "back_pain_with_fever", "radiating_leg_pain",
    "back_pain_beyond_a_week",
}
# Token lookup, page count, the page of alerts, the evidence of the whole page.
LIST_QUERIES = 4


def url(alert=None):
    return "/api/v1/alerts/" if alert is None else f"/api/v1/alerts/{alert.pk}/"


def ids(response):
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def alert(person):
    return make_alert(person)


@pytest.fixture
def stranger(db):
    return client_for(make_user("stranger"))


def caregiver(person, role):
    user = make_user(f"{role}1")
    share(person, user, role)
    return client_for(user)


# --- Reading ---------------------------------------------------------------------


def test_list_shows_alerts_of_people_the_caller_cares_for_only(api, person, alert):
    other = make_person(make_user("other"), name="Kim")
    make_alert(other)
    viewer = caregiver(person, vocab.Role.VIEWER)

    answer = api.get(url())

    assert answer.status_code == 200
    assert answer.json()["count"] == 1
    assert ids(answer) == [alert.pk]
    assert ids(viewer.get(url())) == [alert.pk]


def test_retrieve_has_every_contract_field(api, person):
    early = make_event(person, occurred_at=T0, side="left")
    late = make_event(person, occurred_at=T0 + timedelta(days=2), side="left")
    alert = make_alert(person, [late, early])

    body = api.get(url(alert)).json()

    assert ALERT_FIELDS <= set(body)
    assert body["person"] == person.pk
    assert body["rule"] == "persistent_crepitus"
    assert (body["urgency"], body["status"]) == ("soon", "open")
    assert (body["body_site"], body["side"]) == ("knee", "left")
    assert body["evidence"] == [early.pk, late.pk]
    assert body["disclaimer"] == "Popwatch is not a diagnosis. If you are worried, contact a health professional."
    assert datetime.fromisoformat(body["last_evidence_at"]) == late.occurred_at


def test_person_keyed_alert_shows_no_site_or_side(api, person):
    alert = make_alert(person, rule="radiating_leg_pain", body_site="", side="")

    body = api.get(url(alert)).json()

    assert (body["body_site"], body["side"]) == (None, None)


def test_evidence_is_oldest_first_with_ties_by_id(api, person):
    newest = make_event(person, occurred_at=T0 + timedelta(hours=5))
    tie_a = make_event(person, occurred_at=T0)
    tie_b = make_event(person, occurred_at=T0)
    alert = make_alert(person, [newest, tie_b, tie_a])

    assert api.get(url(alert)).json()["evidence"] == [tie_a.pk, tie_b.pk, newest.pk]
    assert api.get(url()).json()["results"][0]["evidence"] == [tie_a.pk, tie_b.pk, newest.pk]


def test_list_is_most_urgent_first_then_newest(api, person):
    def at(days, **fields):
        return make_alert(person, [make_event(person, occurred_at=T0 + timedelta(days=days))], **fields)

    tip = at(9, rule="hip_click_risk_factors", urgency="tip")
    soon_old = at(1, rule="rising_pain", urgency="soon")
    soon_new = at(5, rule="painful_pop", urgency="soon")
    soon_tied = at(5, rule="joint_locking", urgency="soon")  # same time as soon_new: newer id first
    urgent = at(0, rule="hot_swollen_joint", urgency="urgent")
    emergency = at(2, rule="cauda_equina_signs", urgency="emergency")

    assert ids(api.get(url())) == [emergency.pk, urgent.pk, soon_tied.pk, soon_new.pk, soon_old.pk, tip.pk]


@pytest.mark.parametrize("count", [5, 50])
def test_listing_costs_the_same_queries_for_5_or_50_alerts(api, person, count, django_assert_num_queries):
    for n in range(count):
        events = [make_event(person, occurred_at=T0 + timedelta(hours=n, minutes=m)) for m in range(2)]
        make_alert(person, events, rule=f"rule_{n}")

    with django_assert_num_queries(LIST_QUERIES):
        answer = api.get(url())

    assert len(answer.json()["results"]) == count
    assert all(len(item["evidence"]) == 2 for item in answer.json()["results"])


# --- Filters ---------------------------------------------------------------------


def test_filters_by_person_status_urgency_and_rule(api, owner, person):
    sibling = make_person(owner, name="Alex")
    crepitus = make_alert(person)
    locking = make_alert(person, rule="joint_locking", urgency="urgent", status="acknowledged")
    theirs = make_alert(sibling, rule="joint_locking", urgency="urgent")

    assert set(ids(api.get(url(), {"person": person.pk}))) == {crepitus.pk, locking.pk}
    assert ids(api.get(url(), {"status": "acknowledged"})) == [locking.pk]
    assert set(ids(api.get(url(), {"urgency": "urgent"}))) == {locking.pk, theirs.pk}
    assert ids(api.get(url(), {"rule": "joint_locking", "person": sibling.pk})) == [theirs.pk]
    assert ids(api.get(url(), {"rule": "no_such_rule"})) == []


@pytest.mark.parametrize("query", [{"status": "closed"}, {"urgency": "high"}, {"person": "x"}])
def test_invalid_filter_values_answer_400(api, alert, query):
    answer = api.get(url(), query)

    assert answer.status_code == 400
    assert set(answer.json()) == set(query)


def test_filtering_by_a_person_the_caller_cannot_see_answers_404(person, alert, stranger):
    assert stranger.get(url(), {"person": person.pk}).status_code == 404
    assert stranger.get(url(), {"person": 10**12}).status_code == 404


# --- Who may see and change --------------------------------------------------------


def test_anonymous_gets_401(alert):
    anonymous = client_for(None)

    assert anonymous.get(url()).status_code == 401
    assert anonymous.get(url(alert)).status_code == 401
    assert anonymous.patch(url(alert), {"status": "dismissed"}).status_code == 401
    assert anonymous.get("/api/v1/rules/").status_code == 401


def test_a_stranger_gets_404_and_changes_nothing(alert, stranger):
    assert stranger.get(url(alert)).status_code == 404
    assert stranger.patch(url(alert), {"status": "dismissed"}).status_code == 404
    assert ids(stranger.get(url())) == []
    alert.refresh_from_db()
    assert alert.status == "open"


def test_a_viewer_reads_but_cannot_change_status(person, alert):
    viewer = caregiver(person, vocab.Role.VIEWER)

    assert viewer.get(url(alert)).status_code == 200
    assert viewer.patch(url(alert), {"status": "acknowledged"}).status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"


@pytest.mark.parametrize("role", [vocab.Role.OWNER, vocab.Role.EDITOR])
def test_owner_or_editor_acknowledges_and_dismisses(api, person, alert, role):
    client = api if role == vocab.Role.OWNER else caregiver(person, role)

    acknowledged = client.patch(url(alert), {"status": "acknowledged"})
    alert.refresh_from_db()
    assert acknowledged.status_code == 200
    assert acknowledged.json()["status"] == "acknowledged"
    assert (alert.status, alert.closed_at) == ("acknowledged", None)

    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        dismissed = client.patch(url(alert), {"status": "dismissed"})
    alert.refresh_from_db()
    assert dismissed.status_code == 200
    assert (alert.status, alert.closed_at) == ("dismissed", T0 + timedelta(days=30))


def test_acknowledging_lowers_the_persons_open_alert_count(api, person, alert):
    api.patch(url(alert), {"status": "acknowledged"})

    assert api.get(f"/api/v1/persons/{person.pk}/").json()["open_alerts"] == 0


def test_resolving_a_dismissed_alert_keeps_when_it_was_closed(api, person):
    alert = make_alert(person, status="dismissed", closed_at=T0)

    answer = api.patch(url(alert), {"status": "resolved"})

    alert.refresh_from_db()
    assert answer.status_code == 200
    assert (alert.status, alert.closed_at) == ("resolved", T0)


def test_reopening_clears_closed_at(api, person):
    alert = make_alert(person, status="dismissed", closed_at=T0)

    answer = api.patch(url(alert), {"status": "open"})

    alert.refresh_from_db()
    assert answer.status_code == 200
    assert (alert.status, alert.closed_at) == ("open", None)


def test_reopening_when_the_key_has_an_active_alert_answers_400(api, person):
    closed = make_alert(person, status="dismissed", closed_at=T0)
    make_alert(person, status="acknowledged")  # same person, rule, site and side

    answer = api.patch(url(closed), {"status": "acknowledged"})

    assert answer.status_code == 400
    assert list(answer.json()) == ["status"]
    closed.refresh_from_db()
    assert (closed.status, closed.closed_at) == ("dismissed", T0)


def test_an_unknown_status_answers_400(api, alert):
    answer = api.patch(url(alert), {"status": "closed"})

    assert answer.status_code == 400
    assert list(answer.json()) == ["status"]


def test_only_status_is_writable(api, alert):
    answer = api.patch(url(alert), {"status": "acknowledged", "urgency": "tip", "rule": "hip_clunk"})

    alert.refresh_from_db()
    assert answer.status_code == 200
    assert (alert.status, alert.urgency, alert.rule) == ("acknowledged", "soon", "persistent_crepitus")


def test_put_post_and_delete_are_not_allowed(api, person, alert):
    assert api.put(url(alert), {"status": "dismissed"}).status_code == 405
    assert api.post(url(), {"person": person.pk, "rule": "hip_clunk"}).status_code == 405
    assert api.delete(url(alert)).status_code == 405
    assert Alert.objects.filter(pk=alert.pk, status="open").exists()


# --- The rule catalogue ------------------------------------------------------------


def test_rules_list_every_registered_rule_with_its_fields(api):
    answer = api.get("/api/v1/rules/")

    assert answer.status_code == 200
    by_code = {item["code"]: item for item in answer.json()}
    assert set(by_code) == set(RULES)
    for code, rule in RULES.items():
        assert by_code[code] == {
            "code": code, "urgency": rule.urgency, "tiers": list(rule.tiers), "title": rule.title,
            "description": rule.description, "advice": rule.advice, "source": rule.source,
        }
        assert rule.urgency in vocab.Urgency.values and rule.urgency in rule.tiers


def test_rules_are_most_urgent_first_then_by_code(api, monkeypatch):
    def fake(code, urgency):
        monkeypatch.setitem(RULES, code, Rule(code, urgency, (urgency,), "t", "d", "m", "a", "s", check=list))

    fake("zz_tip", "tip")
    fake("aa_soon", "soon")
    fake("bb_emergency", "emergency")
    fake("ab_soon", "soon")

    codes = [item["code"] for item in api.get("/api/v1/rules/").json()]

    assert [c for c in codes if c in {"zz_tip", "aa_soon", "bb_emergency", "ab_soon"}] == [
        "bb_emergency", "aa_soon", "ab_soon", "zz_tip",
    ]
    ranks = [vocab.Urgency.rank(RULES[c].urgency) for c in codes]
    assert ranks == sorted(ranks, reverse=True)


def test_rules_list_exactly_the_codes_of_rules_md(api):
    codes = {item["code"] for item in api.get("/api/v1/rules/").json()}

    assert codes == RULE_CODES
