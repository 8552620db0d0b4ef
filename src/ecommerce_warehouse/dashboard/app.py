"""The script `warehouse dashboard` hands to Streamlit:
``streamlit run app.py -- --db DB --currency CODE`` (see server.py)."""

import argparse
import sys

from ecommerce_warehouse.dashboard.board import main

parser = argparse.ArgumentParser(prog="dashboard")
parser.add_argument("--db", required=True)
parser.add_argument("--currency", default="USD")
arguments = parser.parse_args(sys.argv[1:])
main(arguments.db, arguments.currency)
