package io.dubstream.connectors.media;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;

/**
 * Writes a video track whose GOPs several encoders encode at once, in the order of the GOPs.
 *
 * <p>Each GOP starts with an IDR frame and is encoded whole by one encoder that gives a frame's
 * packets back as the frame is sent (openh264: no B-frames, no lookahead), so a GOP's packets
 * follow one another in one encoder's output. Packets of the GOP being written go to the container
 * at once; those of later GOPs wait, copied, until every GOP before theirs is written. An encoder's
 * GOP is complete when that encoder gets the first frame of its next GOP or the end of the stream.
 */
final class GopOrder implements AutoCloseable {

    private final AVFormatContext container;
    /** The first frame's presentation time of each GOP, in the encoders' time base, to its index. */
    private final ConcurrentSkipListMap<Long, Integer> gopStarts = new ConcurrentSkipListMap<>();
    private final Map<Integer, List<AVPacket>> waiting = new HashMap<>();
    private final Set<Integer> complete = new HashSet<>();
    private final List<LaneSink> lanes = new ArrayList<>();
    /** The GOP whose packets are written as they come. */
    private int writing;

    GopOrder(AVFormatContext container) {
        this.container = container;
    }

    /** GOP {@code gop} starts with the frame at {@code pts}; called before that frame is sent. */
    void gopStarts(int gop, long pts) {
        gopStarts.put(pts, gop);
    }

    /** The sink of one more encoder, used on that encoder's thread only. */
    PacketSink newLane() throws MediaException {
        LaneSink lane = new LaneSink();
        synchronized (this) {
            lanes.add(lane);
        }
        return lane;
    }

    /** Whether every GOP's packets are written (after every lane got the end of its stream). */
    synchronized boolean allWritten() {
        return waiting.isEmpty();
    }

    @Override
    public synchronized void close() {
        for (List<AVPacket> packets : waiting.values()) {
            packets.forEach(avcodec::av_packet_free);
        }
        waiting.clear();
        lanes.forEach(LaneSink::close);
        lanes.clear();
    }

    private synchronized void add(int gop, AVPacket packet) throws MediaException {
        if (gop == writing) {
            PacketWriter.write(container, packet);
        } else {
            AVPacket copy = avcodec.av_packet_clone(packet);
            if (copy == null) {
                throw new MediaException("FFmpeg is out of memory for a packet of GOP " + gop);
            }
            waiting.computeIfAbsent(gop, g -> new ArrayList<>()).add(copy);
        }
    }

    private synchronized void completed(int gop) throws MediaException {
        complete.add(gop);
        while (complete.remove(writing)) {
            writing++;
            List<AVPacket> packets = waiting.remove(writing);
            if (packets != null) {
                try {
                    for (AVPacket packet : packets) {
                        PacketWriter.write(container, packet);
                    }
                } finally {
                    packets.forEach(avcodec::av_packet_free);
                }
            }
        }
    }

    /** One encoder's way in: sends its frames, and hands each packet on with the GOP it belongs to. */
    private final class LaneSink implements PacketSink {
        private final AVPacket packet;
        private int gop = -1;

        LaneSink() throws MediaException {
            packet = avcodec.av_packet_alloc();
            if (packet == null) {
                throw new MediaException("FFmpeg is out of memory for a packet");
            }
        }

        @Override
        public void send(AVCodecContext encoder, AVStream stream, AVFrame frame, long defaultDuration)
                throws MediaException {
            if (frame != null) {
                Entry<Long, Integer> start = gopStarts.floorEntry(frame.pts());
                if (start == null) {
                    throw new IllegalStateException("no GOP starts at or before " + frame.pts());
                }
                if (start.getValue() != gop) {
                    if (gop >= 0) {
                        completed(gop);
                    }
                    gop = start.getValue();
                }
            }
            PacketWriter.encode(encoder, stream, frame, defaultDuration, packet, p -> add(gop, p));
            if (frame == null && gop >= 0) {
                completed(gop);
                gop = -1;
            }
        }

        void close() {
            avcodec.av_packet_free(packet);
        }
    }
}
