"""The index settings in git (search/settings/listings.json) and `apply_settings`: what ranks and
matches for a person searching in French, and a diff so operators see what a deploy changes."""
import pytest

from portal.vocabulary.data import SEARCH_SYNONYMS
from search.backends.base import FACETS, SearchUnavailable
from search.backends.meili import index_settings
from search.backends.meili.index_settings import diff_settings, load_settings, synonyms_from_vocabulary
from search.backends.meilisearch import MeilisearchBackend
from tests.support.fake_meili import fake_meili  # noqa: F401 - fixture

SETTINGS = load_settings()


def test_searchable_attributes_rank_title_first_description_last():
    assert SETTINGS["searchableAttributes"] == [
        "title", "discipline_labels", "tags", "organization", "commune_name", "description"]


def test_every_facet_and_geo_is_filterable_and_sorts_are_declared():
    assert set(FACETS) | {"_geo", "departement_code", "age_min", "age_max"} <= set(SETTINGS["filterableAttributes"])
    assert SETTINGS["sortableAttributes"] == ["_geo", "next_date", "last_verified_at", "title"]
    assert SETTINGS["rankingRules"] == ["words", "typo", "proximity", "attribute", "sort", "exactness"]


def test_typo_tolerance_pagination_faceting():
    assert SETTINGS["typoTolerance"] == {"minWordSizeForTypos": {"oneTypo": 4, "twoTypos": 8}}
    assert SETTINGS["pagination"]["maxTotalHits"] >= 1000
    assert SETTINGS["faceting"]["maxValuesPerFacet"] >= 100
    assert {"le", "la", "les", "de", "des", "et"} <= set(SETTINGS["stopWords"])
    assert not {"danse", "chant", "théâtre"} & set(SETTINGS["stopWords"])


@pytest.mark.parametrize("group", SEARCH_SYNONYMS, ids=lambda group: group[0])
def test_every_vocabulary_synonym_group_is_in_the_settings_both_ways(group):
    synonyms = SETTINGS["synonyms"]
    for term in group:
        assert set(synonyms[term.lower()]) >= {other.lower() for other in group if other != term}


def test_the_settings_file_is_up_to_date_with_the_vocabulary():
    assert index_settings.main(["--check"]) == 0
    assert SETTINGS["synonyms"] == synonyms_from_vocabulary()


def test_the_generator_merges_groups_sharing_a_term(tmp_path):
    assert synonyms_from_vocabulary([["chorale", "chœur"], ["chœur", "ensemble vocal"]])["chœur"] == [
        "chorale", "ensemble vocal"]
    path = tmp_path / "listings.json"
    path.write_text('{"synonyms": {}, "pagination": {"maxTotalHits": 5}}', encoding="utf-8")
    assert index_settings.main(["--check", "--path", str(path)]) == 1
    assert index_settings.main(["--path", str(path)]) == 0
    assert load_settings(path)["synonyms"]["impro"] == ["improvisation"]
    assert load_settings(path)["pagination"] == {"maxTotalHits": 5}


def test_diff_ignores_set_order_and_sub_keys_we_do_not_own():
    live = {"stopWords": ["le", "de"], "typoTolerance": {"enabled": True, "minWordSizeForTypos":
                                                         {"oneTypo": 4, "twoTypos": 8}, "disableOnWords": []},
            "searchableAttributes": ["description", "title"], "synonyms": {"bd": ["bande dessinée"]}}
    desired = {"stopWords": ["de", "le"], "typoTolerance": {"minWordSizeForTypos": {"oneTypo": 4, "twoTypos": 8}},
               "searchableAttributes": ["title", "description"], "synonyms": {"bd": ["bande dessinée"]},
               "sortableAttributes": ["title"]}
    assert diff_settings(live, desired) == {
        "searchableAttributes": {"from": ["description", "title"], "to": ["title", "description"]},
        "sortableAttributes": {"from": None, "to": ["title"]},
    }


@pytest.fixture
def backend(fake_meili):
    return MeilisearchBackend(fake_meili.url, "test-key", "listings")


def test_dry_run_on_a_new_index_reports_everything_and_writes_nothing(backend, fake_meili):
    report = backend.apply_settings(dry_run=True)
    assert set(report["changed"]) == set(SETTINGS)
    assert report["changed"]["synonyms"] == {"from": None, "to": SETTINGS["synonyms"]}
    assert all(r.method == "GET" for r in fake_meili.requests)
    assert fake_meili.indexes == {}


def test_apply_creates_the_index_sends_the_settings_and_waits(backend, fake_meili):
    report = backend.apply_settings()
    assert set(report) == {"changed"} and report["changed"]["rankingRules"]["from"] is None
    (creation,) = fake_meili.requests_to("POST", "/indexes")
    assert creation.body == {"uid": "listings", "primaryKey": "id"}
    (patch,) = fake_meili.requests_to("PATCH", "/indexes/listings/settings")
    assert patch.body == SETTINGS
    assert fake_meili.requests[-1].path.startswith("/tasks/")  # waited for the settings task
    assert backend.apply_settings(dry_run=True)["changed"] == {}  # applied: nothing left to change


def test_apply_sends_only_what_changed(backend, fake_meili):
    backend.apply_settings()
    fake_meili.indexes["listings"].settings["typoTolerance"]["minWordSizeForTypos"] = {"oneTypo": 5, "twoTypos": 9}
    fake_meili.indexes["listings"].settings["stopWords"] = ["le"]
    fake_meili.requests.clear()
    report = backend.apply_settings()
    assert report["changed"]["typoTolerance"]["from"]["minWordSizeForTypos"] == {"oneTypo": 5, "twoTypos": 9}
    assert set(report["changed"]) == {"typoTolerance", "stopWords"}
    (patch,) = fake_meili.requests_to("PATCH", "/indexes/listings/settings")
    assert patch.body == {"typoTolerance": SETTINGS["typoTolerance"], "stopWords": SETTINGS["stopWords"]}


def test_a_failed_settings_task_raises_with_meilisearch_message(backend, fake_meili):
    fake_meili.fail_next_task("Attribute `_geo` is not sortable.", code="invalid_settings_sortable_attributes",
                              task_type="settingsUpdate")
    with pytest.raises(SearchUnavailable, match="is not sortable"):
        backend.apply_settings()
