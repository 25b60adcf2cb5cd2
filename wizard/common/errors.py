"""Error pages that say what happened and what to do next; never a bare error."""

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _rerender_with_message(error: CSRFError):
    """A stale or missing CSRF token on a form that can show it: show the form again with
    everything typed kept and a message on it, instead of a dead-end error page."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, "keeps_input_on_csrf_error", False):
        g.csrf_error = True
        return view(**(request.view_args or {}))
    return render_template("errors/csrf.html"), 400


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _rerender_with_message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        template = {
            400: "errors/400.html",
            403: "errors/not_allowed.html",
            404: "errors/404.html",
            405: "errors/405.html",
            413: "errors/413.html",
            429: "errors/429.html",
        }.get(code, "errors/500.html")
        return render_template(template, error=error), code
