"""Every mapped class, imported once so that the metadata (and Alembic) sees them all."""
from importers.models import DuplicateCandidate, ImportItem, ImportProfile, ImportRun, ImportSource
from portal.activities.models import Activity, ActivitySlot, ActivityTiming
from portal.geo.models import Commune, Departement, Region
from portal.organizations.models import Organization
from portal.resources.models import Resource
from portal.venues.models import Venue
from portal.vocabulary.models import Discipline, Tag
from search.models import SearchOutbox

__all__ = [
    "Activity", "ActivitySlot", "ActivityTiming", "Commune", "Departement", "Discipline",
    "DuplicateCandidate", "ImportItem", "ImportProfile", "ImportRun", "ImportSource",
    "Organization", "Region", "Resource", "SearchOutbox", "Tag", "Venue",
]
