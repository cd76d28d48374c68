"""``crisismap parse-cap``: JSON Lines per alert, exit 2 with one line for a file without CAP."""

from __future__ import annotations

import json

import pytest

from streams.cli import main
from tests.unit._adapter_fixtures import CAP_DIR, edxl_binary


def run(capsys: pytest.CaptureFixture[str], *names: str) -> tuple[int, list[dict], str]:
    try:
        main(["parse-cap", *[str(CAP_DIR / n) if not n.startswith("/") else n for n in names]])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


def test_canada_alert_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, (alert,), err = run(capsys, "canada.cap")
    assert code == 0 and err == ""
    assert alert["identifier"] == "2.49.0.1.124.6bddbc91.2012" and alert["msg_type"] == "Update"
    assert [i["language"] for i in alert["info"]] == ["en-CA", "fr-CA"]
    area = alert["info"][0]["areas"][0]
    assert area["polygons"][0]["type"] == "Polygon"
    assert area["polygons"][0]["coordinates"][0][0] == [-82.9314, 42.3481]
    assert area["geometry"]["type"] == "Polygon" and len(area["geocodes"]) == 10
    assert area["geocodes"][0] == {"name": "layer:EC-MSC-SMC:1.0:CLC", "value": "041420"}


def test_circle_and_zero_radius_point(capsys: pytest.CaptureFixture[str]) -> None:
    code, (alert,), _ = run(capsys, "earthquake.cap")
    area = alert["info"][0]["areas"][0]
    assert area["circles"] == [{"lon": -173.274, "lat": -16.053, "radius_km": 0.0}]
    assert area["geometry"] == {"type": "Point", "coordinates": [-173.274, -16.053]}


def test_sachet_lgd_codes_are_not_resolved_to_the_wrong_state(capsys: pytest.CaptureFixture[str]) -> None:
    code, (alert,), _ = run(capsys, "IN-1787546092152029_29.xml")
    area = alert["info"][1]["areas"][0]
    assert [g["value"] for g in area["geocodes"]] == ["491", "490", "497", "494"]
    assert area["geometry"] is None and "Census 2011" in area["geometry_note"]
    assert area["uri"].startswith("https://")


def test_missing_scope_is_printed_with_its_problem(capsys: pytest.CaptureFixture[str]) -> None:
    code, (alert,), _ = run(capsys, "invalid.cap")
    assert code == 0 and alert["scope"] is None and "<scope>" in alert["problems"][0]


@pytest.mark.parametrize(
    ("name", "reason"),
    [("xee.atom", "DOCTYPE"), ("sachet_rss_sample.xml", "links only"), ("LICENSE.pynws", "not XML"), ("schema", "is a directory")],
)
def test_file_without_cap_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], name: str, reason: str) -> None:
    code, out, err = run(capsys, name)
    assert code == 2 and out == []
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and reason in err


def test_good_files_are_printed_even_when_another_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "weather.cap", "/nonexistent.cap", "thunderstorm.cap")
    assert code == 2 and [a["identifier"] for a in out] == [
        "NOAA-NWS-ALERTS-MT20100830100700TFXFlashFloodWatchTFX20100830180000MT",
        "KSTO1055887203",
    ]
    assert "no such file" in err


def test_lgd_codes_resolve_when_the_district_lies_in_the_named_state(capsys, tmp_path) -> None:
    from geo.boundaries import district_by_lgd

    kolkata = district_by_lgd(342)  # the boundary file's code for Kolkata
    assert kolkata is not None and kolkata["state"].lower() == "west bengal"
    xml = (CAP_DIR / "IN-1788205224883023_23.xml").read_text(encoding="utf-8")
    xml = xml.replace("Dadra-and-Nagar-Haveli-and-Daman-and-Diu-SDMA", "West-Bengal-SDMA")
    xml = xml.replace("<cap:value>463</cap:value>", "<cap:value>342</cap:value>")
    xml = xml.replace("<cap:geocode>\n<cap:valueName>LGD District Code</cap:valueName>\n<cap:value>465</cap:value>\n</cap:geocode>\n", "")
    path = tmp_path / "wb.xml"
    path.write_text(xml, encoding="utf-8")
    code, (alert,), _ = run(capsys, str(path))
    area = alert["info"][0]["areas"][0]
    assert code == 0 and [g["value"] for g in area["geocodes"]] == ["342"]
    assert area["geometry"]["type"] in ("Polygon", "MultiPolygon") and "geometry_note" not in area
    lons = [pt[0] for ring in _rings(area["geometry"]) for pt in ring]
    assert 88.0 < min(lons) < max(lons) < 88.6  # Kolkata lies around 88.2-88.5 E


def _rings(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [poly[0] for poly in geometry["coordinates"]]


def test_cap_base64_in_edxl_prints_like_the_file_and_a_bad_one_is_one_line(capsys, tmp_path) -> None:
    cap = (CAP_DIR / "canada.cap").read_bytes()
    (tmp_path / "envelope.xml").write_bytes(edxl_binary(cap, "text/xml"))
    (tmp_path / "not-cap.xml").write_bytes(edxl_binary(b"<report>storm</report>", "text/xml"))
    code, (direct,), _ = run(capsys, "canada.cap")
    code, (wrapped,), err = run(capsys, str(tmp_path / "envelope.xml"))
    assert code == 0 and err == ""
    assert {**wrapped, "file": None} == {**direct, "file": None}
    code, out, err = run(capsys, str(tmp_path / "not-cap.xml"))
    assert code == 2 and out == [] and len(err.strip().splitlines()) == 1
    assert "not-cap.xml: EDXL-DE nonXMLContent (text/xml) decodes to XML with root <report>" in err
