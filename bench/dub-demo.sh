#!/usr/bin/env bash
# The dub's cost: the same 60 s 640x360 25 fps 48 kHz stereo clip and the same 12-line French script
# through `dubstream demo` without a voice (model identity) and with `--voice espeak-ng`, one after
# the other in one run. Prints each run's figures and the ratios. Needs Debian's espeak-ng.
#   SECONDS_OF_CLIP=60 (default)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v espeak-ng >/dev/null || { echo "needs espeak-ng: apt-get install espeak-ng" >&2; exit 1; }
work="$root/out/bench"
mkdir -p "$work"
seconds="${SECONDS_OF_CLIP:-60}"
clip="$work/clip${seconds}.mp4"
[ -f "$clip" ] || deploy/dubstream sample --output "$clip" --seconds "$seconds"
script="$work/dub${seconds}.fr.srt"
python3 - "$seconds" > "$script" <<'PY'
import sys
seconds = int(sys.argv[1])
lines = ["Bonjour à tous et bienvenue.", "Aujourd'hui nous parlons de trains.", "La gare est au bout de la rue.",
         "Tournez à gauche après la boulangerie.", "Le train part dans dix minutes.", "Merci beaucoup, au revoir."]
def ts(t):
    return f"{int(t // 3600):02d}:{int(t % 3600 // 60):02d}:{int(t % 60):02d},{int(round(t * 1000)) % 1000:03d}"
n, t = 0, 0.5
while t + 3.5 < seconds:
    print(n + 1); print(f"{ts(t)} --> {ts(t + 3.2)}"); print(lines[n % len(lines)]); print()
    n += 1; t += 5.0
PY
deploy/dubstream demo --input "$clip" --script "$script" --output "$work/undubbed.mp4" \
  --summary "$work/undubbed.json" --clip-id undubbed
deploy/dubstream demo --input "$clip" --script "$script" --voice espeak-ng --output "$work/dubbed.mp4" \
  --summary "$work/dubbed.json" --clip-id dubbed

python3 - "$work/undubbed.json" "$work/dubbed.json" <<'PY'
import json, sys
u, d = (json.load(open(f)) for f in sys.argv[1:3])
print(f"{'':24}{'no voice':>16}{'espeak-ng dub':>16}{'ratio':>10}")
for key in ("framesOut", "audioSamplesOut", "chunks", "dubLinesSpoken", "wallSeconds", "realtimeFactor", "peakHeapBytes"):
    a, b = u.get(key) or 0, d.get(key) or 0
    ratio = b / a if a else float('nan')
    print(f"{key:24}{a:>16}{b:>16}{ratio:>10.2f}")
PY
