"""Prints what a Singer target left behind as JSON {table: [row, ...]}, for scripts/lib/target-compat.ts.

Usage: python read_target.py KIND WHERE
  KIND duckdb: WHERE is the database file (every table of every schema but the system ones)
  KIND sqlite: WHERE is the database file
  KIND csv:    WHERE is a folder of <table>.csv files (every value is text, an empty cell is "")
  KIND jsonl:  WHERE is a folder of <table>*.jsonl files
Run it with the target's own Python (duckdb comes from target-duckdb's venv). Values that JSON lacks
(decimals, dates) are written as their text.
"""

import csv
import datetime
import decimal
import json
import pathlib
import sqlite3
import sys


def plain(value):
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def read_duckdb(path):
    import duckdb

    with duckdb.connect(path, read_only=True) as db:
        tables = db.execute(
            "select database_name, schema_name, table_name from duckdb_tables() "
            "where schema_name not in ('information_schema', 'pg_catalog')"
        ).fetchall()
        out = {}
        for database, schema, table in tables:
            cur = db.execute(f'select * from "{database}"."{schema}"."{table}"')
            names = [d[0] for d in cur.description]
            out[table] = [{n: plain(v) for n, v in zip(names, r)} for r in cur.fetchall()]
        return out


def read_sqlite(path):
    db = sqlite3.connect(path)
    tables = [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]
    out = {}
    for table in tables:
        cur = db.execute(f'select * from "{table}"')
        names = [d[0] for d in cur.description]
        out[table] = [dict(zip(names, r)) for r in cur.fetchall()]
    return out


def read_csv(folder):
    return {
        p.stem: list(csv.DictReader(p.open(newline="", encoding="utf-8")))
        for p in sorted(pathlib.Path(folder).glob("*.csv"))
    }


def read_jsonl(folder):
    out = {}
    for p in sorted(pathlib.Path(folder).glob("*.jsonl")):
        table = p.stem.split("-")[0]
        out.setdefault(table, []).extend(json.loads(line) for line in p.open(encoding="utf-8") if line.strip())
    return out


if __name__ == "__main__":
    kind, where = sys.argv[1], sys.argv[2]
    readers = {"duckdb": read_duckdb, "sqlite": read_sqlite, "csv": read_csv, "jsonl": read_jsonl}
    print(json.dumps(readers[kind](where), default=str))
