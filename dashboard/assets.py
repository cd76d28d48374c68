"""Local copies of the web assets folium loads from CDNs, so the map renders with no internet.

``python -m dashboard.assets`` (run by ``make assets``) fetches the npm packages that
``dashboard/assets.toml`` lists, once, at install time, with ``npm pack``; it unpacks only the listed
files into ``dashboard/static/vendor/`` and writes ``vendor/.fetched``. Streamlit serves
``dashboard/static`` at ``/app/static/`` (``server.enableStaticServing``), and :func:`localize`
points every folium element of a map at those local URLs instead of its CDN.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from dashboard.errors import AssetError

DASHBOARD_DIR = Path(__file__).resolve().parent
MANIFEST = DASHBOARD_DIR / "assets.toml"
STATIC_DIR = DASHBOARD_DIR / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
STAMP_NAME = ".fetched"
#: Where the browser finds ``dashboard/static/vendor`` (root-relative: the map lives in an iframe).
DEFAULT_BASE_URL = "/app/static/vendor"


@dataclass(frozen=True, slots=True)
class NpmPackage:
    """One npm package at an exact version, and the files of its tarball the dashboard needs."""

    name: str
    version: str
    dir: str
    files: tuple[str, ...]

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True, slots=True)
class AssetManifest:
    """``assets.toml``: the packages, and folium's asset names mapped to local files."""

    packages: tuple[NpmPackage, ...]
    js: dict[str, str]
    css: dict[str, str]
    drop: frozenset[str]
    digest: str = ""  # sha256 of assets.toml: a changed manifest means a new fetch


