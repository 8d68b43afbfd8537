"""a running import's heartbeat (its last sign of life): a run whose process died (a killed
worker, a restarted server) is told from one still at work, and reported as interrupted

Revision ID: 0012_import_run_heartbeat
Revises: 0011_commune_former_names
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_import_run_heartbeat"
down_revision = "0011_commune_former_names"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("import_run", sa.Column("heartbeat_at", sa.DateTime(timezone=True)))


def downgrade():
    op.drop_column("import_run", "heartbeat_at")
