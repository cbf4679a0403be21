package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.assertProblem;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.service.Page;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.store.Database;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.testing.TestCatalogs;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lists that cannot be made expensive: page sizes capped, keyset pages, LIKE wildcards taken literally, a statement
 * timeout answered 503, and no database error text in any answer.
 */
class ListingIT {
    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();
    static String org;
    static String key;

    @BeforeAll
    static void catalog() {
        org = stack.redis.newOrgId("listing");
        new PostgresCatalogStore(stack.db.dataSource()).load(TestCatalogs.synthetic(org, "pro", 60, 11));
        key = stack.key(org, "read", "write");
    }

    private static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static List<String> ids(JsonNode page, String list, String id) {
        List<String> out = new ArrayList<>();
        page.get(list).forEach(t -> out.add(t.get(id).asText()));
        return out;
    }

    @Test
    void pageSizesAreCappedNamingTheField() {
        JavalinTest.test(stack.app(), (server, client) -> {
            assertProblem(get(client, "/api/v1/tracks?limit=101", key), 400, "invalid_field", "limit");
            assertProblem(get(client, "/api/v1/artists?limit=1000000", key), 400, "invalid_field", "limit");
            assertThat(get(client, "/api/v1/tracks?limit=100", key).status()).isEqualTo(200);
        });
    }

    @Test
    void keysetPagesWalkTheWholeListOnceInOrder() {
        JavalinTest.test(stack.app(), (server, client) -> {
            List<String> all = ids(get(client, "/api/v1/tracks?limit=100", key).json(), "tracks", "track_id");
            assertThat(all).hasSizeBetween(60, 62); // the search test may have added two
            List<String> paged = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode page = get(client, "/api/v1/tracks?limit=7" + (cursor == null ? "" : "&cursor=" + cursor), key).json();
                paged.addAll(ids(page, "tracks", "track_id"));
                cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
                pages++;
            } while (cursor != null);
            assertThat(pages).isEqualTo((all.size() + 6) / 7);
            assertThat(paged).containsExactlyElementsOf(all);

            List<String> artists = ids(get(client, "/api/v1/artists?limit=100", key).json(), "artists", "artist_id");
            List<String> artistPages = new ArrayList<>();
            cursor = null;
            do {
                JsonNode page = get(client, "/api/v1/artists?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), key).json();
                artistPages.addAll(ids(page, "artists", "artist_id"));
                cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            } while (cursor != null);
            assertThat(artists).hasSizeGreaterThan(2);
            assertThat(artistPages).containsExactlyElementsOf(artists);

            // An offset cursor (what pages used to carry) is not accepted: it would let a caller skip anywhere.
            assertProblem(get(client, "/api/v1/tracks?cursor=" + Page.cursor(50_000), key), 400, "invalid_field", "cursor");
        });
    }

    @Test
    void likeWildcardsInASearchAreTakenLiterally() {
        JavalinTest.test(stack.app(), (server, client) -> {
            assertThat(post(client, "/api/v1/tracks", key, "{\"track_id\": \"pct\", \"title\": \"100% Pure\", \"duration_ms\": 1000, "
                    + "\"popularity\": 1}").status()).isEqualTo(201);
            assertThat(post(client, "/api/v1/tracks", key, "{\"track_id\": \"under\", \"title\": \"snake_case blues\", \"duration_ms\": 1000, "
                    + "\"popularity\": 1}").status()).isEqualTo(201);
            assertThat(post(client, "/api/v1/artists", key, "{\"artist_id\": \"pct-artist\", \"name\": \"50% Off\"}").status()).isEqualTo(201);

            assertThat(ids(get(client, "/api/v1/tracks?limit=100&q=" + q("%"), key).json(), "tracks", "track_id")).containsExactly("pct");
            assertThat(ids(get(client, "/api/v1/tracks?limit=100&q=" + q("_"), key).json(), "tracks", "track_id")).containsExactly("under");
            assertThat(ids(get(client, "/api/v1/artists?limit=100&q=" + q("%"), key).json(), "artists", "artist_id")).containsExactly("pct-artist");
            // A trailing backslash was a malformed LIKE pattern (the database's error text came back); now it matches nothing.
            Http.Answer backslash = get(client, "/api/v1/tracks?q=" + q("\\"), key);
            assertThat(backslash.status()).as(backslash.text()).isEqualTo(200);
            assertThat(backslash.json().get("tracks")).isEmpty();
        });
    }

    @Test
    void databaseErrorTextNeverReachesTheResponse() throws Exception {
        stack.db.execute("ALTER TABLE genres RENAME TO genres_elsewhere");
        try {
            JavalinTest.test(stack.app(), (server, client) -> {
                Http.Answer a = get(client, "/api/v1/genres", key);
                assertProblem(a, 500, "internal_error", null);
                assertThat(a.text()).doesNotContain("genres\"").doesNotContain("relation").doesNotContain("ERROR")
                        .doesNotContain("does not exist").doesNotContain("SQL");
                assertThat(a.json().get("detail").asText()).containsPattern("reference [0-9a-f-]{36}");
            });
        } finally {
            stack.db.execute("ALTER TABLE genres_elsewhere RENAME TO genres");
        }
    }

    @Test
    void aQueryPastTheStatementTimeoutIsA503() throws Exception {
        try (HikariDataSource timed = Database.connect(stack.db.config(), 4, 300);
                Connection locker = stack.db.dataSource().getConnection()) {
            ApiStores stores = new ApiStores(timed, stack.redis.jedis(), "shared", stack.stores().events(), () -> {});
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                // Holds the search until the API's statement_timeout cancels it: a slow query made deterministic.
                s.execute("LOCK TABLE tracks IN ACCESS EXCLUSIVE MODE");
            }
            try {
                JavalinTest.test(ServingApp.create(stores, stack.clock, new ApiSettings(stack.plans, ApiTestStack.WEBHOOK_SECRET, 1_048_576, 5_000, 0)),
                        (server, client) -> {
                            long start = System.nanoTime();
                            Http.Answer a = get(client, "/api/v1/tracks?q=pure", key);
                            assertProblem(a, 503, "query_timeout", null);
                            assertThat(a.text()).doesNotContain("canceling statement");
                            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
                        });
            } finally {
                locker.rollback();
            }
        }
    }
}
