"""free access to venues (a library's "gratuité des services")

Revision ID: 0004_venue_is_free
Revises: 0003_search_payload
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_venue_is_free"
down_revision = "0003_search_payload"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("venue", sa.Column("is_free", sa.Boolean(), nullable=True))


def downgrade():
    op.drop_column("venue", "is_free")
