"""address_key(): an address as compared for duplicates (« 12, av. J. Jaurès » and « 12 avenue
J Jaures » are the same address)

Revision ID: 0009_address_key
Revises: 0008_price_period_term_week
"""
from alembic import op

revision = "0009_address_key"
down_revision = "0008_price_period_term_week"
branch_labels = None
depends_on = None

# The abbreviations of French street types and titles, as the national address base spells them out.
ABBREVIATIONS = [
    ("av|ave", "avenue"), ("bd|bld|blvd|bvd|boul", "boulevard"), ("r", "rue"), ("pl", "place"), ("ch|chem", "chemin"),
    ("imp", "impasse"), ("all", "allee"), ("sq", "square"), ("rte", "route"), ("fg|fbg", "faubourg"),
    ("crs", "cours"), ("pte", "porte"), ("qu|qua", "quai"), ("prom", "promenade"), ("res|resid", "residence"),
    ("st", "saint"), ("ste", "sainte"), ("gal|gen", "general"), ("mal|marech", "marechal"), ("pdt|pres", "president"),
    ("dr", "docteur"), ("prof", "professeur"),
]


def upgrade():
    expression = "regexp_replace(search_fold(address), '[^a-z0-9]+', ' ', 'g')"
    for short, long in ABBREVIATIONS:
        expression = f"regexp_replace({expression}, '\\m({short})\\M', '{long}', 'g')"
    # « de », « la », « l' » come and go between two spellings of one address.
    expression = f"regexp_replace({expression}, '\\m(de|du|des|la|le|les|l|d)\\M', ' ', 'g')"
    op.execute(f"""
        CREATE OR REPLACE FUNCTION address_key(address text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT nullif(trim(regexp_replace({expression}, '\\s+', ' ', 'g')), '') $$
    """)


def downgrade():
    op.execute("DROP FUNCTION IF EXISTS address_key(text)")
