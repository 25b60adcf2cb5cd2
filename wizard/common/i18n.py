"""Language choice: the user's preference, then the browser's, then the account's default."""

from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

from ..config import ConfigError, is_development
from ..extensions import babel

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


def select_locale() -> str:
    if not has_request_context():  # a command or the worker: emails choose their own
        return current_app.config["BABEL_DEFAULT_LOCALE"]
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


def missing_catalogues(languages, default: str) -> list[str]:
    """The languages (other than the default, which the templates are written in) whose
    compiled catalogue is not installed: pages in them would come out in English."""
    return [
        code
        for code in languages
        if code != default and not (TRANSLATIONS / code / "LC_MESSAGES" / "messages.mo").is_file()
    ]


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories="translations",
    )
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    languages = tuple(app.config["LANGUAGES"])
    if missing := missing_catalogues(languages, app.config["BABEL_DEFAULT_LOCALE"]):
        where = TRANSLATIONS / missing[0] / "LC_MESSAGES" / "messages.mo"
        if not is_development(app.config):
            raise ConfigError(
                f"The translations for {', '.join(missing)} are not installed ({where} is "
                "missing): reinstall the package, or take them out of LANGUAGES."
            )
        # Offer only what can be shown, so <html lang> always names the page's language.
        app.logger.warning("No compiled catalogue for %s (make translations)", ", ".join(missing))
        app.config["LANGUAGES"] = tuple(code for code in languages if code not in missing)
