from fastapi.testclient import TestClient

from tests.conftest import ReportMaker, UserMaker


def test_councillor_uploads_and_reads_back(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker
) -> None:
    headers = make_user("cllr")
    report = make_report()
    response = client.post("/v1/reports/batch", json={"reports": [report]}, headers=headers)
    assert response.json()["results"][0]["status"] == "created"
    mine = client.get("/v1/reports/mine", headers=headers).json()
    assert [r["id"] for r in mine["items"]] == [report["id"]]
