#!/usr/bin/env bash
# Makes a clip with a real face and real speech for the lip-sync stage: OpenCV's sample photo
# messi5.jpg (a test resource, flink-job/src/test/resources/faces/) held for the length of a sentence
# spoken by espeak-ng, encoded by Debian's ffmpeg, and beside it a French dubbing script for it (OUT without .mp4 + .fr.srt).
# Usage: bench/face-clip.sh [OUT.mp4]   (default out/face-clip.mp4)
#   SECONDS_OF_CLIP=N: N seconds long, the sentence spoken again and again (default: the sentence once)
# Dub it: deploy/dubstream demo --input out/face-clip.mp4 --script out/face-clip.fr.srt \
#   --voice espeak-ng --model wav2lip-reference
set -euo pipefail
out="${1:-out/face-clip.mp4}"
photo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/flink-job/src/test/resources/faces/messi5.jpg"
for tool in ffmpeg espeak-ng; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install ffmpeg espeak-ng" >&2; exit 1; }
done
mkdir -p "$(dirname "$out")"
speech="$(mktemp --suffix=.wav)"
trap 'rm -f "$speech"' EXIT
espeak-ng -s 150 -w "$speech" "This clip shows a real face and real speech. The lip sync stage finds the face \
in every frame, cuts the mouth region, and pastes the model's mouth back into the picture, chunk by chunk."
length=(-shortest)
loop=()
if [ -n "${SECONDS_OF_CLIP:-}" ]; then
  length=(-t "$SECONDS_OF_CLIP")
  loop=(-stream_loop -1)
fi
ffmpeg -v error -y -loop 1 -framerate 25 -i "$photo" "${loop[@]}" -i "$speech" "${length[@]}" \
  -vf "scale=548:342,format=yuv420p" -c:v mpeg4 -q:v 3 -c:a aac -b:a 96k "$out"
script="${out%.mp4}.fr.srt"
cat > "$script" <<'SRT'
1
00:00:00,300 --> 00:00:03,600
Ce clip montre un vrai visage et une vraie voix.

2
00:00:04,000 --> 00:00:08,500
L'étape de synchronisation labiale trouve le visage dans chaque image.

3
00:00:09,000 --> 00:00:12,000
Puis elle colle la bouche du modèle, morceau par morceau.
SRT
echo "wrote $out and $script"
