"""Registers each domain's click group on the app (`flask --app portal …`)."""
from flask import Flask


def register_commands(app: Flask) -> None:
    from portal.geo.commands import geo

    app.cli.add_command(geo)
