#!/usr/bin/env bash
# Throughput and memory of wav2lip-reference (the published Wav2Lip generator, untrained) per batch
# size on this machine's CPU: one JVM per batch size, so that each peak RSS is that batch size's own.
#   BATCHES="1 8 16 32" (default)   SECONDS_PER_BATCH=10 (default)
#   KEEP=1: do not free intermediates during the forward pass (what a plain Block-built model does)
#   THREADS=N: PyTorch intra-op threads (default: one per core)
#   TORCHSCRIPT=FILE: measure a TorchScript lip-sync model instead, e.g. the same layout traced by
#     /usr/bin/python3 flink-job/src/test/resources/models/make_lipsync_fixture.py --export-layout FILE
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp="$(bench/test-classpath.sh)"
extra=()
[ -n "${KEEP:-}" ] && extra+=(--keep-intermediates)
[ -n "${TORCHSCRIPT:-}" ] && extra+=(--torchscript "$TORCHSCRIPT")
first=1
for batch in ${BATCHES:-1 8 16 32}; do
  # libtorch prints a deprecation warning on stderr at start: dropped
  java -Dai.djl.offline=true ${THREADS:+-Dai.djl.pytorch.num_threads=$THREADS} -Xmx512m -cp "$cp" \
    io.dubstream.job.inference.lipsync.Wav2LipThroughput \
    --seconds "${SECONDS_PER_BATCH:-10}" "${extra[@]}" "$batch" 2>/dev/null \
    | if [ "$first" = 1 ]; then cat; else grep -v '^#'; fi
  first=0
done
