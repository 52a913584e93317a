#!/usr/bin/env bash
# Per-frame costs of the lip-sync pre- and post-processing at 640x360: face detection at detection
# widths 640/480/320, crop + model input, paste, JPEG, and the mel spectrogram of a 12 s chunk.
# On OpenCV's sample photo messi5.jpg (a test resource). Builds the test classes first.
#   CALLS=30 (default): calls per measurement
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp="$(bench/test-classpath.sh)"
java -cp "$cp" \
  io.dubstream.job.inference.lipsync.LipSyncFramesBench "${CALLS:-30}"
