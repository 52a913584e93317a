#!/usr/bin/env bash
# Per-frame costs of the lip-sync pre- and post-processing at 640x360: face detection at detection
# widths 640/480/320, crop + model input, paste, JPEG, and the mel spectrogram of a 12 s chunk.
# Needs OpenCV's sample images (Debian package opencv-doc). Builds the test classes first.
#   CALLS=30 (default): calls per measurement
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -o -q -N install
mvn -o -q -pl connectors install -DskipTests
mvn -o -q -pl flink-job test-compile
cp_file="$root/flink-job/target/bench-classpath.txt"
mvn -o -q -pl flink-job dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
java -cp "flink-job/target/test-classes:flink-job/target/classes:$(cat "$cp_file")" \
  io.dubstream.job.inference.lipsync.LipSyncFramesBench "${CALLS:-30}"
