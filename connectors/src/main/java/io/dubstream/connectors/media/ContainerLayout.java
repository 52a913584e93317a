package io.dubstream.connectors.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The top-level structure of a media file, read from its box / chunk / element headers only, as far
 * as it tells whether the file was cut short.
 *
 * <p>FFmpeg does not report a cut: a faststart mp4 whose tail is missing opens normally, logs
 * "partial file" and ends early, and JavaCV reports every read error as the end of the stream. So a
 * cut upload would be decoded without complaint to a shorter clip. The headers do tell: in an mp4
 * or mov the last top-level box declares more bytes than the file has, in an avi the RIFF chunk
 * does, in a Matroska file the segment does (when its size is known).
 *
 * @param isoBmff whether the file is an ISO base media file (mp4, mov, m4a, 3gp)
 * @param hasMp4Index for an ISO base media file: whether it has a top-level {@code moov} box (the
 *     index without which FFmpeg cannot read it)
 * @param truncation how the structure shows the file was cut short, e.g. "its 'mdat' box at byte
 *     3315 declares 801142 bytes but the file ends at byte 402228"; {@code null} when it does not
 */
record ContainerLayout(boolean isoBmff, boolean hasMp4Index, String truncation) {

    private static final int MAX_TOP_LEVEL_BOXES = 100_000;
    private static final ContainerLayout UNKNOWN = new ContainerLayout(false, false, null);

    boolean isTruncated() {
        return truncation != null;
    }

    /** Reads the headers of {@code file}; a format it does not know gives a layout with no findings. */
    static ContainerLayout inspect(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer head = read(channel, 0, 12);
            if (head.remaining() < 12) {
                return UNKNOWN;
            }
            if (isIsoBmff(head)) {
                return inspectIsoBmff(channel, size);
            }
            if (ascii(head, 0, 4).equals("RIFF")) {
                return new ContainerLayout(false, false, riffTruncation(head, size));
            }
            if (head.getInt(0) == 0x1A45DFA3) {
                return new ContainerLayout(false, false, matroskaTruncation(channel, size));
            }
            return UNKNOWN;
        }
    }

    private static boolean isIsoBmff(ByteBuffer head) {
        String type = ascii(head, 4, 4);
        return type.equals("ftyp") || type.equals("moov") || type.equals("mdat") || type.equals("wide")
                || type.equals("free") || type.equals("skip");
    }

    private static ContainerLayout inspectIsoBmff(FileChannel channel, long fileSize) throws IOException {
        boolean hasIndex = false;
        long offset = 0;
        for (int boxes = 0; offset + 8 <= fileSize && boxes < MAX_TOP_LEVEL_BOXES; boxes++) {
            ByteBuffer header = read(channel, offset, 16);
            long boxSize = header.getInt(0) & 0xFFFFFFFFL;
            String type = ascii(header, 4, 4);
            if (!isPrintable(type)) {
                break; // trailing bytes that are not a box: not ours to judge
            }
            hasIndex |= type.equals("moov");
            if (boxSize == 0) {
                break; // the box runs to the end of the file
            }
            if (boxSize == 1) {
                if (header.remaining() < 16) {
                    return new ContainerLayout(true, hasIndex, "its '" + type + "' box at byte " + offset
                            + " is cut off in its header; the file ends at byte " + fileSize);
                }
                boxSize = header.getLong(8);
            }
            if (boxSize < 8) {
                break; // malformed: let FFmpeg judge
            }
            if (offset + boxSize > fileSize) {
                return new ContainerLayout(true, hasIndex, "its '" + type + "' box at byte " + offset
                        + " declares " + boxSize + " bytes but the file ends at byte " + fileSize);
            }
            offset += boxSize;
        }
        return new ContainerLayout(true, hasIndex, null);
    }

    private static String riffTruncation(ByteBuffer head, long fileSize) {
        long chunkSize = head.order(ByteOrder.LITTLE_ENDIAN).getInt(4) & 0xFFFFFFFFL;
        head.order(ByteOrder.BIG_ENDIAN);
        if (chunkSize == 0 || 8 + chunkSize <= fileSize) {
            return null; // 0: written by a recorder that never finished the header; FFmpeg copes
        }
        return "its RIFF '" + ascii(head, 8, 4).trim() + "' chunk declares " + (8 + chunkSize)
                + " bytes but the file ends at byte " + fileSize;
    }

    private static String matroskaTruncation(FileChannel channel, long fileSize) throws IOException {
        ByteBuffer buffer = read(channel, 4, 8);
        VarInt headerSize = VarInt.read(buffer, 0);
        if (headerSize == null || headerSize.unknown()) {
            return null;
        }
        long segmentOffset = 4 + headerSize.length() + headerSize.value();
        ByteBuffer segment = read(channel, segmentOffset, 12);
        if (segment.remaining() < 5 || segment.getInt(0) != 0x18538067) {
            return null;
        }
        VarInt segmentSize = VarInt.read(segment, 4);
        if (segmentSize == null || segmentSize.unknown()) {
            return null;
        }
        long end = segmentOffset + 4 + segmentSize.length() + segmentSize.value();
        if (end <= fileSize) {
            return null;
        }
        return "its Matroska segment at byte " + segmentOffset + " declares " + (end - segmentOffset)
                + " bytes but the file ends at byte " + fileSize;
    }

    /** An EBML variable-length integer: the value, its length in bytes, and whether it means "unknown". */
    private record VarInt(long value, int length, boolean unknown) {

        static VarInt read(ByteBuffer buffer, int at) {
            if (buffer.remaining() <= at) {
                return null;
            }
            int first = buffer.get(at) & 0xFF;
            int length = Integer.numberOfLeadingZeros(first) - 23;
            if (first == 0 || at + length > buffer.remaining()) {
                return null;
            }
            long value = first & (0xFF >> length);
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (buffer.get(at + i) & 0xFF);
            }
            long allOnes = (1L << (7 * length)) - 1;
            return new VarInt(value, length, value == allOnes);
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        return buffer.flip();
    }

    private static String ascii(ByteBuffer buffer, int at, int length) {
        if (buffer.remaining() < at + length) {
            return "";
        }
        byte[] bytes = new byte[length];
        buffer.get(at, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static boolean isPrintable(String type) {
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return type.length() == 4;
    }
}
