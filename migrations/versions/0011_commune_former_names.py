"""former names of communes (« Bellegarde-sur-Valserine » is Valserhône, « Pierrefitte-sur-Seine »
Saint-Denis): their delegated and associated communes' names, as the lookup compares them
(filled by `flask geo load`)

Revision ID: 0011_commune_former_names
Revises: 0010_overnight_slots
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011_commune_former_names"
down_revision = "0010_overnight_slots"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("commune", sa.Column("former_names", postgresql.ARRAY(sa.Text()), nullable=False,
                                       server_default="{}"))
    op.create_index("ix_commune_former_names", "commune", ["former_names"], postgresql_using="gin")


def downgrade():
    op.drop_index("ix_commune_former_names", table_name="commune")
    op.drop_column("commune", "former_names")
