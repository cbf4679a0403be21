package io.tunetrail.apiclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.OnlineSeeds;
import io.tunetrail.client.ApiClient;
import io.tunetrail.client.ApiException;
import io.tunetrail.client.api.AnalyticsApi;
import io.tunetrail.client.api.CatalogApi;
import io.tunetrail.client.api.RecommendationsApi;
import io.tunetrail.client.model.ArtistRequest;
import io.tunetrail.client.model.GenreRequest;
import io.tunetrail.client.model.Item;
import io.tunetrail.client.model.Recommendations;
import io.tunetrail.client.model.Report;
import io.tunetrail.client.model.Row;
import io.tunetrail.client.model.Track;
import io.tunetrail.client.model.TrackRequest;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Java client generated at build time from the API's OpenAPI document (openapi-generator, library native) calls the
 * running API on loopback: its answers arrive as typed models, so a document without response schemas, or one the
 * code no longer matches, fails here.
 */
class GeneratedClientIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    private static ApiClient client(String origin, String key) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(origin);
        client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + key));
        return client;
    }

    @Test
    void theGeneratedClientReadsTypedAnswersOfTheRunningApi() {
        String org = stack.org("generated-client", "pro");
        String key = stack.key(org, "read", "write", "admin");
        JavalinTest.test(stack.app(), (server, http) -> {
            ApiClient api = client(http.getOrigin(), key);
            CatalogApi catalog = new CatalogApi(api);

            // POSTs with bodies: typed requests in, typed answers out.
            catalog.postApiV1Genres(new GenreRequest().genreId("jazz").name("Jazz"));
            catalog.postApiV1Artists(new ArtistRequest().artistId("monk").name("Thelonious Monk"));
            for (int i = 1; i <= 3; i++) {
                Track created = catalog.postApiV1Tracks(new TrackRequest().trackId("t" + i).title("Track " + i).artistId("monk")
                        .durationMs(180_000L + i).releaseYear(1957).addGenreIdsItem("jazz"));
                assertThat(created.getTrackId()).isEqualTo("t" + i);
                assertThat(created.getDurationMs()).isEqualTo(180_000L + i);
            }
            Track read = catalog.getApiV1TracksTrackId("t2");
            assertThat(read.getTitle()).isEqualTo("Track 2");
            assertThat(read.getGenreIds()).containsExactly("jazz");

            // Recommendations: a listener's daily mix from the active model's lists.
            OnlineSeeds.activeRecommendations(stack.redis.store(), org, "u-1", "als-1.0", List.of("t3", "t1", "t2"));
            Recommendations mix = new RecommendationsApi(api).getApiV1MlDailyMix(RecommendationsApi.APIGetApiV1MlDailyMixRequest
                    .newBuilder().userId("u-1").limit(2).build());
            assertThat(mix.getModelVersion()).isEqualTo("als-1.0");
            assertThat(mix.getItems()).extracting(Item::getTrackId).containsExactly("t3", "t1");
            Double first = mix.getItems().get(0).getScore();
            assertThat(first).isGreaterThan(mix.getItems().get(1).getScore());
            assertThat(mix.getNextCursor()).isNotBlank();

            // Analytics: the calls above, grouped by route.
            Report usage = new AnalyticsApi(api).getApiV1AnalyticsUsage(AnalyticsApi.APIGetApiV1AnalyticsUsageRequest.newBuilder()
                    .groupBy("route").granularity("day").build());
            assertThat(usage.getGroupBy()).isEqualTo("route");
            assertThat(usage.getFrom()).isBefore(usage.getTo());
            assertThat(usage.getTotals()).containsEntry("POST /api/v1/tracks", 3L);
            assertThat(usage.getRows()).extracting(Row::getPeriodStart).allSatisfy(at -> assertThat(at).isInstanceOf(OffsetDateTime.class));

            // A refusal arrives as the client's exception, with the problem+json body.
            assertThatThrownBy(() -> catalog.getApiV1TracksTrackId("no-such-track")).isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(((ApiException) e).getCode()).isEqualTo(404));
        });
    }
}
