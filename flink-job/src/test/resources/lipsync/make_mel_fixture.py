#!/usr/bin/python3
"""Reference mel spectrograms for MelSpectrogramTest: Wav2Lip's audio features (audio.py with the
default hparams) computed on deterministic test signals.

Wav2Lip calls librosa 0.7 (librosa.stft and librosa.filters.mel). librosa is not packaged for
Debian 12 and PyPI is out of reach here, so this script carries librosa 0.7.0's formulas itself,
with numpy and scipy only (Debian's python3-numpy and python3-scipy):

- librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm=1, dtype=np.float32), with
  librosa.core.time_frequency.fft_frequencies, mel_frequencies, hz_to_mel and mel_to_hz (Slaney's
  mel scale: linear below 1 kHz, logarithmic above; each triangle scaled to unit area, 'slaney');
- librosa.core.spectrum.stft(y, n_fft, hop_length, win_length, window='hann', center=True,
  dtype=np.complex64, pad_mode='reflect'), with util.pad_center and util.frame;
- librosa.core.load's conversion of 16-bit PCM to float32 (util.buf_to_float: x / 32768).

The dtypes are librosa's (float32 filter bank, complex64 STFT), so the fixture is what Wav2Lip
itself computes, float32 rounding included. The rest is Wav2Lip's audio.py: preemphasis
(scipy.signal.lfilter([1, -0.97], [1], wav)), _amp_to_db, _normalize (symmetric, clipped).

Run from this directory:  /usr/bin/python3 make_mel_fixture.py
Writes, for each signal NAME:
  NAME.s16.npy  the input, int16 mono at 16 kHz
  NAME.mel.npy  the expected mel spectrogram, float32 [80, 1 + len // 200]
"""

import numpy as np
import scipy.signal

# Wav2Lip hparams.py
SAMPLE_RATE = 16000
N_FFT = 800
HOP_SIZE = 200
WIN_SIZE = 800
NUM_MELS = 80
FMIN = 55
FMAX = 7600
PREEMPHASIS = 0.97
MIN_LEVEL_DB = -100
REF_LEVEL_DB = 20
MAX_ABS_VALUE = 4.0


# --- librosa 0.7.0, core/time_frequency.py -------------------------------------------------------

def hz_to_mel(frequencies, htk=False):
    frequencies = np.asanyarray(frequencies)
    assert not htk
    f_min = 0.0
    f_sp = 200.0 / 3
    mels = (frequencies - f_min) / f_sp
    min_log_hz = 1000.0
    min_log_mel = (min_log_hz - f_min) / f_sp
    logstep = np.log(6.4) / 27.0
    if frequencies.ndim:
        log_t = (frequencies >= min_log_hz)
        mels[log_t] = min_log_mel + np.log(frequencies[log_t] / min_log_hz) / logstep
    elif frequencies >= min_log_hz:
        mels = min_log_mel + np.log(frequencies / min_log_hz) / logstep
    return mels


def mel_to_hz(mels, htk=False):
    mels = np.asanyarray(mels)
    assert not htk
    f_min = 0.0
    f_sp = 200.0 / 3
    freqs = f_min + f_sp * mels
    min_log_hz = 1000.0
    min_log_mel = (min_log_hz - f_min) / f_sp
    logstep = np.log(6.4) / 27.0
    if mels.ndim:
        log_t = (mels >= min_log_mel)
        freqs[log_t] = min_log_hz * np.exp(logstep * (mels[log_t] - min_log_mel))
    elif mels >= min_log_mel:
        freqs = min_log_hz * np.exp(logstep * (mels - min_log_mel))
    return freqs


