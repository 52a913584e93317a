#!/usr/bin/env python3
"""Test fixtures for the lip-sync models, made with PyTorch (Debian's python3-torch 1.13 is enough).

    cd flink-job/src/test/resources/models && /usr/bin/python3 make_lipsync_fixture.py
    /usr/bin/python3 make_lipsync_fixture.py --export-layout /tmp/wav2lip-layout.pt   # only that file

--export-layout FILE traces the full-size published layout below (with the formula weights, so
untrained: 145 MB) to TorchScript, to compare it with the Block-built generator's throughput and
memory (Wav2LipThroughput --torchscript FILE). It is not a fixture.

Writes, next to this script:
  lipsync-fixture.pt              a SMALL TorchScript model with Wav2Lip's signature
                                  forward(audio_sequences [B,1,80,16], face_sequences [B,6,96,96])
                                  -> [B,3,96,96] in (0,1): two convolutions, a transposed convolution
                                  (the op Wav2Lip's decoder uses), sigmoid; fixed seed. Not Wav2Lip.
  lipsync-fixture-expected.f32    its output for the fixed input below, batch 2, float32 little-endian
  lipsync-wrong-shape.pt          same signature, returns [B,3,48,48] (the Java side must refuse it)
  lipsync-not-finite.pt           same signature, returns NaN in frame 0 and +inf in the last frame
  transposed-conv-cases.json      nn.ConvTranspose2d outputs for random weights and inputs, in the two
                                  configurations Wav2Lip's decoder uses, to check the Block-built
                                  replacement against PyTorch itself
  wav2lip-layout-expected.f32     the output, for frame 0 of the fixed input, of the published Wav2Lip
                                  generator's layer layout (Wav2LipLayout below, 36,298,035 parameters)
                                  with every tensor set by the formula in hashed_weights(), so that the
                                  Java test can rebuild the same weights in the Block-built generator
                                  and compare (float32 little-endian, [1,3,96,96])

The fixed input (also computed by the Java test, from integers, so both sides get the same floats):
  mel[i]  = ((i * 104729) % 2001 - 1000) / 250    for i over the flat [2,1,80,16] array (-4..4)
  face[i] = ((i * 7919) % 1000) / 1000            for i over the flat [2,6,96,96] array (0..1)
"""
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 2


class TinyLipSync(nn.Module):
    def __init__(self):
        super().__init__()
        self.audio = nn.Conv2d(1, 8, 3, stride=(5, 2), padding=1)                    # 80x16 -> 16x8
        self.face = nn.Conv2d(6, 8, 3, stride=2, padding=1)                          # 96 -> 48
        self.up = nn.ConvTranspose2d(8, 3, 3, stride=2, padding=1, output_padding=1)  # 48 -> 96

    def forward(self, audio_sequences, face_sequences):
        audio = torch.relu(self.audio(audio_sequences)).mean(dim=(2, 3), keepdim=True)  # [B,8,1,1]
        features = torch.relu(self.face(face_sequences) + audio)
        return torch.sigmoid(self.up(features))


class WrongShape(nn.Module):
    def forward(self, audio_sequences, face_sequences):
        return torch.sigmoid(face_sequences[:, :3, ::2, ::2])


class NotFinite(nn.Module):
    def forward(self, audio_sequences, face_sequences):
        out = face_sequences[:, :3] * 0.5
        out[0, 0, 0, 0] = float("nan")
        out[-1, 2, 95, 95] = float("inf")
        return out


# The published Wav2Lip generator's layer layout (Prajwal et al. 2020, models/wav2lip.py), written
# out here to check the Block-built Java generator against PyTorch with the same weights: Conv2d
# units are conv + BatchNorm (+ the input, for residual units) + ReLU; Conv2dTranspose units are
# transposed conv + BatchNorm + ReLU; decoder outputs are concatenated with the face encoder's.
class Unit(nn.Module):
    def __init__(self, cin, cout, kernel, stride, padding, residual=False, transposed=False, output_padding=0):
        super().__init__()
        conv = (nn.ConvTranspose2d(cin, cout, kernel, stride, padding, output_padding) if transposed
                else nn.Conv2d(cin, cout, kernel, stride, padding))
        self.conv_block = nn.Sequential(conv, nn.BatchNorm2d(cout))
        self.residual = residual

    def forward(self, x):
        out = self.conv_block(x)
        if self.residual:
            out = out + x
        return torch.relu(out)


