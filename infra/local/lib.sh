# Shared helpers for the local stack: paths, the unprivileged service user, bounded waits,
# pid files and failure reports. Sourced by stack.sh and by each component file.
# shellcheck shell=bash

PORTCULLIS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK_SRC="$PORTCULLIS_ROOT/infra/local"
# shellcheck source=infra/local/stack.env
. "$STACK_SRC/stack.env"
LOGS="$STACK_DIR/logs"

# PostgreSQL and PgBouncer refuse to run as root. Run as root, every server process of the stack
# runs as the `postgres` system user (created by the Debian package); run as any other user, as
# that user itself (no sudo needed).
if [ "$(id -u)" -eq 0 ]; then
  SERVICE_USER=postgres
else
  SERVICE_USER="$(id -un)"
fi

say() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

# Runs a command as the service user, keeping the environment (PGPASSFILE and friends).
as_service() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$SERVICE_USER" -- "$@"
  else
    "$@"
  fi
}

# Creates a directory owned by the service user (mode defaults to 0700).
service_dir() {
  local dir="$1" mode="${2:-700}"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown "$SERVICE_USER:" "$dir"; fi
  chmod "$mode" "$dir"
}

# Writes stdin to a file owned by the service user with the given mode (secrets: 600).
service_file() {
  local file="$1" mode="${2:-644}"
  cat >"$file"
  if [ "$(id -u)" -eq 0 ]; then chown "$SERVICE_USER:" "$file"; fi
  chmod "$mode" "$file"
}

# A log file the service user can append to, even when this shell (root) writes to it first.
service_log() {
  [ -e "$1" ] || : >"$1"
  if [ "$(id -u)" -eq 0 ]; then chown "$SERVICE_USER:" "$1"; fi
}

# Writes stdin to `file` (service-owned, `mode`) unless it already holds exactly that; returns 0
# when the file changed, so a running component is restarted only when its configuration did.
update_file() {
  local file="$1" mode="${2:-600}"
  service_file "$file.new" "$mode"
  if [ -f "$file" ] && cmp -s "$file.new" "$file"; then rm -f "$file.new"; return 1; fi
  mv -f "$file.new" "$file"
}

# Polls `cmd` every 0.2 s for at most `seconds`; returns 1 when time runs out.
wait_until() {
  local seconds="$1"; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# The pid in a pid file, when that process is alive.
live_pid() {
  local file="$1" pid
  [ -s "$file" ] || return 1
  pid="$(head -n1 "$file" | tr -dc '0-9')"
  if [ -z "$pid" ] || pid_gone "$pid"; then return 1; fi
  echo "$pid"
}

# Stops the process named by a pid file: `signal`, then SIGKILL after `grace` seconds.
stop_pidfile() {
  local file="$1" signal="${2:-TERM}" grace="${3:-10}" pid
  pid="$(live_pid "$file")" || { rm -f "$file"; return 0; }
  kill "-$signal" "$pid" 2>/dev/null || true
  if ! wait_until "$grace" pid_gone "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 5 pid_gone "$pid" || true
  fi
  rm -f "$file"
}

# A zombie counts as gone: it has exited and only waits for its parent (here often an init that
# reaps late) to collect its status.
pid_gone() {
  kill -0 "$1" 2>/dev/null || return 0
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  stat="${stat##*) }"   # the state follows the command name, which may hold spaces
  [ "${stat%% *}" = Z ]
}

port_listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
port_free() { ! port_listening "$1"; }

# Ends the run naming the component that failed, with the tail of its log.
fail_component() {
  local component="$1" log="$2" reason="$3"
  printf 'stack: error: %s failed: %s\n' "$component" "$reason" >&2
  if [ -f "$log" ]; then
    printf -- '--- last lines of %s ---\n' "$log" >&2
    tail -n 25 "$log" >&2
    printf -- '---\n' >&2
  fi
  exit 1
}

proc_cmdline() { { tr '\0' ' ' <"/proc/$1/cmdline" | sed 's/ *$//'; } 2>/dev/null; }

listener_pids() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u; }

# Whether a process belongs to this stack: its command line names .stack/, or it runs in .stack/
# or in the repository (stack.sh starts everything from the repository root; an orphaned Nginx
# worker has only its working directory to show for it).
pid_is_ours() {
  local pid="$1" cmd cwd
  cmd="$(proc_cmdline "$pid")" || return 1
  cwd="$(readlink "/proc/$pid/cwd" 2>/dev/null || true)"
  [[ "$cmd" == *"$STACK_DIR"* || "$cwd" == "$STACK_DIR"* || "$cwd" == "$PORTCULLIS_ROOT" ]]
}

# Stops whatever of this stack still listens on `port` (a process whose pid file was lost, an
# orphaned worker); anything else is left alone.
stop_our_listeners() {
  local port="$1" pid cmd
  for pid in $(listener_pids "$port"); do
    pid_is_ours "$pid" || continue
    cmd="$(proc_cmdline "$pid" | cut -c1-80)"
    say "stopping a leftover stack process on port $port (pid $pid: $cmd)"
    # PostgreSQL's SIGTERM waits for clients to leave; SIGINT is its fast shutdown.
    if [[ "$cmd" == *postgres* ]]; then kill -INT "$pid" 2>/dev/null || true; else kill -TERM "$pid" 2>/dev/null || true; fi
    wait_until 10 pid_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
  done
}

# Fails early when a port the stack needs is held by something that is not the stack's.
require_port_free() {
  local component="$1" port="$2"
  port_free "$port" && return 0
  stop_our_listeners "$port"
  wait_until 5 port_free "$port" && return 0
  fail_component "$component" /dev/null "port $port is already in use ($(ss -Hltnp "sport = :$port" | awk '{print $NF}' | head -n1)); set the matching STACK_*_PORT to move it"
}

# A positive instance number no larger than `max`.
require_index() {
  local what="$1" n="${2:-}" max="$3"
  if [[ "$n" =~ ^[1-9][0-9]*$ ]] && [ "$n" -le "$max" ]; then return 0; fi
  die "$what must be a number from 1 to $max (got '${n}')"
}

# A short digest of files a rendered config includes: written into that config, it makes an
# edit to an included deploy/ file count as a configuration change (and restart the component).
digest_of() { cat "$@" | sha256sum | cut -c1-16; }

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
