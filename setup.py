"""Packaging that pyproject.toml cannot declare.

- The top-level `migrations/` folder ships inside the package as `bot._migrations`, so an
  installed wheel can run `hiring-bot migrate` anywhere. setuptools can only map a folder to a
  package it is told about by name, and pyproject.toml takes either a list of packages or a
  find directive, not both.
- The top-level `manifest.yml` (the app's Slack settings, the one source) is copied into the
  built package as `bot/manifest.yml`, so the sandbox's emulator of a wheel models the same
  app. A checkout and an editable install read the top-level file (bot/manifest.py).

Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

MANIFEST = Path(__file__).resolve().parent / "manifest.yml"


class BuildWithManifest(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            shutil.copyfile(MANIFEST, Path(self.build_lib) / "bot" / "manifest.yml")


setup(
    packages=[*find_packages(include=["bot*"]), "bot._migrations", "bot._migrations.versions"],
    package_dir={"bot._migrations": "migrations"},
    cmdclass={"build_py": BuildWithManifest},
)
