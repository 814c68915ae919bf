# Shared by deploy/bin/*.sh (sourced, not run). Every setting has a default and can be overridden by the
# environment; everything the cluster writes (config, data, logs, pids) lives under $TICKCAST_HOME.

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT_DIR="$(cd "$DEPLOY_DIR/.." && pwd)"

# State directory: config, Kafka data, checkpoints, savepoints, logs and pids.
TICKCAST_HOME="${TICKCAST_HOME:-$PROJECT_DIR/.tickcast-cluster}"
# Everything binds here; the scripts are for one machine.
TICKCAST_BIND="127.0.0.1"
KAFKA_PORT="${TICKCAST_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${TICKCAST_KAFKA_CONTROLLER_PORT:-9093}"
FLINK_REST_PORT="${TICKCAST_FLINK_REST_PORT:-8081}"
FLINK_RPC_PORT="${TICKCAST_FLINK_RPC_PORT:-6123}"
FLINK_SLOTS="${TICKCAST_FLINK_SLOTS:-2}"
# Seconds to wait for a process to come up or to go away before giving up.
START_TIMEOUT="${TICKCAST_START_TIMEOUT:-120}"
STOP_TIMEOUT="${TICKCAST_STOP_TIMEOUT:-30}"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
LOG_DIR="$TICKCAST_HOME/log"
PID_DIR="$TICKCAST_HOME/pid"
CONF_DIR="$TICKCAST_HOME/conf"

die() {
  echo "tickcast: $*" >&2
  exit 1
}

# The classpath of deploy/runtime/<name> (flink or kafka). Built with 'mvn package' on that pom alone when
# missing: it needs only Maven Central artifacts, never 'mvn install'.
runtime_classpath() {
  local name="$1" file="$DEPLOY_DIR/runtime/$1/target/classpath.txt"
  if [[ ! -s "$file" ]]; then
    echo "tickcast: resolving the $name jars with Maven (once)..." >&2
    mvn -q -B -f "$DEPLOY_DIR/runtime/$name/pom.xml" package >&2 \
      || die "could not resolve the $name jars; run 'mvn -f deploy/runtime/$name/pom.xml package' to see why"
  fi
  cat "$file"
}

port_in_use() {
  (exec 3<>"/dev/tcp/$TICKCAST_BIND/$1") 2>/dev/null
}

require_free_port() {
  local port="$1" what="$2" variable="$3"
  if port_in_use "$port"; then
    die "port $port ($what) on $TICKCAST_BIND is taken by another process; stop it or set $variable to a free port"
  fi
}

pid_file() {
  echo "$PID_DIR/$1.pid"
}

# The pid of a process we started, if it is still that process (the pid file also names its main class,
# so a recycled pid is never mistaken for ours).
running_pid() {
  local file
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  local pid main
  read -r pid main < "$file"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$main"; then
    echo "$pid"
    return 0
  fi
  return 1
}

# start_daemon NAME MAIN_CLASS JAVA_ARGS... : starts java in the background, logs to $LOG_DIR/NAME.out.
start_daemon() {
  local name="$1" main="$2"
  shift 2
  mkdir -p "$LOG_DIR" "$PID_DIR"
  if pid="$(running_pid "$name")"; then
    die "$name already runs (pid $pid); '$(basename "$0") stop' first"
  fi
  nohup "$JAVA" "$@" > "$LOG_DIR/$name.out" 2>&1 < /dev/null &
  echo "$! $main" > "$(pid_file "$name")"
}

# stop_daemon NAME [SIGNAL]: TERM (or the given signal), then KILL after $STOP_TIMEOUT seconds.
stop_daemon() {
  local name="$1" signal="${2:-TERM}" pid i
  if ! pid="$(running_pid "$name")"; then
    rm -f "$(pid_file "$name")"
    return 0
  fi
  kill "-$signal" "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "tickcast: $name (pid $pid) did not stop within ${STOP_TIMEOUT}s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$(pid_file "$name")"
  echo "stopped $name (pid $pid)"
}

# wait_until SECONDS DESCRIPTION NAME COMMAND...: polls COMMAND until it succeeds; fails early if NAME died.
wait_until() {
  local timeout="$1" what="$2" name="$3" i
  shift 3
  for ((i = 0; i < timeout * 4; i++)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    if ! running_pid "$name" >/dev/null; then
      tail -n 30 "$LOG_DIR/$name.out" >&2 || true
      die "$name exited before $what; its log is $LOG_DIR/$name.out (last lines above)"
    fi
    sleep 0.25
  done
  die "$what did not happen within ${timeout}s; see $LOG_DIR/$name.out (or raise TICKCAST_START_TIMEOUT)"
}

# Fills @KEY@ placeholders of a template from the current settings.
render() {
  sed -e "s#@HOME@#$TICKCAST_HOME#g" -e "s#@BIND@#$TICKCAST_BIND#g" \
      -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" -e "s#@KAFKA_CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
      -e "s#@FLINK_REST_PORT@#$FLINK_REST_PORT#g" -e "s#@FLINK_RPC_PORT@#$FLINK_RPC_PORT#g" \
      -e "s#@FLINK_SLOTS@#$FLINK_SLOTS#g" -e "s#@LOG_DIR@#$LOG_DIR#g" "$1"
}
