#!/usr/bin/env bash
# Start-up cost of the CLI, side by side with the JVM's own start (--version), on one database:
#   bench/cli-start.sh [--runs N] URL [USER]        e.g. bench/cli-start.sh jdbc:postgresql://127.0.0.1:5432/bench postgres
# Each of --version, status, verify, plan -1 runs N times (default 7, one warm-up first): plain (java -jar cli.jar),
# with an AppCDS archive of the CLI's classes (made once by this script with -XX:ArchiveClassesAtExit, in target/),
# and through the launcher bin/alphapulse (an archive per command, made by its first run, and its JVM settings). Prints
# min/median/max wall ms, the median's ratio to the same set's --version and to plain --version's (the goal of
# issue 13: at most 2x). The machine is shared: compare within one run.
set -euo pipefail
RUNS=7
if [[ "${1:-}" == "--runs" ]]; then RUNS=$2; shift 2; fi
URL=${1:?usage: bench/cli-start.sh [--runs N] URL [USER]}
USER_NAME=${2:-${PGUSER:-postgres}}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$ROOT/cli/target/cli.jar
CDS=$ROOT/cli/target/cli.jsa
[[ -f $JAR ]] || { echo "build first: mvn -B -q -DskipTests package -pl cli -am" >&2; exit 2; }

ms() { echo $(( $(date +%s%N) / 1000000 )); }

# one command N times; prints "min median max" in ms
measure() {
  local times=() t0 t1
  "$@" >/dev/null 2>&1 || true
  for ((i = 0; i < RUNS; i++)); do
    t0=$(ms); "$@" >/dev/null 2>&1 || true; t1=$(ms)
    times+=($((t1 - t0)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%d %d %d\n", a[1], a[int((NR+1)/2)], a[NR]}'
}

PLAIN=
# run_set LABEL COMMAND...: the CLI started by COMMAND (e.g. java -jar cli.jar)
run_set() {
  local label=$1; shift
  local cli=("$@")
  local base
  printf '%-8s %-10s %8s %8s %8s %8s %8s\n' "$label" command min median max "x --version" "x plain"
  read -r mn md mx < <(measure "${cli[@]}" --version)
  base=$md
  PLAIN=${PLAIN:-$md}
  printf '%-8s %-10s %8d %8d %8d %8.2f %8.2f\n' "$label" --version "$mn" "$md" "$mx" 1 "$(echo "$md / $PLAIN" | bc -l)"
  for cmd in status verify "plan -1"; do
    # shellcheck disable=SC2086
    read -r mn md mx < <(measure "${cli[@]}" $cmd --url "$URL" --user "$USER_NAME")
    printf '%-8s %-10s %8d %8d %8d %8.2f %8.2f\n' "$label" "$cmd" "$mn" "$md" "$mx" "$(echo "$md / $base" | bc -l)" \
      "$(echo "$md / $PLAIN" | bc -l)"
  done
}

echo "runs per command: $RUNS (after one warm-up); java: $(java -version 2>&1 | head -1)"
run_set plain java -jar "$JAR"
if [[ ! -f $CDS || $CDS -ot $JAR ]]; then
  java -XX:ArchiveClassesAtExit="$CDS" -jar "$JAR" status --url "$URL" --user "$USER_NAME" >/dev/null 2>&1 || true
  java -XX:SharedArchiveFile="$CDS" -XX:ArchiveClassesAtExit="$CDS.verify" -jar "$JAR" verify --url "$URL" --user "$USER_NAME" >/dev/null 2>&1 || true
  rm -f "$CDS.verify"
fi
run_set appcds java -XX:SharedArchiveFile="$CDS" -Xshare:auto -jar "$JAR"
# each command's warm-up (not timed) is the launcher's first run of it, which writes that command's archive
run_set launcher "$ROOT/bin/alphapulse"
