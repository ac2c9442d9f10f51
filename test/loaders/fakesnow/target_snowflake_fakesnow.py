"""The real MeltanoLabs target-snowflake, run against fakesnow (a Snowflake emulator on duckdb).

Usage: python target_snowflake_fakesnow.py --config target.json [--state ...] < singer-messages
with FAKESNOW_DB_PATH=<dir>: each Snowflake database becomes <dir>/<DATABASE>.db (duckdb).

Everything that decides what lands stays the target's: its CREATE TABLE / ALTER DDL and type mapping,
the MERGE-by-key text it writes, the COPY it uses without keys, ACTIVATE_VERSION and the STATE it
prints. fakesnow lacks only the file staging those statements read from, so this layer replaces the
staging mechanics and nothing else:

1. PUT: the target puts into the quoted user stage '@~/target-snowflake/<id>', which fakesnow rejects;
   here each batch gets an unquoted named stage of its own (the target loads streams in parallel).
2. MERGE/COPY source: the target selects `$1:col::TYPE` straight from the stage
   (`FROM '@~/...'(file_format => F)`), which fakesnow cannot parse. Here the staged files are first
   COPY'd (with the target's own file format) into a landing table of one VARIANT column, numbered in
   file order, and the target's statement runs with its stage reference replaced by that table: the same
   casts, join, UPDATE SET and INSERT lists, and no other change. The COPY becomes INSERT ... SELECT.
3. Dedup: the target's `QUALIFY ROW_NUMBER() OVER (PARTITION BY keys ORDER BY SEQ8() DESC) = 1` (last
   record per key wins) fails inside a MERGE source in fakesnow; it moves one SELECT out and orders by
   the landing table's file-order number, which is what SEQ8() stands for there.
4. Statements fakesnow does not parse and that only clean up (REMOVE of staged files, DROP FILE
   FORMAT) are skipped (fakesnow's nop_regexes).
5. One load at a time: the target drains its streams in parallel threads; fakesnow shares one duckdb
   connection per database and runs every MERGE through a helper table of a fixed name, so two at once
   collide. The layer's load steps take a lock (real Snowflake runs them side by side).
6. The session gets the target schema (`schema`, else `default_target_schema`) at login: fakesnow's MERGE
   needs a current schema.
"""

from __future__ import annotations

import functools
import os
import re
import threading

import fakesnow
from sqlalchemy import text
from target_snowflake.connector import SnowflakeConnector
from target_snowflake.target import TargetSnowflake

# The target's MERGE source and COPY source (target_snowflake/connector.py, 0.20.4).
MERGE_SOURCE = re.compile(
    r"\(select (?P<casts>.*?) from '@~/target-snowflake/[^']+'\(file_format => [^)]+\) "
    r"QUALIFY ROW_NUMBER\(\) OVER \(PARTITION BY (?P<keys>.*?) ORDER BY SEQ8\(\) DESC\) = 1\) s ",
    re.S,
)
COPY = re.compile(r"copy into (?P<table>.+?) (?P<columns>\(.*?\)) from \(select (?P<casts>.*) from '@~/target-snowflake/[^']+'\)file_format = .*$", re.S)
NOP = [r"^\s*remove\s+'@~", r"^\s*drop\s+file\s+format"]

_get_connect_args = SnowflakeConnector.get_connect_args
_one_load_at_a_time = threading.Lock()


def serialized(method):
    @functools.wraps(method)
    def locked(*args, **kwargs):
        with _one_load_at_a_time:
            return method(*args, **kwargs)

    return locked


def get_connect_args(self):
    args = _get_connect_args(self)
    schema = self.config.get("schema") or self.config.get("default_target_schema")
    if schema:
        args["schema"] = schema
    return args


def _names(sync_id: str) -> tuple[str, str]:
    """A stage and a landing table of this batch's own: the target loads streams in parallel threads."""
    suffix = re.sub(r"\W", "_", sync_id)
    return f"tip_stage_{suffix}", f"tip_landing_{suffix}"


def put_batches_to_stage(self, sync_id, files):
    stage, _ = _names(sync_id)
    with self._connect() as conn, conn.begin():
        conn.execute(text(f"create stage {stage}"))
        for file_uri in files:
            conn.execute(text(f"put :file_uri @{stage}"), {"file_uri": file_uri})


def _land(conn, sync_id, file_format) -> str:
    """COPY the staged batch into a one-VARIANT landing table, numbered in file order; returns its name."""
    stage, landing = _names(sync_id)
    conn.execute(text(f"create temporary table {landing}_raw (v variant)"))
    conn.execute(text(f"copy into {landing}_raw from @{stage} file_format = (format_name = '{file_format}')"))
    conn.execute(text(f"create temporary table {landing} as select v, seq8() as tip_seq from {landing}_raw"))
    return landing


def _rewrite(pattern: re.Pattern, statement: str, replacement) -> str:
    rewritten, n = pattern.subn(replacement, statement)
    if n != 1:
        raise RuntimeError(f"fakesnow layer: the target's SQL is not the expected form (target-snowflake version?): {statement[:300]}")
    return rewritten


def _casts(match: re.Match) -> str:
    """The target's `$1:col::TYPE as col` list, reading the landing table's VARIANT column."""
    return match["casts"].replace("$1:", "v:")


def merge_from_stage(self, full_table_name, schema, sync_id, file_format, key_properties):
    statement, kwargs = self._get_merge_from_stage_statement(
        full_table_name=full_table_name, schema=schema, sync_id=sync_id, file_format=file_format, key_properties=key_properties,
    )
    with self._connect() as conn, conn.begin():
        landing = _land(conn, sync_id, file_format)
        # Same rows, same last-record-per-key rule; the QUALIFY moves one level out, where fakesnow runs it.
        source = lambda m: (f"(select * from (select {_casts(m)}, tip_seq from {landing}) "
                            f"QUALIFY ROW_NUMBER() OVER (PARTITION BY {m['keys']} ORDER BY tip_seq DESC) = 1) s ")
        result = conn.execute(text(_rewrite(MERGE_SOURCE, str(statement), source)), **kwargs)
        row = result.fetchone()
        return sum(row) if row is not None else result.rowcount


def copy_from_stage(self, full_table_name, schema, sync_id, file_format):
    # The target's COPY INTO t (cols) FROM (SELECT ... FROM stage): the same rows as an INSERT ... SELECT.
    statement, kwargs = self._get_copy_statement(full_table_name=full_table_name, schema=schema, sync_id=sync_id, file_format=file_format)
    with self._connect() as conn, conn.begin():
        landing = _land(conn, sync_id, file_format)
        insert = lambda m: f"insert into {m['table']} {m['columns']} select {_casts(m)} from {landing}"
        result = conn.execute(text(_rewrite(COPY, str(statement), insert)), **kwargs)
        return result.rowcount


SnowflakeConnector.get_connect_args = get_connect_args
SnowflakeConnector.put_batches_to_stage = serialized(put_batches_to_stage)
SnowflakeConnector.merge_from_stage = serialized(merge_from_stage)
SnowflakeConnector.copy_from_stage = serialized(copy_from_stage)

if __name__ == "__main__":
    db_path = os.environ.get("FAKESNOW_DB_PATH")
    if not db_path:
        raise SystemExit("FAKESNOW_DB_PATH must name the directory where fakesnow keeps its duckdb files")
    with fakesnow.patch(db_path=db_path, nop_regexes=NOP):
        TargetSnowflake.cli()
