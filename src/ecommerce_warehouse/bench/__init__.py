"""``warehouse bench``: time the pipeline on generated data (``sqlite_bench``) and Bronze
loads on a PostgreSQL server (``postgres_bench``). Imported only when the command runs;
these defaults are all the command line needs before then."""

DEFAULT_TRANSACTIONS = 1_000_000
DEFAULT_INCREMENT = 10_000
DEFAULT_SEED = 42
