"""The shop's users and products for one seed, as every generated file kind sees them.

The people and products are drawn once per seed with Faker (pinned to an exact version
in pyproject.toml, locale fixed to en_US), with skewed popularity (a few best sellers,
many repeat customers). Their attributes change between days: some users change email
or name, some products change price or category, so the SCD type 1 dimensions have work
to do. A snapshot is a user or product as the shop knew it on one day; the snapshot
caches keep each one made once per file, with its JSON serialised once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import NamedTuple

from faker import Faker

from ecommerce_warehouse.generate.draws import WeightedPicker
from ecommerce_warehouse.generate.files import json_bytes

USER_COUNT = 2_000
PRODUCT_COUNT = 250
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")   # reserved (RFC 2606)
CATEGORIES = {
    "Electronics": ("Headphones", "Charger", "Speaker", "Keyboard", "Mouse", "Webcam", "Power Bank"),
    "Home & Kitchen": ("Kettle", "Pan", "Knife Set", "Blender", "Cutting Board", "Mug", "Lamp"),
    "Books": ("Cookbook", "Novel", "Atlas", "Field Guide", "Notebook", "Poetry Collection"),
    "Clothing": ("T-Shirt", "Hoodie", "Scarf", "Rain Jacket", "Socks", "Cap"),
    "Sports & Outdoors": ("Yoga Mat", "Water Bottle", "Backpack", "Tent", "Dumbbell", "Bike Light"),
    "Beauty": ("Face Cream", "Shampoo", "Lip Balm", "Hand Soap", "Sunscreen"),
    "Toys & Games": ("Puzzle", "Board Game", "Building Set", "Kite", "Plush Bear"),
    "Grocery": ("Coffee Beans", "Green Tea", "Olive Oil", "Dark Chocolate", "Honey"),
}
# A product that changes category moves to its category's renamed twin (a taxonomy update).
RECATEGORISED = {
    "Electronics": "Computers & Accessories", "Home & Kitchen": "Kitchen & Dining",
    "Books": "Books & Stationery", "Clothing": "Fashion", "Sports & Outdoors": "Outdoor Recreation",
    "Beauty": "Personal Care", "Toys & Games": "Kids & Baby", "Grocery": "Food & Drink",
}


@dataclass(frozen=True)
class User:
    user_id: str
    first_name: str
    last_names: tuple[str, ...]
    handle: str
    domain: str
    registration_date: date
    email_period: int
    name_period: int       # 0: never changes name
    phase: int


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    categories: tuple[str, str]
    base_price_cents: int
    price_period: int
    category_period: int   # 0: never changes category
    phase: int


@dataclass(frozen=True)
class Catalogue:
    """Users and products of one seed, with popularity weights (cumulative)."""

    seed: int
    users: tuple[User, ...]
    products: tuple[Product, ...]
    user_weights: tuple[float, ...]
    product_weights: tuple[float, ...]

    def user_snapshot(self, user: User, day: date) -> dict:
        """The user as the shop knew them on ``day``."""
        ordinal = day.toordinal() + user.phase
        email_version = ordinal // user.email_period
        suffix = "" if email_version % 3 == 0 else str(email_version % 3 + 1)
        last = user.last_names[0]
        if user.name_period:
            last = user.last_names[(ordinal // user.name_period) % len(user.last_names)]
        return {
            "user_id": user.user_id,
            "name": f"{user.first_name} {last}",
            "email": f"{user.handle}{suffix}@{user.domain}",
            "registration_date": user.registration_date.isoformat(),
        }

    def product_snapshot(self, product: Product, day: date) -> dict:
        """The product as listed on ``day``: name, category and list price."""
        ordinal = day.toordinal() + product.phase
        version = ordinal // product.price_period
        factor = random.Random(f"{self.seed}:{product.product_id}:price:{version}").uniform(0.85, 1.15)  # noqa: S311 - synthetic data, not security
        price = max(99, int(product.base_price_cents * factor) // 100 * 100 + 99)
        category = product.categories[0]
        if product.category_period:
            category = product.categories[(ordinal // product.category_period) % 2]
        return {
            "product_id": product.product_id,
            "name": product.name,
            "category": category,
            "unit_price": price / 100,
        }

    def user_picker(self, rng: random.Random) -> Callable[[], int]:
        """A function that draws the index of a user from ``rng``, by popularity."""
        return WeightedPicker(range(len(self.users)), cumulative=self.user_weights).bound(rng)

    def product_picker(self, rng: random.Random) -> Callable[[], int]:
        """A function that draws the index of a product from ``rng``, by popularity."""
        return WeightedPicker(range(len(self.products)), cumulative=self.product_weights).bound(rng)


def build_catalogue(seed: int) -> Catalogue:
    """The users and products of ``seed``, drawn once with Faker."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(f"{seed}:catalogue")  # noqa: S311 - synthetic data, not security
    first_day = date(2022, 1, 1).toordinal()
    users = []
    for number in range(1, USER_COUNT + 1):
        first, last = fake.first_name(), fake.last_name()
        users.append(User(
            user_id=f"U{number:05d}",
            first_name=first,
            last_names=(last, fake.last_name(), fake.last_name()),
            handle=f"{first}.{last}{number}".lower().replace(" ", "").replace("'", ""),
            domain=rng.choice(EMAIL_DOMAINS),
            registration_date=date.fromordinal(first_day + rng.randrange(3 * 365)),
            email_period=rng.randint(60, 400),
            name_period=rng.randint(90, 600) if rng.random() < 0.2 else 0,
            phase=rng.randrange(1000),
        ))
    category_names = tuple(CATEGORIES)
    products = []
    for number in range(1, PRODUCT_COUNT + 1):
        category = rng.choice(category_names)
        other = RECATEGORISED[category]
        products.append(Product(
            product_id=f"P{number:04d}",
            name=f"{fake.safe_color_name().title()} {rng.choice(CATEGORIES[category])}",
            categories=(category, other),
            base_price_cents=int(rng.lognormvariate(7.6, 0.9)),
            price_period=rng.randint(14, 90),
            category_period=rng.randint(30, 120) if rng.random() < 0.1 else 0,
            phase=rng.randrange(1000),
        ))
    return Catalogue(
        seed=seed,
        users=tuple(users),
        products=tuple(products),
        user_weights=tuple(accumulate(1 / (rank ** 0.8) for rank in range(1, USER_COUNT + 1))),
        product_weights=tuple(accumulate(1 / (rank ** 1.1) for rank in range(1, PRODUCT_COUNT + 1))),
    )


