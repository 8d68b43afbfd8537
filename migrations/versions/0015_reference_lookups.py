"""the communes, sources and runs that inserted venues and import items name are locked and
checked in one indexed look-up per statement: the checks of 0013 and 0014 could read a whole
table (0014 read every commune, a hash join over 35 000 rows, for each batch of an import)
to lock those named, then looked them up again to find one missing

The guarantees are those of 0013 and 0014: the rows named must exist (else
foreign_key_violation, naming one that does not), and they are locked FOR KEY SHARE while the
venues or items are written. The keys named are gathered once, locked through the primary
key, and counted: only when fewer are found than named is the missing one looked for.

Revision ID: 0015_reference_lookups
Revises: 0014_venue_reference_checks
"""
from alembic import op

revision = "0015_reference_lookups"
down_revision = "0014_venue_reference_checks"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE OR REPLACE FUNCTION venue_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            codes text[] := ARRAY(SELECT commune_code FROM written WHERE commune_code IS NOT NULL
                                  UNION SELECT location_commune_code FROM written
                                  WHERE location_commune_code IS NOT NULL);
            sources integer[] := ARRAY(SELECT DISTINCT source_id FROM written WHERE source_id IS NOT NULL);
            locked bigint;
            missing text;
        BEGIN
            PERFORM 1 FROM commune WHERE insee_code = ANY(codes) FOR KEY SHARE;
            GET DIAGNOSTICS locked = ROW_COUNT;
            IF locked < cardinality(codes) THEN
                SELECT code INTO missing FROM unnest(codes) AS code
                WHERE NOT EXISTS (SELECT 1 FROM commune c WHERE c.insee_code = code) LIMIT 1;
                RAISE foreign_key_violation USING
                    MESSAGE = format('insert or update on table "venue" violates its commune check: '
                                     'commune %s does not exist', coalesce(missing, '(deleted meanwhile)')),
                    TABLE = 'venue', CONSTRAINT = 'venue_communes_exist';
            END IF;
            PERFORM 1 FROM import_source WHERE id = ANY(sources) FOR KEY SHARE;
            GET DIAGNOSTICS locked = ROW_COUNT;
            IF locked < cardinality(sources) THEN
                SELECT source INTO missing FROM unnest(sources) AS source
                WHERE NOT EXISTS (SELECT 1 FROM import_source s WHERE s.id = source) LIMIT 1;
                RAISE foreign_key_violation USING
                    MESSAGE = format('insert or update on table "venue" violates its source check: '
                                     'import_source %s does not exist', coalesce(missing, '(deleted meanwhile)')),
                    TABLE = 'venue', CONSTRAINT = 'venue_sources_exist';
            END IF;
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE OR REPLACE FUNCTION import_item_runs_exist() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            runs integer[] := ARRAY(SELECT DISTINCT run_id FROM written);
            locked bigint;
            missing integer;
        BEGIN
            PERFORM 1 FROM import_run WHERE id = ANY(runs) FOR KEY SHARE;
            GET DIAGNOSTICS locked = ROW_COUNT;
            IF locked < cardinality(runs) THEN
                SELECT run INTO missing FROM unnest(runs) AS run
                WHERE NOT EXISTS (SELECT 1 FROM import_run r WHERE r.id = run) LIMIT 1;
                RAISE foreign_key_violation USING
                    MESSAGE = format('insert or update on table "import_item" violates its run check: '
                                     'import_run %s does not exist', missing),
                    TABLE = 'import_item', CONSTRAINT = 'import_item_runs_exist';
            END IF;
            RETURN NULL;
        END $$
    """)


def downgrade():
    """Nothing to undo: the functions keep the guarantees and names of 0013 and 0014, whose
    downgrades drop them with their triggers."""
