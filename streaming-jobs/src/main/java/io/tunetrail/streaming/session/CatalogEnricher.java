package io.tunetrail.streaming.session;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.store.StoreSpec;
import io.tunetrail.streaming.common.Listen;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;

/**
 * Adds each event's artist and genres from the org's catalog in PostgreSQL. An org's catalog is read once, in one
 * query, the first time one of its events comes by, and kept for the life of the task (catalogs change rarely and a
 * restart re-reads them). A track missing from the catalog keeps an empty artist and no genres: it still counts as
 * played, it just adds no artist or genre.
 */
public final class CatalogEnricher extends RichMapFunction<Listen, Listen> {
    static final String QUERY = "SELECT t.track_id, t.artist_id, "
            + "coalesce(string_agg(g.genre_id, ',' ORDER BY g.position, g.genre_id), '') AS genres "
            + "FROM tracks t LEFT JOIN track_genres g ON g.org_id = t.org_id AND g.track_id = t.track_id "
            + "WHERE t.org_id = ? GROUP BY t.track_id, t.artist_id";

    private final StoreSpec stores;
    private transient HikariDataSource dataSource;
    private transient Map<String, Map<String, String[]>> catalogs;

    public CatalogEnricher(StoreSpec stores) {
        this.stores = stores;
    }

    @Override
    public void open(Configuration parameters) {
        dataSource = stores.openDataSource(1);
        catalogs = new HashMap<>();
    }

    @Override
    public Listen map(Listen e) throws SQLException {
        Map<String, String[]> tracks = catalogs.get(e.orgId());
        if (tracks == null) {
            tracks = load(e.orgId());
            catalogs.put(e.orgId(), tracks);
        }
        String[] info = tracks.get(e.trackId());
        return info == null ? e : e.withCatalog(info[0], info[1]);
    }

    private Map<String, String[]> load(String orgId) throws SQLException {
        Map<String, String[]> tracks = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(QUERY)) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tracks.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                }
            }
        }
        return tracks;
    }

    @Override
    public void close() {
        if (dataSource != null) {
            dataSource.close();
        }
    }
}
