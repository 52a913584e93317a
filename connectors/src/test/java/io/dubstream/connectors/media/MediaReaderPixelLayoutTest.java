package io.dubstream.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.dubstream.connectors.cli.Ffmpeg;
import io.dubstream.connectors.media.MediaSample.VideoSample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reader's two frame layouts agree: the upload's 4:2:0 planes are the BGR frames' own colours. */
class MediaReaderPixelLayoutTest {

    @TempDir
    Path dir;

    /**
     * A 4:2:0 source's planes go as they are (41 dB against its BGR frames: the JPEG's rounding); a
     * 4:4:4 test pattern's sharp colour edges lose their chroma resolution, as the download's 4:2:0
     * would anyway (27 dB), while luma stays within a level.
     */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"262, 150, 38", "263, 151, 25"})
    void yuv420PlanesBecomeTheSameFrameAsBgr(int width, int height, double minPsnr) throws Exception {
        Path clip = dir.resolve("clip.mkv");
        if (width % 2 == 0) {
            RecorderClips.write(clip, "matroska", "mpeg4", width, height, 6, 0);
        } else {
            // JavaCV's recorder evens the size out: FFmpeg's own test pattern, lossless, odd-sized and 4:4:4 (the
            // reader averages its chroma down to 4:2:0)
            Ffmpeg.assumeAvailable();
            Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-vf", "scale=" + width + ":" + height,
                    "-frames:v", "6",
                    "-pix_fmt", "yuv444p", "-c:v", "ffv1", clip.toString());
        }
        List<VideoSample> bgr = frames(clip, PixelLayout.BGR24);
        List<VideoSample> yuv = frames(clip, PixelLayout.YUV420_FULL_RANGE);

        assertThat(yuv).hasSameSizeAs(bgr).hasSize(6);
        assertThat(yuv.get(0).width()).as("an odd size stays odd").isEqualTo(width);
        assertThat(yuv.get(0).height()).isEqualTo(height);
        int chroma = ((width + 1) / 2) * ((height + 1) / 2);
        for (int i = 0; i < yuv.size(); i++) {
            VideoSample frame = yuv.get(i);
            assertThat(frame.layout()).isEqualTo(PixelLayout.YUV420_FULL_RANGE);
            assertThat(frame.pixels()).hasSize(width * height + 2 * chroma);
            assertThat(frame.ptsMicros()).isEqualTo(bgr.get(i).ptsMicros());
            // as the upload sends it: a 4:2:0 JPEG of the planes, which the job decodes to BGR
            byte[] jpeg = JpegCodec.encodeYuv420(frame.pixels(), width, height, 1f);
            byte[] decoded = JpegCodec.decodeBgr(jpeg, width, height);
            if (width % 2 == 0) {
                assertThat(SampleClipGenerator.readFrameIndex(decoded, width, height)).isEqualTo(i);
            }
            assertThat(JpegBench.psnr(bgr.get(i).bgr(), decoded)).as("frame %d", i).isGreaterThan(minPsnr);
            // full range: the planes' luma is the BGR frame's BT.601 luma, not squeezed into 16-235
            assertThat(meanLumaDifference(frame.pixels(), bgr.get(i).bgr())).as("frame %d", i).isLessThan(1.5);
        }
    }

    private static List<VideoSample> frames(Path clip, PixelLayout layout) throws MediaException {
        List<VideoSample> frames = new ArrayList<>();
        try (MediaReader reader = MediaReader.open(clip, AudioLayout.SOURCE, layout)) {
            for (MediaSample s = reader.next(); s != null; s = reader.next()) {
                if (s instanceof VideoSample v) {
                    frames.add(v);
                }
            }
        }
        return frames;
    }

    /** Mean of |Y - (0.299 R + 0.587 G + 0.114 B)| over the frame. */
    private static double meanLumaDifference(byte[] yuv, byte[] bgr) {
        double sum = 0;
        int pixels = bgr.length / 3;
        for (int p = 0; p < pixels; p++) {
            double luma = 0.114 * (bgr[3 * p] & 0xFF) + 0.587 * (bgr[3 * p + 1] & 0xFF) + 0.299 * (bgr[3 * p + 2] & 0xFF);
            sum += Math.abs((yuv[p] & 0xFF) - luma);
        }
        return sum / pixels;
    }
}
