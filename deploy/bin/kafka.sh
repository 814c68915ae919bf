#!/usr/bin/env bash
# A local Kafka broker (KRaft, one process, 127.0.0.1) from the jars Maven resolves for the project.
#   kafka.sh start | stop | kill | status
# Settings: TICKCAST_HOME (state dir, default <project>/.tickcast-cluster), TICKCAST_KAFKA_PORT (9092),
# TICKCAST_KAFKA_CONTROLLER_PORT (9093), TICKCAST_KAFKA_HEAP (512m).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

NAME=kafka
MAIN=kafka.Kafka
PROPS="$CONF_DIR/kafka-server.properties"

kafka_java_opts() {
  echo "-Xmx${TICKCAST_KAFKA_HEAP:-512m} -Xms${TICKCAST_KAFKA_HEAP:-512m} -XX:+UseG1GC" \
       "-Dlog4j2.configurationFile=$DEPLOY_DIR/conf/log4j2-kafka.properties -Dtickcast.log.file=$LOG_DIR/kafka.log"
}

# Answers only when the broker accepts client requests: the log line Kafka writes at the end of startup.
broker_started() {
  grep -q "Kafka Server started" "$LOG_DIR/kafka.log" 2>/dev/null && port_in_use "$KAFKA_PORT"
}

start() {
  if pid="$(running_pid "$NAME")"; then
    echo "kafka already runs (pid $pid) on $TICKCAST_BIND:$KAFKA_PORT"
    return 0
  fi
  require_free_port "$KAFKA_PORT" "Kafka" TICKCAST_KAFKA_PORT
  require_free_port "$KAFKA_CONTROLLER_PORT" "Kafka controller" TICKCAST_KAFKA_CONTROLLER_PORT
  local cp
  cp="$(runtime_classpath kafka)"
  mkdir -p "$CONF_DIR" "$LOG_DIR" "$TICKCAST_HOME/kafka/data"
  render "$DEPLOY_DIR/conf/kafka-server.properties" > "$PROPS"
  if [[ ! -f "$TICKCAST_HOME/kafka/data/meta.properties" ]]; then
    local id
    id="$("$JAVA" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    # transaction.version=1: on version 2 a recovery logs a false "data loss" ERROR.
    "$JAVA" $(kafka_java_opts) -cp "$cp" kafka.tools.StorageTool format --standalone -t "$id" -c "$PROPS" \
        --feature transaction.version=1 > "$LOG_DIR/kafka-format.out" 2>&1 \
      || die "formatting the Kafka storage failed; see $LOG_DIR/kafka-format.out"
    echo "formatted Kafka storage in $TICKCAST_HOME/kafka/data (cluster id $id)"
  fi
  # A fresh log per start, so 'Kafka Server started' means this start.
  [[ -f "$LOG_DIR/kafka.log" ]] && mv -f "$LOG_DIR/kafka.log" "$LOG_DIR/kafka.log.previous"
  start_daemon "$NAME" "$MAIN" $(kafka_java_opts) -cp "$cp" "$MAIN" "$PROPS"
  wait_until "$START_TIMEOUT" "Kafka answering on $TICKCAST_BIND:$KAFKA_PORT" "$NAME" broker_started
  echo "kafka started (pid $(running_pid "$NAME")): bootstrap $TICKCAST_BIND:$KAFKA_PORT, data $TICKCAST_HOME/kafka/data"
}

status() {
  if pid="$(running_pid "$NAME")"; then
    echo "kafka      running  pid $pid  bootstrap $TICKCAST_BIND:$KAFKA_PORT  log $LOG_DIR/kafka.log"
  else
    echo "kafka      stopped  (start: tickcast cluster start)"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop_daemon "$NAME" ;;
  kill) stop_daemon "$NAME" KILL ;; # a crash, for recovery tests
  status) status ;;
  *) echo "usage: $(basename "$0") start | stop | kill | status" >&2; exit 2 ;;
esac
