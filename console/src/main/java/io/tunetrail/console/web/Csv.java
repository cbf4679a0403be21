package io.tunetrail.console.web;

import java.util.List;

/** RFC 4180 lines for the console's exports, safe to open in a spreadsheet. */
final class Csv {
    private Csv() {}

    static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    static String cell(String raw) {
        String v = raw == null ? "" : raw;
        // A spreadsheet runs a cell that starts like a formula; a leading quote keeps it text (a key name is the customer's own text).
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
