"""Blueprints by audience, plus what every response shares (errors, headers)."""

import logging

from flask import Flask, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..accesslog import redact_path
from ..auth import PinRefused, record_pin_failure
from ..messages import error_message, error_payload
from ..ratelimit import RateLimited
from ..services.errors import DomainError
from .common import read_body_first
from .context import register_context

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a body nested too deeply to parse is invalid JSON (a 400)."""

    def loads(self, s: str | bytes, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def register_web(app: Flask) -> None:
    from .api import bp as api_bp
    from .consolidation import bp as consolidation_bp
    from .consolidation_api import bp as consolidation_api_bp
    from .facilitator import bp as facilitator_bp
    from .follow_up_api import bp as follow_up_api_bp
    from .follow_up_page import bp as follow_up_page_bp
    from .organisations_api import bp as organisations_api_bp
    from .outcome import bp as outcome_bp
    from .participant import bp as participant_bp
    from .participants_api import bp as participants_api_bp
    from .plan_api import bp as plan_api_bp
    from .report import bp as report_bp
    from .rollup_api import bp as rollup_api_bp
    from .screen import bp as screen_bp
    from .table import bp as table_bp
    from .working_groups_api import bp as working_groups_api_bp
    from .workplan_api import bp as workplan_api_bp

    app.json = JSONProvider(app)  # every request body is read through it (request.get_json)
    for bp in (api_bp, facilitator_bp, participant_bp, screen_bp, table_bp):
        app.register_blueprint(bp)
    for bp in (workplan_api_bp, plan_api_bp, organisations_api_bp, report_bp, consolidation_bp):
        app.register_blueprint(bp)
    app.register_blueprint(participants_api_bp)
    app.register_blueprint(follow_up_api_bp)
    app.register_blueprint(follow_up_page_bp)
    app.register_blueprint(outcome_bp)
    app.register_blueprint(consolidation_api_bp)
    app.register_blueprint(working_groups_api_bp)
    app.register_blueprint(rollup_api_bp)
    register_context(app)

    app.before_request(read_body_first)  # before any transaction (web/common.py)

    @app.get("/healthz")
    def healthz():
        return {"ok": True, "service": "atelier"}

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        if isinstance(error, PinRefused):
            record_pin_failure(error)  # the request's transaction has ended: count it now
        headers = {}
        if isinstance(error, RateLimited):
            headers["Retry-After"] = str(error.retry_after)
        if wants_json():
            return jsonify(error_payload(error)), error.status, headers
        message = error_message(error.key, error.params)
        return render_template("error.html", message=message), error.status, headers

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        key = {
            400: "bad_request",
            404: "not_found",
            413: "payload_too_large",
        }.get(error.code or 500, "bad_request")
        if isinstance(error, RequestEntityTooLarge):
            key = "payload_too_large"
        # Werkzeug's own headers, such as a 405's Allow, minus the HTML body's type
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        if wants_json():
            body = jsonify({"ok": False, "error": key, "message": error_message(key)})
            return body, error.code, headers
        return render_template("error.html", message=error_message(key)), error.code, headers

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unexpected error on %s %s", request.method, redact_path(request.path))
        if wants_json():
            return jsonify(
                {"ok": False, "error": "internal_error", "message": error_message("internal_error")}
            ), 500
        return render_template("error.html", message=error_message("internal_error")), 500

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
