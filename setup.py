"""Packaging that pyproject.toml cannot declare: the top-level `migrations/` folder ships inside
the package as `bot._migrations`, so an installed wheel can run `hiring-bot migrate` anywhere.

setuptools can only map a folder to a package it is told about by name, and pyproject.toml
takes either a list of packages or a find directive, not both; everything else is in
pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["bot*"]), "bot._migrations", "bot._migrations.versions"],
    package_dir={"bot._migrations": "migrations"},
)
