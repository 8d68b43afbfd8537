"""prices per term (« 90 € / trimestre ») and per week, as partners write them

Revision ID: 0008_price_period_term_week
Revises: 0007_import_run_key
"""
from alembic import op

revision = "0008_price_period_term_week"
down_revision = "0007_import_run_key"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TYPE price_period ADD VALUE IF NOT EXISTS 'term' BEFORE 'season'")
    op.execute("ALTER TYPE price_period ADD VALUE IF NOT EXISTS 'week' BEFORE 'month'")


def downgrade():
    # PostgreSQL cannot drop a value from an enum type: listings using them go back to no period.
    op.execute("UPDATE activity SET price_period = NULL WHERE price_period::text IN ('term', 'week')")
    op.execute("UPDATE resource SET price_period = NULL WHERE price_period::text IN ('term', 'week')")
