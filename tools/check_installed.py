"""Fail if any installed dcsys-* distribution did not come from this checkout, or is editable.

Run inside a nox session's venv after installing (``python tools/check_installed.py ROOT``). Like
dagster's guard, it makes sure tests never run against a copy from a registry or another checkout.
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse


def main(root: str) -> int:
    root_path = Path(root).resolve()
    bad = []
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if not name.startswith("dcsys-"):
            continue
        raw = dist.read_text("direct_url.json")
        where = "a package index"
        if raw:
            info = json.loads(raw)
            url = urlparse(info.get("url", ""))
            path = Path(unquote(url.path)).resolve() if url.scheme == "file" else None
            editable = info.get("dir_info", {}).get("editable", False)
            if (
                path is not None
                and (path == root_path or root_path in path.parents)
                and not editable
            ):
                continue
            where = info.get("url", "?") + (
                " (editable: tests must run against built wheels)" if editable else ""
            )
        bad.append(f"{name} {dist.version} from {where}")
    if bad:
        print("dcsys distributions not from this checkout:\n  " + "\n  ".join(bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
