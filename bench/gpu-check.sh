#!/usr/bin/env bash
# The GPU check, one script for a machine with an NVIDIA GPU (about 8 minutes): builds the CUDA
# variant (-Pcuda: PyTorch's CUDA 12.4 natives; Maven Central must be reachable once, or the
# natives already in ~/.m2), then prints, all measured in this one run:
#   1. wav2lip-reference alone on the GPU at batch 8, 32 and 128: frames/s, peak GPU memory;
#   2. the demo with wav2lip-reference on a 90 s real-face clip (bench/face-clip.sh) with --device gpu
#      at batch BATCH (32): the job's frames/s, the GPU's peak memory, P2 = job / model alone; the
#      same with a model per subtask (dubstream.inference.share-model=OFF) beside the shared one;
#   3. the identity demo on a 90 s clip against ffmpeg's transcode of it: P4.
# Record what it prints in docs/benchmarks.md ("GPU").   BATCH=32   SECONDS_PER_BATCH=10
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dir=out/bench/gpu
mkdir -p "$dir"
batch="${BATCH:-32}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader \
  || { echo "no NVIDIA GPU here (nvidia-smi)" >&2; exit 1; }
for tool in ffmpeg espeak-ng; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install ffmpeg espeak-ng)" >&2; exit 1; }
done

echo "== building the CUDA variant" >&2
mvn -q -Pcuda -DskipTests -pl flink-job -am package >&2
echo cuda >flink-job/target/built-with-profiles # deploy/dubstream's record of the profiles it built with
export DUBSTREAM_PROFILES=cuda

echo "== wav2lip-reference alone on the GPU" >&2
# the sampler notes the GPU's used memory every 200 ms while the model runs
sample_gpu() { nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 >"$1" & echo $!; }
for b in 8 32 128; do
  sampler=$(sample_gpu "$dir/gpu-mem-$b.txt")
  BATCHES="$b" SECONDS_PER_BATCH="${SECONDS_PER_BATCH:-10}" MVN_PROFILES=cuda bench/wav2lip-throughput.sh \
    | tee "$dir/model-$b.txt"
  kill "$sampler"
  echo "batch $b: peak GPU memory $(sort -n "$dir/gpu-mem-$b.txt" | tail -1) MiB"
done

[ -f "$dir/face-90.mp4" ] || SECONDS_OF_CLIP=90 bench/face-clip.sh "$dir/face-90.mp4" >/dev/null
[ -f "$dir/sample-90.mp4" ] || deploy/dubstream sample --output "$dir/sample-90.mp4" --seconds 90 >/dev/null
echo "== the demo with wav2lip-reference on the GPU, batch $batch" >&2
deploy/dubstream demo --input "$dir/face-90.mp4" --model wav2lip-reference --device gpu --clip-id gpu-lipsync \
  --set dubstream.lipsync.batch-size="$batch" --output "$dir/lipsync.mp4" --summary "$dir/lipsync.json" >&2
echo "== the same with a model per subtask" >&2
deploy/dubstream demo --input "$dir/face-90.mp4" --model wav2lip-reference --device gpu --clip-id gpu-lipsync-unshared \
  --set dubstream.lipsync.batch-size="$batch" --set dubstream.inference.share-model=OFF \
  --output "$dir/lipsync-unshared.mp4" --summary "$dir/lipsync-unshared.json" >&2
echo "== the identity demo and ffmpeg" >&2
deploy/dubstream demo --input "$dir/sample-90.mp4" --clip-id gpu-identity --output "$dir/identity.mp4" \
  --summary "$dir/identity.json" >&2
start=$(date +%s.%N)
ffmpeg -v error -y -i "$dir/sample-90.mp4" -c:v libx264 -preset veryfast -c:a aac "$dir/ffmpeg.mp4"
end=$(date +%s.%N)

python3 - "$dir" "$batch" "$start" "$end" <<'PY'
import json, re, subprocess, sys
d, batch, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
rows = [l for l in open(f"{d}/model-{batch}.txt") if re.match(r"^\s*" + batch + r"\s", l)]
model_fps = float(re.findall(r"[0-9]+\.[0-9]+", rows[-1])[0])
lip, ident = json.load(open(f"{d}/lipsync.json")), json.load(open(f"{d}/identity.json"))
unshared = json.load(open(f"{d}/lipsync-unshared.json"))
frames = int(subprocess.run(["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0", "-show_entries",
                             "stream=nb_read_packets", "-of", "csv=p=0", f"{d}/ffmpeg.mp4"],
                            capture_output=True, text=True).stdout.strip())
ffmpeg_fps = frames / (end - start)
peak = lip.get("gpuPeakUsedBytes")
print(f"device: {lip['device']}")
peak_text = f"{peak / 2**30:.2f} GiB" if peak else "not known"
print(f"P2 (GPU): lip-sync job {lip['framesPerSecond']:.1f} frames/s / model alone {model_fps:.1f} at batch {batch}"
      f" = {lip['framesPerSecond'] / model_fps:.2f} (target >= 0.9); GPU peak in the job {peak_text}")
unshared_peak = unshared.get("gpuPeakUsedBytes")
print(f"a model per subtask: {unshared['framesPerSecond']:.1f} frames/s"
      f" = {unshared['framesPerSecond'] / model_fps:.2f}; GPU peak in the job"
      f" {f'{unshared_peak / 2**30:.2f} GiB' if unshared_peak else 'not known'}")
print(f"P4: identity job {ident['framesPerSecond']:.1f} frames/s / ffmpeg {ffmpeg_fps:.1f} = "
      f"{ident['framesPerSecond'] / ffmpeg_fps:.2f} (target >= 0.5)")
PY
