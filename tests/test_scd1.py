"""SCD type 1 dimensions: the newest snapshot wins, whatever the load order, and keys never move."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from conftest import load, rows

T1 = "2025-03-01T09:00:00Z"
T2 = "2025-03-02T09:00:00Z"
T3 = "2025-03-03T09:00:00Z"
ABSENT = object()


def line(tid: str, ts: str, user=ABSENT, product=ABSENT, **fields) -> dict:
    record = {"transaction_id": tid, "order_id": f"O-{tid}", "timestamp": ts,
              "status": "completed", "quantity": 1, "price": 5.0}
    if user is not ABSENT:
        record["user"] = user
    record["product"] = (
        {"product_id": "P1", "name": "Mug", "category": "Home", "unit_price": 5.0}
        if product is ABSENT else product
    )
    record.update(fields)
    return record


def user(email: str, name: str = "Ann Lee", user_id: str = "U1") -> dict:
    return {"user_id": user_id, "name": name, "email": email, "registration_date": "2024-01-05"}


def batch(tmp_path: Path, name: str, *records: dict) -> Path:
    path = tmp_path / "batches" / f"{name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def dim_user(db: Path, user_id: str = "U1") -> dict:
    found = rows(db, "select user_key, name, email, registration_date, is_inferred, updated_at"
                     " from dim_users where user_id = ?", (user_id,))
    assert len(found) == 1, f"{user_id} should have exactly one dim_users row, found {found}"
    return dict(zip(("user_key", "name", "email", "registration_date", "is_inferred", "updated_at"),
                    found[0]))


def dim_product(db: Path, product_id: str = "P1") -> dict:
    found = rows(db, "select product_key, product_name, category, list_price_cents, is_inferred,"
                     " updated_at from dim_products where product_id = ?", (product_id,))
    assert len(found) == 1, f"{product_id} should have exactly one dim_products row, found {found}"
    return dict(zip(("product_key", "product_name", "category", "list_price_cents", "is_inferred",
                     "updated_at"), found[0]))


def loaded(result) -> None:
    assert result.error is None, result.error
    assert all(f.status == "loaded" for f in result.files), result.files
    assert all(f.records_rejected == 0 for f in result.files), result.files


SNAPSHOTS = {
    "t1": (T1, "ann@example.com", "Ann Lee"),
    "t2": (T2, "ann.lee@example.net", "Ann Lee-Park"),
    "t3": (T3, "ann.park@example.org", "Ann Park"),
}


@pytest.mark.parametrize("order", list(itertools.permutations(SNAPSHOTS)),
                         ids=lambda order: "-".join(order))
def test_newest_email_wins_for_every_load_order(tmp_path, order):
    db = tmp_path / "warehouse.db"
    files = {
        name: batch(tmp_path, name, line(f"TX-{name}", ts, user(email, full_name)))
        for name, (ts, email, full_name) in SNAPSHOTS.items()
    }
    first_key = None
    for name in order:
        loaded(load(db, files[name]))
        key = dim_user(db)["user_key"]
        first_key = first_key if first_key is not None else key
        assert key == first_key, f"user_key moved from {first_key} to {key} after loading {name}"

    final = dim_user(db)
    assert (final["email"], final["name"], final["is_inferred"]) == (
        "ann.park@example.org", "Ann Park", 0)
    facts = rows(db, "select transaction_id, user_key from fact_orders order by transaction_id")
    assert facts == [("TX-t1", first_key), ("TX-t2", first_key), ("TX-t3", first_key)]


def test_late_record_loaded_last_does_not_overwrite_newer_attributes(db_path, tmp_path):
    loaded(load(db_path, batch(tmp_path, "transactions_new", line(
        "TX-new", T3, user("new@example.com", "New Name"),
        {"product_id": "P1", "name": "Mug v2", "category": "Kitchen", "unit_price": 7.5}))))
    before_user, before_product = dim_user(db_path), dim_product(db_path)

    late = line("TX-late", T1, user("old@example.com", "Old Name"),
                {"product_id": "P1", "name": "Mug", "category": "Home", "unit_price": 5.0})
    loaded(load(db_path, batch(tmp_path, "transactions_late", late)))

    assert dim_user(db_path) == before_user
    assert dim_product(db_path) == before_product
    assert (before_user["email"], before_product["list_price_cents"]) == ("new@example.com", 750)
    assert rows(db_path, "select count(*) from fact_orders") == [(2,)]


@pytest.mark.parametrize("missing", ["null", "absent"])
def test_snapshot_without_an_attribute_does_not_erase_it(db_path, tmp_path, missing):
    loaded(load(db_path, batch(tmp_path, "transactions_full", line(
        "TX-1", T1, user("ann@example.com", "Ann Lee"),
        {"product_id": "P1", "name": "Mug", "category": "Home", "unit_price": 5.0}))))

    partial_user = {"user_id": "U1", "name": "Ann Park"}
    partial_product = {"product_id": "P1", "name": "Big Mug"}
    if missing == "null":
        partial_user.update(email=None, registration_date=None)
        partial_product.update(category=None, unit_price=None)
    loaded(load(db_path, batch(tmp_path, "transactions_partial", line("TX-2", T2, partial_user, partial_product))))

    got_user = dim_user(db_path)
    assert (got_user["name"], got_user["email"], got_user["registration_date"],
            got_user["is_inferred"]) == ("Ann Park", "ann@example.com", "2024-01-05", 0)
    got_product = dim_product(db_path)
    assert (got_product["product_name"], got_product["category"], got_product["list_price_cents"],
            got_product["is_inferred"]) == ("Big Mug", "Home", 500, 0)


def test_user_seen_only_by_id_is_inferred_until_a_snapshot_arrives(db_path, tmp_path):
    loaded(load(db_path, batch(tmp_path, "transactions_id-only", line("TX-1", T2, {"user_id": "U9"}))))

    inferred = dim_user(db_path, "U9")
    assert (inferred["name"], inferred["email"], inferred["registration_date"],
            inferred["is_inferred"]) == (None, None, None, 1)
    assert rows(db_path, "select user_key from fact_orders where transaction_id = 'TX-1'") == [
        (inferred["user_key"],)]

    loaded(load(db_path, batch(tmp_path, "transactions_snapshot", line(
        "TX-2", T1, user("zoe@example.org", "Zoe Quinn", user_id="U9")))))

    known = dim_user(db_path, "U9")
    assert known["user_key"] == inferred["user_key"]
    assert (known["name"], known["email"], known["registration_date"], known["is_inferred"]) == (
        "Zoe Quinn", "zoe@example.org", "2024-01-05", 0)

    loaded(load(db_path, batch(tmp_path, "transactions_id-again", line("TX-3", T3, {"user_id": "U9"}))))
    assert dim_user(db_path, "U9")["is_inferred"] == 0
    assert dim_user(db_path, "U9")["email"] == "zoe@example.org"


def test_product_seen_only_by_id_is_inferred_until_a_snapshot_arrives(db_path, tmp_path):
    loaded(load(db_path, batch(tmp_path, "transactions_id-only", line("TX-1", T2, product={"product_id": "P9"}))))

    inferred = dim_product(db_path, "P9")
    assert (inferred["product_name"], inferred["category"], inferred["list_price_cents"],
            inferred["is_inferred"]) == (None, None, None, 1)
    assert rows(db_path, "select product_key from fact_orders where transaction_id = 'TX-1'") == [
        (inferred["product_key"],)]

    loaded(load(db_path, batch(tmp_path, "transactions_snapshot", line("TX-2", T1, product={
        "product_id": "P9", "name": "Kettle", "category": "Home & Kitchen", "unit_price": 29.99}))))

    known = dim_product(db_path, "P9")
    assert known["product_key"] == inferred["product_key"]
    assert (known["product_name"], known["category"], known["list_price_cents"],
            known["is_inferred"]) == ("Kettle", "Home & Kitchen", 2999, 0)

    loaded(load(db_path, batch(tmp_path, "transactions_id-again", line("TX-3", T3, product={"product_id": "P9"}))))
    assert dim_product(db_path, "P9") == known


@pytest.mark.parametrize("guest", ["null", "absent"])
def test_guest_checkout_lands_at_unknown_user(db_path, tmp_path, guest):
    record = line("TX-guest", T1, None) if guest == "null" else line("TX-guest", T1)
    assert ("user" in record) == (guest == "null")
    loaded(load(db_path, batch(tmp_path, "transactions_guest", record, line("TX-known", T1, user("a@example.com")))))

    assert rows(db_path, "select transaction_id, user_key from fact_orders order by transaction_id") == [
        ("TX-guest", -1), ("TX-known", dim_user(db_path)["user_key"])]
    assert rows(db_path, "select user_id, name from dim_users where user_key = -1") == [
        ("", "Unknown user (guest checkout)")]
    assert rows(db_path, "select count(*) from dim_users where user_key <> -1") == [(1,)]
