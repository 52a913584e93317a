#!/usr/bin/env bash
# The regression set long clips were first proved on: six clips (45, 60 and 90 s, two of each: 640x360
# at 25 fps with 44.1 kHz stereo, and 480x270 at 30000/1001 fps with 48 kHz mono) through
# `dubstream demo`, once chunked (the default) and once whole (the hybrid threshold raised above
# their length, so each clip is one chunk), alternating, on this machine, one JVM per run.
# Prints, per mode: clips completed, success rate, average processing time (upload start to download
# end), peak heap; writes the same, per clip and with each clip's chunks over time, as a page
# (`dubstream report`): out/bench/regression/report.html. Summaries in out/bench/regression/.
#   MODEL=colour-gain  VOICE=voice-pitch-shift  HEAP= (e.g. 1g: the JVM's -Xmx for every run)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dir=out/bench/regression
mkdir -p "$dir"
model="${MODEL:-colour-gain}"
voice="${VOICE:-voice-pitch-shift}"
export DUBSTREAM_JAVA_OPTS="${HEAP:+-Xmx$HEAP}"

clips=()
for seconds in 45 60 90; do
  for spec in "640x360 25 44100x2" "480x270 30000/1001 48000x1"; do
    read -r size fps audio <<<"$spec"
    clip="$dir/clip-${seconds}s-${size}.mp4"
    [ -f "$clip" ] || deploy/dubstream sample --output "$clip" --seconds "$seconds" --size "$size" --fps "$fps" \
      --audio "$audio" >/dev/null || exit 1
    clips+=("$clip")
  done
done

# chunked and whole alternate, clip by clip, so that both see the same machine
for clip in "${clips[@]}"; do
  for mode in chunked whole; do
    threshold=15s
    held=2400
    audio=2min
    # whole: one chunk of the whole clip, as whole-clip inference runs it; it holds every frame
    # (the job checks at start that an hour at 120 fps fits the caps)
    [ "$mode" = whole ] && threshold=1h && held=1000000 && audio=1h
    name="$(basename "$clip" .mp4)"
    echo "== $mode $name" >&2
    rm -f "$dir/$name-$mode.json"
    if ! deploy/dubstream demo --input "$clip" --model "$model" --voice "$voice" --clip-id "$name-$mode" \
      --output "$dir/$name-$mode.mp4" --summary "$dir/$name-$mode.json" \
      --set dubstream.chunk.hybrid-threshold="$threshold" --set dubstream.clip.max-held-frames="$held" \
      --set dubstream.clip.max-held-audio="$audio" \
      > "$dir/$name-$mode.log" 2>&1; then
      reason="$(tail -n 1 "$dir/$name-$mode.log")"
      echo "   failed: $reason" >&2
      # a failed demo writes no summary: one that says so, so that the report counts the run
      [ -f "$dir/$name-$mode.json" ] || python3 -c 'import json, sys
c, m, i, r, f = sys.argv[1:]
json.dump({"clipId": c, "status": "FAILED", "mode": m, "input": i, "reason": r}, open(f, "w"), indent=2)' \
        "$name-$mode" "$mode" "$clip" "$reason" "$dir/$name-$mode.json"
    fi
  done
done

python3 - "$dir" "${#clips[@]}" "${HEAP:-default}" <<'PY'
import glob, json, os, sys
d, total, heap = sys.argv[1], int(sys.argv[2]), sys.argv[3]
print(f"model {os.environ.get('MODEL', 'colour-gain')} + {os.environ.get('VOICE', 'voice-pitch-shift')}, heap {heap}")
print("| mode | clips complete | success rate | average processing time | peak heap |")
print("|---|---|---|---|---|")
for mode in ("chunked", "whole"):
    runs = [json.load(open(f)) for f in sorted(glob.glob(f"{d}/*-{mode}.json"))]
    ok = [r for r in runs if r.get("status") == "COMPLETE" and r["framesOut"] == r["framesIn"]
          and r["audioSamplesOut"] == r["audioSamplesIn"]]
    avg = sum(r["processingSeconds"] for r in ok) / len(ok) if ok else float("nan")
    peak = max((r.get("peakHeapBytes", 0) for r in runs), default=0) / 2**20
    print(f"| {mode} | {len(ok)} of {total} | {100 * len(ok) / total:.0f}% | {avg:.1f} s | {peak:.0f} MB |")
PY

# the same figures, each clip's outcome and memory, and its chunks over time (the summaries carry the
# clip's status records: each demo's broker is gone with it), as one page
deploy/dubstream report --summaries "$dir" --output "$dir/report.html" \
  --title "regression set: $model + $voice, heap ${HEAP:-default}" >&2
