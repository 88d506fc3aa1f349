"""Copy the dashboard's front-end package files from node_modules/ (installed by `npm ci` from
package.json and package-lock.json) into src/wirewatch/web/static/vendor/, with each package's
licence and a NOTICE naming package, version and licence. `make install` runs it after `npm ci`.

Run: npm ci && python scripts/build_web.py [--check]
  --check  exit 1 (naming what differs) when vendor/ is missing a file or holds a stale copy
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "wirewatch" / "web" / "static" / "vendor"

# package -> (file in the package, where it goes under vendor/<package>/)
FILES = {
    "leaflet": [("dist/leaflet.js", "leaflet.js"), ("dist/leaflet.css", "leaflet.css"),
                ("LICENSE", "LICENSE")],
    "uplot": [("dist/uPlot.iife.min.js", "uPlot.iife.min.js"), ("dist/uPlot.min.css", "uPlot.min.css"),
              ("LICENSE", "LICENSE")],
    "topojson-client": [("dist/topojson-client.min.js", "topojson-client.min.js"), ("LICENSE", "LICENSE")],
    # Natural Earth 1:50m country outlines (public domain) as TopoJSON
    "world-atlas": [("countries-50m.json", "countries-50m.json"), ("LICENSE", "LICENSE")],
}  # fmt: skip


def package_info(name: str) -> dict[str, str]:
    data = json.loads((MODULES / name / "package.json").read_text(encoding="utf-8"))
    return {"name": name, "version": data.get("version", "?"), "license": data.get("license", "?")}


def planned() -> dict[Path, bytes]:
    """Every file vendor/ should hold, with its bytes."""
    missing = [name for name in FILES if not (MODULES / name / "package.json").is_file()]
    if missing:
        raise SystemExit(
            f"build_web: node_modules has no {', '.join(missing)}: run `npm ci` first (package-lock.json)"
        )
    out: dict[Path, bytes] = {}
    notice = ["Front-end packages of the wirewatch dashboard, copied from the npm registry's packages",
              "by scripts/build_web.py (versions pinned in package-lock.json). Each folder holds the",
              "package's own licence. The country outlines are Natural Earth data (public domain),",
              "through the world-atlas package.", ""]  # fmt: skip
    for name, files in FILES.items():
        info = package_info(name)
        notice.append(f"{info['name']} {info['version']} ({info['license']})")
        for source, target in files:
            out[VENDOR / name / target] = (MODULES / name / source).read_bytes()
    out[VENDOR / "NOTICE"] = ("\n".join(notice) + "\n").encode()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that vendor/ is up to date")
    args = parser.parse_args()
    files = planned()
    if args.check:
        stale = [str(p.relative_to(ROOT)) for p, data in files.items() if not p.is_file() or p.read_bytes() != data]
        for path in stale:
            print(f"build_web: stale or missing: {path}", file=sys.stderr)
        return 1 if stale else 0
    shutil.rmtree(VENDOR, ignore_errors=True)
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"build_web: {len(files)} files in {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
