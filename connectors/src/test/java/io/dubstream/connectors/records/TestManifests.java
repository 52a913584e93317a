package io.dubstream.connectors.records;

import io.dubstream.connectors.format.ClipRecordCodec;

/** Valid manifests for tests: an mp4 with H.264 video and, with audio, AAC sent as 16-bit PCM. */
public final class TestManifests {

    private TestManifests() {}

    /**
     * A manifest of {@code frames} frames at {@code fpsNum/fpsDen}; {@code channels} 0 means no audio
     * (and then {@code sampleRate} is ignored).
     */
    public static ClipManifest of(String clipId, int width, int height, int fpsNum, int fpsDen, long frames,
            int sampleRate, int channels, long createdAtMillis) {
        boolean audio = channels > 0;
        ClipManifest m = new ClipManifest();
        m.setClipId(clipId);
        m.setFormatVersion(ClipRecordCodec.VERSION);
        m.setContainer("mov,mp4,m4a,3gp,3g2,mj2");
        m.setVideoCodec("h264");
        m.setAudioCodec(audio ? "aac" : "");
        m.setFpsNum(fpsNum);
        m.setFpsDen(fpsDen);
        m.setWidth(width);
        m.setHeight(height);
        m.setFrameCount(frames);
        m.setFrameEncoding(ClipManifest.FRAME_ENCODING_JPEG);
        m.setSampleRate(audio ? sampleRate : 0);
        m.setChannels(channels);
        m.setSourceSampleRate(audio ? 48_000 : 0);
        m.setSourceChannels(audio ? 2 : 0);
        m.setDurationMicros(frames < 0 ? -1 : frames * 1_000_000L * fpsDen / fpsNum);
        m.setCreatedAtMillis(createdAtMillis);
        return m;
    }
}