def load_manifest(path: Path = MANIFEST) -> AssetManifest:
    """Read and check ``assets.toml``: every mapped file must belong to a listed package."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        msg = f"cannot read the asset manifest {path}: {exc}"
        raise AssetError(msg) from None
    packages = tuple(
        NpmPackage(name=p["name"], version=p["version"], dir=p["dir"], files=tuple(p["files"]))
        for p in data.get("package", [])
    )
    manifest = AssetManifest(
        packages=packages,
        js=dict(data.get("js", {})),
        css=dict(data.get("css", {})),
        drop=frozenset(data.get("drop", {}).get("names", [])),
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    dirs = {p.dir for p in packages}
    for local in [*manifest.js.values(), *manifest.css.values()]:
        if local.split("/", 1)[0] not in dirs:
            msg = f"{path}: {local!r} is not inside the folder of any [[package]]; add the package or fix the path"
            raise AssetError(msg)
    return manifest


# --- fetching (install time) ----------------------------------------------------------------


def fetch_assets(manifest: AssetManifest, dest: Path = VENDOR_DIR, npm: str = "npm") -> list[str]:
    """Fetch every package with ``npm pack`` and unpack its listed files into ``dest``.

    The new tree is built beside ``dest`` and swapped in at the end, so a failed fetch leaves the
    previous assets alone. Returns one line per package for the user.
    """
    if shutil.which(npm) is None:
        msg = f"{npm!r} is not installed; install Node.js/npm (Debian: apt-get install npm) and run make assets again"
        raise AssetError(msg)
    dest.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    stamp: dict[str, Any] = {"manifest_sha256": manifest.digest, "packages": {}}
    with tempfile.TemporaryDirectory(prefix="crisismap-assets-") as tmp:
        staging = Path(tmp) / "vendor"
        for pkg in manifest.packages:
            tarball = _npm_pack(pkg, Path(tmp), npm)
            written = _extract(tarball, pkg, staging / pkg.dir)
            stamp["packages"][pkg.name] = {"version": pkg.version, "dir": pkg.dir, "files": written}
            lines.append(f"{pkg.spec}: {len(written)} files -> {dest.name}/{pkg.dir}/")
        missing = [f for f in [*manifest.js.values(), *manifest.css.values()] if not (staging / f).is_file()]
        if missing:
            msg = f"the fetched packages have no {missing[0]}; fix its path in {MANIFEST.name}"
            raise AssetError(msg)
        (staging / STAMP_NAME).write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        old = dest.with_name(dest.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if dest.exists():
            dest.rename(old)
        shutil.move(str(staging), dest)
        shutil.rmtree(old, ignore_errors=True)
    return lines


def _npm_pack(pkg: NpmPackage, workdir: Path, npm: str) -> Path:
    cmd = [npm, "pack", pkg.spec, "--json", "--silent", "--pack-destination", str(workdir)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False, cwd=workdir)
    except subprocess.TimeoutExpired:
        msg = f"npm pack {pkg.spec} took more than 300 s; check the network or the npm registry setting"
        raise AssetError(msg) from None
    if proc.returncode != 0:
        reason = next((ln for ln in proc.stderr.splitlines() if "error" in ln.lower()), proc.stderr.strip()[:200])
        msg = f"npm pack {pkg.spec} failed: {reason or 'exit ' + str(proc.returncode)}; check the name and version"
        raise AssetError(msg)
    try:
        filename = json.loads(proc.stdout)[0]["filename"]
    except (json.JSONDecodeError, LookupError, TypeError):
        msg = f"npm pack {pkg.spec} printed no JSON result; use npm 7 or newer"
        raise AssetError(msg) from None
    return workdir / filename.replace("@", "").replace("/", "-")


def _extract(tarball: Path, pkg: NpmPackage, target: Path) -> list[str]:
    """Unpack the regular files of ``package/`` that match ``pkg.files``; never links or absolute paths."""
    written: list[str] = []
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            rel = _member_path(member.name)
            if rel is None or not member.isfile() or not any(fnmatch.fnmatch(rel, pat) for pat in pkg.files):
                continue
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is None:
                continue
            with source, open(out, "wb") as fh:
                shutil.copyfileobj(source, fh)
            written.append(rel)
    if not written:
        msg = f"{pkg.spec} has no file matching {list(pkg.files)}; fix files in {MANIFEST.name}"
        raise AssetError(msg)
    return sorted(written)


def _member_path(name: str) -> str | None:
    parts = PurePosixPath(name).parts
    if len(parts) < 2 or parts[0] != "package" or any(p in ("..", "") for p in parts) or name.startswith("/"):
        return None
    return "/".join(parts[1:])


def assets_fetched(manifest: AssetManifest, dest: Path = VENDOR_DIR) -> bool:
    """True when ``dest`` holds every package of the manifest at its version."""
    try:
        stamp = json.loads((dest / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    if stamp.get("manifest_sha256") != manifest.digest:
        return False
    have = stamp.get("packages", {})
    return all(have.get(p.name, {}).get("version") == p.version for p in manifest.packages)


# --- rewriting (run time) -------------------------------------------------------------------


def localize(root: Any, manifest: AssetManifest, base_url: str = DEFAULT_BASE_URL) -> Any:
    """Point every folium element under ``root`` at the local copies of its JS and CSS.

    Sets ``default_js``/``default_css`` on the element instances (classes stay untouched). An
    asset the manifest neither maps nor drops raises :class:`AssetError`, so a new plugin can never
    quietly load from a CDN. Returns ``root``.
    """
    base = base_url.rstrip("/")
    for element in _walk(root):
        for attr, mapping in (("default_js", manifest.js), ("default_css", manifest.css)):
            assets = getattr(element, attr, None)
            if not assets:
                continue
            local = []
            for name, url in assets:
                if name in manifest.drop:
                    continue
                if name not in mapping:
                    msg = (
                        f"folium asset {name!r} ({url}) has no local copy; add it to dashboard/assets.toml "
                        "and run make assets"
                    )
                    raise AssetError(msg)
                local.append((name, f"{base}/{mapping[name]}"))
            setattr(element, attr, local)
    return root


def _walk(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def main(argv: list[str] | None = None) -> int:
    """``python -m dashboard.assets [--force]``: fetch the assets unless they are already there."""
    args = sys.argv[1:] if argv is None else argv
    force = "--force" in args
    try:
        manifest = load_manifest()
        if not force and assets_fetched(manifest):
            (VENDOR_DIR / STAMP_NAME).touch()  # newer than its prerequisites, for make
            print(f"dashboard assets: up to date in {VENDOR_DIR}")
            return 0
        for line in fetch_assets(manifest):
            print(line)
    except AssetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"dashboard assets: {len(manifest.packages)} packages in {VENDOR_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
