package io.dubstream.job.inference.dub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EspeakSynthesizer}: against the real espeak-ng (skipped with a reason where it is not
 * installed: {@code apt-get install espeak-ng}), and against stand-in scripts for its failures.
 */
class EspeakSynthesizerTest {

    static final String FRENCH = "Bonjour, je m'appelle Marie et j'habite à Paris.";
    static final String GERMAN = "Guten Morgen, wie geht es dir heute?";

    static LineRequest line(int index, String text, String language, String speaker) {
        return new LineRequest("clip-1", index, text, language, speaker, 0, 3_000_000, new float[0], 24_000);
    }

    static double rms(float[] x) {
        double sum = 0;
        for (float v : x) {
            sum += v * v;
        }
        return x.length == 0 ? 0 : Math.sqrt(sum / x.length);
    }

    static EspeakSynthesizer installed;

    @BeforeAll
    static void open() throws SynthesisException {
        if (isInstalled()) {
            installed = new EspeakSynthesizer();
        }
    }

    @AfterAll
    static void close() {
        if (installed != null) {
            installed.close();
        }
    }

    /** The real espeak-ng; the test is skipped where it is not installed. */
    static EspeakSynthesizer espeak() {
        assumeTrue(installed != null, "espeak-ng is not installed (apt-get install espeak-ng)");
        return installed;
    }

    @Test
    void speaksFrenchAndGermanAudibly() throws SynthesisException {
        List<Speech> speech = espeak().synthesize(List.of(line(0, FRENCH, "fr", ""), line(1, GERMAN, "de-DE", "")));
        assertThat(speech).hasSize(2);
        for (Speech s : speech) {
            assertThat(s.sampleRate()).isEqualTo(EspeakSynthesizer.SAMPLE_RATE);
            assertThat(s.micros()).isBetween(500_000L, 5_000_000L);
            assertThat(rms(s.samples())).isGreaterThan(0.01);
            for (float v : s.samples()) {
                assertThat(v).isBetween(-1f, 1f);
            }
        }
        assertThat(speech.get(0).samples()).isNotEqualTo(speech.get(1).samples());
    }

    @Test
    void isDeterministic() throws SynthesisException {
        List<Speech> speech = espeak().synthesize(List.of(line(0, FRENCH, "fr", "Alice"), line(1, FRENCH, "fr",
                "Alice")));
        assertThat(speech.get(0).samples()).isEqualTo(speech.get(1).samples());
    }

    @Test
    void differentTextsAndSpeakersSoundDifferent() throws SynthesisException {
        assertThat(EspeakSynthesizer.variant("Alice")).isEqualTo("m5");
        assertThat(EspeakSynthesizer.variant("Bob")).isEqualTo("f2");
        List<Speech> speech = espeak().synthesize(List.of(line(0, FRENCH, "fr", "Alice"), line(1, FRENCH, "fr", "Bob"),
                line(2, "Au revoir, à demain.", "fr", "Alice")));
        assertThat(speech.get(0).samples()).isNotEqualTo(speech.get(1).samples());
        assertThat(speech.get(0).samples()).isNotEqualTo(speech.get(2).samples());
    }

    @Test
    void mapsLanguageTagsToVoices() throws SynthesisException {
        assertThat(espeak().voice("fr", "")).isEqualTo("fr");
        assertThat(espeak().voice("pt-BR", "")).isEqualTo("pt-br");
        assertThat(espeak().voice("de-AT", "")).isEqualTo("de");
        assertThat(espeak().voice("", "")).isEqualTo("en");
        assertThat(espeak().voice("en", "Bob")).isEqualTo("en+f2");
    }

    @Test
    void anUnknownLanguageIsNamed() {
        // outside the lambda: assertThatThrownBy would take the skip (an exception) for the failure
        EspeakSynthesizer espeak = espeak();
        assertThatThrownBy(() -> espeak.synthesize(List.of(line(4, "Hallo", "xx-QQ", ""))))
                .isInstanceOf(SynthesisException.class)
                .hasMessageStartingWith("espeak-ng has no voice for language 'xx-QQ'; it has ")
                .hasMessageContaining("among them af, am, an");
    }

    @Test
    void speaksQuotesNewlinesAndShellMetacharactersWithoutRunningThem(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("pwned");
        String text = "Il a dit \"non\"; 'oui' $(touch " + marker + ") `touch " + marker + "` & | > < \n"
                + "-v xx --help\n* ? ~ \\ fin.";
        Speech speech = espeak().synthesize(List.of(line(0, text, "fr", "Bob"))).get(0);
        assertThat(speech.micros()).isGreaterThan(1_000_000L);
        assertThat(rms(speech.samples())).isGreaterThan(0.01);
        assertThat(marker).doesNotExist();
    }

