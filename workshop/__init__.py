"""Atelier: live participatory workshops. `create_app()` builds everything."""

import logging
from pathlib import Path

from flask import Flask, request

from .config import ROOT, load_config
from .db import init_db
from .extensions import babel, socketio

LANGUAGES = ("fr", "ar", "en")


def select_locale() -> str:
    """?lang= on the URL, then the remembered choice, then the browser's, then French."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return chosen
    remembered = request.cookies.get("atelier_lang")
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES) or "fr"


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
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"],
        channel=app.config["REDIS_CHANNEL"],
        cors_allowed_origins=app.config.get("SOCKETIO_ALLOWED_ORIGINS"),
        max_http_buffer_size=64 * 1024,
        ping_interval=20,
        ping_timeout=30,
    )

    from .realtime.broadcast import Broadcaster
    from .realtime.namespace import WorkshopNamespace
    from .web import register_web

    app.extensions["atelier.broadcaster"] = Broadcaster(app, socketio)
    socketio.on_namespace(WorkshopNamespace("/"))
    register_web(app)

    return app