def residuals(channels, count):
    return [Unit(channels, channels, 3, 1, 1, residual=True) for _ in range(count)]


def up(cin, cout):
    return Unit(cin, cout, 3, 2, 1, transposed=True, output_padding=1)


class Wav2LipLayout(nn.Module):
    def __init__(self):
        super().__init__()
        S = nn.Sequential
        self.face_encoder_blocks = nn.ModuleList([
            S(Unit(6, 16, 7, 1, 3)),
            S(Unit(16, 32, 3, 2, 1), *residuals(32, 2)),
            S(Unit(32, 64, 3, 2, 1), *residuals(64, 3)),
            S(Unit(64, 128, 3, 2, 1), *residuals(128, 2)),
            S(Unit(128, 256, 3, 2, 1), *residuals(256, 2)),
            S(Unit(256, 512, 3, 2, 1), *residuals(512, 1)),
            S(Unit(512, 512, 3, 1, 0), Unit(512, 512, 1, 1, 0))])
        self.audio_encoder = S(
            Unit(1, 32, 3, 1, 1), *residuals(32, 2),
            Unit(32, 64, 3, (3, 1), 1), *residuals(64, 2),
            Unit(64, 128, 3, 3, 1), *residuals(128, 2),
            Unit(128, 256, 3, (3, 2), 1), *residuals(256, 1),
            Unit(256, 512, 3, 1, 0), Unit(512, 512, 1, 1, 0))
        self.face_decoder_blocks = nn.ModuleList([
            S(Unit(512, 512, 1, 1, 0)),
            S(Unit(1024, 512, 3, 1, 0, transposed=True), *residuals(512, 1)),
            S(up(1024, 512), *residuals(512, 2)),
            S(up(768, 384), *residuals(384, 2)),
            S(up(512, 256), *residuals(256, 2)),
            S(up(320, 128), *residuals(128, 2)),
            S(up(160, 64), *residuals(64, 2))])
        self.output_block = S(Unit(80, 32, 3, 1, 1), nn.Conv2d(32, 3, 1, 1, 0), nn.Sigmoid())

    def forward(self, audio_sequences, face_sequences):
        x = self.audio_encoder(audio_sequences)
        feats = []
        f = face_sequences
        for block in self.face_encoder_blocks:
            f = block(f)
            feats.append(f)
        for block in self.face_decoder_blocks:
            x = torch.cat((block(x), feats.pop()), dim=1)
        return self.output_block(x)


def unit_values(tensor_index, count):
    """splitmix64 of (tensor_index << 32) + element index, top 24 bits, in [0, 1); exact in Java too."""
    z = (np.uint64(tensor_index) << np.uint64(32)) + np.arange(count, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(40)).astype(np.float64) / 16777216.0


def hashed_weights(model):
    """Every tensor of the state_dict in module order, from unit_values(tensor index, size)."""
    index = 0

    def fill(tensor, values):
        nonlocal index
        tensor.copy_(torch.from_numpy(values.astype(np.float32).reshape(tensor.shape)))
        index += 1

    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
                w = module.weight
                fan_in = w.shape[1] * w.shape[2] * w.shape[3]
                fill(w, (2 * unit_values(index, w.numel()) - 1) * (1.7 / math.sqrt(fan_in)))
                fill(module.bias, (2 * unit_values(index, module.bias.numel()) - 1) * 0.1)
            elif isinstance(module, nn.BatchNorm2d):
                n = module.weight.numel()
                fill(module.weight, 1 + 0.3 * (2 * unit_values(index, n) - 1))
                fill(module.bias, 0.2 * (2 * unit_values(index, n) - 1))
                fill(module.running_mean, 0.2 * (2 * unit_values(index, n) - 1))
                fill(module.running_var, 1.2 + 0.4 * (2 * unit_values(index, n) - 1))
    return index


