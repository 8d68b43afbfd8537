"""a venue's commune and source are checked once per statement when venues are inserted, not
once per row: an import inserts thousands of venues in one COPY, and the foreign keys ran a
query and a row lock for each of them (a third of the server's cost of storing venues)

The foreign keys venue.commune_code, venue.location_commune_code → commune.insee_code and
venue.source_id → import_source.id give way to triggers that keep their guarantees:
- inserted venues: one statement-level check for all of them; the communes and sources they
  name must exist, and are locked as a foreign key locks them (FOR KEY SHARE: they cannot be
  deleted while the venues are written);
- updated venues: a row-level check, run only when one of the three columns changes;
- a commune still named by a venue cannot be deleted, nor have its code changed (NO ACTION);
  nor can a source that has venues (RESTRICT).

Revision ID: 0014_venue_reference_checks
Revises: 0013_import_item_run_check
"""
from alembic import op

revision = "0014_venue_reference_checks"
down_revision = "0013_import_item_run_check"
branch_labels = None
depends_on = None

FOREIGN_KEYS = (
    ("fk_venue_commune_code_commune", "commune_code", "commune", "insee_code", None),
    ("fk_venue_location_commune_code_commune", "location_commune_code", "commune", "insee_code", None),
    ("fk_venue_source_id_import_source", "source_id", "import_source", "id", "RESTRICT"),
)


