package io.dubstream.job.chunking;

import java.io.Serializable;
import java.time.Duration;

import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipMode;
import io.dubstream.connectors.records.EndOfClip;

/**
 * Whether a clip runs whole or chunked: whole when it is no longer than the threshold, chunked
 * otherwise; a threshold of zero chunks every clip.
 *
 * <p>A clip's length is its manifest's duration when the manifest states one, else its frame count
 * over its frame rate, known for sure from the end-of-clip record. Frames prove a clip long too: a
 * frame at index {@link #maxWholeFrames} or later means the clip has more frames than fit in the
 * threshold, whatever the manifest says, so that a clip run whole never holds more than the
 * threshold's worth of frames. So the mode is decided:
 * <ul>
 *   <li>at the manifest, when it states a duration: chunked above the threshold, whole up to it
 *       (but a whole clip still becomes chunked when a frame past the threshold arrives: it has
 *       emitted nothing before its end, so it can);</li>
 *   <li>without a duration, at the first frame past the threshold (chunked) or at the end-of-clip
 *       record (by its frame count), whichever comes first. Until then nothing goes out, and at most
 *       the threshold's worth of frames is held.</li>
 * </ul>
 */
public final class HybridThreshold implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long thresholdMillis;

    public HybridThreshold(Duration threshold) {
        if (threshold.isNegative()) {
            throw new IllegalArgumentException("hybrid threshold must not be negative, got " + threshold);
        }
        this.thresholdMillis = threshold.toMillis();
    }

    /** The most frames a clip of the manifest's frame rate has when it runs whole: {@code floor(threshold * fps)}. */
    public long maxWholeFrames(ClipManifest manifest) {
        return Math.floorDiv(thresholdMillis * manifest.getFpsNum(), 1000L * manifest.getFpsDen());
    }

    /**
     * The clip's mode as far as it is known, or null while it cannot be told yet.
     *
     * @param frameEnd one past the highest frame index of the clip received so far
     * @param end the clip's end-of-clip record, or null before it arrives
     */
    public ClipMode decide(ClipManifest manifest, long frameEnd, EndOfClip end) {
        if (thresholdMillis == 0) {
            return ClipMode.CHUNKED;
        }
        long maxFrames = maxWholeFrames(manifest);
        if (frameEnd > maxFrames || end != null && end.getFramesSent() > maxFrames) {
            return ClipMode.CHUNKED;
        }
        if (manifest.getDurationMicros() >= 0) {
            return manifest.getDurationMicros() <= thresholdMillis * 1000 ? ClipMode.WHOLE : ClipMode.CHUNKED;
        }
        return end == null ? null : ClipMode.WHOLE;
    }
}
