#!/usr/bin/env bash
# Makes a clip with a real face and real speech for the lip-sync stage: OpenCV's sample photo
# messi5.jpg (Debian package opencv-doc) held for the length of a sentence spoken by espeak-ng,
# encoded by Debian's ffmpeg. Usage: bench/face-clip.sh [OUT.mp4]   (default out/face-clip.mp4)
set -euo pipefail
out="${1:-out/face-clip.mp4}"
photo=/usr/share/doc/opencv-doc/examples/data/messi5.jpg
for tool in ffmpeg espeak-ng; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install ffmpeg espeak-ng opencv-doc" >&2; exit 1; }
done
[ -f "$photo" ] || { echo "needs $photo: apt-get install opencv-doc" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
speech="$(mktemp --suffix=.wav)"
trap 'rm -f "$speech"' EXIT
espeak-ng -s 150 -w "$speech" "This clip shows a real face and real speech. The lip sync stage finds the face \
in every frame, cuts the mouth region, and pastes the model's mouth back into the picture, chunk by chunk."
ffmpeg -v error -y -loop 1 -framerate 25 -i "$photo" -i "$speech" -shortest \
  -vf "scale=548:342,format=yuv420p" -c:v mpeg4 -q:v 3 -c:a aac -b:a 96k "$out"
echo "wrote $out"
