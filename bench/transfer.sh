#!/usr/bin/env bash
# Upload and download throughput and memory of the CLIs on a 60 s 640x360 25 fps clip with
# 48 kHz stereo audio, against a local in-process broker. Prints each CLI's own last line (frames/s,
# x real-time, peak heap and RSS) and /usr/bin/time's view (max RSS, wall time).
#   SECONDS_OF_CLIP=60 (default)   JAVA_HEAP=-Xmx128m to show that memory does not grow with the clip
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$root/out/bench"
mkdir -p "$work"
seconds="${SECONDS_OF_CLIP:-60}"
clip="$work/clip${seconds}.mp4"
port="${BENCH_PORT:-19092}"
export DUBSTREAM_JAVA_OPTS="${JAVA_HEAP:-}"

[ -f "$clip" ] || deploy/dubstream sample --output "$clip" --seconds "$seconds"

data="$(mktemp -d)"
deploy/dubstream broker --port "$port" --data-dir "$data/kafka" > "$work/broker.log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null; wait $broker 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do
  grep -q "broker ready at" "$work/broker.log" && break
  kill -0 $broker 2>/dev/null || break
  sleep 1
done
grep -q "broker ready at" "$work/broker.log" || { cat "$work/broker.log" >&2; exit 1; }

id="bench-$(date +%s)"
timed() {
  if [ -x /usr/bin/time ]; then /usr/bin/time -f "  ($1: max RSS %M KB, wall %e s)" "${@:2}"; else "${@:2}"; fi
}
timed upload deploy/dubstream upload --bootstrap "localhost:$port" --input "$clip" --clip-id "$id" \
  --topic-prefix dubstream.out.
timed download deploy/dubstream download --bootstrap "localhost:$port" --clip-id "$id" --output "$work/$id.mp4"
