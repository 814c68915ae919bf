#!/usr/bin/env bash
# The whole local setup: a Kafka broker and a Flink standalone cluster, on 127.0.0.1, state in $TICKCAST_HOME.
#   cluster.sh start [--taskmanagers N] | stop | status
# 'tickcast cluster ...' runs this script. See deploy/README.md for the settings (environment variables).
set -euo pipefail
bin="$(dirname "${BASH_SOURCE[0]}")"
source "$bin/common.sh"

case "${1:-}" in
  start)
    shift
    "$bin/kafka.sh" start
    "$bin/flink.sh" start "$@"
    echo "state directory $TICKCAST_HOME; stop everything with: tickcast cluster stop"
    ;;
  stop)
    # Flink first: a job losing its broker before its cluster would only churn through restarts.
    "$bin/flink.sh" stop
    "$bin/kafka.sh" stop
    ;;
  status)
    rc=0
    "$bin/kafka.sh" status || rc=$?
    "$bin/flink.sh" status || rc=$?
    echo "state directory $TICKCAST_HOME"
    exit $rc
    ;;
  *) echo "usage: $(basename "$0") start [--taskmanagers N] | stop | status" >&2; exit 2 ;;
esac
