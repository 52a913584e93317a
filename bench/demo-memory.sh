#!/usr/bin/env bash
# Where the demo process's memory goes over one clip: `deploy/dubstream demo` (identity) with native
# memory tracking and a GC log, its RSS every second, and every EVERY seconds the JVM's native memory
# summary and a class histogram (which runs a full GC first, so it shows what the heap holds live).
#   bench/demo-memory.sh CLIP [demo options...]   EVERY=20   OUT=out/bench/memory/<clip name>
# Writes rss.txt (seconds, KiB), nmt-<s>.txt, histo-<s>.txt, gc.log and live.txt (the heap after each
# full GC, from the GC log) and prints the peak RSS and the live heap over time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
clip="$1"
shift
for tool in jcmd pgrep /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
every="${EVERY:-20}"
dir="${OUT:-out/bench/memory/$(basename "$clip" .mp4)}"
rm -rf "$dir"
mkdir -p "$dir"
deploy/dubstream --help >/dev/null # builds the jar once, outside the measurement

DUBSTREAM_JAVA_OPTS="${DUBSTREAM_JAVA_OPTS:-} -XX:NativeMemoryTracking=summary -Xlog:gc:file=$dir/gc.log:uptime" \
  /usr/bin/time -f %M -o "$dir/rss.max" deploy/dubstream demo --input "$clip" --clip-id "memory-$(date +%s)" \
  --output "$dir/out.mp4" --summary "$dir/summary.json" "$@" >"$dir/demo.log" 2>&1 &
timer=$!
pid=""
while [ -z "$pid" ] && kill -0 "$timer" 2>/dev/null; do
  sleep 0.2
  pid="$(pgrep -P "$timer" java || true)" # the launcher execs java
done
start=$(date +%s)
next=$every
while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do
  t=$(($(date +%s) - start))
  echo "$t $(ps -o rss= -p "$pid" || true)" >>"$dir/rss.txt"
  if [ "$t" -ge "$next" ]; then
    jcmd "$pid" VM.native_memory summary >"$dir/nmt-$t.txt" 2>&1 || true
    jcmd "$pid" GC.class_histogram >"$dir/histo-$t.txt" 2>&1 || true
    next=$((t + every))
  fi
  sleep 1
done
wait "$timer" || { cat "$dir/demo.log" >&2; exit 1; }
grep 'Pause Full' "$dir/gc.log" | sed -n 's/^\[\([0-9.]*\)s\].* \([0-9]*M->[0-9]*M([0-9]*M)\).*/\1 s \2/p' >"$dir/live.txt" || true
echo "peak RSS $(($(tail -1 "$dir/rss.max") / 1024)) MiB; the heap at each full GC (time, before->after(committed)):"
cat "$dir/live.txt"
