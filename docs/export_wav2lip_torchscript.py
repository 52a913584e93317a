#!/usr/bin/env python3
"""Exports an official Wav2Lip generator checkpoint (wav2lip_gan.pth or wav2lip.pth) to TorchScript,
the form dubstream loads (--lipsync-model FILE.pt): DJL cannot read torch.save .pth files.

    git clone https://github.com/Rudrabha/Wav2Lip
    # download wav2lip_gan.pth as the Wav2Lip README says (research / non-commercial use only)
    python3 docs/export_wav2lip_torchscript.py --wav2lip-repo Wav2Lip \
        --checkpoint wav2lip_gan.pth --output wav2lip_gan.pt

What it does: builds the repository's models.Wav2Lip, loads the checkpoint's "state_dict" with the
"module." prefixes of a DataParallel training run stripped (as the repository's inference.py
does), switches to eval mode (BatchNorm on its running statistics), traces forward(audio_sequences
[B, 1, 80, 16], face_sequences [B, 6, 96, 96]) with example inputs of those shapes (4-D inputs:
the trace keeps the per-frame path of Wav2Lip's forward, not the [B, T, ...] sequence path), checks
the saved file against the eager model at another batch size, and saves it. The trace is made on
the CPU; DJL moves it to the GPU when it loads it there.

Needs PyTorch (any version from 1.x; DJL 0.33 runs the file on PyTorch 2.5.1) and the repository
checkout (for models/wav2lip.py); nothing else of Wav2Lip's requirements.
"""
import argparse
import os
import sys

import torch


def load_state_dict(path, trust):
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=not trust)
    except TypeError:  # PyTorch < 1.13 has no weights_only
        checkpoint = torch.load(path, map_location="cpu")
    except Exception as e:  # weights_only refused something that is not a tensor
        sys.exit(f"cannot read {path} with weights_only=True ({e}); if you trust the file, "
                 "run again with --trust-checkpoint")
    state = checkpoint["state_dict"] if "state_dict" in checkpoint else checkpoint
    return {key.replace("module.", ""): value for key, value in state.items()}


def example_inputs(batch, seed):
    generator = torch.Generator().manual_seed(seed)
    mels = torch.rand(batch, 1, 80, 16, generator=generator) * 8 - 4    # Wav2Lip's mels lie in [-4, 4]
    faces = torch.rand(batch, 6, 96, 96, generator=generator)          # faces in [0, 1]
    faces[:, :3, 48:] = 0                                              # the masked lower half
    return mels, faces


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", required=True, help="wav2lip_gan.pth or wav2lip.pth")
    parser.add_argument("--output", required=True, help="the TorchScript file to write (.pt)")
    parser.add_argument("--wav2lip-repo", default=".", help="a checkout of github.com/Rudrabha/Wav2Lip")
    parser.add_argument("--trust-checkpoint", action="store_true",
                        help="load the checkpoint with pickle (weights_only=False)")
    args = parser.parse_args()

    sys.path.insert(0, os.path.abspath(args.wav2lip_repo))
    from models import Wav2Lip  # the official generator, from the checkout

    model = Wav2Lip()
    model.load_state_dict(load_state_dict(args.checkpoint, args.trust_checkpoint))
    model.eval()
    parameters = sum(p.numel() for p in model.parameters())
    print(f"loaded {args.checkpoint}: {parameters:,} parameters")

    with torch.no_grad():
        traced = torch.jit.trace(model, example_inputs(4, seed=1))
    traced.save(args.output)

    reloaded = torch.jit.load(args.output, map_location="cpu")
    with torch.no_grad():
        mels, faces = example_inputs(3, seed=2)   # another batch size: the batch must not be baked in
        expected = model(mels, faces)
        actual = reloaded(mels, faces)
    if actual.shape != (3, 3, 96, 96):
        sys.exit(f"the exported model returns {tuple(actual.shape)}, expected (3, 3, 96, 96)")
    difference = (actual - expected).abs().max().item()
    if difference > 1e-4:
        sys.exit(f"the exported model differs from the checkpoint's by {difference}")
    print(f"wrote {args.output} ({os.path.getsize(args.output) / 1e6:.1f} MB); output range "
          f"{actual.min().item():.3f}..{actual.max().item():.3f}, max difference to eager {difference:.2e}")


if __name__ == "__main__":
    main()
