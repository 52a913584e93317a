#!/usr/bin/python3
"""Writes the voice-model fixtures next to this script (run it again after changing it).

voice-fixture.pt is a tiny deterministic stand-in for a voice model with the voice stage's
TorchScript contract: forward(audio[B, N]) -> audio[B, N], float32 in [-1, 1], at 24 kHz.
It is no AI: a fixed 31-tap low-pass FIR (Hann-windowed sinc, cut-off 6 kHz at 24 kHz, unit DC
gain) with 'same' padding (15 zeros each side, so the length is kept), then a gain of 0.8.
The weights are computed here, not trained, so the file is the same on every run.

voice-fixture-expected.json holds a fixed input batch (2 x 200) and the output of the scripted
model on it, which the Java test must reproduce.

Three broken models test how the voice stage reports a model that breaks the contract:
voice-broken-shape.pt drops the last sample, voice-broken-nan.pt returns NaN for every sample and
voice-broken-raises.pt raises an error.

Run with Debian's python3-torch (1.13): /usr/bin/python3 make_voice_fixture.py
The output is the same on every run; TorchScript records this script's path for its tracebacks,
so running it from another checkout changes the .pt bytes but not what the models compute.
"""
import json
import math
import os

import torch

TAPS = 31
CUTOFF = 0.25  # cycles per sample: 6 kHz at 24 kHz
GAIN = 0.8


def lowpass_taps():
    half = (TAPS - 1) // 2
    taps = []
    for i in range(TAPS):
        t = i - half
        sinc = 2 * CUTOFF if t == 0 else math.sin(2 * math.pi * CUTOFF * t) / (math.pi * t)
        hann = 0.5 - 0.5 * math.cos(2 * math.pi * i / (TAPS - 1))
        taps.append(sinc * hann)
    total = sum(taps)
    return [t / total for t in taps]


class VoiceFixture(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("fir", torch.tensor(lowpass_taps(), dtype=torch.float32).reshape(1, 1, TAPS))
        self.padding = (TAPS - 1) // 2
        self.gain = GAIN

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        y = torch.nn.functional.conv1d(audio.unsqueeze(1), self.fir, padding=self.padding)
        return y.squeeze(1) * self.gain


class DropsLastSample(torch.nn.Module):
    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        return audio[:, :-1]


class ReturnsNaN(torch.nn.Module):
    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        return audio * float("nan")


class Raises(torch.nn.Module):
    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        if audio.shape[1] > 0:
            raise RuntimeError("this voice model always fails")
        return audio


def fixed_input():
    n = torch.arange(200, dtype=torch.float64)
    a = 0.5 * torch.sin(2 * math.pi * 440.0 * n / 24000.0) + 0.3 * torch.sin(2 * math.pi * 9000.0 * n / 24000.0)
    b = 0.9 * torch.sign(torch.sin(2 * math.pi * 300.0 * n / 24000.0))  # a square wave: lots of highs
    b[0] = 0.0
    return torch.stack([a, b]).to(torch.float32)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    module = torch.jit.script(VoiceFixture().eval())
    module.save(os.path.join(here, "voice-fixture.pt"))
    reloaded = torch.jit.load(os.path.join(here, "voice-fixture.pt"))
    x = fixed_input()
    with torch.no_grad():
        y = reloaded(x)
    assert y.shape == x.shape
    expected = {
        "description": "input [2, 200] and the output of voice-fixture.pt on it (float32 values)",
        "input": x.tolist(),
        "output": y.tolist(),
    }
    with open(os.path.join(here, "voice-fixture-expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")
    for module, file in ((DropsLastSample(), "voice-broken-shape.pt"), (ReturnsNaN(), "voice-broken-nan.pt"),
                         (Raises(), "voice-broken-raises.pt")):
        torch.jit.script(module).save(os.path.join(here, file))


if __name__ == "__main__":
    main()
