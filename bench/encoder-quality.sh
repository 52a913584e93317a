#!/usr/bin/env bash
# Quality per byte of the download's video encoders against Debian's ffmpeg with x264 at
# `-preset veryfast` and its defaults (CRF 23), on the same source clips. Per clip: the reference
# encodes the source straight from its YUV frames; each of our encoders gets the frames MediaReader
# decodes (BGR, as the upload sends them) and writes them through Mp4Writer at its default quality.
# Prints, side by side: size, PSNR against the source (ffmpeg's psnr filter, all planes), and the
# ratios to the reference (the target: >= its PSNR - 0.5 dB, at <= 1.2x its size with x264 and
# <= 2x with the LGPL build's default).
#   GPL=1            build with -Pgpl (FFmpeg's GPL build: adds x264) and measure it too
#   ENCODERS="..."   which of auto x264 openh264 nvenc mpeg4 (default: openh264 mpeg4, + x264 with GPL=1)
#   SECONDS_OF_CLIP=20   QUALITY=-1 (each encoder's default)   THREADS=0 (all cores)
#   JPEG="0.9:420 0.95:444": also through the JPEG transport first (JpegCodec at that quality and
#                    chroma), as the job's output is; prints its bytes per frame
#   SOURCE=FILE      that clip instead of the two below (e.g. out/bench/ratios/sample-90.mp4, Q's clip)
# Clips (out/bench/encoder/): "photo", OpenCV's messi5.jpg (flink-job's test resource) panned and zoomed with
# light per-frame noise, like camera footage; "testsrc", FFmpeg's testsrc2 pattern (sharp edges and
# motion). Both 640x360 at 25 fps, stored near-losslessly (x264 CRF 6).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v ffmpeg >/dev/null || { echo "needs Debian's ffmpeg (apt-get install ffmpeg)" >&2; exit 1; }
work="$root/out/bench/encoder"
mkdir -p "$work"
seconds="${SECONDS_OF_CLIP:-20}"
profile=()
encoders="${ENCODERS:-openh264 mpeg4}"
if [ "${GPL:-0}" = 1 ]; then
  profile=(-Pgpl)
  encoders="${ENCODERS:-x264 openh264 mpeg4}"
fi

cp_file="$work/classpath${GPL:-0}.txt"
mvn -o -q "${profile[@]}" -pl connectors test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" >&2
classpath="connectors/target/test-classes:connectors/target/classes:$(cat "$cp_file")"

photo=flink-job/src/test/resources/faces/messi5.jpg
clips=()
if [ -n "${SOURCE:-}" ]; then
  name="$(basename "${SOURCE%.*}")"
  [ "$SOURCE" -ef "$work/$name.mp4" ] || cp "$SOURCE" "$work/$name.mp4"
  clips+=("$name")
else
  [ -f "$work/photo-${seconds}s.mp4" ] || ffmpeg -v error -y -loop 1 -framerate 25 -i "$photo" -vf \
    "scale=1280:-2,zoompan=z='1+0.0015*on':x='iw/2-(iw/zoom/2)+20*sin(on/40)':y='ih/2-(ih/zoom/2)':d=1:s=640x360:fps=25,noise=alls=4:allf=t,format=yuv420p" \
    -t "$seconds" -c:v libx264 -preset veryfast -crf 6 "$work/photo-${seconds}s.mp4"
  clips+=("photo-${seconds}s")
fi
if [ -z "${SOURCE:-}" ]; then
  [ -f "$work/testsrc-${seconds}s.mp4" ] || ffmpeg -v error -y -f lavfi -i testsrc2=size=640x360:rate=25 \
    -t "$seconds" -c:v libx264 -preset veryfast -crf 6 -pix_fmt yuv420p "$work/testsrc-${seconds}s.mp4"
  clips+=("testsrc-${seconds}s")
fi

psnr() { ffmpeg -i "$1" -i "$2" -lavfi psnr -f null - 2>&1 | sed -n 's/.*average:\([0-9.inf]*\).*/\1/p' | tail -1; }

printf '%-12s %-34s %10s %8s %9s %9s %s\n' clip encoder bytes "PSNR dB" "size x" "dPSNR dB" "encode frames/s"
for clip in "${clips[@]}"; do
  src="$work/$clip.mp4"
  ref="$work/$clip.ref-x264-veryfast.mp4"
  ffmpeg -v error -y -i "$src" -c:v libx264 -preset veryfast -an "$ref"
  ref_bytes=$(stat -c %s "$ref")
  ref_psnr=$(psnr "$ref" "$src")
  printf '%-12s %-34s %10d %8.2f %9s %9s %s\n' "$clip" "ffmpeg x264 veryfast" "$ref_bytes" "$ref_psnr" 1.00 0.00 -
  for encoder in $encoders; do
    for jpeg in ${JPEG:-none}; do
      out="$work/$clip.$encoder.${jpeg/:/-}.mp4"
      line=$(java -cp "$classpath" io.dubstream.connectors.media.EncoderQualityBench "$src" "$out" "$encoder" \
        "${QUALITY:--1}" "${THREADS:-0}" "$jpeg")
      codec=$(sed -n 's/.*encoder=\([^ ]*\).*/\1/p' <<<"$line")
      fps=$(sed -n 's/.*encode_fps=\([^ ]*\).*/\1/p' <<<"$line")
      jpeg_bytes=$(sed -n 's/.*jpeg_bytes_per_frame=\([^ ]*\).*/\1/p' <<<"$line")
      label="$encoder ($codec)"
      [ "$jpeg" = none ] || label="$label, JPEG $jpeg $((jpeg_bytes / 1000)) kB"
      bytes=$(stat -c %s "$out")
      p=$(psnr "$out" "$src")
      printf '%-12s %-34s %10d %8.2f %9.2f %9.2f %s\n' "$clip" "$label" "$bytes" "$p" \
        "$(awk "BEGIN { print $bytes / $ref_bytes }")" "$(awk "BEGIN { print $p - $ref_psnr }")" "$fps"
    done
  done
done
