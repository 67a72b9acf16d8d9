import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test's papers in a folder of its own, to see exactly what was stored."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
