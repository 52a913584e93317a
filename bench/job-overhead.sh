#!/usr/bin/env bash
# The job's own overhead: the same 90 s 640x360 25 fps clip through `dubstream demo` with the job
# (model identity) and with --skip-job (upload straight to the output topics, download), one after
# the other in one run. Prints each run's summary and the ratios.
#   SECONDS_OF_CLIP=90 (default)   MODEL=identity (default)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$root/out/bench"
mkdir -p "$work"
seconds="${SECONDS_OF_CLIP:-90}"
clip="$work/clip${seconds}.mp4"
[ -f "$clip" ] || deploy/dubstream sample --output "$clip" --seconds "$seconds"

deploy/dubstream demo --skip-job --input "$clip" --output "$work/transfer.mp4" --summary "$work/transfer.json" \
  --clip-id transfer
deploy/dubstream demo --model "${MODEL:-identity}" --input "$clip" --output "$work/job.mp4" \
  --summary "$work/job.json" --clip-id job

python3 - "$work/transfer.json" "$work/job.json" <<'PY'
import json, sys
t, j = (json.load(open(f)) for f in sys.argv[1:3])
print(f"{'':24}{'transfer only':>16}{'with the job':>16}{'ratio':>10}")
for key in ("framesOut", "audioSamplesOut", "wallSeconds", "realtimeFactor", "peakHeapBytes"):
    ratio = j[key] / t[key] if t[key] else float('nan')
    print(f"{key:24}{t[key]:>16}{j[key]:>16}{ratio:>10.2f}")
PY