def fft_frequencies(sr=22050, n_fft=2048):
    return np.linspace(0, float(sr) / 2, int(1 + n_fft // 2), endpoint=True)


def mel_frequencies(n_mels=128, fmin=0.0, fmax=11025.0, htk=False):
    min_mel = hz_to_mel(fmin, htk=htk)
    max_mel = hz_to_mel(fmax, htk=htk)
    mels = np.linspace(min_mel, max_mel, n_mels)
    return mel_to_hz(mels, htk=htk)


# --- librosa 0.7.0, filters.py --------------------------------------------------------------------

def mel(sr, n_fft, n_mels=128, fmin=0.0, fmax=None, htk=False, norm=1, dtype=np.float32):
    if fmax is None:
        fmax = float(sr) / 2
    assert norm == 1
    n_mels = int(n_mels)
    weights = np.zeros((n_mels, int(1 + n_fft // 2)), dtype=dtype)
    fftfreqs = fft_frequencies(sr=sr, n_fft=n_fft)
    mel_f = mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    if norm == 1:
        enorm = 2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels])
        weights *= enorm[:, np.newaxis]
    assert np.all((mel_f[:-2] == 0) | (weights.max(axis=1) > 0)), "empty mel filter"
    return weights


# --- librosa 0.7.0, core/spectrum.py and util/utils.py --------------------------------------------

def pad_center(data, size, axis=-1, **kwargs):
    kwargs.setdefault('mode', 'constant')
    n = data.shape[axis]
    lpad = int((size - n) // 2)
    lengths = [(0, 0)] * data.ndim
    lengths[axis] = (lpad, int(size - n - lpad))
    assert lpad >= 0
    return np.pad(data, lengths, **kwargs)


def frame(y, frame_length=2048, hop_length=512):
    assert len(y) >= frame_length
    n_frames = 1 + int((len(y) - frame_length) / hop_length)
    return np.lib.stride_tricks.as_strided(
        y, shape=(frame_length, n_frames), strides=(y.itemsize, hop_length * y.itemsize))


def stft(y, n_fft=2048, hop_length=None, win_length=None, window='hann', center=True,
         dtype=np.complex64, pad_mode='reflect'):
    if win_length is None:
        win_length = n_fft
    if hop_length is None:
        hop_length = int(win_length // 4)
    fft_window = scipy.signal.get_window(window, win_length, fftbins=True)
    fft_window = pad_center(fft_window, n_fft)
    fft_window = fft_window.reshape((-1, 1))
    assert np.all(np.isfinite(y)) and y.ndim == 1
    if center:
        y = np.pad(y, int(n_fft // 2), mode=pad_mode)
    y_frames = frame(np.ascontiguousarray(y), frame_length=n_fft, hop_length=hop_length)
    stft_matrix = np.empty((int(1 + n_fft // 2), y_frames.shape[1]), dtype=dtype, order='F')
    # librosa fills it in blocks of columns; the values do not depend on the block size
    stft_matrix[:, :] = np.fft.fft(fft_window * y_frames, axis=0)[:stft_matrix.shape[0]]
    return stft_matrix


# --- Wav2Lip audio.py -----------------------------------------------------------------------------

def melspectrogram(wav):
    y = scipy.signal.lfilter([1, -PREEMPHASIS], [1], wav)
    d = stft(y, n_fft=N_FFT, hop_length=HOP_SIZE, win_length=WIN_SIZE)
    basis = mel(sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=NUM_MELS, fmin=FMIN, fmax=FMAX)
    s = np.dot(basis, np.abs(d))
    min_level = np.exp(MIN_LEVEL_DB / 20 * np.log(10))
    s = 20 * np.log10(np.maximum(min_level, s)) - REF_LEVEL_DB
    return np.clip((2 * MAX_ABS_VALUE) * ((s - MIN_LEVEL_DB) / (-MIN_LEVEL_DB)) - MAX_ABS_VALUE,
                   -MAX_ABS_VALUE, MAX_ABS_VALUE)


# --- test signals ---------------------------------------------------------------------------------

def speechlike():
    """1.3 s: a 100-3000 Hz chirp, tones at 440 and 1750 Hz, a silent gap, seeded noise."""
    n = int(1.3 * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    chirp = 0.3 * scipy.signal.chirp(t, f0=100, t1=1.3, f1=3000, method='logarithmic')
    tones = 0.2 * np.sin(2 * np.pi * 440 * t) + 0.1 * np.sin(2 * np.pi * 1750 * t + 0.3)
    x = chirp + tones
    x[int(0.60 * SAMPLE_RATE):int(0.75 * SAMPLE_RATE)] = 0.0  # silence: mels clip at -4
    x += 0.01 * np.random.default_rng(20251126).standard_normal(n)
    return np.round(np.clip(x, -1, 1) * 32767).astype(np.int16)


def short():
    """150 samples, fewer than the 400 that center padding reflects: numpy reflects repeatedly."""
    t = np.arange(150) / SAMPLE_RATE
    return np.round(0.5 * np.sin(2 * np.pi * 1000 * t) * 32767).astype(np.int16)


def main():
    for name, s16 in (('speechlike', speechlike()), ('short', short())):
        wav = s16.astype(np.float32) / 32768.0  # librosa.load: util.buf_to_float
        m = melspectrogram(wav).astype(np.float32)
        assert m.shape == (NUM_MELS, 1 + len(s16) // HOP_SIZE), m.shape
        np.save(name + '.s16.npy', s16)
        np.save(name + '.mel.npy', m)
        print('%s: %d samples -> mel %s, range %.3f..%.3f' % (name, len(s16), m.shape, m.min(), m.max()))


if __name__ == '__main__':
    main()
