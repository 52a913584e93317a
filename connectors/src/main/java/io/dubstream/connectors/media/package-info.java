/**
 * Reading and writing media files with JavaCV / FFmpeg, and the frame and test-clip helpers around
 * them.
 *
 * <ul>
 *   <li>{@link io.dubstream.connectors.media.MediaReader} decodes a video file into BGR frames with
 *       their presentation times and transport audio (signed 16-bit, by default at the source's
 *       rate and channel count, see {@link io.dubstream.connectors.media.AudioLayout}), and reports
 *       the display rotation;
 *   <li>{@link io.dubstream.connectors.media.Mp4Writer} encodes BGR frames, each at its time, and
 *       16-bit audio into an H.264/AAC mp4 with a display rotation and an audio language;
 *   <li>{@link io.dubstream.connectors.media.JpegCodec} turns BGR frames into JPEGs and back;
 *   <li>{@link io.dubstream.connectors.media.SampleClipGenerator} writes synthetic clips whose
 *       frames carry their own index as a barcode.
 * </ul>
 *
 * <p>Failures are {@link io.dubstream.connectors.media.MediaException}s with one-line messages
 * naming the file; JavaCV's and FFmpeg's exceptions are their causes and never escape directly.
 * Only FFmpeg's core libraries are loaded (not libavdevice, which needs PulseAudio), and FFmpeg's
 * log level is lowered from INFO to ERROR on first use so that opening a file does not print its
 * stream layout.
 */
package io.dubstream.connectors.media;
