"""Runs one SQL statement in what target-snowflake left in fakesnow and prints its rows as JSON.

Usage: python query_fakesnow.py DB_PATH DATABASE SCHEMA [SQL]   (the SQL from stdin when not given)
Output: [{column: value}] with lowercase column names; dates and timestamps as ISO 8601, decimals as numbers.
In-process (fakesnow.patch), as read_fakesnow.py opens the database.
"""

import datetime
import decimal
import json
import sys

import fakesnow
import snowflake.connector


def plain(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def main(db_path: str, database: str, schema: str, sql: str) -> None:
    with fakesnow.patch(db_path=db_path):
        conn = snowflake.connector.connect(database=database)
        cur = conn.cursor()
        cur.execute(f"use schema {schema}")
        cur.execute(sql)
        names = [d[0].lower() for d in cur.description]
        rows = [{n: plain(v) for n, v in zip(names, r)} for r in cur.fetchall()]
        conn.close()
    json.dump(rows, sys.stdout)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(*args[:3], args[3] if len(args) > 3 else sys.stdin.read())