def upgrade():
    for name, *_ in FOREIGN_KEYS:
        op.drop_constraint(name, "venue", type_="foreignkey")
    op.execute("""
        CREATE FUNCTION venue_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            missing text;
        BEGIN
            PERFORM 1 FROM commune WHERE insee_code IN (
                SELECT commune_code FROM written UNION SELECT location_commune_code FROM written) FOR KEY SHARE;
            SELECT w.code INTO missing
            FROM (SELECT commune_code AS code FROM written UNION SELECT location_commune_code FROM written) AS w
            WHERE w.code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM commune c WHERE c.insee_code = w.code) LIMIT 1;
            IF FOUND THEN
                RAISE foreign_key_violation USING
                    MESSAGE = format('insert or update on table "venue" violates its commune check: '
                                     'commune %s does not exist', missing),
                    TABLE = 'venue', CONSTRAINT = 'venue_communes_exist';
            END IF;
            PERFORM 1 FROM import_source WHERE id IN (SELECT source_id FROM written) FOR KEY SHARE;
            SELECT w.source_id INTO missing FROM (SELECT DISTINCT source_id FROM written) AS w
            WHERE w.source_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM import_source s WHERE s.id = w.source_id)
            LIMIT 1;
            IF FOUND THEN
                RAISE foreign_key_violation USING
                    MESSAGE = format('insert or update on table "venue" violates its source check: '
                                     'import_source %s does not exist', missing),
                    TABLE = 'venue', CONSTRAINT = 'venue_sources_exist';
            END IF;
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE FUNCTION venue_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            code text;
        BEGIN
            FOREACH code IN ARRAY ARRAY[NEW.commune_code, NEW.location_commune_code] LOOP
                CONTINUE WHEN code IS NULL;
                PERFORM 1 FROM commune WHERE insee_code = code FOR KEY SHARE;
                IF NOT FOUND THEN
                    RAISE foreign_key_violation USING
                        MESSAGE = format('insert or update on table "venue" violates its commune check: '
                                         'commune %s does not exist', code),
                        TABLE = 'venue', CONSTRAINT = 'venue_communes_exist';
                END IF;
            END LOOP;
            IF NEW.source_id IS NOT NULL THEN
                PERFORM 1 FROM import_source WHERE id = NEW.source_id FOR KEY SHARE;
                IF NOT FOUND THEN
                    RAISE foreign_key_violation USING
                        MESSAGE = format('insert or update on table "venue" violates its source check: '
                                         'import_source %s does not exist', NEW.source_id),
                        TABLE = 'venue', CONSTRAINT = 'venue_sources_exist';
                END IF;
            END IF;
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE FUNCTION commune_unused_by_venues() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            used text;
        BEGIN
            IF TG_LEVEL = 'ROW' THEN  -- a code changed
                SELECT OLD.insee_code INTO used
                WHERE EXISTS (SELECT 1 FROM venue v WHERE v.commune_code = OLD.insee_code)
                   OR EXISTS (SELECT 1 FROM venue v WHERE v.location_commune_code = OLD.insee_code);
            ELSE  -- communes deleted
                SELECT o.insee_code INTO used FROM gone o
                WHERE EXISTS (SELECT 1 FROM venue v WHERE v.commune_code = o.insee_code)
                   OR EXISTS (SELECT 1 FROM venue v WHERE v.location_commune_code = o.insee_code) LIMIT 1;
            END IF;
            IF FOUND THEN
                RAISE foreign_key_violation USING
                    MESSAGE = format('update or delete on table "commune" violates the venues'' commune check: '
                                     'commune %s is still referenced from table "venue"', used),
                    TABLE = 'commune', CONSTRAINT = 'venue_communes_exist';
            END IF;
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE FUNCTION import_source_unused_by_venues() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            used integer;
        BEGIN
            IF TG_LEVEL = 'ROW' THEN  -- an id changed
                SELECT OLD.id INTO used WHERE EXISTS (SELECT 1 FROM venue v WHERE v.source_id = OLD.id);
            ELSE  -- sources deleted
                SELECT o.id INTO used FROM gone o WHERE EXISTS (SELECT 1 FROM venue v WHERE v.source_id = o.id) LIMIT 1;
            END IF;
            IF FOUND THEN
                RAISE foreign_key_violation USING
                    MESSAGE = format('update or delete on table "import_source" violates the venues'' source check: '
                                     'import_source %s is still referenced from table "venue"', used),
                    TABLE = 'import_source', CONSTRAINT = 'venue_sources_exist';
            END IF;
            RETURN NULL;
        END $$
    """)
    op.execute("CREATE TRIGGER venue_references_exist AFTER INSERT ON venue REFERENCING NEW TABLE AS written "
               "FOR EACH STATEMENT EXECUTE FUNCTION venue_references_exist()")
    op.execute("CREATE TRIGGER venue_reference_changed AFTER UPDATE OF commune_code, location_commune_code, "
               "source_id ON venue FOR EACH ROW WHEN (OLD.commune_code IS DISTINCT FROM NEW.commune_code "
               "OR OLD.location_commune_code IS DISTINCT FROM NEW.location_commune_code "
               "OR OLD.source_id IS DISTINCT FROM NEW.source_id) EXECUTE FUNCTION venue_reference_changed()")
    for table, key, function in (("commune", "insee_code", "commune_unused_by_venues"),
                                 ("import_source", "id", "import_source_unused_by_venues")):
        op.execute(f"CREATE TRIGGER {table}_deleted_unused_by_venues AFTER DELETE ON {table} "
                   f"REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION {function}()")
        op.execute(f"CREATE TRIGGER {table}_rekeyed_unused_by_venues AFTER UPDATE OF {key} ON {table} "
                   f"FOR EACH ROW WHEN (OLD.{key} IS DISTINCT FROM NEW.{key}) EXECUTE FUNCTION {function}()")


def downgrade():
    for table in ("commune", "import_source"):
        op.execute(f"DROP TRIGGER {table}_rekeyed_unused_by_venues ON {table}")
        op.execute(f"DROP TRIGGER {table}_deleted_unused_by_venues ON {table}")
    op.execute("DROP TRIGGER venue_reference_changed ON venue")
    op.execute("DROP TRIGGER venue_references_exist ON venue")
    for function in ("import_source_unused_by_venues", "commune_unused_by_venues", "venue_reference_changed",
                     "venue_references_exist"):
        op.execute(f"DROP FUNCTION {function}()")
    for name, column, table, key, ondelete in FOREIGN_KEYS:
        op.create_foreign_key(name, "venue", table, [column], [key], ondelete=ondelete)
