"""Where the catalog lives: `db_file()` (the warm read path's, without pathlib) is `db_path()`."""

from __future__ import annotations

import os

import pytest

from agentops_lite import settings

HOMES = [
    "/tmp/x",
    "/tmp/x/",
    "/tmp/x/.",
    "//tmp/x",
    "///tmp//x/./y/../z",
    "/",
    "//",
    "///",
    "~",
    "~/",
    "~/a//b",
    "rel/dir",
    "./rel",
    "a/./",
    ".",
    "..",
    "../a",
    "a~b",
]


@pytest.mark.skipif(os.name != "posix", reason="elsewhere db_file() is str(db_path()) itself")
@pytest.mark.parametrize("home", HOMES)
def test_db_file_is_the_db_path(home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.ENV_HOME, home)
    assert settings.db_file() == str(settings.db_path())


def test_db_file_follows_home_with_a_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/someone/")
    monkeypatch.setenv(settings.ENV_HOME, "~/agentops")
    assert settings.db_file() == str(settings.db_path()) == "/home/someone/agentops/catalog.db"


def test_db_file_of_an_unknown_user_s_home_fails_as_db_path_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(settings.ENV_HOME, "~no-such-user-here/x")
    with pytest.raises(RuntimeError):
        settings.db_path()
    with pytest.raises(RuntimeError):
        settings.db_file()
