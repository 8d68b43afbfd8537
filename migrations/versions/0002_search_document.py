"""embedded search engine: search_document, search_term, fr_unaccent

The postgres search backend keeps one flat row per searchable listing: filterable values as
real columns (so filters and facets never read JSON), a weighted French tsvector for
full-text, an unaccented title for typo tolerance, and the whole document as JSONB for display.
`search_term` is the vocabulary of indexed words, used to correct typos in queries.

Revision ID: 0002_search_document
Revises: c64b20a2159b
"""
from alembic import op

revision = "0002_search_document"
down_revision = "c64b20a2159b"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # French stemming after accent folding: "théâtres" and "theatre" meet on 'theatr'.
    op.execute("""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'fr_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION fr_unaccent
              ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
          END IF;
        END $$
    """)
    # unaccent() is only STABLE; an IMMUTABLE wrapper (dictionary named explicitly) lets
    # indexes use it.
    op.execute("""
        CREATE OR REPLACE FUNCTION search_fold(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$
    """)
    op.execute("""
        CREATE TABLE search_document (
            id text PRIMARY KEY,
            listing_type text NOT NULL,
            listing_id integer NOT NULL,
            kind text,
            title text NOT NULL,
            title_folded text NOT NULL,
            disciplines text[] NOT NULL DEFAULT '{}',
            audiences text[] NOT NULL DEFAULT '{}',
            weekdays smallint[] NOT NULL DEFAULT '{}',
            day_periods text[] NOT NULL DEFAULT '{}',
            accessibility text[] NOT NULL DEFAULT '{}',
            level text,
            is_free boolean,
            price_band text,
            age_min smallint,
            age_max smallint,
            commune_code text,
            departement_code text,
            ept_code text,
            status text,
            next_date bigint,
            last_verified_at bigint,
            geog geography(Point, 4326),
            search_vector tsvector NOT NULL,
            document jsonb NOT NULL
        )
    """)
    op.execute("CREATE INDEX ix_search_document_vector ON search_document USING gin (search_vector)")
    op.execute("CREATE INDEX ix_search_document_geog ON search_document USING gist (geog)")
    op.execute("CREATE INDEX ix_search_document_title_trgm ON search_document "
               "USING gin (title_folded gin_trgm_ops)")
    op.execute("CREATE INDEX ix_search_document_disciplines ON search_document USING gin (disciplines)")
    op.execute("CREATE INDEX ix_search_document_listing ON search_document (listing_type, listing_id)")
    op.execute("CREATE INDEX ix_search_document_commune ON search_document (commune_code)")
    op.execute("CREATE INDEX ix_search_document_next_date ON search_document (next_date)")
    op.execute("""
        CREATE TABLE search_term (
            word text PRIMARY KEY,
            weight integer NOT NULL DEFAULT 1
        )
    """)
    op.execute("CREATE INDEX ix_search_term_trgm ON search_term USING gin (word gin_trgm_ops)")
    op.execute("CREATE INDEX ix_search_term_prefix ON search_term (word text_pattern_ops)")


def downgrade():
    op.execute("DROP TABLE IF EXISTS search_term")
    op.execute("DROP TABLE IF EXISTS search_document")
    op.execute("DROP FUNCTION IF EXISTS search_fold(text)")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS fr_unaccent")
