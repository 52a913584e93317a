package io.dubstream.connectors.media;

import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/** Where an {@link Mp4Writer}'s tracks send their frames: into the encoder, and its packets into the file. */
interface PacketSink {

    /**
     * Sends {@code frame} to the encoder {@code context} ({@code null} drains it at the end) and
     * writes every packet it gives back to {@code stream}.
     *
     * @param defaultDuration the duration, in the encoder's time base, of a packet that states none
     */
    void send(AVCodecContext context, AVStream stream, AVFrame frame, long defaultDuration) throws MediaException;
}
