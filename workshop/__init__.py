"""Atelier: live participatory workshops. `create_app()` builds everything."""

import logging
from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import ROOT, load_config
from .db import init_db
from .extensions import babel, compress, socketio
from .models import LANGUAGES
from .realtime.packets import ClientPacket, SafeJSON


def select_locale() -> str:
    """?lang= on the URL, then the remembered choice, then the browser's, then French."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return chosen
    remembered = request.cookies.get("atelier_lang")
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES) or "fr"


def origin_check(extra: list[str] | str | None):
    """Socket.IO connections from the page's own origin only, plus the `extra` origins
    (e.g. the public address of a reverse proxy that rewrites the Host header)."""
    if not extra:
        return None  # python-engineio's same-origin check (it honours X-Forwarded-Proto/Host)
    allowed = {extra} if isinstance(extra, str) else set(extra)
    if "*" in allowed:
        return "*"

    def check(origin: str, environ: dict) -> bool:
        own = f"{environ.get('wsgi.url_scheme')}://{environ.get('HTTP_HOST')}"
        return origin in allowed or origin == own

    return check


def make_limiter(app: Flask):
    """Rate-limit counters in Redis when REDIS_URL is set, else in the database."""
    from .ratelimit import DatabaseCounters, RateLimiter, RedisCounters

    store = app.config.get("RATE_LIMIT_STORE") or ("redis" if app.config["REDIS_URL"] else "")
    if store == "redis":
        counters = RedisCounters(
            app.config.get("RATE_LIMIT_REDIS_URL") or app.config["REDIS_URL"],
            app.config.get("RATE_LIMIT_PREFIX") or f"{app.config['REDIS_CHANNEL']}:rl:",
        )
    else:
        counters = DatabaseCounters(app.extensions["atelier.sessions"])
    return RateLimiter(counters)


def create_app(config: dict | None = None) -> Flask:
    """Build an Atelier app; `config` overrides the environment and defaults."""
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(load_config(Path(app.instance_path)))
    app.config.update(config or {})
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    init_db(app)
    babel.init_app(app, locale_selector=select_locale)
    compress.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"],
        channel=app.config["REDIS_CHANNEL"],
        cors_allowed_origins=origin_check(app.config.get("SOCKETIO_ALLOWED_ORIGINS")),
        max_http_buffer_size=64 * 1024,
        ping_interval=20,
        ping_timeout=30,
        # malformed packets refused without a traceback, answered when they can be
        serializer=ClientPacket,
        json=SafeJSON,
    )
    from .realtime import deflate

    deflate.install()  # compressed websockets that keep no zlib state between messages

    from .ratelimit import EventBuckets
    from .realtime.broadcast import install_broadcaster
    from .realtime.namespace import WorkshopNamespace
    from .web import register_web

    install_broadcaster(app, socketio)
    app.extensions["atelier.limiter"] = make_limiter(app)
    app.extensions["atelier.event_buckets"] = EventBuckets(
        app.config["SOCKET_EVENT_RATE"], app.config["SOCKET_EVENT_BURST"]
    )
    if app.config["PROXY_COUNT"]:
        # outermost, so that Socket.IO connections see the client's address too
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    socketio.on_namespace(WorkshopNamespace("/"))
    register_web(app)

    return app
