#!/usr/bin/env bash
# The project's speed, memory and quality ratios, each measured side by side in this one run on this
# machine, printed as a table against their targets and drawn into docs/ratios.svg:
#   P1  chunked / whole wall time, wav2lip-reference, on 45 s and 90 s real-face clips
#   P2  lip-sync job frames/s / the model alone's frames/s, same batch, same clip (the model alone
#       measured right before and right after the job's run)
#   P3  peak RSS of the demo process, 300 s clip / 45 s clip (identity)
#   P4  identity job frames/s / ffmpeg transcode frames/s (decode, x264 veryfast, AAC), same clip: the
#       demo's (one fresh JVM for everything), and a running job's (broker, job, upload and download
#       CLIs as separate processes; the job warmed by the 45 s clip first)
#   P5  first output frame after the first input frame, upload at the clip's own pace, against
#       one chunk's core + context + its processing + one checkpoint interval
#   Q   the identity job's output (JPEG transport and the download's default encoder) against ffmpeg
#       x264 veryfast at its defaults, same clip: PSNR against the source, and video size; with GPL=1
#       also through the GPL build's x264 (the launcher rebuilds for it, and back on its next run)
#       (bench/encoder-quality.sh compares the encoders alone)
# Clips: generated (deploy/dubstream sample) and real-face ones (bench/face-clip.sh); all in out/bench/ratios.
#   QUICK=1: P1 on the 45 s clip only, P3 with a 150 s clip (about 10 minutes instead of 25)
#   BATCH=8: the lip-sync batch size (P1, P2)   LIPSYNC_HEAP=-Xmx2g: the heap of P1's and P2's runs   SVG=docs/ratios.svg: where the plot goes
#   ONLY=P4,Q: only these of P1 P2 P3 P4 P5 Q (comma-separated), with only the runs they need; the
#   plot then goes to out/bench/ratios/ratios.svg unless SVG says otherwise
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dir=out/bench/ratios
mkdir -p "$dir"
batch="${BATCH:-8}"
only="${ONLY:-P1,P2,P3,P4,P5,Q}"
for id in ${only//,/ }; do
  case "$id" in P1|P2|P3|P4|P5|Q) ;; *) echo "ONLY: unknown ratio '$id' (one of P1 P2 P3 P4 P5 Q)" >&2; exit 1 ;; esac
done
# want ID...: whether any of these ratios was asked for
want() { local id; for id in "$@"; do [[ ",$only," == *",$id,"* ]] && return 0; done; return 1; }
if [ -n "${ONLY:-}" ]; then svg="${SVG:-$dir/ratios.svg}"; else svg="${SVG:-docs/ratios.svg}"; fi
long=300
face_lengths=(45 90)
if [ -n "${QUICK:-}" ]; then
  long=150
  face_lengths=(45)
fi
for tool in ffmpeg ffprobe python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install ffmpeg python3 time)" >&2; exit 1; }
done
deploy/dubstream --help >/dev/null # builds the jar once, outside every measurement

log() { echo "== $*" >&2; }

# --- clips -----------------------------------------------------------------------------------
sample_lengths=()
want P3 P4 && sample_lengths+=(45)
want P3 && sample_lengths+=("$long")
want P4 P5 Q && sample_lengths+=(90)
want P1 P2 || face_lengths=()
want P1 || face_lengths=(${face_lengths[@]+"${face_lengths[0]}"}) # P2 needs the first clip only
for s in "${sample_lengths[@]}"; do
  [ -f "$dir/sample-$s.mp4" ] || deploy/dubstream sample --output "$dir/sample-$s.mp4" --seconds "$s" >/dev/null
done
for s in ${face_lengths[@]+"${face_lengths[@]}"}; do
  [ -f "$dir/face-$s.mp4" ] || SECONDS_OF_CLIP="$s" bench/face-clip.sh "$dir/face-$s.mp4" >/dev/null
done

# demo NAME CLIP [options...]: one demo run, its summary in $dir/NAME.json, its peak RSS in $dir/NAME.rss
demo() {
  local name="$1" clip="$2"
  shift 2
  log "demo $name ($clip $*)"
  /usr/bin/time -f %M -o "$dir/$name.rss" deploy/dubstream demo --input "$clip" --clip-id "$name" \
    --output "$dir/$name.mp4" --summary "$dir/$name.json" "$@" >"$dir/$name.log" 2>&1 \
    || { cat "$dir/$name.log" >&2; exit 1; }
}
whole=(--set dubstream.chunk.hybrid-threshold=1h --set dubstream.clip.max-held-frames=1000000
  --set dubstream.clip.max-held-audio=1h)
lipsync=(--model wav2lip-reference --set dubstream.lipsync.batch-size="$batch")

