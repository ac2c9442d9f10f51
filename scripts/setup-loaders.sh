#!/usr/bin/env bash
# Prepares what the real-loader suite (npm run test:loaders) needs on a fresh machine, and is fast
# when that is already done:
#   .venv-loaders/               meltano + MeltanoLabs target-postgres (pinned, from PyPI)
#   .venv-loaders/singer-tools/  singer-tools in a venv of its own: it pins attrs==16.3.0 and
#                                jsonschema==2.6.0, which cannot live beside meltano's dependencies;
#                                .venv-loaders/bin/singer-check-tap links to it
#   .venv-loaders/snowflake/     MeltanoLabs target-snowflake and fakesnow (a Snowflake emulator on
#                                duckdb) in a venv of their own: the target pins singer-sdk 0.55.0b3,
#                                target-postgres 0.54.x. .venv-loaders/bin/target-snowflake-fakesnow runs
#                                the real target against fakesnow (test/loaders/fakesnow/)
#   .venv-loaders/targets/<name>/ third-party targets of docs/targets.md, each in a venv of its own (their
#                                pins clash): target-jsonl, which the suite checks
#                                (test/loaders/targets-compat.test.ts); with --all-targets also
#                                pipelinewise-target-postgres, target-duckdb (with duckdb 2.0.1 and 1.2.2),
#                                meltanolabs-target-csv and target-sqlite (on Python 3.9, PYTHON39=...), for
#                                `node dist/scripts/targets-compat.js`, which measures the table
#   PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth), started if it is down.
# Usage: bash scripts/setup-loaders.sh [--all-targets]   (PYTHON=/path/to/python3.11 to choose the interpreter)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-loaders
ST_VENV="$VENV/singer-tools"
SF_VENV="$VENV/snowflake"
PYTHON=${PYTHON:-python3}
# Pins. Bump them together and rerun: the stamp below makes the script reinstall.
LOADER_PINS=(meltano==4.4.1 meltanolabs-target-postgres==0.8.1 singer-sdk==0.54.9)
CHECK_PINS=(singer-tools==0.4.1 singer-python==6.8.0)
# fakesnow's SQL support comes from sqlglot and duckdb: pinned too, so the emulator does not change under us.
SNOWFLAKE_PINS=(meltanolabs-target-snowflake==0.20.4 fakesnow==0.12.1 duckdb==2.0.1 sqlglot==30.22.0)
# singer-tools 0.4.1 returns from run_and_summarize() without joining its stdout reader thread, so a
# tap that exits quickly makes it crash with "'NoneType' object has no attribute 'num_messages'"
# about every other run (a race, not a tap problem). This one line joins the thread; invalid output
# still fails, since the reader's exception leaves no summary.
ST_PATCH_ID='setup-loaders: join reader'
# docs/targets.md's targets, "venv name:pip requirements". The suite's, then the rest (--all-targets).
SUITE_TARGETS=("jsonl:target-jsonl==0.1.4")
MORE_TARGETS=("pipelinewise-postgres:pipelinewise-target-postgres==2.1.2"
  "duckdb:target-duckdb==0.8.0 duckdb==2.0.1" "duckdb-1.2:target-duckdb==0.8.0 duckdb==1.2.2"
  "csv:meltanolabs-target-csv==0.5.0" "sqlite:target-sqlite==0.2.0")
# target-sqlite 0.2.0 uses collections.MutableMapping, which Python 3.10 removed: it needs 3.9.
PYTHON39=${PYTHON39:-python3.9}
TARGETS=("${SUITE_TARGETS[@]}")
[[ ${1:-} == --all-targets ]] && TARGETS+=("${MORE_TARGETS[@]}")

log() { printf '== setup-loaders: %s\n' "$*"; }

pip_quiet() {
  # The machine's pip config adds local indexes that make pip print a warning per package: keep the
  # output in a log and show it only when pip fails.
  local pip=$1; shift
  if ! "$pip" install --disable-pip-version-check -q "$@" >"$VENV/pip.log" 2>&1; then
    grep -v '^WARNING: Location' "$VENV/pip.log" | tail -40 >&2
    echo "setup-loaders: pip install $* failed (full log: $VENV/pip.log)" >&2
    exit 1
  fi
}

# ---------------------------------------------------------------- Python venvs
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || {
  echo "setup-loaders: $PYTHON is $("$PYTHON" --version 2>&1); meltano 4 needs Python >= 3.10 (set PYTHON=...)" >&2
  exit 1
}
STAMP="$VENV/.setup-stamp"
WANT="python=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])') ${LOADER_PINS[*]} | ${CHECK_PINS[*]} | $ST_PATCH_ID | ${SNOWFLAKE_PINS[*]} | ${TARGETS[*]}"

installed() {
  [[ -f $STAMP && "$(cat "$STAMP")" == "$WANT" ]] &&
    [[ -x $VENV/bin/meltano && -x $VENV/bin/target-postgres && -x $VENV/bin/singer-check-tap && -x $VENV/bin/target-snowflake-fakesnow ]] &&
    for t in "${TARGETS[@]}"; do [[ -x $VENV/targets/${t%%:*}/bin/python ]] || return 1; done
}

