"""an import item's run is checked once per statement, not once per row: an import writes one
item per row of the file, thousands in one COPY, and a foreign key ran a query for each of
them (half the cost of writing the items)

The foreign key import_item.run_id → import_run.id gives way to statement-level triggers that
keep its guarantees: the runs of the items a statement writes must exist, and are locked as a
foreign key locks them (FOR KEY SHARE: a run cannot be deleted while its items are written);
deleting a run deletes its items (ON DELETE CASCADE).

Revision ID: 0013_import_item_run_check
Revises: 0012_import_run_heartbeat
"""
from alembic import op

revision = "0013_import_item_run_check"
down_revision = "0012_import_run_heartbeat"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_constraint("fk_import_item_run_id_import_run", "import_item", type_="foreignkey")
    op.execute("""
        CREATE FUNCTION import_item_runs_exist() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            missing integer;
        BEGIN
            PERFORM 1 FROM import_run WHERE id IN (SELECT DISTINCT run_id FROM written) FOR KEY SHARE;
            SELECT w.run_id INTO missing FROM (SELECT DISTINCT run_id FROM written) AS w
            WHERE NOT EXISTS (SELECT 1 FROM import_run r WHERE r.id = w.run_id) LIMIT 1;
            IF FOUND THEN
                RAISE foreign_key_violation USING
                    MESSAGE = format('insert or update on table "import_item" violates its run check: '
                                     'import_run %s does not exist', missing),
                    TABLE = 'import_item', CONSTRAINT = 'import_item_runs_exist';
            END IF;
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE FUNCTION import_run_items_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM import_item WHERE run_id IN (SELECT id FROM deleted);
            RETURN NULL;
        END $$
    """)
    op.execute("CREATE TRIGGER import_item_runs_exist_insert AFTER INSERT ON import_item "
               "REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION import_item_runs_exist()")
    op.execute("CREATE TRIGGER import_item_runs_exist_update AFTER UPDATE ON import_item "
               "REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION import_item_runs_exist()")
    op.execute("CREATE TRIGGER import_run_items_deleted AFTER DELETE ON import_run "
               "REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION import_run_items_deleted()")


def downgrade():
    op.execute("DROP TRIGGER import_run_items_deleted ON import_run")
    op.execute("DROP TRIGGER import_item_runs_exist_update ON import_item")
    op.execute("DROP TRIGGER import_item_runs_exist_insert ON import_item")
    op.execute("DROP FUNCTION import_run_items_deleted()")
    op.execute("DROP FUNCTION import_item_runs_exist()")
    op.create_foreign_key("fk_import_item_run_id_import_run", "import_item", "import_run", ["run_id"], ["id"],
                          ondelete="CASCADE")
