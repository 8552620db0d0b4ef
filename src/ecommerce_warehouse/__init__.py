"""ecommerce-warehouse: a SQLite-first star-schema warehouse loader for e-commerce data."""

__version__ = "0.4.0"
