#!/usr/bin/env bash
# The lip-sync model's standalone batched throughput against the whole job's throughput on a clip
# with a real face, at the same batch size, one after the other on this machine:
#   1. wav2lip-reference alone (DJL loop, no Flink), batch BATCH, for SECONDS_PER_BATCH s;
#   2. `dubstream demo` on out/face-clip.mp4 (bench/face-clip.sh) with wav2lip-reference at batch
#      BATCH: frames out / (upload start -> download end); the job processes each chunk's context too
#      (chunk frames / clip frames is printed).
#   BATCH=8 (the CPU optimum)   SECONDS_PER_BATCH=10   DETECT_EVERY=1 (faces detected on every n-th frame)
#   TRACK_FACES=true (search near the face before; false: whole frames, as Wav2Lip)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
batch="${BATCH:-8}"
clip=out/face-clip.mp4
[ -f "$clip" ] || bench/face-clip.sh "$clip"

standalone="$(BATCHES="$batch" SECONDS_PER_BATCH="${SECONDS_PER_BATCH:-10}" bench/wav2lip-throughput.sh | tee /dev/stderr)"
deploy/dubstream demo --input "$clip" --model wav2lip-reference --clip-id lipsync-bench \
  --output out/bench/lipsync-job.mp4 --summary out/bench/lipsync-job.json \
  --set dubstream.lipsync.batch-size="$batch" --set dubstream.lipsync.detect-faces-every="${DETECT_EVERY:-1}" \
  --set dubstream.lipsync.track-faces="${TRACK_FACES:-true}" >&2

python3 - "$standalone" out/bench/lipsync-job.json "$batch" "${DETECT_EVERY:-1}" "${TRACK_FACES:-true}" <<'PY'
import json, re, sys
text, summary, batch = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
rows = [l for l in text.splitlines() if re.match(r"^\s*" + batch + r"\s", l)]
model_fps = float(re.findall(r"[0-9]+\.[0-9]+", rows[-1])[0]) if rows else float("nan")
job_fps = summary["framesPerSecond"]
chunk_frames = summary.get("chunkFrames", float("nan"))
print("faces detected on every " + sys.argv[4] + " frame(s), tracked: " + sys.argv[5]
      + f"; faces per frame {summary.get('facesPerFrame')}")
print(f"batch {batch}: model alone {model_fps:.1f} frames/s; whole job {job_fps:.1f} frames/s "
      f"({summary['framesOut']} frames in {summary['processingSeconds']} s); ratio job/model {job_fps / model_fps:.2f}")
print(f"model frames per clip frame (chunk context): {chunk_frames / summary['framesOut']:.2f}")
PY
