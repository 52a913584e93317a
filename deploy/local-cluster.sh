#!/usr/bin/env bash
# A Flink session cluster of separate JVMs on this machine: a JobManager with the web UI
# (http://localhost:8081) and two TaskManagers, on Flink's jars only (as Maven resolved them).
#   deploy/local-cluster.sh start [--taskmanagers N] [--slots N] [--rest-port PORT] ...
#   deploy/local-cluster.sh status | stop
#   deploy/local-cluster.sh kill-taskmanager [N]    SIGKILL of TaskManager N (default 1)
#   deploy/local-cluster.sh start-taskmanager [N]   starts it again
# Configuration, logs, pid files and checkpoints are in out/local-cluster/ (--dir DIR moves them).
# Prometheus metrics: the JobManager's at http://localhost:9249/metrics, TaskManager N's on 9249+N
# (--metrics-port PORT moves them, 0 turns them off); `status` prints them.
# Submit the job with: deploy/dubstream job --cluster localhost:8081 --bootstrap HOST:PORT
# It runs `deploy/dubstream cluster <command>`; see docs/operations.md.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/dubstream" cluster "$@"
