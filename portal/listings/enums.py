"""Closed vocabularies shared by listings. Stored as PostgreSQL enums: adding a value
is a migration (ALTER TYPE … ADD VALUE), which is what a closed vocabulary deserves."""
import enum


class ListingType(str, enum.Enum):
    venue = "venue"
    activity = "activity"
    resource = "resource"


class ModerationStatus(str, enum.Enum):
    draft = "draft"
    pending = "pending"
    published = "published"
    refused = "refused"


class OrganizationKind(str, enum.Enum):
    association = "association"
    conservatoire = "conservatoire"
    mjc_social_centre = "mjc_social_centre"
    municipal_service = "municipal_service"
    federation = "federation"
    venue = "venue"
    informal_group = "informal_group"
    other = "other"


class VenueKind(str, enum.Enum):
    library = "library"
    cinema = "cinema"
    conservatoire = "conservatoire"
    cultural_centre = "cultural_centre"
    theatre = "theatre"
    rehearsal_studio = "rehearsal_studio"
    school = "school"
    other = "other"


class ActivityKind(str, enum.Enum):
    regular_class = "regular_class"      # atelier, cours
    short_course = "short_course"        # stage
    trial_session = "trial_session"      # séance d'essai
    recruiting_group = "recruiting_group"  # chorale, troupe, orchestre qui recrute
    open_practice = "open_practice"      # jam, scène ouverte, bal
    amateur_event = "amateur_event"      # spectacle, festival, rencontre


class ResourceKind(str, enum.Enum):
    rehearsal_room = "rehearsal_room"
    equipment_loan = "equipment_loan"
    funding = "funding"
    training = "training"
    advice = "advice"
    network = "network"


class Level(str, enum.Enum):
    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"
    all_levels = "all_levels"


class PricePeriod(str, enum.Enum):
    session = "session"
    hour = "hour"
    week = "week"
    month = "month"
    term = "term"      # trimestre
    season = "season"
    year = "year"
    one_off = "one_off"


class ActivityStatus(str, enum.Enum):
    scheduled = "scheduled"
    full = "full"
    cancelled = "cancelled"
    postponed = "postponed"


class LocationPrecision(str, enum.Enum):
    """How a venue's point was obtained; only `given` and `address` are exact enough
    to show as a pin without a warning."""

    given = "given"          # coordinates supplied by the source
    address = "address"      # geocoded from the street address
    street = "street"        # geocoded to the street only
    municipality = "municipality"  # commune centroid: approximate


# Public tags (audience); stored as a constrained text array.
AUDIENCES = ("children", "teenagers", "young_adults", "adults", "seniors", "families")
