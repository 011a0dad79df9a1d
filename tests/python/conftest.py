import os
import pathlib

import pytest

ROOT = pathlib.Path(os.environ.get("COUNTYSCOPE_HOME", pathlib.Path(__file__).resolve().parents[2]))


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def sample_pbf():
    return str(ROOT / "data" / "sample" / "liechtenstein-2024-03-04.osm.pbf")


@pytest.fixture(scope="session")
def net(sample_pbf):
    import countyscope as cs
    return cs.Network.from_osm(sample_pbf, profile="car")
