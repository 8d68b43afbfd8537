"""search documents for display move to search_payload, keeping search_document narrow

The display document (JSONB, ~1 kB) made every search_document row ~1.5 kB, below the TOAST
threshold, so scans and facet counts read three times the pages they need. It now lives in
its own table, read only for the page of hits shown.

Revision ID: 0003_search_payload
Revises: 0002_search_document
"""
from alembic import op

revision = "0003_search_payload"
down_revision = "0002_search_document"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE search_payload (
            id text PRIMARY KEY REFERENCES search_document (id) ON DELETE CASCADE,
            document jsonb NOT NULL
        )
    """)
    op.execute("INSERT INTO search_payload (id, document) SELECT id, document FROM search_document")
    op.execute("ALTER TABLE search_document DROP COLUMN document")


def downgrade():
    op.execute("ALTER TABLE search_document ADD COLUMN document jsonb")
    op.execute("UPDATE search_document d SET document = p.document FROM search_payload p WHERE p.id = d.id")
    op.execute("ALTER TABLE search_document ALTER COLUMN document SET NOT NULL")
    op.execute("DROP TABLE search_payload")
