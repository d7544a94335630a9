#!/usr/bin/env bash
# Online-migration benchmark: does any application statement wait more than a
# second while `upgrade`, `downgrade` and the restoring `upgrade` run on a
# production-sized database? And what does the same work cost offline (psql)?
#
#   SCALE=10 bench/online-migrations.sh        # 1,000,000 trades (default)
#   SCALE=1  bench/online-migrations.sh        # 100,000 trades, a quick run
#
# A BENCHMARK, never a test: nothing here is wired into Maven. See bench/README.md.
#
# Environment knobs (all optional):
#   SCALE=10          demo-data --scale (1 = ~100,000 trades)
#   TENANTS=4         demo-data --tenants
#   APP_RATE=100      total application transactions per second over the 4 clients
#                     (pgbench -R); 0 = unthrottled
#   PHASE_TIMEOUT=1800  seconds before a CLI phase is killed (bounded run)
#   CLI_JAR=...       default: <repo>/cli/target/cli.jar
#   PGBIN=/usr/lib/postgresql/15/bin
#   KEEP_WORK=1       keep the temporary cluster directory and all raw logs
#
# Stop it with Ctrl-C or kill -TERM <pid>: the trap stops the server and
# removes the temporary directory. (A script started with & from another
# script ignores SIGINT, as bash does for background jobs; use TERM then.)
set -euo pipefail

SCALE=${SCALE:-10}
TENANTS=${TENANTS:-4}
APP_CLIENTS=4
APP_THREADS=2
APP_RATE=${APP_RATE:-100}
PHASE_TIMEOUT=${PHASE_TIMEOUT:-1800}
WARMUP=3        # seconds of load before the CLI starts
TAIL=3          # seconds of load after the CLI ended
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
CLI_JAR=${CLI_JAR:-$REPO/cli/target/cli.jar}
MIG=$REPO/schema/src/main/resources/db/alphapulse/migration
UNDO=$REPO/schema/src/main/resources/db/alphapulse/undo
RESULTS=$HERE/results-$SCALE.md
DB=ap
APP_ROLE=bench_app

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

[[ -f $CLI_JAR ]] || die "no CLI jar at $CLI_JAR (build: mvn -B -ntp -o -q package -DskipTests)"
command -v java >/dev/null || die "java not on PATH"

# ---------------------------------------------------------------- PostgreSQL 15
if [[ ! -x $PGBIN/postgres ]]; then
    [[ $(id -u) -eq 0 ]] || die "PostgreSQL 15 server binaries missing in $PGBIN (install postgresql-15)"
    log "installing postgresql-15 (apt)"
    apt-get update && apt-get install -y postgresql-15 postgresql-client-15
fi
PSQL=$(command -v psql || echo "$PGBIN/psql")
PGBENCH=$(command -v pgbench || echo "$PGBIN/pgbench")
"$PGBIN/postgres" --version | grep -q ' 15\.' || die "$PGBIN/postgres is not PostgreSQL 15"

# initdb refuses to run as root: the server runs as the postgres OS user then.
if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    AS_PG=(runuser -u postgres --)
else
    AS_PG=()
fi

