package io.tunetrail.api.testing;

import io.javalin.Javalin;
import io.tunetrail.api.ApiSettings;
import io.tunetrail.api.ServingApp;
import io.tunetrail.api.audio.AudioSettings;
import io.tunetrail.api.webhook.WebhookSettings;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.testing.ClickTracks;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** What the audio ITs share: WAVs made here, the app with given audio settings, tracks and the day's audio usage. */
public final class AudioFixtures {
    /** The sample rate of every WAV made here. */
    public static final int RATE = ClickTracks.SAMPLE_RATE;

    private AudioFixtures() {}

    /** The app on the stack with these audio settings (webhooks local, not dispatched). */
    public static Javalin app(ApiTestStack stack, AudioSettings audio) {
        return app(stack, audio, WebhookSettings.local(new TestResolver()));
    }

    public static Javalin app(ApiTestStack stack, AudioSettings audio, WebhookSettings webhooks) {
        return ServingApp.create(stack.stores(), stack.clock, new ApiSettings(stack.plans, ApiTestStack.WEBHOOK_SECRET, 1_048_576, 5_000, 0,
                webhooks).withAudio(audio));
    }

    /** The org's audio_analysis units counted today (the stack's clock), as the limiter keeps them. */
    public static long audioUsedToday(ApiTestStack stack, String org) {
        String v = stack.stores().jedis().get(RedisKeys.usageDay(org, "audio_analysis", LocalDate.ofInstant(stack.clock.instant(), ZoneOffset.UTC)));
        return v == null ? 0 : Long.parseLong(v);
    }

    /** A catalog track of the org. */
    public static void track(ApiTestStack stack, String org, String trackId) {
        stack.sql().update("add a track", "INSERT INTO tracks (org_id, track_id, title, duration_ms, popularity) VALUES (?, ?, ?, 12000, 50)", ps -> {
            ps.setString(1, org);
            ps.setString(2, trackId);
            ps.setString(3, "Track " + trackId);
        });
    }

    /** Mono 16-bit PCM at 22,050 Hz: a 20 ms decaying 1 kHz click on every beat at {@code bpm}, silence between. */
    public static byte[] clickTrackWav(double bpm, double seconds) {
        int n = (int) (seconds * RATE);
        short[] pcm = new short[n];
        int period = (int) Math.round(RATE * 60.0 / bpm);
        int clickLength = RATE / 50;
        for (int start = 0; start < n; start += period) {
            for (int i = 0; i < clickLength && start + i < n; i++) {
                double envelope = Math.exp(-i / (clickLength / 5.0));
                pcm[start + i] = (short) (0.8 * Short.MAX_VALUE * envelope * Math.sin(2 * Math.PI * 1000 * i / RATE));
            }
        }
        return wav(pcm);
    }

    /** A mono 16-bit WAV at {@link #RATE} of these samples. */
    public static byte[] wav(short[] pcm) {
        return ClickTracks.wav(pcm);
    }
}
