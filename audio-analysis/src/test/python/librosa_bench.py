#!/usr/bin/env python3
"""librosa's extraction of the features the Java analyser computes, timed in CPU seconds: the baseline of
./tunetrail bench audio. Usage: python3 librosa_bench.py CLIP... ; prints one JSON line.

Per clip: load (22,050 Hz mono, soxr), STFT, mel spectrogram, 20 MFCC, chroma, centroid, bandwidth, contrast,
roll-off, flatness, ZCR, RMS, onset strength, tempo and beats. One untimed warm-up pass first (numba compiles on
first use), then one timed pass. process_time counts every thread of the process, so BLAS threads are charged too.
"""
import json
import sys
import time

import librosa
import numpy as np


def extract(path):
    y, sr = librosa.load(path, sr=22050, mono=True)
    S = np.abs(librosa.stft(y, n_fft=2048, hop_length=512))
    mel = librosa.feature.melspectrogram(S=S**2, sr=sr)
    librosa.feature.mfcc(S=librosa.power_to_db(mel), n_mfcc=20)
    librosa.feature.chroma_stft(S=S**2, sr=sr, tuning=0.0)
    librosa.feature.spectral_centroid(S=S, sr=sr)
    librosa.feature.spectral_bandwidth(S=S, sr=sr)
    librosa.feature.spectral_contrast(S=S, sr=sr)
    librosa.feature.spectral_rolloff(S=S, sr=sr)
    librosa.feature.spectral_flatness(S=S)
    librosa.feature.zero_crossing_rate(y)
    librosa.feature.rms(S=S)
    onset = librosa.onset.onset_strength(S=librosa.power_to_db(mel), sr=sr)
    librosa.beat.beat_track(onset_envelope=onset, sr=sr)
    return len(y) / sr


def main():
    clips = sys.argv[1:]
    for c in clips:
        extract(c)
    start = time.process_time()
    seconds = sum(extract(c) for c in clips)
    cpu = time.process_time() - start
    print(json.dumps({"librosa_version": librosa.__version__, "audio_seconds": seconds, "cpu_seconds": cpu}))


if __name__ == "__main__":
    main()
