"""Learned phrasings over HTTP: staff list them per entry; administrators remove a wrong one
(audited, and the search stops using it before the response returns); precise 4xx."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.audit.service import entries_for
from api.faq.knowledge import knowledge_cache
from api.faq.learning import import_phrasing
from api.faq.learning_models import LearnedPhrasing
from api.staff.models import StaffRole
from api.staff.service import add_staff

PASSWORD = "correct horse battery staple"
LEARNED = "道が暗くて怖い"  # the search alone only clarifies (F3 or F4)


@pytest.fixture
def learned(seeded: Session) -> LearnedPhrasing:
    phrasing = import_phrasing(
        seeded, knowledge_cache.get(seeded).index, faq_id="F4", question=LEARNED
    )
    assert isinstance(phrasing, LearnedPhrasing)
    add_staff(seeded, "road-sato", PASSWORD, StaffRole.department_staff, ["roads"], actor="test")
    add_staff(seeded, "callcenter-ito", PASSWORD, StaffRole.call_center, [], actor="test")
    seeded.commit()
    return phrasing


@pytest.fixture
def login(client: TestClient) -> Callable[[str], dict[str, str]]:
    def sign_in(username: str) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return sign_in


def answer(client: TestClient, query: str) -> dict:
    return client.post("/api/v1/faq/answer", json={"query": query}).json()


def test_staff_list_an_entrys_phrasings(
    client: TestClient, learned: LearnedPhrasing, auth: dict[str, str], login: Callable
) -> None:
    for headers in (auth, login("road-sato"), login("callcenter-ito")):
        response = client.get("/api/v1/faq/F4/phrasings", headers=headers)
        assert response.status_code == 200, response.text
        [item] = response.json()
        assert item["id"] == learned.id and item["text"] == LEARNED
        assert (item["source"], item["state"], item["confirmations"]) == ("import", "active", 0)
        assert item["activated_at"] and item["removed_by"] is None
    assert client.get("/api/v1/faq/F1/phrasings", headers=auth).json() == []
    missing = client.get("/api/v1/faq/NOPE/phrasings", headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/faq/F4/phrasings").status_code == 401


def test_an_administrator_removes_a_phrasing_and_the_search_stops_using_it(
    client: TestClient, seeded: Session, learned: LearnedPhrasing, auth: dict[str, str]
) -> None:
    assert answer(client, LEARNED) == {"decision": "answer", "faq_ids": ["F4"]}
    url = f"/api/v1/faq/F4/phrasings/{learned.id}"
    assert client.delete(url, headers=auth).status_code == 204
    assert answer(client, LEARNED)["decision"] == "clarify"
    [item] = client.get("/api/v1/faq/F4/phrasings", headers=auth).json()
    assert (item["state"], item["removed_by"]) == ("removed", "admin") and item["removed_at"]
    [entry] = [e for e in entries_for(seeded, "faq", "F4") if e.action == "faq.phrasing_removed"]
    assert entry.actor == "admin" and entry.before["state"] == "active"
    assert entry.after["state"] == "removed" and entry.after["text"] == LEARNED
    # Removing it again changes nothing and is not audited twice.
    assert client.delete(url, headers=auth).status_code == 204
    audited = [e for e in entries_for(seeded, "faq", "F4") if e.action == "faq.phrasing_removed"]
    assert len(audited) == 1


def test_removal_needs_faq_edit_rights(
    client: TestClient, learned: LearnedPhrasing, login: Callable
) -> None:
    url = f"/api/v1/faq/F4/phrasings/{learned.id}"
    for username in ("road-sato", "callcenter-ito"):
        response = client.delete(url, headers=login(username))
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"
    assert client.delete(url).status_code == 401
    assert answer(client, LEARNED)["decision"] == "answer"  # still used


def test_unknown_ids_are_404_and_malformed_ones_422(
    client: TestClient, learned: LearnedPhrasing, auth: dict[str, str]
) -> None:
    for url in (
        f"/api/v1/faq/F1/phrasings/{learned.id}",  # another entry's phrasing
        f"/api/v1/faq/NOPE/phrasings/{learned.id}",
        f"/api/v1/faq/F4/phrasings/{learned.id + 1000}",
    ):
        response = client.delete(url, headers=auth)
        assert response.status_code == 404, (url, response.text)
    for bad in ("abc", "0", str(2**40)):
        response = client.delete(f"/api/v1/faq/F4/phrasings/{bad}", headers=auth)
        assert response.status_code == 422, (bad, response.text)


def test_deleting_an_entry_deletes_its_phrasings(
    client: TestClient, seeded: Session, learned: LearnedPhrasing, auth: dict[str, str]
) -> None:
    phrasing_id = learned.id
    assert client.delete("/api/v1/faq/F4", headers=auth).status_code == 204
    seeded.expire_all()
    assert seeded.get(LearnedPhrasing, phrasing_id) is None
    assert client.get("/api/v1/faq/F4/phrasings", headers=auth).status_code == 404
    assert answer(client, LEARNED)["faq_ids"] != ["F4"]
