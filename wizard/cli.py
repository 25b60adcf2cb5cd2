"""Command-line commands: the one-step setup, the first owner, demo data, and checks."""

import sys

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from .accounts.passwords import hash_password, new_password_problem
from .common.audit import record
from .common.forms import normalise_email
from .config import ConfigError
from .demo import DEMO_PASSWORD, INDIVIDUALS, seed_demo
from .extensions import db
from .models import Account, AccountKind, Role, User, UserType
from .scale import seed_scale_command


def check_database(app: Flask) -> None:
    """Connect once with a short timeout, so a command says at once, in one line, that the
    database cannot be reached, instead of a traceback from deep inside."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    shown = url.render_as_string(hide_password=True)
    options = {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {}
    engine = create_engine(url, connect_args=options)
    try:
        with engine.connect():
            pass
    except Exception as exc:  # which error it is varies by driver; its first line says why
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise ConfigError(
            f"cannot reach the database at {shown} ({reason}): is it running, and is "
            "SQLALCHEMY_DATABASE_URI right?"
        ) from None
    finally:
        engine.dispose()


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create or refresh the demo accounts (safe to run again)."""
    seed_demo()
    click.echo("Demo data is ready.")
    _print_demo_sign_ins()


def _print_demo_sign_ins() -> None:
    click.echo("")
    click.echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    click.echo("  owner@acme.example    owner of Acme Corp")
    click.echo("  admin@acme.example    admin of Acme Corp")
    click.echo("  member@acme.example   member of Acme Corp")
    for person in INDIVIDUALS:
        click.echo(f"  {person.email:<26}individual account")
    click.echo("  owner@globex.example  owner of Globex")


def _has_demo_data() -> bool:
    return bool(db.session.scalar(select(User.id).where(User.email == "owner@acme.example")))


@click.command("setup")
@with_appcontext
@click.option(
    "--demo/--no-demo", default=True, help="Seed the demo data when the database is empty."
)
def setup_command(demo: bool) -> None:
    """Upgrade the database schema, and seed the demo data into an empty database."""
    upgrade()
    empty = not db.session.scalar(select(func.count(User.id)))
    if demo and empty:
        seed_demo()
        click.echo("Demo data is ready.")
    click.echo("The database is up to date.")
    if demo and _has_demo_data():
        _print_demo_sign_ins()
    elif not db.session.scalar(select(User.id).where(User.role == Role.OWNER).limit(1)):
        click.echo("Next, create the first business and its owner:")
        click.echo('  flask --app wizard create-owner --business "Your Company" --email you@…')


def _checked_email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc), param_hint="--email") from None


@click.command("create-owner")
@with_appcontext
@click.option("--business", required=True, help="The business account's name, as people see it.")
@click.option("--email", required=True, help="The owner's email address (their sign-in).")
@click.option("--name", default="", help="The owner's name, as invitees will see it.")
@click.option(
    "--licenses",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Licenses purchased; the owner takes one.",
)
@click.option("--language", default="en", show_default=True, help="The business's language.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of asking (for scripts).",
)
def create_owner_command(business, email, name, licenses, language, password_stdin) -> None:
    """Create a business account and its owner, who can then sign in and invite people."""
    from flask import current_app

    email = _checked_email(normalise_email(email))
    business = business.strip()
    if not business or len(business) > 200:
        raise click.BadParameter(
            "give the business a name of 1 to 200 characters", param_hint="--business"
        )
    if language not in current_app.config["LANGUAGES"]:
        choices = ", ".join(current_app.config["LANGUAGES"])
        raise click.BadParameter(f"choose one of {choices}", param_hint="--language")
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise click.ClickException(f"{email} already has an account: choose another address.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "Password for the owner", hide_input=True, confirmation_prompt="Type it again"
        )
    if problem := new_password_problem(password, email=email):
        raise click.ClickException(problem)

    account = Account(
        kind=AccountKind.BUSINESS, name=business, license_seats=licenses, default_locale=language
    )
    db.session.add(account)
    db.session.flush()
    owner = User(
        account_id=account.id,
        email=email,
        name=name.strip(),
        role=Role.OWNER,
        user_type=UserType.LICENSED,
        locale=language,
        password_hash=hash_password(password),
    )
    db.session.add(owner)
    db.session.flush()
    record(
        "business_created",
        account_id=account.id,
        actor_id=owner.id,
        subject_email=email,
        details={"licenses": licenses},
    )
    db.session.commit()
    click.echo(f"Created {business} with {licenses} license(s); {email} can sign in as its owner.")


@click.command("heads-up-report")
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=1))
@with_appcontext
def heads_up_report_command(days: int) -> None:
    """Heads-up messages sent from the app that no invitation followed, per business."""
    from datetime import timedelta

    from .invite.heads_up_report import heads_ups_without_invitation
    from .models.types import utcnow

    tallies = heads_ups_without_invitation(utcnow() - timedelta(days=days))
    click.echo(f"Heads-up messages of the last {days} days that no invitation followed:")
    if not tallies:
        click.echo("  none were sent.")
    for t in tallies:
        click.echo(
            f"  {t.business} (account {t.account_id}): {t.unanswered} of {t.sent} unanswered, "
            f"{t.unanswered_outside} of them outside its verified domains"
        )


def init_app(app: Flask) -> None:
    from .delivery import send_mail_command

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(setup_command)
    app.cli.add_command(create_owner_command)
    app.cli.add_command(seed_scale_command)
    app.cli.add_command(heads_up_report_command)
