"""Local web assets: the manifest, fetching with (a stand-in for) npm pack, safe unpacking, rewriting."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
import sys
from pathlib import Path

import folium
import pytest
from folium.plugins import MarkerCluster

from dashboard import assets
from dashboard.errors import AssetError

FAKE_NPM = """#!{python}
import io, json, os, sys, tarfile
args = sys.argv[1:]
spec = args[1]
dest = args[args.index("--pack-destination") + 1]
name, version = spec.rsplit("@", 1)
if name == "missing-package":
    sys.stderr.write("npm error 404 Not Found - GET missing-package\\n")
    sys.exit(1)
files = json.loads(os.environ["FAKE_NPM_FILES"])
filename = name.replace("@", "").replace("/", "-") + "-" + version + ".tgz"
with tarfile.open(os.path.join(dest, filename), "w:gz") as tar:
    for path, text in files.items():
        data = text.encode()
        info = tarfile.TarInfo(path)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    link = tarfile.TarInfo("package/dist/link.js")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    tar.addfile(link)
print(json.dumps([{{"filename": filename, "version": version}}]))
"""


@pytest.fixture
def fake_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An executable that answers ``npm pack <spec> --json --pack-destination D`` from a file list."""
    path = tmp_path / "bin" / "npm"
    path.parent.mkdir()
    path.write_text(FAKE_NPM.format(python=sys.executable))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    files = {
        "package/dist/lib.js": "console.log('lib');",
        "package/dist/lib.css": ".x{}",
        "package/README.md": "not wanted",
        "package/../escape.js": "outside",
        "/abs.js": "absolute",
    }
    monkeypatch.setenv("FAKE_NPM_FILES", json.dumps(files))
    return str(path)


def _manifest(*packages: assets.NpmPackage) -> assets.AssetManifest:
    return assets.AssetManifest(
        packages=packages, js={"lib": "lib/dist/lib.js"}, css={"lib_css": "lib/dist/lib.css"}, drop=frozenset()
    )


def test_manifest_maps_every_folium_asset_the_map_uses() -> None:
    manifest = assets.load_manifest()
    fmap = folium.Map(tiles=None)
    MarkerCluster().add_to(fmap)
    folium.Marker([22, 88], icon=folium.Icon(prefix="fa", icon="road")).add_to(fmap)
    names = {n for el in assets._walk(fmap) for n, _ in [*getattr(el, "default_js", []), *getattr(el, "default_css", [])]}
    assert names <= set(manifest.js) | set(manifest.css) | manifest.drop
    assert {p.name for p in manifest.packages} >= {"leaflet", "jquery", "leaflet.markercluster"}


def test_fetch_unpacks_only_listed_regular_files_inside_the_package(tmp_path: Path, fake_npm: str) -> None:
    dest = tmp_path / "vendor"
    manifest = _manifest(assets.NpmPackage("lib", "1.2.3", "lib", ("dist/*.js", "dist/*.css", "*.js")))
    lines = assets.fetch_assets(manifest, dest, npm=fake_npm)
    got = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    assert got == [".fetched", "lib/dist/lib.css", "lib/dist/lib.js"]
    assert not (tmp_path / "escape.js").exists() and not Path("/abs.js").exists()
    assert lines == ["lib@1.2.3: 2 files -> vendor/lib/"]
    assert assets.assets_fetched(manifest, dest)
    newer = _manifest(assets.NpmPackage("lib", "1.2.4", "lib", ("dist/*.js", "dist/*.css")))
    assert not assets.assets_fetched(newer, dest)
    edited = dataclasses.replace(manifest, digest="another manifest")
    assert not assets.assets_fetched(edited, dest)


