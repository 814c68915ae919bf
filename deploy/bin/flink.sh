#!/usr/bin/env bash
# A local Flink 2.2 standalone cluster (one JobManager, N TaskManagers, 127.0.0.1) from the jars Maven
# resolves for the project (flink-dist is not on Maven Central). Started the way Flink's own scripts do:
# BashJavaUtils computes each process's memory flags from conf/config.yaml.
#   flink.sh start [--taskmanagers N]   JobManager plus N TaskManagers (default 2)
#   flink.sh add-taskmanager            one more TaskManager (e.g. to replace a lost one)
#   flink.sh kill-taskmanager [ID]      kill -9 a TaskManager (default: the first running one), for crash tests
#   flink.sh stop | status
# Settings: TICKCAST_HOME, TICKCAST_FLINK_REST_PORT (8081), TICKCAST_FLINK_RPC_PORT (6123),
# TICKCAST_FLINK_SLOTS (slots per TaskManager, 2).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

JM=jobmanager
JM_MAIN=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
TM_MAIN=org.apache.flink.runtime.taskexecutor.TaskManagerRunner
REST="http://$TICKCAST_BIND:$FLINK_REST_PORT"

write_config() {
  mkdir -p "$CONF_DIR" "$LOG_DIR" "$TICKCAST_HOME"/flink/{checkpoints,savepoints,tmp,web,jars}
  render "$DEPLOY_DIR/conf/config.yaml" > "$CONF_DIR/config.yaml"
  cp "$DEPLOY_DIR/conf/log4j2-flink.properties" "$CONF_DIR/log4j2.properties"
}

# The JVM options every Flink process gets: env.java.opts.all from the config.
env_java_opts() {
  sed -n 's/^env\.java\.opts\.all:[[:space:]]*//p' "$CONF_DIR/config.yaml"
}

# BashJavaUtils prints two result lines: the JVM memory flags, then the dynamic -D options.
resource_params() {
  local command="$1" cp="$2" out
  out="$("$JAVA" -cp "$cp" org.apache.flink.runtime.util.bash.BashJavaUtils "$command" --configDir "$CONF_DIR" 2>&1)" \
    || die "BashJavaUtils $command failed: $out"
  grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<< "$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

launch() {
  local name="$1" main="$2" command="$3" cp params jvm dynamic
  cp="$(runtime_classpath flink)"
  params="$(resource_params "$command" "$cp")"
  jvm="$(sed -n 1p <<< "$params")"
  dynamic="$(sed -n 2p <<< "$params")"
  # A TaskManager's resource id is its name, so the REST API says which process runs which task.
  [[ "$main" == "$TM_MAIN" ]] && dynamic="$dynamic -D taskmanager.resource-id=$name"
  # shellcheck disable=SC2086 # the flags are whitespace-separated lists by design
  start_daemon "$name" "$main" $jvm $(env_java_opts) -Dlog.file="$LOG_DIR/$name.log" \
    -Dlog4j.configurationFile="file:$CONF_DIR/log4j2.properties" -cp "$cp" "$main" --configDir "$CONF_DIR" $dynamic
}

rest_get() {
  curl -sf --max-time 5 "$REST$1"
}

registered_taskmanagers() {
  rest_get /taskmanagers | grep -o '"id":"[^"]*"' | wc -l
}

taskmanagers_at_least() {
  [[ "$(registered_taskmanagers)" -ge "$1" ]]
}

taskmanager_names() {
  ls "$PID_DIR" 2>/dev/null | sed -n 's/^\(taskmanager-[0-9]*\)\.pid$/\1/p' | sort -t- -k2 -n
}

running_taskmanagers() {
  local name
  for name in $(taskmanager_names); do
    running_pid "$name" > /dev/null && echo "$name"
  done
  return 0
}

add_taskmanager() {
  running_pid "$JM" > /dev/null || die "no JobManager runs; 'tickcast cluster start' first"
  local n=1
  while [[ -f "$(pid_file "taskmanager-$n")" ]] && running_pid "taskmanager-$n" > /dev/null; do n=$((n + 1)); done
  local expected=$(($(running_taskmanagers | wc -l) + 1))
  launch "taskmanager-$n" "$TM_MAIN" GET_TM_RESOURCE_PARAMS
  wait_until "$START_TIMEOUT" "taskmanager-$n registering with the JobManager" "taskmanager-$n" taskmanagers_at_least "$expected"
  echo "started taskmanager-$n (pid $(running_pid "taskmanager-$n")), $FLINK_SLOTS slots"
}

start() {
  local taskmanagers=2
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --taskmanagers) taskmanagers="${2:?--taskmanagers needs a number}"; shift 2 ;;
      *) die "unknown option $1 (usage: flink.sh start [--taskmanagers N])" ;;
    esac
  done
  [[ "$taskmanagers" =~ ^[0-9]+$ ]] || die "--taskmanagers must be a number >= 0, got '$taskmanagers'"
  command -v curl > /dev/null || die "curl is needed to talk to Flink's REST API; install it (apt-get install curl)"
  if pid="$(running_pid "$JM")"; then
    echo "jobmanager already runs (pid $pid); web UI $REST"
  else
    require_free_port "$FLINK_REST_PORT" "Flink REST / web UI" TICKCAST_FLINK_REST_PORT
    require_free_port "$FLINK_RPC_PORT" "Flink JobManager RPC" TICKCAST_FLINK_RPC_PORT
    write_config
    launch "$JM" "$JM_MAIN" GET_JM_RESOURCE_PARAMS
    wait_until "$START_TIMEOUT" "the JobManager's REST API answering at $REST" "$JM" rest_get /overview
    echo "jobmanager started (pid $(running_pid "$JM")); web UI $REST"
  fi
  local have i
  have="$(running_taskmanagers | wc -l)"
  for ((i = have; i < taskmanagers; i++)); do
    add_taskmanager
  done
}

