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

    @Test
    void fullChromaKeepsColourEdgesThatSubsamplingBlurs() {
        byte[] frame = generatedFrame(77);

        byte[] full = JpegCodec.encode(frame, W, H, 0.9f, JpegCodec.Chroma.FULL_444);
        byte[] subsampled = JpegCodec.encode(frame, W, H, 0.9f, JpegCodec.Chroma.SUBSAMPLED_420);

        assertThat(full.length).isGreaterThan(subsampled.length);
        assertThat(MediaRoundTripTest.meanAbsoluteError(frame, JpegCodec.decodeBgr(full, W, H)))
                .isLessThan(MediaRoundTripTest.meanAbsoluteError(frame, JpegCodec.decodeBgr(subsampled, W, H)));
        assertThat(JpegCodec.encode(frame, W, H, 0.9f)).isEqualTo(full);
    }

    @Test
    void roundTripsSizesThatAreNotWholeBlocks() {
        for (int[] size : new int[][] {{548, 342}, {321, 241}, {7, 5}}) {
            byte[] frame = new byte[size[0] * size[1] * 3];
            new TestPattern(size[0], size[1]).paint(frame, 3);
            byte[] decoded = JpegCodec.decodeBgr(JpegCodec.encode(frame, size[0], size[1], 0.95f), size[0], size[1]);
            // the pattern's edges at 7x5 are most of the frame: a wrong decode is off by tens
            assertThat(MediaRoundTripTest.meanAbsoluteError(frame, decoded)).as("%dx%d", size[0], size[1])
                    .isLessThan(5.0);
        }
    }

    /** 4:2:0 planes, odd sizes too, come back from the decoder as the same planes, to the JPEG's rounding. */
    @Test
    void encodesYuv420PlanesAsTheJpegsOwn() {
        for (int[] size : new int[][] {{548, 342}, {321, 241}, {7, 5}}) {
            int w = size[0];
            int h = size[1];
            byte[] planes = new byte[(int) PixelLayout.YUV420_FULL_RANGE.frameBytes(w, h)];
            for (int i = 0; i < planes.length; i++) {
                planes[i] = (byte) (i < w * h ? (i % w) * 255 / w : 64 + (i / w) % 128); // smooth ramps
            }
            byte[] jpeg = JpegCodec.encodeYuv420(planes, w, h, 1f);
            byte[] back = JpegCodec.decodeFrame(jpeg, w, h, frame -> {
                assertThat(frame.format()).isEqualTo(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P);
                byte[] copy = new byte[planes.length];
                PixelLayout.packYuv420(frame, w, h, copy);
                return copy;
            });
            assertThat(MediaRoundTripTest.meanAbsoluteError(planes, back)).as("%dx%d", w, h).isLessThan(1.0);
        }
        assertThatThrownBy(() -> JpegCodec.encodeYuv420(new byte[7 * 5 * 3], 7, 5, 0.9f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a 7x5 4:2:0 frame has 59 bytes, got 105");
    }

    @Test
    void qualityFollowsLibjpegsScale() {
        assertThat(JpegCodec.quantizerScale(1f)).isEqualTo(1);
        assertThat(JpegCodec.quantizerScale(0.97f)).isEqualTo(1);
        assertThat(JpegCodec.quantizerScale(0.95f)).isEqualTo(2);
        assertThat(JpegCodec.quantizerScale(0.9f)).isEqualTo(3);
        assertThat(JpegCodec.quantizerScale(0.5f)).isEqualTo(15);
        assertThat(JpegCodec.quantizerScale(0f)).isEqualTo(31);
        byte[] frame = generatedFrame(5);
        assertThat(JpegCodec.encode(frame, W, H, 0.95f).length)
                .isGreaterThan(JpegCodec.encode(frame, W, H, 0.9f).length);
    }

    @Test
    void rejectsAJpegCutAnywhere() {
        byte[] jpeg = JpegCodec.encode(generatedFrame(3), W, H, 0.9f);
        for (int length = 4; length < jpeg.length; length += 97) {
            byte[] cut = Arrays.copyOf(jpeg, length);
            assertThatThrownBy(() -> JpegCodec.decodeBgr(cut, W, H))
                    .as("cut to %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rejectsAJpegWithoutAFrameHeader() {
        byte[] noFrame = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};
        assertThatThrownBy(() -> JpegCodec.decodeBgr(noFrame, W, H))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot decode JPEG of 4 bytes: no frame header (SOF marker) before its image data");
        byte[] badSegment = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 1, (byte) 0xFF, (byte) 0xD9};
        assertThatThrownBy(() -> JpegCodec.decodeBgr(badSegment, W, H))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot decode JPEG of 8 bytes: a header segment of length 1 at byte 2");
    }

    @Test
    void refusesAHeaderClaimingAHugeFrameBeforeDecoding() {
        byte[] jpeg = JpegCodec.encode(generatedFrame(3), W, H, 0.9f);
        int sof = sofOffset(jpeg);
        jpeg[sof + 5] = (byte) 0xFF; // height 65535
        jpeg[sof + 6] = (byte) 0xFF;
        jpeg[sof + 7] = (byte) 0xFF; // width 65535
        jpeg[sof + 8] = (byte) 0xFF;
        assertThatThrownBy(() -> JpegCodec.decodeBgr(jpeg, W, H))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JPEG is 65535x65535, expected 640x360");
    }

    @Test
    void damagedOrRandomBytesFailCleanlyOrDecodeToAFrame() {
        byte[] jpeg = JpegCodec.encode(generatedFrame(9), W, H, 0.9f);
        java.util.Random random = new java.util.Random(42);
        int rejected = 0;
        for (int i = 0; i < 200; i++) {
            byte[] damaged = jpeg.clone();
            if (i % 2 == 0) {
                // a few bytes of the image data overwritten
                for (int k = 0; k < 1 + i % 7; k++) {
                    damaged[sofOffset(jpeg) + 20 + random.nextInt(jpeg.length - sofOffset(jpeg) - 22)] =
                            (byte) random.nextInt(256);
                }
            } else {
                // everything after the header random, the end marker kept
                byte[] noise = new byte[jpeg.length - 2 - 700];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, damaged, 700, noise.length);
            }
            try {
                assertThat(JpegCodec.decodeBgr(damaged, W, H)).hasSize(W * H * 3);
            } catch (IllegalArgumentException e) {
                assertThat(e).hasMessageStartingWith("cannot decode JPEG of ");
                rejected++;
            }
        }
        // random image data is caught every time, a few overwritten bytes mostly
        assertThat(rejected).isGreaterThanOrEqualTo(100);
    }

    @Test
    void keepsNoNativeMemoryPerCallWhetherItSucceedsOrFails() {
        byte[] frame = generatedFrame(11);
        byte[] jpeg = JpegCodec.encode(frame, W, H, 0.9f);
        byte[] damaged = jpeg.clone();
        byte[] noise = new byte[jpeg.length - 2 - 700];
        new java.util.Random(7).nextBytes(noise);
        System.arraycopy(noise, 0, damaged, 700, noise.length);
        Runnable calls = () -> {
            for (int i = 0; i < 50; i++) {
                JpegCodec.decodeBgr(JpegCodec.encode(frame, W, H, 0.9f), W, H);
                assertThatThrownBy(() -> JpegCodec.decodeBgr(damaged, W, H))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        };
        calls.run(); // fills the pools
        long before = org.bytedeco.javacpp.Pointer.totalBytes();
        calls.run();
        // JavaCPP's count of the native memory it allocated: a frame buffer (691,200 bytes) lost per
        // call would show 69 MB
        assertThat(org.bytedeco.javacpp.Pointer.totalBytes() - before).isLessThan(W * H * 3);
    }

    /** Where the frame header (SOF0) of a JPEG this codec wrote starts. */
    private static int sofOffset(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
                return i;
            }
        }
        throw new AssertionError("no SOF0");
    }
}
