"""Social-media adapter: X API v2 post JSON, or the plain ``{"id","text","author","created_at","lat","lon"}``.

X API v2: ``{"data": {...post...} | [...posts...], "includes": {"users": [...]}}``. The author is the
included user's ``username`` (else ``author_id``); ``extra["verified"]`` is that user's flag. GPS comes
from ``data.geo.coordinates`` (a GeoJSON Point, ``[lon, lat]``) and becomes ``Report.gps = (lat, lon)``;
an out-of-range or non-numeric coordinate refuses the message (it would put a pin in the wrong place).
``reply_to`` is the id of the retweeted (else quoted) post.
"""

from __future__ import annotations

from typing import Any

from geo.model import Report
from streams.adapters import AdapterContext
from streams.adapters._payload import check_size, decode_utf8, lat_lon, load_json, text_field
from streams.adapters._report import event_time, make_report
from streams.errors import AdapterError

_FORWARD_TYPES = ("retweeted", "quoted")


def parse(payload: bytes, ctx: AdapterContext) -> tuple[Report, ...]:
    """One Report per post in the payload (X API v2 ``data`` may be a list)."""
    check_size(payload, "social")
    data = load_json(decode_utf8(payload, "social"), "social post")
    if not isinstance(data, dict):
        msg = f"social post is a JSON {type(data).__name__}, not an object"
        raise AdapterError(msg)
    if "data" not in data:
        return (_plain(data, ctx),)
    posts = data["data"]
    users = _users(data.get("includes"))
    if isinstance(posts, dict):
        return (_x_post(posts, users, ctx),)
    if isinstance(posts, list) and posts:
        return tuple(_x_post(post, users, ctx) for post in posts)
    msg = "X API 'data' is neither a post object nor a non-empty list of posts"
    raise AdapterError(msg)


def _users(includes: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(includes, dict) or not isinstance(includes.get("users"), list):
        return {}
    return {str(u["id"]): u for u in includes["users"] if isinstance(u, dict) and isinstance(u.get("id"), (str, int))}


def _x_post(post: Any, users: dict[str, dict[str, Any]], ctx: AdapterContext) -> Report:
    if not isinstance(post, dict):
        msg = f"X API post is a JSON {type(post).__name__}, not an object"
        raise AdapterError(msg)
    post_id = text_field(post, "id", "X API post")
    where = f"X API post {post_id[:40]!r}"
    text = text_field(post, "text", where)
    author_id = text_field(post, "author_id", where, required=False)
    user = users.get(author_id or "", {})
    username = user.get("username") if isinstance(user.get("username"), str) else None
    lang = text_field(post, "lang", where, required=False)
    return make_report(
        ctx,
        source_id=post_id,
        fmt="social",
        text=text,
        when=event_time(post.get("created_at"), ctx, f"{where} created_at"),
        author=username or author_id,
        language=None if lang in (None, "und", "zxx") else lang,
        gps=_x_gps(post.get("geo"), where),
        reply_to=_forwarded_id(post.get("referenced_tweets"), where),
        extra={"verified": user.get("verified") is True, "author_id": author_id},
    )


def _x_gps(geo: Any, where: str) -> tuple[float, float] | None:
    if not isinstance(geo, dict) or geo.get("coordinates") is None:
        return None  # no geo, or only a place_id: the geocoder finds the place from the text
    point = geo["coordinates"]
    coords = point.get("coordinates") if isinstance(point, dict) else None
    if not isinstance(coords, list) or len(coords) < 2:
        msg = f"{where} geo.coordinates is not a GeoJSON Point with [lon, lat]"
        raise AdapterError(msg)
    return lat_lon(coords[1], coords[0], f"{where} geo")


def _forwarded_id(refs: Any, where: str) -> str | None:
    if refs is None:
        return None
    if not isinstance(refs, list):
        msg = f"{where} referenced_tweets is a JSON {type(refs).__name__}, not a list"
        raise AdapterError(msg)
    for kind in _FORWARD_TYPES:
        for ref in refs:
            if isinstance(ref, dict) and ref.get("type") == kind and isinstance(ref.get("id"), (str, int)):
                return str(ref["id"])
    return None


def _plain(post: dict[str, Any], ctx: AdapterContext) -> Report:
    post_id = text_field(post, "id", "social post", required=ctx.key is None) or str(ctx.key)
    where = f"social post {post_id[:40]!r}"
    has_lat, has_lon = post.get("lat") is not None, post.get("lon") is not None
    if has_lat != has_lon:
        msg = f"{where} has {'lat' if has_lat else 'lon'} without {'lon' if has_lat else 'lat'}"
        raise AdapterError(msg)
    lang = text_field(post, "lang", where, required=False)
    return make_report(
        ctx,
        source_id=post_id,
        fmt="social",
        text=text_field(post, "text", where),
        when=event_time(post.get("created_at"), ctx, f"{where} created_at"),
        author=text_field(post, "author", where, required=False),
        language=lang,
        gps=lat_lon(post["lat"], post["lon"], where) if has_lat else None,
        reply_to=text_field(post, "reply_to", where, required=False),
        extra={"verified": post.get("verified") is True},
    )