WORK=$(mktemp -d /tmp/ap-online-bench.XXXXXX)
PGDATA=$WORK/data
mkdir -p "$PGDATA"
[[ ${#AS_PG[@]} -eq 0 ]] || chown -R postgres: "$WORK"
chmod 755 "$WORK"
SERVER_LOG=$WORK/server.log
BG_PIDS=()
SERVER_STARTED=0

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    for p in "${BG_PIDS[@]:-}"; do
        [[ -n $p ]] && kill "$p" 2>/dev/null || true
    done
    if [[ $SERVER_STARTED -eq 1 ]]; then
        "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
    fi
    if [[ ${KEEP_WORK:-0} == 1 ]]; then
        log "raw logs kept in $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# a free loopback port
PORT=
for p in $(seq 54330 54430); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
done
[[ -n $PORT ]] || die "no free port in 54330..54430"

log "initdb in $PGDATA, port $PORT"
"${AS_PG[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
# Defaults except memory and WAL sizes (2 cores / 24 GiB), loopback only, and
# logging. synchronous_commit, fsync, deadlock_timeout (1 s) etc. stay default:
# with deadlock_timeout = 1s, log_lock_waits logs exactly the waits over 1 s.
cat >>"$PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$WORK'
shared_buffers = 2GB
effective_cache_size = 16GB
maintenance_work_mem = 512MB
work_mem = 16MB
max_wal_size = 8GB
min_wal_size = 1GB
log_lock_waits = on
log_min_duration_statement = 1000
log_line_prefix = '%m [%p] %u@%d %a: '
EOF
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$SERVER_LOG" -w -t 120 start >/dev/null
SERVER_STARTED=1

q()  { "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }
qv() { q -At "$@"; }
JDBC="jdbc:postgresql://127.0.0.1:$PORT/$DB"
# Long commands run in the background and are waited for, so that a TERM/INT
# trap runs at once instead of after the command (cleanup kills them).
waitable() {
    "$@" &
    local p=$!
    BG_PIDS+=("$p")
    wait "$p"
}
cli() { waitable java -jar "$CLI_JAR" "$@" --url "$JDBC" --user postgres; }

# ---------------------------------------------------------------- start state
T_SETUP=$(now)
q -d postgres -c "CREATE DATABASE $DB"
# Superuser: bypasses the FORCE'd RLS of 008+, so the very same statements see
# the same rows at every version; it takes the same table and row locks as any
# application role would.
q -d postgres -c "CREATE ROLE $APP_ROLE LOGIN SUPERUSER"
log "setup: upgrade head"
cli upgrade head --reason bench-setup >"$WORK/setup-upgrade.log" 2>&1 || { cat "$WORK/setup-upgrade.log" >&2; die "setup upgrade failed"; }
log "setup: demo-data --tenants $TENANTS --scale $SCALE"
t=$(now)
cli demo-data --tenants "$TENANTS" --scale "$SCALE" --reason bench-setup >"$WORK/setup-demo.log" 2>&1 || { cat "$WORK/setup-demo.log" >&2; die "demo-data failed"; }
T_DEMO=$(secs "$t" "$(now)")
log "setup: downgrade 006 (took demo-data ${T_DEMO}s)"
t=$(now)
cli downgrade 006 --yes --reason bench-setup >"$WORK/setup-downgrade.log" 2>&1 || { cat "$WORK/setup-downgrade.log" >&2; die "setup downgrade failed"; }
T_DOWN006=$(secs "$t" "$(now)")
q -d "$DB" -c "VACUUM ANALYZE" -c "CHECKPOINT"
TRADES=$(qv -d "$DB" -c "SELECT count(*) FROM trades")
read -r AMIN AMAX ACNT < <(qv -d "$DB" -F ' ' -c "SELECT min(id), max(id), count(*) FROM trading_accounts")
read -r PMIN PMAX PCNT < <(qv -d "$DB" -F ' ' -c "SELECT min(id), max(id), count(*) FROM positions")
DBSIZE=$(qv -d "$DB" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
T_SETUP=$(secs "$T_SETUP" "$(now)")
log "start state 006: $TRADES trades, accounts $AMIN..$AMAX ($ACNT), positions $PMIN..$PMAX ($PCNT), $DBSIZE; setup ${T_SETUP}s"
[[ $((AMAX - AMIN + 1)) -eq $ACNT && $((PMAX - PMIN + 1)) -eq $PCNT ]] \
    || log "WARNING: id ranges have gaps; some app statements will match no row"

# ---------------------------------------------------------------- helpers
# Sampler: one psql session, every 100 ms, rows of bench/sampler.sql.
start_sampler() {
    local out=$1
    { cat "$HERE/sampler.sql"; printf '\n\\watch 0.1\n'; } >"$WORK/sampler-watch.sql"
    "$PSQL" -X -At -F '|' -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -f "$WORK/sampler-watch.sql" >"$out" 2>/dev/null &
    SAMPLER_PID=$!
    BG_PIDS+=("$SAMPLER_PID")
}

start_load() {
    local prefix=$1
    local rate=()
    [[ $APP_RATE == 0 ]] || rate=(-R "$APP_RATE")
    "$PGBENCH" -h 127.0.0.1 -p "$PORT" -U "$APP_ROLE" -n \
        -c "$APP_CLIENTS" -j "$APP_THREADS" -T $((PHASE_TIMEOUT + 120)) "${rate[@]}" \
        -D amin="$AMIN" -D amax="$AMAX" -D pmin="$PMIN" -D pmax="$PMAX" \
        -f "$HERE/app-read.sql@1" -f "$HERE/app-write.sql@1" \
        -l --log-prefix="$prefix" "$DB" >"$prefix.out" 2>"$prefix.err" &
    LOAD_PID=$!
    BG_PIDS+=("$LOAD_PID")
}

# pgbench has no graceful stop: terminating its connections makes every
# client abort, and pgbench then exits normally, flushing its per-transaction
# logs. The transactions cut off this way are after the phase window.
stop_load() {
    q -d postgres -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = '$APP_ROLE'" >/dev/null
    local i
    for i in $(seq 1 100); do kill -0 "$LOAD_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$LOAD_PID" 2>/dev/null || true
    wait "$LOAD_PID" 2>/dev/null || true
}

stop_sampler() {
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
}

# Latency stats of the transactions that overlapped [S, E].
# pgbench -l line: client tx latency_us script_no end_epoch_s end_us [lag_us];
# with -R the latency counts from the scheduled start (includes queueing).
# Prints: count max_ms p99_ms over_1s read_max_ms write_max_ms
app_stats() {
    local prefix=$1 s=$2 e=$3
    cat "$prefix".* 2>/dev/null | awk -v s="$s" -v e="$e" '
        NF >= 6 && $1 ~ /^[0-9]+$/ {
            end = $5 + $6 / 1e6; start = end - $3 / 1e6
            if (start < e && end > s) { print $3, $4 }
        }' | sort -n -k1,1 | awk '
        { lat[NR] = $1; if ($2 == 0 && $1 > rmax) rmax = $1; if ($2 == 1 && $1 > wmax) wmax = $1; if ($1 > 1e6) over++ }
        END {
            if (NR == 0) { print 0, "-", "-", 0, "-", "-"; exit }
            i = int(0.99 * NR); if (i < 0.99 * NR) i++
            printf "%d %.1f %.1f %d %.1f %.1f\n", NR, lat[NR] / 1e3, lat[i] / 1e3, over + 0, rmax / 1e3, wmax / 1e3
        }'
}

# Lock waits seen by the sampler within [S, E]: samples, samples with an app
# session waiting, distinct app waits (pid + statement start), longest app
# wait observed, distinct CLI-side waits.
lock_stats() {
    local f=$1 s=$2 e=$3
    awk -F '|' -v s="$s" -v e="$e" -v app="$APP_ROLE" '
        $1 < s || $1 > e { next }
        $2 == "tick" { ticks++; next }
        $2 == "wait" {
            if ($4 == app) {
                if (!($1 in seen)) { seen[$1] = 1; appticks++ }
                k = $3 "@" $5; d = $1 - $5
                if (!(k in ep)) { ep[k] = 1; eps++ }
                if (d > maxd) maxd = d
            } else {
                k = $3 "@" $5; if (!(k in oep)) { oep[k] = 1; oeps++ }
            }
        }
        END { printf "%d %d %d %.2f %d\n", ticks, appticks, eps, maxd, oeps }' "$f"
}

run_sql_files() {   # db, then "tx:file" or "notx:file" entries; prints per-file seconds
    local db=$1; shift
    local ent mode f t0
    for ent in "$@"; do
        mode=${ent%%:*}; f=${ent#*:}
        t0=$(now)
        if [[ $mode == tx ]] && grep -qiE '^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY' "$f"; then
            # as the engine runs an undo: its concurrent index builds first, outside the transaction
            grep -iE '^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY' "$f" | while read -r stmt; do
                q -d "$db" -c "$stmt" >/dev/null 2>>"$WORK/floor.err" || exit 1
            done || return 1
            grep -viE '^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY' "$f" > "$WORK/undo-rest.sql"
            q -d "$db" -1 -f "$WORK/undo-rest.sql" >/dev/null 2>>"$WORK/floor.err" || return 1
        elif [[ $mode == tx ]]; then
            q -d "$db" -1 -f "$f" >/dev/null 2>>"$WORK/floor.err" || return 1
        else
            q -d "$db" -f "$f" >/dev/null 2>>"$WORK/floor.err" || return 1
        fi
        printf '%s=%ss ' "$(basename "$f" .sql | cut -d_ -f1)" "$(secs "$t0" "$(now)")"
    done
}

fwd_files() {   # forward scripts V<from+1>..head in order; V009 runs outside a transaction (.conf)
    local from=$1 f v
    for f in "$MIG"/V*.sql; do
        v=$(basename "$f" | sed -E 's/^V0*([0-9]+)__.*/\1/')
        ((10#$v > 10#$from)) || continue
        if [[ -f $f.conf ]] && grep -q 'executeInTransaction=false' "$f.conf"; then echo "notx:$f"; else echo "tx:$f"; fi
    done
}

undo_files() {  # undo scripts newest first down to (not including) target, each in one transaction
    local to=$1 f v
    for f in $(ls "$UNDO"/U*.sql | sort -r); do
        v=$(basename "$f" | sed -E 's/^U0*([0-9]+)__.*/\1/')
        ((10#$v > 10#$to)) || continue
        echo "tx:$f"
    done
}

ROWS=()
DETAILS=()
phase() {   # name, floor-kind (fwd|undo), floor-arg, CLI args...
    local name=$1 kind=$2 farg=$3; shift 3
    local n=$(( ${#ROWS[@]} + 1 ))
    local dir=$WORK/phase$n
    mkdir -p "$dir"
    [[ ${#AS_PG[@]} -eq 0 ]] || chown postgres: "$dir"
    local floor=${DB}_floor$n
    log "phase $n: $name — copying the start state to $floor"
    q -d postgres -c "CREATE DATABASE $floor TEMPLATE $DB STRATEGY FILE_COPY"
    q -d postgres -c "CHECKPOINT"

    start_sampler "$dir/locks.txt"
    start_load "$dir/app"
    sleep "$WARMUP"
    kill -0 "$LOAD_PID" 2>/dev/null || { cat "$dir/app.err" >&2; die "pgbench did not start"; }
    log "phase $n: cli $* (under load)"
    local s e rc=0
    s=$(now)
    waitable timeout "$PHASE_TIMEOUT" java -jar "$CLI_JAR" "$@" --url "$JDBC" --user postgres >"$dir/cli.log" 2>&1 || rc=$?
    e=$(now)
    sleep "$TAIL"
    stop_load
    stop_sampler
    local took; took=$(secs "$s" "$e")
    [[ $rc -eq 0 ]] || { tail -30 "$dir/cli.log" >&2; die "phase $n: CLI exit code $rc after ${took}s"; }
    # a client that died of an error mid-phase stops logging: count the clients
    # whose last logged transaction ended after the CLI did
    local alive
    alive=$(cat "$dir/app".* | awk -v e="$e" 'NF >= 6 { t = $5 + $6 / 1e6; if (t > last[$1]) last[$1] = t }
        END { n = 0; for (c in last) if (last[c] >= e) n++; print n }')
    local steps
    steps=$(grep -E '^ +(UP|DOWN) +[0-9]+' "$dir/cli.log" | sed -E 's/^ +//; s/ +/ /g; s/ (archived .*)$/ (\1)/' | paste -sd ';' | sed 's/;/; /g')

    # the engine's own figure: the longest it held a lock that makes application statements wait, per version
    local block
    block=$(grep -oE 'blocking lock [0-9.]+ (ms|s)' "$dir/cli.log" | awk '{ v = $3; if ($4 == "s") v = v * 1000; if (v > m) m = v } END { printf "%d", m }')
    local cnt amax p99 over rmax wmax
    read -r cnt amax p99 over rmax wmax < <(app_stats "$dir/app" "$s" "$e")
    local ticks appticks eps maxd oeps
    read -r ticks appticks eps maxd oeps < <(lock_stats "$dir/locks.txt" "$s" "$e")
    log "phase $n: CLI ${took}s, app max ${amax} ms, p99 ${p99} ms, $over txns > 1 s, lock waits: $eps ($appticks/$ticks samples)"

    log "phase $n: offline floor (psql, no load) on $floor"
    local files t0 per ftook
    mapfile -t files < <(if [[ $kind == fwd ]]; then fwd_files "$farg"; else undo_files "$farg"; fi)
    t0=$(now)
    per=$(run_sql_files "$floor" "${files[@]}") || { cat "$WORK/floor.err" >&2; die "offline floor of phase $n failed"; }
    ftook=$(secs "$t0" "$(now)")
    q -d postgres -c "DROP DATABASE $floor"
    log "phase $n: offline ${ftook}s ($per)"

    ROWS+=("| $name | ${took} s | ${amax} ms | ${p99} ms | ${block} ms | $eps waits in $appticks of $ticks samples (longest seen ${maxd} s) | ${ftook} s |")
    DETAILS+=("- **$name**: $cnt app transactions overlapped the phase; $over took > 1 s; max read ${rmax} ms, max write ${wmax} ms; CLI sessions waiting on a lock: $oeps; app clients running through the whole phase: $alive of $APP_CLIENTS. CLI steps: $steps. Offline scripts: $per")
    # the longest app waits and who blocked them
    awk -F '|' -v s="$s" -v e="$e" -v app="$APP_ROLE" '$2 == "wait" && $4 == app && $1 >= s && $1 <= e {
            k = $3 "@" $5; d = $1 - $5; if (d > best[k]) { best[k] = d; line[k] = $8 " <- blocked by " $9 } }
        END { for (k in best) printf "%.2f|%s\n", best[k], line[k] }' "$dir/locks.txt" \
        | sort -t '|' -k1,1 -rn | awk 'NR <= 5' | while IFS='|' read -r d l; do echo "    - ${d} s: ${l}"; done >"$dir/top-waits.txt"
    cp "$dir/cli.log" "$WORK/cli-phase$n.log"
}

# ---------------------------------------------------------------- phases
LOG_OFFSET=$(stat -c %s "$SERVER_LOG")
T_ALL=$(now)
phase "upgrade head from 006" fwd 006 upgrade head --reason bench
phase "downgrade 002 from head" undo 002 downgrade 002 --yes --reason bench
phase "upgrade head from 002 (restore)" fwd 002 upgrade head --reason bench
T_ALL=$(secs "$T_ALL" "$(now)")

# ---------------------------------------------------------------- report
# relation oids of the server log -> names (sed script)
RELNAMES=$(qv -d "$DB" -c "SELECT 's/relation ' || c.oid || ' of database/relation ' || c.oid || ' (' || c.relname || ') of database/' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 'p')")
names() { sed -e "$RELNAMES"; }
{
    echo "## Online migrations under load — scale $SCALE ($TRADES trades)"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
         "$("$PGBIN/postgres" --version | sed 's/postgres (PostgreSQL) /PostgreSQL /'), $TENANTS tenants, database $DBSIZE at 006," \
         "app load: $APP_CLIENTS pgbench clients, ${APP_RATE/#0/unthrottled} tps total (read latest 20 trades of an account / update a position's price, 1:1)."
    echo
    echo "| phase | CLI took | app max wait | app p99 | longest blocking lock (engine) | lock waits sampled (100 ms) | offline psql took |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    printf '%s\n' "${DETAILS[@]}"
    for i in 1 2 3; do
        if [[ -s $WORK/phase$i/top-waits.txt ]]; then
            echo "- longest app lock waits of phase $i (sampled):"
            cat "$WORK/phase$i/top-waits.txt"
        fi
    done
    echo
    echo "Setup (not measured under load): demo-data ${T_DEMO} s, downgrade head→006 ${T_DOWN006} s, whole setup ${T_SETUP} s; three phases with their offline floors ${T_ALL} s."
    echo
    echo "Server log of the three phases (log_lock_waits logs waits over deadlock_timeout = 1 s; log_min_duration_statement = 1 s)."
    echo "Longest application lock waits:"
    echo
    echo '```'
    { tail -c +$((LOG_OFFSET + 1)) "$SERVER_LOG" | grep -E 'acquired .* after [0-9.]+ ms' || true; } \
        | awk '{ match($0, /after [0-9.]+ ms/); print substr($0, RSTART + 6, RLENGTH - 9) "\t" $0 }' \
        | sort -t "$(printf '\t')" -k1,1 -rn | cut -f2- | names | cut -c1-260 | awk 'NR <= 6'
    echo '```'
    echo
    echo "Longest statements of the CLI (database $DB) and of the offline psql runs (${DB}_floorN):"
    echo
    echo '```'
    { tail -c +$((LOG_OFFSET + 1)) "$SERVER_LOG" | grep -E 'duration: [0-9.]+ ms' || true; } \
        | grep -v "$APP_ROLE@" | grep -v 'DATABASE' \
        | awk '{ match($0, /duration: [0-9.]+ ms/); print substr($0, RSTART + 10, RLENGTH - 13) "\t" $0 }' \
        | sort -t "$(printf '\t')" -k1,1 -rn | cut -f2- | cut -c1-240 | awk 'NR <= 12' || true
    echo '```'
} >"$RESULTS"
cat "$RESULTS"
log "written $RESULTS"
