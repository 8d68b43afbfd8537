"""search generation: a counter bumped by every index change, part of cached results' keys

Revision ID: 0005_search_generation
Revises: 0004_venue_is_free
"""
from alembic import op

revision = "0005_search_generation"
down_revision = "0004_venue_is_free"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE SEQUENCE search_generation")


def downgrade():
    op.execute("DROP SEQUENCE search_generation")