    @Test
    void anEmptyLineIsSilence() throws SynthesisException {
        Speech speech = espeak().synthesize(List.of(line(0, "  ", "fr", ""))).get(0);
        assertThat(speech.samples()).isEmpty();
        assertThat(speech.sampleRate()).isEqualTo(EspeakSynthesizer.SAMPLE_RATE);
    }

    @Test
    void figures() throws SynthesisException {
        List<LineRequest> lines = List.of(line(0, FRENCH, "fr", "Alice"), line(1, GERMAN, "de", "Bob"),
                line(2, "The quick brown fox jumps over the lazy dog, twice over.", "en", ""));
        espeak().synthesize(lines); // warm the page cache
        long start = System.nanoTime();
        double seconds = 0;
        for (int i = 0; i < 3; i++) {
            for (Speech s : espeak().synthesize(lines)) {
                seconds += s.micros() / 1e6;
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "espeak-ng: %.1f s of speech in %.2f s, %.3f s per second of speech"
                + " (9 lines, one process each)%n", seconds, wall, wall / seconds);
    }

    @Test
    void aMissingProgramIsOneClearError() {
        assertThatThrownBy(() -> new EspeakSynthesizer("/no/such/espeak-ng", Duration.ofSeconds(1)))
                .isInstanceOf(SynthesisException.class)
                .hasMessageStartingWith("espeak-ng is not installed: apt-get install espeak-ng (Debian)");
    }

    @Test
    void aLineThatHangsIsKilledAfterTheTimeout(@TempDir Path dir) throws Exception {
        Path fake = script(dir, "exec sleep 30");
        try (EspeakSynthesizer espeak = new EspeakSynthesizer(fake.toString(), Duration.ofMillis(500))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> espeak.synthesize(List.of(line(7, "Bonjour", "fr", ""))))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessageStartingWith("espeak-ng took longer than 500 ms on line 7 of clip clip-1 (voice fr)");
            assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
        }
    }

    @Test
    void aFailingLineCarriesEspeakNgsError(@TempDir Path dir) throws Exception {
        Path fake = script(dir, "echo 'Error: something broke' >&2; exit 3");
        try (EspeakSynthesizer espeak = new EspeakSynthesizer(fake.toString(), Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> espeak.synthesize(List.of(line(2, "Hallo", "de", "Bob"))))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessage("espeak-ng failed on line 2 of clip clip-1 (voice de+f2) with exit code 3: "
                            + "Error: something broke");
        }
    }

    @Test
    void outputThatIsNoWavIsRefused(@TempDir Path dir) throws Exception {
        Path fake = script(dir, "cat");
        try (EspeakSynthesizer espeak = new EspeakSynthesizer(fake.toString(), Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> espeak.synthesize(List.of(line(1, "not a wav at all", "fr", ""))))
                    .isInstanceOf(SynthesisException.class)
                    .hasMessage("espeak-ng wrote no usable WAV on line 1 of clip clip-1 (voice fr): "
                            + "not a RIFF/WAVE stream (16 bytes)");
        }
    }

    @Test
    void readsTheVoicesListing() {
        String listing = """
                Pty Language       Age/Gender VoiceName          File                 Other Languages
                 5  de              --/M      German             gmw/de
                 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
                 5  cmn             --/M      Chinese_(Mandarin,_latin_as_English) sit/cmn              (zh-cmn 5)(zh 5)
                 5  pt-br           --/M      Portuguese_(Brazil) roa/pt-BR            (pt 6)
                """;
        assertThat(EspeakSynthesizer.languages(listing)).containsExactly("cmn", "de", "en", "en-gb", "pt", "pt-br",
                "zh", "zh-cmn");
    }

    /** A stand-in espeak-ng: lists two voices for --voices, else runs {@code body}. */
    private static Path script(Path dir, String body) throws IOException {
        Path file = dir.resolve("fake-espeak-ng");
        Files.writeString(file, "#!/bin/sh\n"
                + "if [ \"$1\" = --voices ]; then\n"
                + "  echo 'Pty Language       Age/Gender VoiceName          File                 Other Languages'\n"
                + "  echo ' 5  de              --/M      German             gmw/de'\n"
                + "  echo ' 5  fr-fr           --/M      French_(France)    roa/fr               (fr 5)'\n"
                + "  exit 0\n"
                + "fi\n"
                + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    static boolean isInstalled() {
        try {
            Process p = new ProcessBuilder("espeak-ng", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
