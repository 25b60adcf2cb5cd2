"""Command-line commands: demo data and the one-step setup that `make run` uses."""

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from .demo import DEMO_PASSWORD, INDIVIDUALS, seed_demo
from .extensions import db
from .models import User
from .scale import seed_scale_command


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create or refresh the demo accounts (safe to run again)."""
    seed_demo()
    click.echo("Demo data is ready.")


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
    click.echo("")
    click.echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    click.echo("  owner@acme.example    owner of Acme Corp")
    click.echo("  admin@acme.example    admin of Acme Corp")
    click.echo("  member@acme.example   member of Acme Corp")
    for person in INDIVIDUALS:
        click.echo(f"  {person.email:<26}individual account")
    click.echo("  owner@globex.example  owner of Globex")


def init_app(app: Flask) -> None:
    from .delivery import send_mail_command

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(setup_command)
    app.cli.add_command(seed_scale_command)
