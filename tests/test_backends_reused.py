"""The existing end-to-end, contract and SCD1 tests, run again on PostgreSQL, unchanged.

Every test function of the modules in REUSED is collected here a second time, under
the ``backend`` fixture (tests/backends.py). For PostgreSQL the module's ``load`` and
``rows`` (conftest's, bound at import) are swapped for the backend's for the duration
of the test: each distinct ``db`` a test passes becomes a warehouse in a schema of its
own, and rows come back with the values SQLite would give. The assertions are the
originals, word for word. Only the PostgreSQL case of ``backend`` is collected here:
the SQLite case is the original module itself.
"""

from __future__ import annotations

import sys
from datetime import date

import pytest

import test_contract_rejects
import test_end_to_end
import test_scd1
import test_sql_files
from backends import SKIP_REASON, backend, postgres_url  # noqa: F401  (the parametrised fixture)
from ecommerce_warehouse.generate import transactions as generator

if postgres_url() is None:
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

# module → the tests of it that make sense on a server (None: all of them)
REUSED = {
    test_end_to_end: None,
    test_contract_rejects: None,
    test_scd1: None,
    test_sql_files: ("test_silver_snapshot_views_agree_with_the_dimensions",),
}

for _module, _names in REUSED.items():
    for _name, _test in vars(_module).items():
        if _name.startswith("test_") and callable(_test) and (_names is None or _name in _names):
            _short = _module.__name__.removeprefix("test_")
            globals()[f"test_{_short}__{_name.removeprefix('test_')}"] = _test


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    """conftest's two_days (the same call, the same files), generated once for the module:
    the tests only read them."""
    written = generator.generate(date(2025, 3, 1), date(2025, 3, 2), 200, 7,
                                 tmp_path_factory.mktemp("two_days") / "raw", dirty_rate=0.03)
    return [path for path, _ in written]


@pytest.fixture(autouse=True)
def on_backend(backend, request, monkeypatch):  # noqa: F811
    module = sys.modules[request.function.__module__]
    monkeypatch.setattr(module, "load", backend.load)
    monkeypatch.setattr(module, "rows", backend.rows)
    return backend
