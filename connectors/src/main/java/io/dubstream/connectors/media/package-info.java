/**
 * Reading and writing media files with JavaCV / FFmpeg, and the frame and test-clip helpers around
 * them.
 *
 * <ul>
 *   <li>{@link io.dubstream.connectors.media.MediaReader} decodes a video file into BGR frames and
 *       transport audio (signed 16-bit at a chosen rate and channel count, e.g. 16 kHz mono);
 *   <li>{@link io.dubstream.connectors.media.Mp4Writer} encodes BGR frames and 16-bit audio into an
 *       H.264/AAC mp4;
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