def fixed_inputs(batch):
    mel = ((np.arange(batch * 1 * 80 * 16, dtype=np.int64) * 104729) % 2001 - 1000).astype(np.float32) / np.float32(250)
    face = ((np.arange(batch * 6 * 96 * 96, dtype=np.int64) * 7919) % 1000).astype(np.float32) / np.float32(1000)
    return (torch.from_numpy(mel.reshape(batch, 1, 80, 16)), torch.from_numpy(face.reshape(batch, 6, 96, 96)))


def transposed_case(cin, cout, height, width, stride, padding, output_padding, batch, seed):
    torch.manual_seed(seed)
    layer = nn.ConvTranspose2d(cin, cout, 3, stride=stride, padding=padding, output_padding=output_padding)
    x = torch.randn(batch, cin, height, width)
    with torch.no_grad():
        y = layer(x)
    return {
        "stride": stride, "padding": padding, "output_padding": output_padding,
        "input_shape": list(x.shape), "weight_shape": list(layer.weight.shape), "output_shape": list(y.shape),
        "input": x.flatten().tolist(), "weight": layer.weight.detach().flatten().tolist(),
        "bias": layer.bias.detach().flatten().tolist(), "output": y.flatten().tolist(),
    }


def main():
    torch.manual_seed(1234)
    mel, face = fixed_inputs(BATCH)
    model = TinyLipSync().eval()
    with torch.no_grad():
        traced = torch.jit.trace(model, (mel, face))
        expected = traced(mel, face)
        assert torch.equal(expected, model(mel, face))
    assert expected.shape == (BATCH, 3, 96, 96)
    traced.save(os.path.join(HERE, "lipsync-fixture.pt"))
    expected.numpy().astype("<f4").tofile(os.path.join(HERE, "lipsync-fixture-expected.f32"))

    torch.jit.script(WrongShape()).save(os.path.join(HERE, "lipsync-wrong-shape.pt"))
    torch.jit.script(NotFinite()).save(os.path.join(HERE, "lipsync-not-finite.pt"))

    cases = {
        # Wav2Lip's upsampling decoder stages: ConvTranspose2d(k=3, stride=2, padding=1, output_padding=1)
        "stride2": transposed_case(5, 4, 6, 7, 2, 1, 1, batch=2, seed=7),
        # the first decoder stage: ConvTranspose2d(k=3, stride=1, padding=0) on the 1x1 audio-face embedding
        "point": transposed_case(12, 5, 1, 1, 1, 0, 0, batch=3, seed=8),
    }
    with open(os.path.join(HERE, "transposed-conv-cases.json"), "w") as f:
        json.dump(cases, f)

    layout = Wav2LipLayout().eval()
    assert sum(p.numel() for p in layout.parameters()) == 36_298_035
    tensors = hashed_weights(layout)
    with torch.no_grad():
        layout_out = layout(*fixed_inputs(1))
    assert layout_out.shape == (1, 3, 96, 96)
    layout_out.numpy().astype("<f4").tofile(os.path.join(HERE, "wav2lip-layout-expected.f32"))
    print("Wav2Lip layout: %d tensors, output mean %.6f min %.6f max %.6f"
          % (tensors, layout_out.mean(), layout_out.min(), layout_out.max()))
    print("expected output: mean %.6f min %.6f max %.6f" % (expected.mean(), expected.min(), expected.max()))


def export_layout(path):
    layout = Wav2LipLayout().eval()
    hashed_weights(layout)
    with torch.no_grad():
        traced = torch.jit.trace(layout, fixed_inputs(2))
    traced.save(path)
    print("traced the Wav2Lip layout to", path)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--export-layout":
        export_layout(sys.argv[2])
    else:
        main()
