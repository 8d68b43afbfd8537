"""The canonical fields of Boussole's listing format: what a partner column maps to.

The published Table Schema (importers/schema/) describes the same fields for partners.
"""
from __future__ import annotations

# field name → (French label, English label)
FIELDS: dict[str, tuple[str, str]] = {
    "external_id": ("Identifiant", "Identifier"),
    "name": ("Nom / titre", "Name / title"),
    "description": ("Description", "Description"),
    "kind": ("Type", "Kind"),
    "disciplines": ("Disciplines", "Disciplines"),
    "tags": ("Mots-clés", "Tags"),
    "organization": ("Organisme", "Organisation"),
    "venue_name": ("Lieu (nom)", "Venue name"),
    "address": ("Adresse", "Address"),
    "postal_code": ("Code postal", "Postal code"),
    "commune_name": ("Commune", "Town"),
    "insee_code": ("Code INSEE", "INSEE code"),
    "latitude": ("Latitude", "Latitude"),
    "longitude": ("Longitude", "Longitude"),
    "lat_lon": ("Coordonnées « lat, lon »", "Coordinates \"lat, lon\""),
    "website": ("Site web", "Website"),
    "email": ("Courriel", "Email"),
    "phone": ("Téléphone", "Phone"),
    "age_min": ("Âge minimum", "Minimum age"),
    "age_max": ("Âge maximum", "Maximum age"),
    "audiences": ("Publics", "Audiences"),
    "level": ("Niveau", "Level"),
    "is_free": ("Gratuit", "Free"),
    "price_min": ("Prix minimum (€)", "Minimum price (€)"),
    "price_max": ("Prix maximum (€)", "Maximum price (€)"),
    "price_period": ("Période du tarif", "Price period"),
    "price_notes": ("Précisions tarifaires", "Price details"),
    "schedule": ("Horaires hebdomadaires", "Weekly schedule"),
    "season_start": ("Début de saison", "Season start"),
    "season_end": ("Fin de saison", "Season end"),
    "timings": ("Dates", "Timings"),
    "status": ("Statut", "Status"),
    "registration_url": ("Inscription (lien)", "Registration link"),
    "accessibility": ("Accessibilité", "Accessibility"),
    "deadline": ("Date limite", "Deadline"),
    "area_m2": ("Surface (m²)", "Area (m²)"),
    "equipment": ("Équipement", "Equipment"),
    "source_modified_at": ("Date de mise à jour", "Last modified"),
}

REQUIRED = ("name",)

# Fields a partner may spread over several columns, read together: one yes/no column per
# accessibility need (« Handicap moteur », « Boucle magnétique »), a weekly slot as « Jour » +
# « Horaire » or « Jour » + « Heure début » + « Heure fin », disciplines as a domain and its
# sub-domains (« Domaine » + « Sous-domaines »), an address as « N° voie » + « Type voie » + « Nom voie ».
MULTI_COLUMN_FIELDS = ("accessibility", "schedule", "disciplines", "address")

# Fields a listing type has nowhere to keep: a column mapped to one of them is named in the run's
# message instead of being dropped without a word.
UNUSED_BY = {
    "venue": {"age_min", "age_max", "level", "price_min", "price_max", "price_period", "price_notes", "schedule",
              "season_start", "season_end", "timings", "status", "registration_url", "deadline", "area_m2", "equipment"},
    "activity": {"deadline", "area_m2", "equipment"},
    "resource": {"age_min", "age_max", "level", "price_notes", "schedule", "season_start", "season_end", "timings",
                 "status"},
}