# --- snapshots, made once per file ------------------------------------------------------------

class UserSnapshot(NamedTuple):
    record: dict       # what Catalogue.user_snapshot returns
    json: bytes        # the same, as orjson writes it


class ProductSnapshot(NamedTuple):
    record: dict       # what Catalogue.product_snapshot returns
    json: bytes
    cents: int         # the list price in cents
    price_json: bytes  # the list price as orjson writes it


class SnapshotCache(dict):
    """One file's snapshots of one kind on one event day, by catalogue index, made on first use."""

    def __init__(self, make: Callable[[int], object]):
        super().__init__()
        self.make = make

    def __missing__(self, index: int):
        snapshot = self[index] = self.make(index)
        return snapshot


def user_snapshots(catalogue: Catalogue, day: date) -> SnapshotCache:
    """The users as on ``day`` (UserSnapshot), by catalogue index."""
    def make(index: int) -> UserSnapshot:
        record = catalogue.user_snapshot(catalogue.users[index], day)
        return UserSnapshot(record, json_bytes(record))
    return SnapshotCache(make)


def product_snapshots(catalogue: Catalogue, day: date) -> SnapshotCache:
    """The products as on ``day`` (ProductSnapshot), by catalogue index."""
    def make(index: int) -> ProductSnapshot:
        record = catalogue.product_snapshot(catalogue.products[index], day)
        price = record["unit_price"]
        return ProductSnapshot(record, json_bytes(record), round(price * 100), json_bytes(price))
    return SnapshotCache(make)
