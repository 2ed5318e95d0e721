"""Areas, units and cells over the API: the caller's scope, another scope's ids as 404."""

from __future__ import annotations

from tests.integration.api.conftest import error_of


def test_an_area_officer_lists_only_their_areas_units_and_cells(world, api):
    client = api(world.users["area_a"])
    areas = client.get("/areas").get_json()["items"]
    assert [a["code"] for a in areas] == ["90001"]
    units = client.get("/units").get_json()["items"]
    assert [u["name"] for u in units] == ["Trường THPT Hòa An"]
    cells = client.get("/cells").get_json()["items"]
    assert [c["id"] for c in cells] == [world.a.cell.id]


def test_another_scopes_area_unit_and_cell_answer_404_like_missing_ones(world, api):
    client = api(world.users["area_a"])
    for path in (
        f"/areas/{world.b.area.id}",
        f"/units/{world.b.unit.id}",
        f"/cells/{world.b.cell.id}",
        f"/units?area={world.b.area.id}",
        "/units/999999",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"
    assert client.get(f"/units/{world.a.unit.id}").get_json()["code"] == world.a.unit.code
    assert client.get(f"/areas/{world.a.area.id}").get_json()["name"] == "Phường Hòa An"
    assert client.get(f"/cells/{world.a.cell.id}").get_json()["area_id"] == world.a.area.id
    in_area = client.get(f"/cells?area={world.a.area.id}").get_json()["items"]
    assert [c["id"] for c in in_area] == [world.a.cell.id]


def test_the_province_reads_every_area(world, api):
    areas = api(world.users["province"]).get("/areas").get_json()["items"]
    assert {a["code"] for a in areas} == {"90001", "90002"}


def test_a_cell_secretary_may_not_browse_units_as_on_the_web(world, api):
    response = api(world.users["cell_a"]).get("/units")
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