if installed; then
  log "venvs up to date ($VENV)"
else
  started=$SECONDS
  rm -f "$STAMP"
  if [[ ! -x $VENV/bin/python ]]; then
    log "creating $VENV with $("$PYTHON" --version 2>&1)"
    "$PYTHON" -m venv "$VENV" 2>/dev/null || {
      # Debian's python3 ships venv/ensurepip separately.
      log "python3 -m venv failed; installing python3-venv"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      "$PYTHON" -m venv "$VENV"
    }
  fi
  log "installing ${LOADER_PINS[*]}"
  pip_quiet "$VENV/bin/pip" "${LOADER_PINS[@]}"

  if [[ ! -x $ST_VENV/bin/python ]]; then "$PYTHON" -m venv "$ST_VENV"; fi
  log "installing ${CHECK_PINS[*]} (own venv)"
  pip_quiet "$ST_VENV/bin/pip" "${CHECK_PINS[@]}"
  CHECK_TAP=$("$ST_VENV/bin/python" -c 'import singertools.check_tap as m; print(m.__file__)')
  if ! grep -q "$ST_PATCH_ID" "$CHECK_TAP"; then
    grep -q '^    returncode = tap.wait()$' "$CHECK_TAP" || {
      echo "setup-loaders: $CHECK_TAP does not look like singer-tools 0.4.1; cannot apply the reader-join fix" >&2
      exit 1
    }
    sed -i "s/^    returncode = tap.wait()\$/    returncode = tap.wait()\n    summarizer.join()  # $ST_PATCH_ID/" "$CHECK_TAP"
  fi
  ln -sf ../singer-tools/bin/singer-check-tap "$VENV/bin/singer-check-tap"

  if [[ ! -x $SF_VENV/bin/python ]]; then "$PYTHON" -m venv "$SF_VENV"; fi
  log "installing ${SNOWFLAKE_PINS[*]} (own venv)"
  pip_quiet "$SF_VENV/bin/pip" "${SNOWFLAKE_PINS[@]}"
  ln -sf ../snowflake/bin/target-snowflake "$VENV/bin/target-snowflake"
  cat >"$VENV/bin/target-snowflake-fakesnow" <<SH
#!/usr/bin/env bash
# The real target-snowflake against fakesnow (FAKESNOW_DB_PATH: where its duckdb files go). By setup-loaders.sh.
exec "$PWD/$SF_VENV/bin/python" "$PWD/test/loaders/fakesnow/target_snowflake_fakesnow.py" "\$@"
SH
  chmod +x "$VENV/bin/target-snowflake-fakesnow"

  for t in "${TARGETS[@]}"; do
    name=${t%%:*}
    python=$PYTHON
    [[ $name == sqlite ]] && python=$PYTHON39
    if [[ ! -x $VENV/targets/$name/bin/python ]]; then "$python" -m venv "$VENV/targets/$name"; fi
    log "installing ${t#*:} (own venv)"
    # shellcheck disable=SC2086 # one word per requirement
    pip_quiet "$VENV/targets/$name/bin/pip" ${t#*:}
  done

  "$VENV/bin/meltano" --version >/dev/null
  "$VENV/bin/target-postgres" --version >/dev/null
  "$VENV/bin/singer-check-tap" --help >/dev/null
  "$VENV/bin/target-snowflake" --version >/dev/null
  echo "$WANT" >"$STAMP"
  log "installed in $((SECONDS - started))s"
fi
log "$("$VENV/bin/meltano" --version 2>/dev/null | tail -1); $("$VENV/bin/target-postgres" --version 2>/dev/null | tail -1); singer-tools $("$ST_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("singer-tools"))')"
log "$("$VENV/bin/target-snowflake" --version 2>/dev/null | tail -1); fakesnow $("$SF_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("fakesnow"))')"

# ---------------------------------------------------------------- PostgreSQL
pg_up() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; }

if pg_up; then
  log "PostgreSQL accepts connections on 127.0.0.1:5432"
else
  if [[ ! -d /etc/postgresql ]] || [[ -z "$(ls -A /etc/postgresql 2>/dev/null)" ]]; then
    # Not expected on this kind of machine (it comes with PostgreSQL 15); install it and allow the
    # passwordless loopback connections the suite uses.
    log "PostgreSQL is not installed; installing it from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    for hba in /etc/postgresql/*/main/pg_hba.conf; do
      grep -q '^host all all 127.0.0.1/32 trust' "$hba" || sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    done
  fi
  for version in $(ls /etc/postgresql); do
    log "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 1 60); do
    pg_up && break
    sleep 0.5
  done
  pg_up || {
    echo "setup-loaders: PostgreSQL does not accept connections on 127.0.0.1:5432 (see /var/log/postgresql/)" >&2
    exit 1
  }
  log "PostgreSQL started"
fi