kill_taskmanager() {
  local name="${1:-$(running_taskmanagers | head -n 1)}"
  [[ -n "$name" ]] || die "no TaskManager runs"
  [[ "$name" == taskmanager-* ]] || name="taskmanager-$name"
  running_pid "$name" > /dev/null || die "$name does not run; running: $(running_taskmanagers | tr '\n' ' ')"
  stop_daemon "$name" KILL
}

stop() {
  local name
  for name in $(taskmanager_names); do
    stop_daemon "$name"
  done
  stop_daemon "$JM"
}

status() {
  local rc=0 pid name
  if pid="$(running_pid "$JM")"; then
    local jobs
    jobs="$(rest_get /jobs/overview | grep -o '"jid":"[^"]*","name":"[^"]*","[^}]*"state":"[^"]*"' \
      | sed 's/"jid":"\([^"]*\)","name":"\([^"]*\)".*"state":"\([^"]*\)"/\1 \2 \3/' || true)"
    echo "jobmanager running  pid $pid  web UI / REST $REST  log $LOG_DIR/$JM.log"
    for name in $(running_taskmanagers); do
      echo "$(printf '%-10s' "$name") running  pid $(running_pid "$name")  $FLINK_SLOTS slots  log $LOG_DIR/$name.log"
    done
    echo "registered TaskManagers: $(registered_taskmanagers 2>/dev/null || echo '?')"
    if [[ -n "$jobs" ]]; then
      echo "jobs:"
      sed 's/^/  /' <<< "$jobs"
    else
      echo "jobs: none (submit: tickcast submit)"
    fi
    echo "checkpoints $TICKCAST_HOME/flink/checkpoints  savepoints $TICKCAST_HOME/flink/savepoints"
  else
    echo "jobmanager stopped  (start: tickcast cluster start)"
    rc=3
  fi
  return $rc
}

case "${1:-}" in
  start) shift; start "$@" ;;
  add-taskmanager) add_taskmanager ;;
  kill-taskmanager) kill_taskmanager "${2:-}" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $(basename "$0") start [--taskmanagers N] | add-taskmanager | kill-taskmanager [ID] | stop | status" >&2; exit 2 ;;
esac
