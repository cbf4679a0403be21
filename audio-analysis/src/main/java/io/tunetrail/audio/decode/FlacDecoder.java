package io.tunetrail.audio.decode;

import io.tunetrail.audio.AudioInputException;
import io.tunetrail.audio.AudioInputException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.jflac.PCMProcessor;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

/** FLAC through jflac-codec, whose PCM arrives as little-endian signed integers of the stream's bit depth. */
final class FlacDecoder {
    private FlacDecoder() {}

    static void decode(byte[] bytes, PcmCollector out) throws AudioInputException {
        org.jflac.FLACDecoder decoder = new org.jflac.FLACDecoder(new ByteArrayInputStream(bytes));
        Listener listener = new Listener(out);
        decoder.addPCMProcessor(listener);
        try {
            decoder.decode();
        } catch (IOException | RuntimeException e) {
            if (listener.failure == null) {
                throw new AudioInputException(Reason.UNDECODABLE, "FLAC: " + e, e);
            }
        }
        if (listener.failure != null) {
            throw listener.failure;
        }
        if (decoder.getBadFrames() > 0) {
            throw new AudioInputException(Reason.UNDECODABLE, "FLAC: " + decoder.getBadFrames() + " corrupt frames");
        }
    }

    /** jflac's callbacks cannot throw checked exceptions: the first failure is kept and decoding is cut short. */
    private static final class Listener implements PCMProcessor {
        private final PcmCollector out;
        private int channels;
        private int bits;
        AudioInputException failure;

        Listener(PcmCollector out) {
            this.out = out;
        }

        @Override
        public void processStreamInfo(StreamInfo info) {
            channels = info.getChannels();
            bits = info.getBitsPerSample();
            try {
                out.start(channels, info.getSampleRate());
            } catch (AudioInputException e) {
                stop(e);
            }
        }

        @Override
        public void processPCM(ByteData pcm) {
            if (failure != null || channels == 0) {
                return;
            }
            int bytesPerSample = (bits + 7) / 8;
            int samples = pcm.getLen() / bytesPerSample;
            int frames = samples / channels;
            byte[] d = pcm.getData();
            float[] buf = new float[frames * channels];
            float scale = 1f / (1L << (bits - 1));
            for (int i = 0; i < frames * channels; i++) {
                int p = i * bytesPerSample;
                int v = switch (bytesPerSample) {
                    case 1 -> bits == 8 ? d[p] : d[p];
                    case 2 -> (short) ((d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8);
                    case 3 -> (d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8 | d[p + 2] << 16;
                    default -> (d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8 | (d[p + 2] & 0xFF) << 16 | d[p + 3] << 24;
                };
                buf[i] = v * scale;
            }
            try {
                out.accept(buf, frames);
            } catch (AudioInputException e) {
                stop(e);
            }
        }

        private void stop(AudioInputException e) {
            failure = e;
            // Unwinds jflac's decode loop; decode() rethrows the kept failure.
            throw new IllegalStateException(e.getMessage());
        }
    }
}
