#!/usr/bin/python3
"""Writes the speech-synthesis (TTS) fixtures next to this script (run it again after changing it).

tts-fixture.tts.pt is a tiny deterministic stand-in for a TTS model with the synthesis stage's
TorchScript contract, at 24 kHz:

    forward(tokens: int64[B, T], token_lengths: int64[B], prompt: float32[B, P], prompt_lengths: int64[B])
        -> (audio: float32[B, N], audio_lengths: int64[B])

It is no AI: token k (1..256, a UTF-8 byte + 1; 0 pads) becomes a burst of HOP samples of
sin(2 pi (100 + 10 k) j / 24000), j = 0..HOP-1, times an amplitude 0.4 * (0.5 + min(rms, 1)) where
rms is the root mean square of the line's prompt (its first prompt_lengths samples; 0 when empty),
so the prompt changes the output. N = T * HOP; audio_lengths = token_lengths * HOP; padding is 0.

tts-fixture-expected.json holds two lines (texts of different lengths, prompts of different
loudness and lengths, already at 24 kHz) and the scripted model's output on them, which the Java
side must reproduce after tokenizing the texts itself (UTF-8 bytes + 1).

Broken models test how a model that breaks the contract is reported: tts-broken-nan.tts.pt returns
NaN audio, tts-broken-shape.tts.pt returns audio_lengths longer than the audio it returns and
tts-broken-raises.tts.pt raises an error.

Run with Debian's python3-torch (1.13): /usr/bin/python3 make_tts_fixture.py
"""
import json
import math
import os
from typing import Tuple

import torch

RATE = 24000
HOP = 240  # 10 ms per token


class TtsFixture(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hop = HOP
        self.rate = RATE

    def forward(self, tokens: torch.Tensor, token_lengths: torch.Tensor, prompt: torch.Tensor,
                prompt_lengths: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        b = tokens.shape[0]
        t = tokens.shape[1]
        p = prompt.shape[1]
        prompt_mask = (torch.arange(p).unsqueeze(0) < prompt_lengths.unsqueeze(1)).to(torch.float32)
        energy = (prompt * prompt * prompt_mask).sum(dim=1)
        rms = torch.sqrt(energy / torch.clamp(prompt_lengths, min=1).to(torch.float32))
        amplitude = 0.4 * (0.5 + torch.clamp(rms, max=1.0))  # [B]
        j = torch.arange(self.hop, dtype=torch.float32)  # [HOP]
        freq = 100.0 + 10.0 * tokens.to(torch.float32)  # [B, T]
        bursts = torch.sin(2.0 * math.pi * freq.unsqueeze(2) * j / self.rate)  # [B, T, HOP]
        token_mask = (torch.arange(t).unsqueeze(0) < token_lengths.unsqueeze(1)) & (tokens > 0)
        bursts = bursts * token_mask.unsqueeze(2).to(torch.float32) * amplitude.view(b, 1, 1)
        return bursts.reshape(b, t * self.hop), token_lengths * self.hop


class ReturnsNaN(torch.nn.Module):
    def forward(self, tokens: torch.Tensor, token_lengths: torch.Tensor, prompt: torch.Tensor,
                prompt_lengths: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        audio = torch.zeros(tokens.shape[0], tokens.shape[1] * 240) * float("nan")
        return audio, token_lengths * 240


class LengthsBeyondAudio(torch.nn.Module):
    def forward(self, tokens: torch.Tensor, token_lengths: torch.Tensor, prompt: torch.Tensor,
                prompt_lengths: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        audio = torch.zeros(tokens.shape[0], tokens.shape[1] * 240)
        return audio, token_lengths * 240 + 1


class Raises(torch.nn.Module):
    def forward(self, tokens: torch.Tensor, token_lengths: torch.Tensor, prompt: torch.Tensor,
                prompt_lengths: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        if tokens.shape[0] > 0:
            raise RuntimeError("this TTS model always fails")
        return prompt, prompt_lengths


def tokens(text):
    return [b + 1 for b in text.encode("utf-8")]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "tts-fixture.tts.pt")
    torch.jit.script(TtsFixture().eval()).save(path)
    model = torch.jit.load(path)

    texts = ["Oui.", "Ça va très bien !"]
    n = torch.arange(300, dtype=torch.float64)
    prompts = [(0.5 * torch.sin(2 * math.pi * 200.0 * n / RATE)).tolist(),  # rms ~0.354
               (0.1 * torch.sin(2 * math.pi * 300.0 * n[:120] / RATE)).tolist()]  # rms ~0.071, shorter
    toks = [tokens(t) for t in texts]
    t_max = max(len(t) for t in toks)
    p_max = max(len(p) for p in prompts)
    tok = torch.tensor([t + [0] * (t_max - len(t)) for t in toks], dtype=torch.int64)
    tok_len = torch.tensor([len(t) for t in toks], dtype=torch.int64)
    pr = torch.tensor([p + [0.0] * (p_max - len(p)) for p in prompts], dtype=torch.float32)
    pr_len = torch.tensor([len(p) for p in prompts], dtype=torch.int64)
    with torch.no_grad():
        audio, lengths = model(tok, tok_len, pr, pr_len)
    assert audio.shape == (2, t_max * HOP) and lengths.tolist() == [len(t) * HOP for t in toks]
    expected = {
        "description": "two lines and the output of tts-fixture.tts.pt on them (float32 values, each cut to its length)",
        "rate": RATE,
        "texts": texts,
        "tokens": toks,
        "prompts": [[float(v) for v in pr[i, :len(prompts[i])]] for i in range(2)],
        "audio": [audio[i, :lengths[i]].tolist() for i in range(2)],
    }
    with open(os.path.join(here, "tts-fixture-expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")
    for module, file in ((ReturnsNaN(), "tts-broken-nan.tts.pt"), (LengthsBeyondAudio(), "tts-broken-shape.tts.pt"),
                         (Raises(), "tts-broken-raises.tts.pt")):
        torch.jit.script(module).save(os.path.join(here, file))


if __name__ == "__main__":
    main()
