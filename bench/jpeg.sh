#!/usr/bin/env bash
# The transport's JPEG codecs side by side in one JVM: ImageIO (the codec before), OpenCV's
# imencode/imdecode (libjpeg-turbo) and FFmpeg's mjpeg (the codec now), at several qualities, 4:2:0
# and 4:4:4 chroma, on a generated sample frame and OpenCV's messi5.jpg (flink-job's test resource) at
# 640x360 and 1280x720. Prints bytes per frame, PSNR against the original, and encode and decode
# frames per CPU second of the calling thread (the best of ROUNDS rounds taken in turn).
#   CALLS=40 ROUNDS=3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$root/out/bench/jpeg"
mkdir -p "$work"
cp_file="$work/classpath.txt"
mvn -o -q -pl connectors test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" >&2
java -cp "connectors/target/test-classes:connectors/target/classes:$(cat "$cp_file")" \
  io.dubstream.connectors.media.JpegBench "${CALLS:-40}" "${ROUNDS:-3}"
