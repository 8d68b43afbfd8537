"""weekly slots that end after midnight (« vendredi 22h-1h »: a bal, a jam session): an end
before the start is the next day's; only an end equal to the start is refused

Revision ID: 0010_overnight_slots
Revises: 0009_address_key
"""
from alembic import op

revision = "0010_overnight_slots"
down_revision = "0009_address_key"
branch_labels = None
depends_on = None

CONSTRAINT = "ck_activity_slot_slot_order"


def upgrade():
    op.drop_constraint(op.f(CONSTRAINT), "activity_slot", type_="check")
    op.create_check_constraint(op.f(CONSTRAINT), "activity_slot", "ends_at IS NULL OR ends_at <> starts_at")


def downgrade():
    # The old rule cannot hold a slot ending the next day: such slots keep their day and start
    # (still true) and lose their end (unknown, rather than a wrong one or a deleted slot).
    op.execute("UPDATE activity_slot SET ends_at = NULL WHERE ends_at < starts_at")
    op.drop_constraint(op.f(CONSTRAINT), "activity_slot", type_="check")
    op.create_check_constraint(op.f(CONSTRAINT), "activity_slot", "ends_at IS NULL OR ends_at > starts_at")
