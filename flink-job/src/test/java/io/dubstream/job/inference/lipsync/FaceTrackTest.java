package io.dubstream.job.inference.lipsync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.dubstream.job.inference.lipsync.FaceTrack.Padding;

/**
 * Expected values come from Wav2Lip's {@code get_smoothened_boxes} itself, run with numpy on the same
 * boxes ({@code [x1, y1, x2, y2]}).
 */
class FaceTrackTest {

    private static final FaceBox[] SEVEN = {
        box(100, 50, 200, 170), box(103, 52, 204, 171), box(110, 49, 209, 175), box(96, 55, 199, 168),
        box(101, 51, 203, 173), box(120, 60, 220, 180), box(99, 47, 198, 166)};

    @Test
    void smoothsOverFiveFramesAsWav2Lip() {
        // get_smoothened_boxes(np.array(SEVEN), 5): windows [0:5], [1:6], [2:7], then the last five,
        // which by then hold the boxes 2 (and 3, 4) already smoothed, truncated to int
        assertThat(FaceTrack.smooth(SEVEN, 5)).containsExactly(
                box(102, 51, 203, 171), box(106, 53, 207, 173), box(105, 52, 205, 172), box(104, 53, 205, 171),
                box(105, 52, 206, 172), box(106, 52, 206, 172), box(103, 51, 204, 170));
    }

    @Test
    void aRunOfExactlyFiveUsesTheSmoothedBoxesInItsTail() {
        FaceBox[] five = java.util.Arrays.copyOf(SEVEN, 5);
        assertThat(FaceTrack.smooth(five, 5)).containsExactly(
                box(102, 51, 203, 171), box(102, 51, 203, 171), box(102, 51, 203, 171), box(100, 51, 202, 170),
                box(101, 51, 202, 171));
    }

    @Test
    void aShortRunIsSmoothedWithTheWindowSetToItsLength() {
        // get_smoothened_boxes(run, 3)
        FaceBox[] three = {box(10, 10, 50, 50), box(13, 11, 52, 57), box(16, 12, 55, 59)};
        assertThat(FaceTrack.smooth(three, 5)).containsExactly(
                box(13, 11, 52, 55), box(14, 11, 53, 57), box(14, 11, 53, 57));
        assertThat(FaceTrack.smooth(new FaceBox[] {box(1, 2, 3, 4)}, 5)).containsExactly(box(1, 2, 3, 4));
    }

    @Test
    void gapsSplitTheTrackIntoRunsSmoothedApart() {
        FaceBox far = box(400, 300, 500, 420);
        FaceBox[] boxes = new FaceBox[SEVEN.length + 3];
        System.arraycopy(SEVEN, 0, boxes, 0, SEVEN.length);
        boxes[7] = null;
        boxes[8] = far;
        boxes[9] = box(410, 310, 510, 430);

        FaceBox[] smoothed = FaceTrack.smooth(boxes, 5);

        FaceBox[] firstRun = FaceTrack.smooth(SEVEN, 5);
        for (int i = 0; i < 7; i++) {
            assertThat(smoothed[i]).isEqualTo(firstRun[i]); // the far face does not drag these
        }
        assertThat(smoothed[7]).isNull();
        // run of two, T = 2: [400..] and [410..] -> 405, 305, 505, 425; then (405 + 410) / 2 = 407.5 -> 407 ...
        assertThat(smoothed[8]).isEqualTo(box(405, 305, 505, 425));
        assertThat(smoothed[9]).isEqualTo(box(407, 307, 507, 427));
    }

    @Test
    void padsAndClampsBeforeSmoothingAndCountsFramesWithoutFace() {
        FaceBox[] detections = {box(0, 0, 50, 50), null, box(590, 300, 640, 355), box(10, 20, 60, 70), null};

        FaceTrack track = FaceTrack.of(detections, 640, 360, Padding.WAV2LIP);

        assertThat(track.frames()).isEqualTo(5);
        assertThat(track.framesWithoutFace()).isEqualTo(2);
        assertThat(track.box(0)).contains(box(0, 0, 50, 60)); // bottom + 10
        assertThat(track.box(1)).isEmpty();
        assertThat(track.box(4)).isEmpty();
        // padded: [590, 300, 640, 360] (clamped) and [10, 20, 60, 80], a run of two (T = 2): the mean,
        // then the mean of that and the second box (Wav2Lip's in-place tail)
        assertThat(track.box(2)).contains(box(300, 160, 350, 220));
        assertThat(track.box(3)).contains(box(155, 90, 205, 150));

        FaceTrack padded = FaceTrack.of(new FaceBox[] {box(5, 8, 100, 100)}, 104, 120, new Padding(10, 30, 7, 9));
        assertThat(padded.box(0)).contains(box(0, 0, 104, 120));
    }

    private static FaceBox box(int x1, int y1, int x2, int y2) {
        return new FaceBox(x1, y1, x2, y2);
    }
}
