"""Serving the built React dashboard, with its runtime settings put into the page."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

PLACEHOLDER = "<!--roost-config-->"
DEFAULT_DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"
NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Roost</title></head>
<body><h1>Roost</h1>
<p>The dashboard is not built yet. Build it with <code>npm ci &amp;&amp; npm run build</code> in
<code>frontend/</code>, or point <code>ROOST_DASHBOARD_DIR</code> at a built copy.</p>
<p>The API is up: see <a href="{root}/api/openapi.json">{root}/api/openapi.json</a>.</p>
</body></html>
"""


class Dashboard:
    """Static files from the build, and index.html for every client-side route."""

    def __init__(self, dist: Path | None = None) -> None:
        self.dist = (dist or DEFAULT_DIST).resolve()

    async def serve(self, request: Request) -> Response:
        root = request.scope.get("root_path", "")
        index = self.dist / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT.replace("{root}", _html_escape(root)))
        asset = self._asset(request.path_params.get("path", ""))
        if asset is not None:
            return FileResponse(asset, headers=_cache_headers(asset, self.dist))
        if request.path_params.get("path", "").startswith("assets/"):
            return Response("not found", status_code=404, media_type="text/plain")
        page = index.read_text(encoding="utf-8")
        return HTMLResponse(inject_config(page, {"root_path": root}), headers=NO_CACHE)

    def _asset(self, path: str) -> Path | None:
        if not path or path.endswith("/") or "\x00" in path:
            return None
        candidate = (self.dist / path).resolve()
        if candidate.is_relative_to(self.dist) and candidate.is_file():
            return candidate
        return None


NO_CACHE = {"cache-control": "no-cache"}


def inject_config(page: str, config: dict[str, object]) -> str:
    """Put `config` into the page as JSON that no value can break out of."""
    data = json.dumps(config).replace("<", "\\u003c").replace(">", "\\u003e")
    data = data.replace("&", "\\u0026")
    tag = f'<script id="roost-config" type="application/json">{data}</script>'
    if PLACEHOLDER in page:
        return page.replace(PLACEHOLDER, tag, 1)
    return page.replace("</head>", tag + "</head>", 1)


def _cache_headers(asset: Path, dist: Path) -> dict[str, str]:
    # Vite names files under assets/ by their content hash, so they never change.
    if asset.parent == dist / "assets":
        return {"cache-control": "public, max-age=31536000, immutable"}
    return NO_CACHE


def _html_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
