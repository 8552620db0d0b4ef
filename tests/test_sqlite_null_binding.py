"""The SQLite engine registers an adapter for None (engines/sqlite.py: a faster bind);
None must still be stored as NULL, by executemany and by a single statement."""

from __future__ import annotations

import sqlite3

from ecommerce_warehouse.engines import sqlite as sqlite_engine


def test_none_is_stored_as_null_with_the_engines_adapter():
    assert sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)] is sqlite_engine._bind_null
    connection = sqlite3.connect(":memory:")
    connection.execute("create table t (a, b, c)")
    connection.executemany("insert into t values (?, ?, ?)", [(None, 1, "x"), (None, None, None)])
    connection.execute("insert into t values (:a, :b, :c)", {"a": None, "b": 2.5, "c": None})
    assert connection.execute("select typeof(a), typeof(b), typeof(c) from t order by rowid").fetchall() == [
        ("null", "integer", "text"), ("null", "null", "null"), ("null", "real", "null")]
    assert connection.execute("select count(*) from t where a is null").fetchone() == (3,)
