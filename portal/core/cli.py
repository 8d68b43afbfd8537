"""What the command line says when it refuses: in French, as the rest of its output."""
from __future__ import annotations

import click


class Refused(click.ClickException):
    """A refusal the user can act on, printed « Erreur : … » (click's own says « Error: »).
    ``option`` names the option at fault, if any: then the exit code is 2, as for any usage
    error, else 1."""

    def __init__(self, message: str, option: str | None = None):
        super().__init__(f"{option} : {message}" if option else message)
        self.exit_code = 2 if option else 1

    def show(self, file=None) -> None:
        click.echo(f"Erreur : {self.format_message()}", err=True, file=file)