def test_failed_fetch_keeps_the_previous_assets(tmp_path: Path, fake_npm: str) -> None:
    dest = tmp_path / "vendor"
    good = _manifest(assets.NpmPackage("lib", "1.2.3", "lib", ("dist/*",)))
    assets.fetch_assets(good, dest, npm=fake_npm)
    bad = _manifest(
        assets.NpmPackage("lib", "1.2.3", "lib", ("dist/*",)),
        assets.NpmPackage("missing-package", "9.9.9", "missing", ("*",)),
    )
    with pytest.raises(AssetError, match=r"npm pack missing-package@9\.9\.9 failed: npm error 404"):
        assets.fetch_assets(bad, dest, npm=fake_npm)
    assert (dest / "lib" / "dist" / "lib.js").is_file() and assets.assets_fetched(good, dest)


def test_a_mapped_file_missing_from_the_package_is_an_error(tmp_path: Path, fake_npm: str) -> None:
    manifest = assets.AssetManifest(
        packages=(assets.NpmPackage("lib", "1.0.0", "lib", ("dist/*.js",)),),
        js={"lib": "lib/dist/lib.js"}, css={"lib_css": "lib/dist/lib.css"}, drop=frozenset(),
    )  # fmt: skip
    with pytest.raises(AssetError, match="no lib/dist/lib.css"):
        assets.fetch_assets(manifest, tmp_path / "vendor", npm=fake_npm)
    assert not (tmp_path / "vendor").exists()


def test_missing_npm_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match="is not installed; install Node.js/npm"):
        assets.fetch_assets(_manifest(), tmp_path / "vendor", npm=str(tmp_path / "no-npm"))


def test_localize_points_instances_at_local_files_and_leaves_folium_classes_alone() -> None:
    manifest = assets.load_manifest()
    fmap = folium.Map(tiles=None)
    cluster = MarkerCluster().add_to(fmap)
    assets.localize(fmap, manifest, "/base/app/static/vendor/")
    urls = [u for el in (fmap, cluster) for _, u in [*el.default_js, *el.default_css]]
    assert urls and all(u.startswith("/base/app/static/vendor/") for u in urls)
    assert "/base/app/static/vendor/leaflet/dist/leaflet.js" in urls
    assert not {n for n, _ in fmap.default_css} & manifest.drop
    assert folium.Map.default_js[0][1].startswith("https://")  # the class still has folium's defaults
    assert folium.Map(tiles=None).default_js[0][1].startswith("https://")


def test_localize_refuses_an_asset_with_no_local_copy() -> None:
    fmap = folium.Map(tiles=None)
    fmap.default_js = [*fmap.default_js, ("new_plugin", "https://cdn.example/plugin.js")]
    with pytest.raises(AssetError, match="'new_plugin' .* has no local copy; add it to dashboard/assets.toml"):
        assets.localize(fmap, assets.load_manifest())


def test_manifest_rejects_a_file_outside_every_package(tmp_path: Path) -> None:
    path = tmp_path / "assets.toml"
    path.write_text('[[package]]\nname="a"\nversion="1"\ndir="a"\nfiles=["x"]\n[js]\nb = "b/x.js"\n')
    with pytest.raises(AssetError, match="'b/x.js' is not inside the folder of any"):
        assets.load_manifest(path)


def test_main_reports_up_to_date_without_fetching(capsys: pytest.CaptureFixture[str]) -> None:
    if not assets.assets_fetched(assets.load_manifest()):
        pytest.fail("dashboard/static/vendor is not fetched: run `make assets` before the tests")
    assert assets.main([]) == 0
    assert "up to date" in capsys.readouterr().out


def test_vendor_tree_holds_every_mapped_file() -> None:
    manifest = assets.load_manifest()
    missing = [f for f in [*manifest.js.values(), *manifest.css.values()] if not (assets.VENDOR_DIR / f).is_file()]
    assert missing == []
    for name in manifest.css.values():  # a stylesheet must not pull fonts or images from the web
        css = (assets.VENDOR_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", css), name
    assert os.path.isfile(assets.VENDOR_DIR / "fontawesome-free/webfonts/fa-solid-900.woff2")