# --- P1, P2: lip-sync, chunked against whole, and against the model alone ---------------------
# both in the same heap (the demo would otherwise size a larger one for the whole clip): the time is
# the work's, not the garbage collector's
lipsync_heap="${LIPSYNC_HEAP:--Xmx2g}"
# P2's reference, the model alone, right before and right after P2's job run (the first chunked one):
# on shared cores the speed drifts within minutes, and the job's run lies between the two
model_alone() {
  log "wav2lip-reference alone, batch $batch ($1)"
  BATCHES="$batch" SECONDS_PER_BATCH=20 bench/wav2lip-throughput.sh >"$dir/model-alone-$1.txt"
}
for s in ${face_lengths[@]+"${face_lengths[@]}"}; do
  want P2 && [ "$s" = "${face_lengths[0]}" ] && model_alone before
  DUBSTREAM_JAVA_OPTS="$lipsync_heap ${DUBSTREAM_JAVA_OPTS:-}" demo "face-$s-chunked" "$dir/face-$s.mp4" "${lipsync[@]}"
  want P2 && [ "$s" = "${face_lengths[0]}" ] && model_alone after
  want P1 && DUBSTREAM_JAVA_OPTS="$lipsync_heap ${DUBSTREAM_JAVA_OPTS:-}" \
    demo "face-$s-whole" "$dir/face-$s.mp4" "${lipsync[@]}" "${whole[@]}"
done

# --- P3: memory against clip length ------------------------------------------------------------
if want P3; then
  demo identity-45 "$dir/sample-45.mp4"
  demo "identity-$long" "$dir/sample-$long.mp4"
fi

# --- P4: the identity job against ffmpeg on the same clip --------------------------------------
if want P4 P5 Q; then
  demo identity-90 "$dir/sample-90.mp4"
  log "ffmpeg transcode (x264 veryfast, AAC)"
  start=$(date +%s.%N)
  ffmpeg -v error -y -i "$dir/sample-90.mp4" -c:v libx264 -preset veryfast -c:a aac "$dir/ffmpeg-90.mp4"
  end=$(date +%s.%N)
  echo "$start $end" >"$dir/ffmpeg-90.time"
fi

# --- P4 against a running job: the services as separate processes, the job warmed by a clip first ---
# (the demo's figure pays a fresh JVM's JIT compilation of Flink, Kafka and the media path, about 20 s
# of CPU, on every clip; a deployed job pays it once)
if want P4; then
  log "running job: broker, job, a warm-up clip, then upload and download of the 90 s clip at once"
  run="$dir/running"
  rm -rf "$run"
  mkdir -p "$run"
  port="${BENCH_PORT:-19093}"
  deploy/dubstream broker --port "$port" --data-dir "$run/kafka" >"$run/broker.log" 2>&1 &
  broker=$!
  # checkpoints every 2 s, as the demo's: output is visible to the download at each one
  deploy/dubstream job --bootstrap "localhost:$port" --set dubstream.checkpoint-interval=2s >"$run/job.log" 2>&1 &
  job=$!
  trap 'kill $job $broker 2>/dev/null || true; wait $job $broker 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    grep -q "running with model" "$run/job.log" 2>/dev/null && break
    kill -0 $job 2>/dev/null || break
    sleep 1
  done
  grep -q "running with model" "$run/job.log" || { cat "$run/broker.log" "$run/job.log" >&2; exit 1; }
  # transfer ID CLIP: upload and download at once, as the two services run; prints start and end times
  transfer() {
    local id="$1" clip="$2" start end
    start=$(date +%s.%N)
    deploy/dubstream download --bootstrap "localhost:$port" --clip-id "$id" --output "$run/$id.mp4" \
      >"$run/$id.download.log" 2>&1 &
    local download=$!
    deploy/dubstream upload --bootstrap "localhost:$port" --input "$clip" --clip-id "$id" >"$run/$id.upload.log" 2>&1 \
      || { cat "$run/$id.upload.log" >&2; exit 1; }
    wait $download || { cat "$run/$id.download.log" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$start $end"
  }
  transfer warm-up "$dir/sample-45.mp4" >/dev/null
  transfer running-90 "$dir/sample-90.mp4" >"$dir/running-90.time"
  kill $job $broker 2>/dev/null || true
  wait $job $broker 2>/dev/null || true
  trap - EXIT
fi

# --- P5: latency at a live pace ------------------------------------------------------------------
want P5 && demo live-90 "$dir/sample-90.mp4" --live

# --- Q: the identity job's output quality against ffmpeg's -------------------------------------
quality=""
if want Q; then
  log "quality: PSNR against the source"
  ffmpeg -v error -y -i "$dir/identity-90.mp4" -c copy -an "$dir/identity-90.video.mp4"
  ffmpeg -v error -y -i "$dir/ffmpeg-90.mp4" -c copy -an "$dir/ffmpeg-90.video.mp4"
  psnr() { ffmpeg -i "$1" -i "$2" -lavfi psnr -f null - 2>&1 | sed -n 's/.*average:\([0-9.inf]*\).*/\1/p' | tail -1; }
  echo "$(psnr "$dir/identity-90.mp4" "$dir/sample-90.mp4") $(stat -c %s "$dir/identity-90.video.mp4")" \
    "$(psnr "$dir/ffmpeg-90.mp4" "$dir/sample-90.mp4") $(stat -c %s "$dir/ffmpeg-90.video.mp4")" >"$dir/quality.txt"
  quality="$dir/quality.txt"
  if [ -n "${GPL:-}" ]; then
    # the GPL build's x264 (its own target: <= 1.2x the size); the launcher rebuilds for the profile,
    # and back on its next run without it
    DUBSTREAM_PROFILES=gpl demo identity-90-x264 "$dir/sample-90.mp4"
    ffmpeg -v error -y -i "$dir/identity-90-x264.mp4" -c copy -an "$dir/identity-90-x264.video.mp4"
    echo "$(psnr "$dir/identity-90-x264.mp4" "$dir/sample-90.mp4") $(stat -c %s "$dir/identity-90-x264.video.mp4")" \
      "$(psnr "$dir/ffmpeg-90.mp4" "$dir/sample-90.mp4") $(stat -c %s "$dir/ffmpeg-90.video.mp4")" \
      >"$dir/quality-x264.txt"
  fi
fi

ONLY="$only" python3 - "$dir" "$batch" "$long" "$svg" "$quality" ${face_lengths[@]+"${face_lengths[@]}"} <<'PY'
import json, os, re, subprocess, sys
d, batch, long, svg, quality, faces = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
only = set(os.environ["ONLY"].split(","))
def summary(name): return json.load(open(os.path.join(d, name + ".json")))
def rss(name): return int(open(os.path.join(d, name + ".rss")).read().split()[-1]) * 1024
def frames(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0", "-show_entries",
                          "stream=nb_read_packets", "-of", "csv=p=0", path], capture_output=True, text=True).stdout
    return int(out.strip())
