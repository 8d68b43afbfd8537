"""accessibility families and notes on activities, notes on resources (imports keep them)

Revision ID: 0006_activity_accessibility
Revises: 0005_search_generation
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_activity_accessibility"
down_revision = "0005_search_generation"
branch_labels = None
depends_on = None

FAMILIES = ("access_motor", "access_visual", "access_hearing", "access_mental")


def upgrade():
    for column in FAMILIES:
        op.add_column("activity", sa.Column(column, sa.Boolean(), nullable=True))
    op.add_column("activity", sa.Column("accessibility_notes", sa.Text(), nullable=True))
    op.add_column("resource", sa.Column("accessibility_notes", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("resource", "accessibility_notes")
    op.drop_column("activity", "accessibility_notes")
    for column in FAMILIES:
        op.drop_column("activity", column)
