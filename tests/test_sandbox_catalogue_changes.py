"""The hall changes a service under the terminals on the sandbox's control route (sandbox/catalogue_changes.py): what
the monkeys' ``--catalogue-changes`` and a tester by hand do. Over HTTP, and read back through the contract."""

import requests

from tests.backend_helpers import client_for


def _change(sandbox, **body) -> requests.Response:
    return requests.post(f"{sandbox.url}/control/catalogue", json=body, timeout=5)


def test_a_service_changed_and_put_back_is_seen_so_through_the_contract(sandbox):
    client = client_for(sandbox.url)
    before = client.service("GJJ-004")
    dropped = _change(sandbox, service_code="GJJ-004", change="drop_material", material_code="M2").json()
    assert dropped["materials"] == ["M1", "M3", "M4"]
    assert [m.code for m in client.service("GJJ-004").materials] == ["M1", "M3", "M4"]
    added = _change(sandbox, service_code="GJJ-004", change="add_material").json()
    assert added["materials"] == ["M1", "M3", "M4", "MX"]
    assert _change(sandbox, service_code="GJJ-004", change="add_material").json() == added  # once only
    field = _change(sandbox, service_code="GJJ-004", change="add_field").json()
    assert field["form"][-1] == "extra_contact"
    fresh = client.service("GJJ-004")
    assert fresh.materials[-1].name_en == "Supplementary statement" and fresh.form[-1].required
    assert _change(sandbox, service_code="GJJ-004", change="restore").status_code == 200
    assert client.service("GJJ-004") == before  # as it was before the first change, not the last


def test_the_bench_puts_every_changed_service_back_between_seeds(sandbox):
    client = client_for(sandbox.url)
    before = [client.service(code) for code in ("GJJ-004", "GT-001")]
    for code in ("GJJ-004", "GT-001"):
        _change(sandbox, service_code=code, change="drop_material")
        _change(sandbox, service_code=code, change="add_field")
    sandbox.catalogue_changes.restore_all()
    assert [client.service(code) for code in ("GJJ-004", "GT-001")] == before


def test_a_services_only_material_is_never_dropped_and_odd_asks_are_refused_plainly(sandbox):
    one = _change(sandbox, service_code="GJJ-004", change="drop_material", material_code="NOPE").json()
    assert one["materials"] == ["M1", "M2", "M3", "M4"]  # no such material: nothing dropped
    for code in ("M1", "M2", "M3"):
        _change(sandbox, service_code="GJJ-004", change="drop_material", material_code=code)
    assert _change(sandbox, service_code="GJJ-004", change="drop_material").json()["materials"] == ["M4"]
    unknown = _change(sandbox, service_code="GJJ-004", change="burn")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_change"
    missing = _change(sandbox, service_code="NO-001", change="add_field")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "service_not_found"
