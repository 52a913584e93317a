#!/usr/bin/env bash
# Prints the class path of flink-job's test classes (the benchmark harnesses live there), after
# building them against the current sources: the parent pom and connectors are installed into the
# local Maven repository first, so that flink-job compiles against them and not an older install.
#   MVN_PROFILES=cuda: with Maven profiles (cuda: PyTorch's CUDA natives)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -o -q -N install >&2
mvn -o -q -pl connectors install -DskipTests >&2
cp_file="$root/flink-job/target/bench-classpath.txt"
mvn -o -q ${MVN_PROFILES:+-P$MVN_PROFILES} -pl flink-job test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
echo "$root/flink-job/target/test-classes:$root/flink-job/target/classes:$(cat "$cp_file")"
