"""Registers each domain's click group on the app (`flask --app portal …`)."""
from flask import Flask


def register_commands(app: Flask) -> None:
    from portal.geo.commands import geo
    from portal.vocabulary.commands import vocabulary
    from search.commands import search

    app.cli.add_command(geo)
    app.cli.add_command(vocabulary)
    app.cli.add_command(search)

    from importers.commands import imports
    from importers.demo import demo

    app.cli.add_command(imports)
    app.cli.add_command(demo)
