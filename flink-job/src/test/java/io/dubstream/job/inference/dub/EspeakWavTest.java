package io.dubstream.job.inference.dub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** {@link EspeakWav} on hand-made WAV bytes, including the placeholder sizes of a streamed WAV. */
class EspeakWavTest {

    @Test
    void readsAStreamedWavWhoseSizesArePlaceholders() {
        for (int placeholder : new int[] {0x7FFFF000, 0xFFFFFFFF, 6}) {
            byte[] wav = wav(placeholder, placeholder, 22_050, 1, (short) 0, (short) 16384,
                    (short) -32768);
            Speech speech = EspeakWav.decode(wav);
            assertThat(speech.sampleRate()).isEqualTo(22_050);
            assertThat(speech.samples()).as("size %x", placeholder).containsExactly(0f, 0.5f, -1f);
        }
    }

    @Test
    void stopsAtTheDeclaredDataSizeAndSkipsOtherChunks() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("RIFF"));
        out.writeBytes(le(0));
        out.writeBytes(ascii("WAVE"));
        out.writeBytes(ascii("LIST"));
        out.writeBytes(le(3));
        out.writeBytes(new byte[] {1, 2, 3, 0}); // odd size: one pad byte
        out.writeBytes(fmt(16_000, 2));
        out.writeBytes(ascii("data"));
        out.writeBytes(le(4));
        out.writeBytes(shorts((short) 16384, (short) 0, (short) 1, (short) 2));
        Speech speech = EspeakWav.decode(out.toByteArray());
        assertThat(speech.sampleRate()).isEqualTo(16_000);
        assertThat(speech.samples()).containsExactly(0.25f); // stereo mixed to mono; trailing bytes ignored
    }

    @Test
    void refusesWhatIsNoPcmWav() {
        assertThatThrownBy(() -> EspeakWav.decode("hello world!".getBytes(StandardCharsets.US_ASCII)))
                .hasMessage("not a RIFF/WAVE stream (12 bytes)");
        byte[] noData = new byte[12 + 24];
        System.arraycopy(wav(0, 0, 22_050, 1), 0, noData, 0, noData.length);
        assertThatThrownBy(() -> EspeakWav.decode(noData)).hasMessage("WAV has no data chunk (36 bytes)");
        byte[] floats = wav(0, 0, 22_050, 1);
        floats[20] = 3; // IEEE float
        assertThatThrownBy(() -> EspeakWav.decode(floats)).hasMessageContaining("is format 3, 16 bits");
    }

    private static byte[] wav(int riffSize, int dataSize, int rate, int channels, short... samples) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("RIFF"));
        out.writeBytes(le(riffSize));
        out.writeBytes(ascii("WAVE"));
        out.writeBytes(fmt(rate, channels));
        out.writeBytes(ascii("data"));
        out.writeBytes(le(dataSize));
        out.writeBytes(shorts(samples));
        return out.toByteArray();
    }

    private static byte[] fmt(int rate, int channels) {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * 2 * channels).putShort((short) (2 * channels)).putShort((short) 16);
        return b.array();
    }

    private static byte[] shorts(short... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            b.putShort(v);
        }
        return b.array();
    }

    private static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