rows = []  # (id, what, measured text, ratio or None, target text, ok)
for s in faces if "P1" in only else []:
    c, w = summary(f"face-{s}-chunked"), summary(f"face-{s}-whole")
    r = c["processingSeconds"] / w["processingSeconds"]
    rows.append((f"P1 {s} s", f"chunked / whole wall time, wav2lip-reference, {s} s face clip",
                 f"{r:.2f} ({c['processingSeconds']:.1f} s / {w['processingSeconds']:.1f} s)", r, "<= 1.0", r <= 1.0))
if "P2" in only:
    def model_alone(when):
        rows_ = [l for l in open(os.path.join(d, f"model-alone-{when}.txt")) if re.match(r"^\s*" + batch + r"\s", l)]
        return float(re.findall(r"[0-9]+\.[0-9]+", rows_[-1])[0])
    before, after = model_alone("before"), model_alone("after")
    model_fps = (before + after) / 2
    job = summary(f"face-{faces[0]}-chunked")
    r = job["framesPerSecond"] / model_fps
    rows.append(("P2", f"lip-sync job frames/s / model alone (before and after it), batch {batch}",
                 f"{r:.2f} ({job['framesPerSecond']:.1f} / {model_fps:.1f}: {before:.1f} and {after:.1f})",
                 r, ">= 0.7 (CPU)", r >= 0.7))
if "P3" in only:
    r = rss(f"identity-{long}") / rss("identity-45")
    rows.append(("P3", f"peak RSS, {long} s clip / 45 s clip", f"{r:.2f} ({rss(f'identity-{long}') / 2**20:.0f} MiB / {rss('identity-45') / 2**20:.0f} MiB)",
                 r, "<= 1.1", r <= 1.1))
if "P4" in only:
    start, end = map(float, open(os.path.join(d, "ffmpeg-90.time")).read().split())
    ffmpeg_fps = frames(os.path.join(d, "ffmpeg-90.mp4")) / (end - start)
    ident = summary("identity-90")
    r = ident["framesPerSecond"] / ffmpeg_fps
    rows.append(("P4", "identity job frames/s / ffmpeg transcode frames/s", f"{r:.2f} ({ident['framesPerSecond']:.1f} / {ffmpeg_fps:.1f})",
                 r, ">= 0.5", r >= 0.5))
    start, end = map(float, open(os.path.join(d, "running-90.time")).read().split())
    running_fps = frames(os.path.join(d, "running", "running-90.mp4")) / (end - start)
    r = running_fps / ffmpeg_fps
    rows.append(("P4 run", "the same, a running job (warmed by a clip), upload and download CLIs at once",
                 f"{r:.2f} ({running_fps:.1f} / {ffmpeg_fps:.1f})", r, ">= 0.5", r >= 0.5))
