"""Helpers for reader tests: files are written into tmp_path with exact bytes, so every
quirk (BOMs, CRLF, legacy encodings) is visible in the test that needs it."""
from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def write(tmp_path):
    """write(name, content) → path; str content is encoded as UTF-8 unless bytes are given."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write
