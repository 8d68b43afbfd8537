"""an import run's page is reached by its id and a secret key (its report shows partner rows)

Revision ID: 0007_import_run_key
Revises: 0006_activity_accessibility
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_import_run_key"
down_revision = "0006_activity_accessibility"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("import_run", sa.Column("access_key", sa.Text(), nullable=True))
    # Runs recorded before: a key of their own, as unguessable as new ones (128 random bits).
    op.execute("UPDATE import_run SET access_key = rtrim(replace(replace(encode(decode(md5(random()::text || "
               "clock_timestamp()::text || id::text), 'hex'), 'base64'), '+', '-'), '/', '_'), '=')")
    op.alter_column("import_run", "access_key", nullable=False)


def downgrade():
    op.drop_column("import_run", "access_key")
