#!/usr/bin/env python3
"""Reference values from librosa for the shared audio clips: the oracle the Java analyser's tests compare against.

Usage: python3 librosa_reference.py CLIPS_DIR OUT_DIR   (pip install librosa; 0.11 was used for the committed fixtures)

Writes OUT_DIR/<clip>.json per clip with: librosa's version, the clip's duration, its tempo and beat times (whole
clip), and, for the first EXCERPT_SECONDS, the onset-strength envelope and every STRIDE-th frame of the 20 MFCCs and
the 12-bin chroma. The settings are the analyser's: 22,050 Hz mono, n_fft 2048, hop 512, 128 Slaney mel bands; chroma
with tuning fixed at 0 (the analyser does not estimate tuning). Only numbers are committed, never audio.
"""
import json
import pathlib
import sys

import librosa
import numpy as np

SR = 22050
HOP = 512
EXCERPT_SECONDS = 15.0
STRIDE = 16


def rounded(a, digits=4):
    return [float(f"{x:.{digits}g}") for x in np.asarray(a, dtype=float).ravel()]


def reference(path):
    y, sr = librosa.load(path, sr=SR, mono=True)
    onset = librosa.onset.onset_strength(y=y, sr=sr, hop_length=HOP)
    tempo, beats = librosa.beat.beat_track(onset_envelope=onset, sr=sr, hop_length=HOP, units="time")
    n = int(EXCERPT_SECONDS * sr / HOP)
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=20, hop_length=HOP)[:, :n:STRIDE]
    chroma = librosa.feature.chroma_stft(y=y, sr=sr, hop_length=HOP, tuning=0.0)[:, :n:STRIDE]
    return {
        "librosa_version": librosa.__version__,
        "clip": path.name,
        "sample_rate": SR,
        "hop_length": HOP,
        "duration_seconds": round(len(y) / sr, 3),
        "tempo_bpm": round(float(np.atleast_1d(tempo)[0]), 3),
        "beat_times": [round(float(t), 3) for t in beats],
        "onset_strength": {"frames": int(min(n, onset.shape[-1])), "values": rounded(onset[:n], 3)},
        "frame_stride": STRIDE,
        "mfcc": [rounded(mfcc[:, j]) for j in range(mfcc.shape[1])],
        "chroma": [rounded(chroma[:, j], 3) for j in range(chroma.shape[1])],
    }


def main():
    clips, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(clips.glob("*.ogg")):
        ref = reference(path)
        (out / (path.stem + ".json")).write_text(json.dumps(ref, separators=(",", ":")) + "\n")
        print(path.stem, ref["duration_seconds"], "s", ref["tempo_bpm"], "BPM", len(ref["beat_times"]), "beats")


if __name__ == "__main__":
    main()
