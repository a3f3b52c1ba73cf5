"""Task and Finish actions: analysts record and update them, ward members read their progress."""

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import UserMaker
from tests.support.api import assert_error
from wardapp.core.report import uk_today
from wardapp.core.wards import WardSet

DUE = (uk_today() + timedelta(days=60)).isoformat()


class Hub:
    def __init__(self, client: TestClient, make_user: UserMaker, wards: WardSet) -> None:
        self.client = client
        self.analyst = make_user("analyst.hub", "analyst")
        self.member = make_user("cllr.member", wards=[wards.wards[0].code])
        self.a, self.b, self.c = (w.code for w in wards.wards[:3])

    def create(self, **overrides: Any) -> Any:
        body = {
            "wards": [self.a],
            "title": "Boulders at the field entrance",
            "lead_agency": "Council parks",
            "due_on": DUE,
            **overrides,
        }
        return self.client.post("/v1/actions", json=body, headers=self.analyst)

    def update(self, action_id: int, **body: Any) -> Any:
        return self.client.patch(f"/v1/actions/{action_id}", json=body, headers=self.analyst)

    def of_ward(self, code: str) -> Any:
        return self.client.get(f"/v1/wards/{code}/actions", headers=self.member)


@pytest.fixture
def hub(client: TestClient, make_user: UserMaker, wards: WardSet) -> Hub:
    return Hub(client, make_user, wards)


def test_ward_members_see_an_action_in_each_of_its_wards(hub: Hub) -> None:
    made = hub.create(wards=[hub.a, hub.b, hub.a], note="Agreed at the May tasking meeting.")
    assert made.status_code == 201, made.text
    action = made.json()
    assert action["wards"] == sorted([hub.a, hub.b])
    assert (action["progress"], action["due_on"]) == ("not_started", DUE)

    for code in (hub.a, hub.b):
        listing = hub.of_ward(code)
        assert listing.status_code == 200, listing.text
        (item,) = listing.json()["items"]
        assert (item["title"], item["lead_agency"]) == (
            "Boulders at the field entrance",
            "Council parks",
        )
        assert item["last_update"]["note"] == "Agreed at the May tasking meeting."
        assert item["last_update"]["on"] == uk_today().isoformat()
    assert hub.of_ward(hub.c).json()["items"] == []


def test_updates_build_a_history_newest_first(hub: Hub) -> None:
    action_id = hub.create().json()["id"]
    assert hub.of_ward(hub.a).json()["items"][0]["last_update"] is None
    hub.update(action_id, progress="on_track", note="Contractor booked for the 12th.")
    hub.update(action_id, note="Delayed by rain.", progress="at_risk")
    renamed = hub.update(action_id, title="Boulders and a gate at the field entrance")
    assert renamed.status_code == 200, renamed.text

    (item,) = hub.of_ward(hub.a).json()["items"]
    assert item["title"] == "Boulders and a gate at the field entrance"
    assert item["progress"] == "at_risk"
    assert [(u["note"], u["progress"]) for u in item["updates"]] == [
        ("Delayed by rain.", "at_risk"),
        ("Contractor booked for the 12th.", "on_track"),
    ]
    assert item["last_update"] == item["updates"][0]
    done = hub.update(action_id, progress="done").json()
    assert done["updates"][0] == {**done["updates"][0], "note": "", "progress": "done"}


def test_done_actions_come_after_open_ones_by_due_date(hub: Hub) -> None:
    later = (uk_today() + timedelta(days=90)).isoformat()
    sooner = (uk_today() + timedelta(days=10)).isoformat()
    hub.create(title="Finished", due_on=sooner, progress="done")
    hub.create(title="Later", due_on=later)
    hub.create(title="Sooner", due_on=sooner)
    titles = [i["title"] for i in hub.of_ward(hub.a).json()["items"]]
    assert titles == ["Sooner", "Later", "Finished"]


def test_moving_an_action_between_wards(hub: Hub) -> None:
    action_id = hub.create().json()["id"]
    moved = hub.update(action_id, wards=[hub.b])
    assert moved.json()["wards"] == [hub.b]
    assert hub.of_ward(hub.a).json()["items"] == []
    assert len(hub.of_ward(hub.b).json()["items"]) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"wards": ["E05999999"]}, "wards", "Unknown ward code(s): E05999999"),
        ({"wards": []}, "wards", ""),
        ({"due_on": (uk_today() - timedelta(days=1)).isoformat()}, "due_on", "has passed"),
        ({"due_on": (date.today() + timedelta(days=3000)).isoformat()}, "due_on", "five years"),
        ({"due_on": "next week"}, "due_on", "YYYY-MM-DD"),
        ({"progress": "nearly"}, "progress", "not_started"),
        ({"title": "   "}, "title", ""),
        ({"lead_agency": "x" * 121}, "lead_agency", "at most 120"),
        ({"owner": "me"}, "owner", ""),
    ],
)
def test_a_bad_action_is_refused_with_the_field_to_fix(
    hub: Hub, overrides: dict[str, Any], field: str, words: str
) -> None:
    body = assert_error(hub.create(**overrides), 422)
    assert words in body["fields"][field], body
    assert hub.of_ward(hub.a).json()["items"] == []


def test_bad_updates_change_nothing(hub: Hub) -> None:
    action_id = hub.create().json()["id"]
    assert "body" in assert_error(hub.update(action_id), 422)["fields"]
    assert "wards" in assert_error(hub.update(action_id, wards=["nope"]), 422)["fields"]
    assert "progress" in assert_error(hub.update(action_id, progress="late"), 422)["fields"]
    (item,) = hub.of_ward(hub.a).json()["items"]
    assert (item["progress"], item["updates"]) == ("not_started", [])


@pytest.mark.parametrize("action_id", ["999", "0", "99999999999999999999", "-5"])
def test_unknown_actions_are_not_found(hub: Hub, action_id: str) -> None:
    response = hub.client.patch(
        f"/v1/actions/{action_id}", json={"note": "hello"}, headers=hub.analyst
    )
    assert_error(response, 404, 422)


def test_unknown_ward_is_not_found(hub: Hub) -> None:
    assert assert_error(hub.of_ward("E05999999"), 404)["error"] == "not_found"
