#!/usr/bin/env bash
# Runs every test project of the solution, fast ones first, then the transport ones, then fault injection, and ends
# with "tests: N passed, M failed". Exits non-zero if a test failed, a project did not finish, or a prerequisite is
# missing (named, with the command that installs it).
#
#   tests/run-all.sh [--install] [--prerequisites] [--jobs N] [--stage fast|transport|fault] [--no-build] [--results DIR]
#
#   --install         install missing prerequisites (PostgreSQL 15, Node.js and npm, Chromium) with apt-get, when this user can:
#                     root, or passwordless sudo; LOGPIPE_INSTALL_PREREQUISITES=1 does the same
#   --prerequisites   only check (with --install: install) the prerequisites, then stop
#   --jobs N          test projects run at once within a stage (default 1: on 2 shared cores the transport stage took
#                     8 min one at a time and over 13 min two at a time, Kafka and Kinesis together 184 s against
#                     62 + 74 s; again later: the CLI tests took 321 s beside the benchmark tests against 189 s alone);
#                     projects of a later stage never start before the earlier stage is done
#   --stage NAME      only that stage (fast, transport or fault)
#   --no-build        skip the one solution build before the tests
#   --results DIR     where each project's output goes (default: a new temporary folder, printed at the start)
#
# A test that hangs for 10 minutes is named by --blame-hang-timeout (its project then counts as not finished).
set -uo pipefail
cd "$(dirname "$0")/.."

fast=(
  tests/LogPipe.Hosting.Tests
  tests/LogPipe.Hosting.EntityFrameworkCore.Tests
  tests/LogPipe.Hosting.Operations.Tests
  tests/LogPipe.Hosting.OpenTelemetry.Tests
  tests/LogPipe.Hosting.Testing.Tests
)
transport=(
  tests/LogPipe.Hosting.Kafka.Tests
  tests/LogPipe.Hosting.Kinesis.Tests
  tests/LogPipe.Cli.Tests
  tests/LogPipe.Sample.Tests
  tests/LogPipe.Hosting.Dashboard.Tests
  tests/LogPipe.Hosting.Benchmarks.Tests
  tests/LogPipe.Hosting.Packaging.Tests
)
fault=(
  tests/LogPipe.Hosting.FaultInjection.Tests
)

jobs=1
install=0
[ "${LOGPIPE_INSTALL_PREREQUISITES:-}" = "1" ] && install=1
prerequisites_only=0
build=1
results=""
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
    --no-build) build=0; shift ;;
    --results) results="${2:?--results needs a folder}"; shift 2 ;;
    --stage) only="${2:?--stage needs fast, transport or fault}"; shift 2 ;;
    --install) install=1; shift ;;
    --prerequisites) prerequisites_only=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-all: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$jobs" in ''|*[!0-9]*|0) echo "run-all: --jobs must be a positive number, not '$jobs'" >&2; exit 2 ;; esac
case "$only" in ''|fast|transport|fault) ;; *) echo "run-all: --stage is fast, transport or fault, not '$only'" >&2; exit 2 ;; esac