if "P5" in only:
    live, ident = summary("live-90"), summary("identity-90")
    per_chunk = ident["processingSeconds"] / max(1, ident["chunks"])
    # the first chunk's core (at most dubstream.chunk.max-core, 15 s) + its context after (1 s) + its processing + one
    # checkpoint interval (the demo's, 2 s with the identity model; 10 s, the job's default, in older summaries)
    interval = live.get("checkpointIntervalSeconds") or 10
    bound = 15 + 1 + per_chunk + interval
    first = live.get("firstOutputSeconds")
    r = first / bound if first is not None else None
    rows.append(("P5", "first output frame after the first input frame, live upload",
                 f"{first} s (bound {bound:.1f} s)" if first is not None else "not measured", r, "<= 1.0 of the bound",
                 r is not None and r <= 1.0))
if quality:
    ours_psnr, ours_bytes, ref_psnr, ref_bytes = map(float, open(quality).read().split())
    delta, size = ours_psnr - ref_psnr, ours_bytes / ref_bytes
    rows.append(("Q", "identity output against ffmpeg x264: PSNR delta, video size",
                 f"{delta:+.2f} dB ({ours_psnr:.1f}/{ref_psnr:.1f}), {size:.2f}x", size,
                 ">= -0.5 dB, <= 2x (LGPL)", delta >= -0.5 and size <= 2.0))
    x264 = os.path.join(d, "quality-x264.txt")
    if os.path.exists(x264) and os.path.getmtime(x264) >= os.path.getmtime(quality):
        ours_psnr, ours_bytes, ref_psnr, ref_bytes = map(float, open(x264).read().split())
        delta, size = ours_psnr - ref_psnr, ours_bytes / ref_bytes
        rows.append(("Q x264", "the same with the GPL build's x264 (GPL=1)",
                     f"{delta:+.2f} dB ({ours_psnr:.1f}/{ref_psnr:.1f}), {size:.2f}x", size,
                     ">= -0.5 dB, <= 1.2x (GPL)", delta >= -0.5 and size <= 1.2))
w = max(len(r[1]) for r in rows)
print(f"{'':8}{'what':<{w}}  {'measured':<36}{'target':<27}met")
for id_, what, measured, ratio, target, ok in rows:
    print(f"{id_:8}{what:<{w}}  {measured:<36}{target:<27}{'yes' if ok else 'no'}")

# the plot: each ratio as a bar against its target line
bars = [(r[0], r[3], r[4], r[5]) for r in rows if r[3] is not None]
target_of = lambda t: float(re.search(r"[0-9.]+", t.replace("0.5 dB", "")).group(0)) if re.search(r"[0-9.]+", t) else None
height, left, top, barw, gap = 320, 60, 30, 50, 24
width = max(640, left + gap + len(bars) * (barw + gap) + 10)
scale = max([b[1] for b in bars] + [2.0])
y = lambda v: top + (height - top - 40) * (1 - v / scale)
parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
         f'<text x="{left}" y="18" font-size="13">dubstream ratios (bench/ratios.sh): measured bar, target line</text>',
         f'<line x1="{left}" y1="{y(0)}" x2="{width - 10}" y2="{y(0)}" stroke="black"/>']
for i, (name, value, target, ok) in enumerate(bars):
    x = left + gap + i * (barw + gap)
    parts.append(f'<rect x="{x}" y="{y(value):.1f}" width="{barw}" height="{y(0) - y(value):.1f}" fill="{"#3a7" if ok else "#c44"}"/>')
    parts.append(f'<text x="{x + barw / 2}" y="{y(value) - 4:.1f}" text-anchor="middle">{value:.2f}</text>')
    parts.append(f'<text x="{x + barw / 2}" y="{y(0) + 14}" text-anchor="middle">{name}</text>')
    t = target_of(target) if not name.startswith("Q") else (1.2 if "GPL)" in target else 2.0)
    if t is not None:
        parts.append(f'<line x1="{x - 6}" y1="{y(t):.1f}" x2="{x + barw + 6}" y2="{y(t):.1f}" stroke="black" stroke-dasharray="4 2"/>')
parts.append("</svg>")
open(svg, "w").write("\n".join(parts) + "\n")
print(f"plot: {svg}")
PY
