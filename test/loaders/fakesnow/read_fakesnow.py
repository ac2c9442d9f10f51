"""Prints what target-snowflake left in fakesnow, as JSON, read back through the Snowflake connector.

Usage: python read_fakesnow.py DB_PATH DATABASE SCHEMA
Output: {"types": {table: {column: snowflake data type}}, "rows": {table: [{column: value}]},
"keys": {table: [primary key columns]}} with lowercase names; decimals as their exact text, timestamps as ISO 8601 without zone, dates as YYYY-MM-DD.
In-process reads (fakesnow.patch) on purpose: fakesnow's server mode returns NULL timestamps as 1970-01-01.
"""

import datetime
import decimal
import json
import sys

import duckdb
import fakesnow
import snowflake.connector


def plain(value):
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def main(db_path: str, database: str, schema: str) -> None:
    with fakesnow.patch(db_path=db_path):
        conn = snowflake.connector.connect(database=database, schema=schema)
        cur = conn.cursor()
        cur.execute(
            "select table_name, column_name, data_type, numeric_precision, numeric_scale from information_schema.columns "
            "where table_schema = %s order by table_name, ordinal_position",
            (schema,),
        )
        types: dict[str, dict[str, str]] = {}
        for table, column, data_type, precision, scale in cur.fetchall():
            spelled = f"{data_type}({precision},{scale})" if data_type == "NUMBER" else data_type
            types.setdefault(table.lower(), {})[column.lower()] = spelled
        rows = {}
        for table in types:
            cur.execute(f'select * from "{database}"."{schema}"."{table.upper()}"')
            names = [d[0].lower() for d in cur.description]
            rows[table] = [{n: plain(v) for n, v in zip(names, r)} for r in cur.fetchall()]
        conn.close()
    # The primary keys the target declared, from duckdb's own catalog (fakesnow keeps one file per database).
    with duckdb.connect(f"{db_path}/{database}.db", read_only=True) as db:
        found = db.execute(
            "select table_name, constraint_column_names from duckdb_constraints() where schema_name = ? and constraint_type = 'PRIMARY KEY'",
            [schema],
        ).fetchall()
    keys = {table.lower(): [c.lower() for c in columns] for table, columns in found}
    json.dump({"types": types, "rows": rows, "keys": keys}, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:4])
