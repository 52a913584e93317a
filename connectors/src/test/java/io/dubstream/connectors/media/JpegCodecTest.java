package io.dubstream.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class JpegCodecTest {

    static final int W = 640;
    static final int H = 360;

    static byte[] generatedFrame(long index) {
        byte[] bgr = new byte[W * H * 3];
        new TestPattern(W, H).paint(bgr, index);
        FrameIndexBarcode.draw(bgr, W, H, index);
        return bgr;
    }

    @Test
    void roundTripAtQuality90IsClose() {
        byte[] frame = generatedFrame(1234);

        byte[] jpeg = JpegCodec.encode(frame, W, H, 0.9f);
        byte[] decoded = JpegCodec.decodeBgr(jpeg, W, H);

        assertThat(jpeg.length).isLessThan(frame.length / 10);
        assertThat(MediaRoundTripTest.meanAbsoluteError(frame, decoded)).isLessThan(3.0);
        assertThat(SampleClipGenerator.readFrameIndex(decoded, W, H)).isEqualTo(1234);
    }

    @Test
    void keepsTheChannelOrder() {
        byte[] frame = new byte[W * H * 3];
        for (int p = 0; p < frame.length; p += 3) {
            frame[p] = (byte) 200; // blue
            frame[p + 1] = 20;
            frame[p + 2] = 60;
        }
        byte[] decoded = JpegCodec.decodeBgr(JpegCodec.encode(frame, W, H, 0.95f), W, H);
        int mid = (H / 2 * W + W / 2) * 3;
        assertThat(decoded[mid] & 0xFF).isCloseTo(200, offset(4));
        assertThat(decoded[mid + 1] & 0xFF).isCloseTo(20, offset(4));
        assertThat(decoded[mid + 2] & 0xFF).isCloseTo(60, offset(4));
    }

    @Test
    void barcodeSurvivesLowQuality() {
        byte[] decoded = JpegCodec.decodeBgr(JpegCodec.encode(generatedFrame(0xA5A5), W, H, 0.2f), W, H);
        assertThat(SampleClipGenerator.readFrameIndex(decoded, W, H)).isEqualTo(0xA5A5);
    }

    @Test
    void decodesGreyscaleJpegsToBgr() throws Exception {
        BufferedImage grey = new BufferedImage(64, 32, BufferedImage.TYPE_BYTE_GRAY);
        Arrays.fill(((DataBufferByte) grey.getRaster().getDataBuffer()).getData(), (byte) 100);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        assertThat(ImageIO.write(grey, "jpeg", jpeg)).isTrue();

        byte[] bgr = JpegCodec.decodeBgr(jpeg.toByteArray(), 64, 32);

        assertThat(bgr).hasSize(64 * 32 * 3);
        for (byte b : bgr) {
            assertThat(b & 0xFF).isCloseTo(100, offset(2));
        }
    }

    @Test
    void rejectsAJpegOfAnotherSize() {
        byte[] jpeg = JpegCodec.encode(generatedFrame(1), W, H, 0.8f);
        assertThatThrownBy(() -> JpegCodec.decodeBgr(jpeg, 320, 180))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JPEG is 640x360, expected 320x180");
    }

    @Test
    void rejectsBytesThatAreNotAJpeg() {
        assertThatThrownBy(() -> JpegCodec.decodeBgr("hello".getBytes(StandardCharsets.US_ASCII), W, H))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a JPEG: 5 bytes starting 68 65 6C 6C instead of the JPEG start marker FF D8");
        assertThatThrownBy(() -> JpegCodec.decodeBgr(new byte[0], W, H))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a JPEG: 0 bytes");
    }

    @Test
    void rejectsACutJpeg() {
        byte[] jpeg = JpegCodec.encode(generatedFrame(1), W, H, 0.8f);
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> JpegCodec.decodeBgr(cut, W, H))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot decode JPEG of " + cut.length + " bytes: ");
    }

    @Test
    void rejectsBadArguments() {
        byte[] frame = generatedFrame(1);
        for (float quality : new float[] {-0.01f, 1.01f, Float.NaN}) {
            assertThatThrownBy(() -> JpegCodec.encode(frame, W, H, quality))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("JPEG quality must be between 0 and 1");
        }
        assertThatThrownBy(() -> JpegCodec.encode(frame, W, H - 1, 0.9f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a 640x359 BGR frame has 689280 bytes, got 691200");
    }

    @Test
    void isSafeToUseFromSeveralThreads() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            frames.add(generatedFrame(i * 97L));
            expected.add(JpegCodec.decodeBgr(JpegCodec.encode(frames.get(i), W, H, 0.85f), W, H));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (byte[] frame : frames) {
                    results.add(pool.submit(() -> JpegCodec.decodeBgr(JpegCodec.encode(frame, W, H, 0.85f), W, H)));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(expected.get(i % frames.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