# Prerequisites: fail before building anything, naming what is missing and how to install it; with --install, install
# what apt can (as root, or through passwordless sudo), then check again.
pg_bin="${LOGPIPE_PG_BIN:-/usr/lib/postgresql/15/bin}"
check_prerequisites() {
  missing=0
  apt_packages=()
  need() {
    echo "run-all: missing prerequisite: $1" >&2
    echo "  install it with: ${3:-sudo apt-get install -y $2}" >&2
    missing=1
    if [ -n "$2" ]; then apt_packages+=($2); fi
  }
  command -v dotnet >/dev/null 2>&1 || need "the .NET SDK (dotnet)" "" "see global.json for the version; https://dot.net/install"
  if [ -z "${LOGPIPE_TEST_POSTGRES:-}" ] && [ ! -x "$pg_bin/initdb" ]; then
    need "PostgreSQL 15 server binaries (no initdb in $pg_bin; or set LOGPIPE_PG_BIN, or LOGPIPE_TEST_POSTGRES to a server)" "postgresql-15"
  fi
  if [ "$(id -u)" -eq 0 ] && [ -z "${LOGPIPE_TEST_POSTGRES:-}" ] && ! command -v runuser >/dev/null 2>&1; then
    need "runuser (the PostgreSQL fixture runs the server as the postgres user when run as root)" "util-linux"
  fi
  command -v node >/dev/null 2>&1 || need "Node.js (node), for kinesalite" "nodejs npm"
  if command -v node >/dev/null 2>&1 && ! command -v npm >/dev/null 2>&1; then need "npm, to install kinesalite" "npm"; fi
  # The dashboard's browser tests drive the machine's Chromium (Playwright never downloads one here).
  if [ -z "${LOGPIPE_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
    need "Chromium (chromium), for the dashboard's browser tests (or set LOGPIPE_CHROMIUM to a Chromium executable)" "chromium"
  fi
}

check_prerequisites
if [ "$missing" -ne 0 ] && [ ${#apt_packages[@]} -gt 0 ]; then
  if [ "$install" -eq 0 ]; then
    echo "run-all: or let this script install them: tests/run-all.sh --install (or LOGPIPE_INSTALL_PREREQUISITES=1), as root or with passwordless sudo" >&2
  else
    as_root=()
    if [ "$(id -u)" -ne 0 ]; then
      if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(none); fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "run-all: cannot install ${apt_packages[*]}: there is no apt-get here; install them with your package manager" >&2
    elif [ "${as_root[0]:-}" = "none" ]; then
      echo "run-all: cannot install ${apt_packages[*]}: that needs root or passwordless sudo (sudo -n true failed); install them with the commands above" >&2
    else
      echo "run-all: installing ${apt_packages[*]} with apt-get" >&2
      "${as_root[@]}" apt-get update -qq &&
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >&2 ||
        echo "run-all: apt-get install ${apt_packages[*]} failed" >&2
      check_prerequisites
    fi
  fi
fi
[ "$missing" -eq 0 ] || exit 2
if [ "$prerequisites_only" -eq 1 ]; then echo "run-all: prerequisites are installed"; exit 0; fi

if [ -z "$results" ]; then results="$(mktemp -d "${TMPDIR:-/tmp}/logpipe-tests.XXXXXX")"; fi
mkdir -p "$results"
echo "run-all: output of each project in $results"
started=$SECONDS

if [ "$build" -eq 1 ]; then
  echo "run-all: building LogPipe.Hosting.sln"
  # One compiler server for all projects (UseSharedCompilation): a machine that turns it off for its shells would
  # otherwise start and warm up a new compiler per project, which on 2 cores took 165 s against 87 s. It is shut down
  # after the build, so nothing outlives the run.
  dotnet build LogPipe.Hosting.sln -p:UseSharedCompilation=true > "$results/build.log" 2>&1
  build_status=$?
  dotnet build-server shutdown --vbcscompiler > /dev/null 2>&1
  if [ "$build_status" -ne 0 ]; then
    grep -E ': error ' "$results/build.log" | sort -u | head -n 20 >&2
    echo "run-all: the build failed (all of it in $results/build.log)" >&2
    echo "tests: 0 passed, 0 failed"
    exit 1
  fi
fi

passed=0
failed=0
unfinished=()

# One project: dotnet test into its own log; prints its summary line, or the hang/crash that ended it.
run_project() {
  local project="$1" name log
  name="$(basename "$project")"
  log="$results/$name.log"
  local t0=$SECONDS
  # The test assembly the build made, run directly: `dotnet test <project> --no-build` first evaluates the project with
  # MSBuild, which on the loaded 2-core machine cost as long as the tests of a small project. Without a built assembly,
  # the project, so that dotnet test says what is missing.
  local target=("$project" --no-build) built=("$project"/bin/Debug/net*/"$name".dll)
  if [ -f "${built[0]}" ]; then target=("${built[0]}"); fi
  dotnet test "${target[@]}" --blame-hang-timeout 10m --blame-hang-dump-type none \
    --results-directory "$results/$name" > "$log" 2>&1
  local status=$?
  local summary
  summary="$(grep -E '^(Passed|Failed)! +- ' "$log" | tail -n 1)"
  echo "$status" > "$results/$name.status"
  if [ -n "$summary" ]; then
    summary="${summary#*! }"; summary="${summary#*- }"
    printf '%-45s %4ss  %s\n' "$name" "$((SECONDS - t0))" "${summary%% - *}"
  else
    printf '%-45s %4ss  did not finish (exit code %s)\n' "$name" "$((SECONDS - t0))" "$status"
  fi
  grep -iE '^ +Failed [A-Za-z]|active test|inactivity time|test host process crashed' "$log" | head -n 20
}

run_stage() {
  local title="$1"; shift
  if [ -n "$only" ] && [ "$only" != "$title" ]; then return; fi
  stages+=("$@")
  echo "== $title: $*" | sed "s|tests/||g"
  local running=0 project t0=$SECONDS
  for project in "$@"; do
    run_project "$project" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
  done
  wait
  echo "== $title: $((SECONDS - t0)) s"
}

count() {
  local project name log status p f
  for project in "$@"; do
    name="$(basename "$project")"
    log="$results/$name.log"
    status="$(cat "$results/$name.status" 2>/dev/null || echo 1)"
    p="$(grep -Eo '^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+' "$log" | grep -Eo 'Passed: +[0-9]+' | grep -Eo '[0-9]+' | tail -n 1)"
    f="$(grep -Eo '^(Passed|Failed)! +- Failed: +[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1)"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ -z "$p" ] || { [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; }; then unfinished+=("$name"); fi
  done
}

stages=()
run_stage fast "${fast[@]}"
run_stage transport "${transport[@]}"
run_stage fault "${fault[@]}"
count "${stages[@]}"

elapsed=$((SECONDS - started))
echo "run-all: $((elapsed / 60)) min $((elapsed % 60)) s (with --jobs $jobs)"
if [ ${#unfinished[@]} -gt 0 ]; then echo "run-all: did not finish: ${unfinished[*]} (see $results)"; fi
echo "tests: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] && [ ${#unfinished[@]} -eq 0 ]
