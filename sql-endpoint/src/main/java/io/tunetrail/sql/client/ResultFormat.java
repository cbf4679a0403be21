package io.tunetrail.sql.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** How {@code ./tunetrail sql} prints rows: an aligned table, CSV (RFC 4180 quoting) or one JSON object per row. */
enum ResultFormat {
    TABLE, CSV, JSON;

    static ResultFormat named(String name) {
        for (ResultFormat f : values()) {
            if (f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }

    void write(ResultSet rs, PrintStream out) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int n = meta.getColumnCount();
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String label = meta.getColumnLabel(i);
            names.add(label.contains(".") ? label.substring(label.lastIndexOf('.') + 1) : label);
        }
        List<List<String>> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        while (rs.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                Object v = rs.getObject(i);
                row.add(v == null ? null : v.toString());
            }
            if (this == JSON) {
                ObjectNode o = json.createObjectNode();
                for (int i = 0; i < n; i++) {
                    o.putPOJO(names.get(i), jsonValue(rs.getObject(i + 1)));
                }
                out.println(o);
            } else {
                rows.add(row);
            }
        }
        if (this == CSV) {
            out.println(csv(names));
            rows.forEach(r -> out.println(csv(r)));
        } else if (this == TABLE) {
            table(names, rows, out);
        }
    }

    private static Object jsonValue(Object v) {
        return v == null || v instanceof Number || v instanceof Boolean ? v : v.toString();
    }

    private static String csv(List<String> row) {
        List<String> cells = new ArrayList<>();
        for (String c : row) {
            if (c == null) {
                cells.add("");
            } else if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
                cells.add("\"" + c.replace("\"", "\"\"") + "\"");
            } else {
                cells.add(c);
            }
        }
        return String.join(",", cells);
    }

    private static void table(List<String> names, List<List<String>> rows, PrintStream out) {
        int[] width = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            width[i] = names.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], String.valueOf(r.get(i)).length());
            }
        }
        out.println(line(names, width));
        StringBuilder rule = new StringBuilder();
        for (int w : width) {
            rule.append(rule.length() == 0 ? "" : "-+-").append("-".repeat(w));
        }
        out.println(rule);
        rows.forEach(r -> out.println(line(r, width)));
        out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
    }

    private static String line(List<String> cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            b.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", String.valueOf(cells.get(i))));
        }
        return b.toString().stripTrailing();
    }
}
