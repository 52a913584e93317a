package io.dubstream.connectors.media;

import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * One track's way into a container: sends frames to the track's encoder and writes the packets it
 * gives back. Tracks encode on their own threads, each with its own writer; the container takes
 * one packet at a time (the writers lock it).
 */
final class PacketWriter implements PacketSink, AutoCloseable {

    private final AVFormatContext container;
    private final AVPacket packet;

    PacketWriter(AVFormatContext container) throws MediaException {
        this.container = container;
        this.packet = avcodec.av_packet_alloc();
        if (packet == null) {
            throw new MediaException("FFmpeg is out of memory for a packet");
        }
    }

    @Override
    public void send(AVCodecContext encoder, AVStream stream, AVFrame frame, long defaultDuration)
            throws MediaException {
        encode(encoder, stream, frame, defaultDuration, packet, p -> write(container, p));
    }

    /** Where {@link #encode} hands each packet. */
    interface PacketConsumer {
        void accept(AVPacket packet) throws MediaException;
    }

    /**
     * Sends {@code frame} (or, {@code null}, the end of the stream) to {@code encoder} and hands each
     * packet it gives back to {@code out}, in {@code stream}'s time base and with a duration.
     *
     * @param packet the packet to receive into, reused
     */
    static void encode(AVCodecContext encoder, AVStream stream, AVFrame frame, long defaultDuration, AVPacket packet,
            PacketConsumer out) throws MediaException {
        int ret = avcodec.avcodec_send_frame(encoder, frame);
        if (ret < 0) {
            throw new MediaException("the encoder refused the " + (frame == null ? "end of stream" : "frame")
                    + " (" + FFmpegRuntime.describe(ret) + ")");
        }
        while (true) {
            ret = avcodec.avcodec_receive_packet(encoder, packet);
            if (ret == avutil.AVERROR_EAGAIN() || ret == avutil.AVERROR_EOF) {
                return;
            }
            if (ret < 0) {
                throw new MediaException("encoding failed (" + FFmpegRuntime.describe(ret) + ")");
            }
            if (packet.duration() <= 0) {
                packet.duration(defaultDuration);
            }
            avcodec.av_packet_rescale_ts(packet, encoder.time_base(), stream.time_base());
            packet.stream_index(stream.index());
            out.accept(packet);
        }
    }

    /** Writes {@code packet} to {@code container}, one writer at a time; the container takes its data. */
    static void write(AVFormatContext container, AVPacket packet) throws MediaException {
        int ret;
        synchronized (container) {
            ret = avformat.av_interleaved_write_frame(container, packet);
        }
        if (ret < 0) {
            throw new MediaException("the muxer refused a packet (" + FFmpegRuntime.describe(ret) + ")");
        }
    }

    @Override
    public void close() {
        avcodec.av_packet_free(packet);
    }
}
