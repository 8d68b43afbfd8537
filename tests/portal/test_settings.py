from pathlib import Path

from portal.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_documented_in_the_readme():
    documented = Settings.documented()
    names = {name for name, _ in documented}
    assert "DATABASE_URL" in names and "TILES_URL" in names
    readme = README.read_text(encoding="utf-8")
    missing = [name for name in names if f"`{name}`" not in readme]
    assert missing == []


def test_settings_are_typed_from_the_environment():
    settings = Settings.from_env({"IMPORT_MAX_BYTES": "1024", "SQL_ECHO": "yes", "MEILI_TIMEOUT": "0.5",
                                  "DATA_DIR": "/srv/data"})
    assert settings.IMPORT_MAX_BYTES == 1024
    assert settings.SQL_ECHO is True
    assert settings.MEILI_TIMEOUT == 0.5
    assert settings.REFERENCE_DATA_DIR == "/srv/data/reference"


def test_the_shared_data_is_found_beside_the_checkout_or_beside_the_one_it_was_cloned_from(tmp_path):
    import subprocess

    from portal.settings import _default_data_dir

    project, shared = tmp_path / "work" / "main", tmp_path / "work" / "shared" / "data"
    project.mkdir(parents=True)
    shared.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    assert _default_data_dir(project) == str(shared)

    clone = tmp_path / "elsewhere" / "clone"
    subprocess.run(["git", "clone", "-q", str(project), str(clone)], check=True, capture_output=True)
    assert _default_data_dir(clone) == str(shared)

    lone = tmp_path / "lone"
    lone.mkdir()
    assert _default_data_dir(lone) == str(lone / "data")
