"""Language choice: the user's preference, then the browser's, then the account's default."""

from flask import Flask, current_app, request, session
from flask_login import current_user

from ..extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    best = request.accept_languages.best_match(languages)
    if best:
        return best
    if current_user and current_user.is_authenticated:
        return current_user.account.default_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories="translations",
    )
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
