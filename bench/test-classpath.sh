#!/usr/bin/env bash
# Prints the class path of flink-job's test classes (the benchmark harnesses live there), after
# building them against the current sources: one reactor build of flink-job and the modules it needs,
# so that flink-job compiles against this checkout's connectors (their target/classes), with nothing
# installed into the local Maven repository.
#   MVN_PROFILES=cuda: with Maven profiles (cuda: PyTorch's CUDA natives)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp_file="$root/flink-job/target/bench-classpath.txt"
mvn -o -q ${MVN_PROFILES:+-P$MVN_PROFILES} -pl flink-job -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
echo "$root/flink-job/target/test-classes:$root/flink-job/target/classes:$(cat "$cp_file")"
