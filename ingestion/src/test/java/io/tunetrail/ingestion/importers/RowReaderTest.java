package io.tunetrail.ingestion.importers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowReaderTest {

    private static List<RowReader.Record> read(byte[] bytes, Charset charset, char delimiter, boolean quoted)
            throws IOException {
        List<RowReader.Record> records = new ArrayList<>();
        try (RowReader reader = new RowReader(new LineReader(new ByteArrayInputStream(bytes), charset), delimiter, quoted)) {
            RowReader.Record r;
            while ((r = reader.next()) != null) {
                records.add(r);
            }
        }
        return records;
    }

    private static List<RowReader.Record> csv(String text) throws IOException {
        return read(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8, ',', true);
    }

    @Test
    void quotedFieldsKeepCommasQuotesAndLineBreaks() throws IOException {
        List<RowReader.Record> rows = csv("11,\"American President, The (1995)\",Comedy\n"
                + "12,\"Say \"\"Hi\"\"\",\"\"\n"
                + "13,\"two\nlines\",x\n"
                + "14,last\n");

        assertThat(rows).extracting(RowReader.Record::fields).containsExactly(
                List.of("11", "American President, The (1995)", "Comedy"),
                List.of("12", "Say \"Hi\"", ""),
                List.of("13", "two\nlines", "x"),
                List.of("14", "last"));
        assertThat(rows).extracting(RowReader.Record::line).containsExactly(1L, 2L, 3L, 5L);
        assertThat(rows.get(2).raw()).isEqualTo("13,\"two\nlines\",x");
    }

    @Test
    void quoteInsideAnUnquotedFieldIsAnOrdinaryCharacter() throws IOException {
        assertThat(csv("1,12\" Mix,x\n").get(0).fields()).containsExactly("1", "12\" Mix", "x");
    }

    @Test
    void textAfterAClosingQuoteIsAnError() throws IOException {
        RowReader.Record r = csv("1,\"ab\"cd,x\n").get(0);
        assertThat(r.error()).contains("after the closing quote of column 2");
        assertThat(r.fields()).isEmpty();
    }

    @Test
    void unclosedQuoteCostsOneRowAndTheFollowingLinesAreReadAgain() throws IOException {
        List<RowReader.Record> rows = csv("1,ok\n2,\"broken,row\n3,fine\n4,also fine\n");

        assertThat(rows).hasSize(4);
        assertThat(rows.get(1).line()).isEqualTo(2);
        assertThat(rows.get(1).error()).contains("quoted field in column 2 is not closed");
        assertThat(rows.get(1).raw()).isEqualTo("2,\"broken,row");
        assertThat(rows.get(2).fields()).containsExactly("3", "fine");
        assertThat(rows.get(3).fields()).containsExactly("4", "also fine");
        assertThat(rows.get(3).line()).isEqualTo(4);
    }

    @Test
    void anUnclosedQuoteDoesNotPairWithAQuoteOnALaterRow() throws IOException {
        List<RowReader.Record> rows = csv("1,\"broken,row\n2,\"Album, \"\"Deluxe\"\"\",x\n");

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).error()).isEqualTo("quoted field in column 2 is not closed");
        assertThat(rows.get(1).fields()).containsExactly("2", "Album, \"Deluxe\"", "x");
        assertThat(rows.get(1).line()).isEqualTo(2);
    }

    @Test
    void aQuotedFieldMayNotSwallowMoreThanTheLineLimit() throws IOException {
        StringBuilder text = new StringBuilder("1,\"open\n");
        for (int i = 2; i <= 40; i++) {
            text.append(i).append(",row\n");
        }
        List<RowReader.Record> rows = csv(text.toString());

        assertThat(rows.get(0).error()).contains("not closed");
        assertThat(rows).hasSize(40);
        assertThat(rows.get(39).fields()).containsExactly("40", "row");
    }

    @Test
    void plainModeSplitsOnTheDelimiterOnlyAndKeepsEmptyFields() throws IOException {
        List<RowReader.Record> rows = read("a\t\"b\t\n\tc\t\n".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8, '\t', false);
        assertThat(rows.get(0).fields()).containsExactly("a", "\"b", "");
        assertThat(rows.get(1).fields()).containsExactly("", "c", "");
    }

    @Test
    void crlfBomAndBlankLinesAreNotData() throws IOException {
        byte[] bytes = ImportTestSupport.bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "id,name\r\n1,a\r\n\r\n   \n2,b");
        List<RowReader.Record> rows = read(bytes, StandardCharsets.UTF_8, ',', true);

        assertThat(rows).extracting(RowReader.Record::fields)
                .containsExactly(List.of("id", "name"), List.of("1", "a"), List.of("2", "b"));
        assertThat(rows).extracting(RowReader.Record::line).containsExactly(1L, 2L, 5L);
    }

    @Test
    void invalidUtf8MakesOnlyItsOwnLineBadAndShowsTheBytes() throws IOException {
        byte[] bytes = ImportTestSupport.bytes("1,Beyoncé\n2,Bj", new byte[] {(byte) 0xF6}, "rk\n3,ok\n");
        List<RowReader.Record> rows = read(bytes, StandardCharsets.UTF_8, ',', true);

        assertThat(rows.get(0).fields()).containsExactly("1", "Beyoncé");
        assertThat(rows.get(1).error()).contains("not valid text");
        assertThat(rows.get(1).raw()).isEqualTo("2,Bj\\xF6rk");
        assertThat(rows.get(2).fields()).containsExactly("3", "ok");
    }

    @Test
    void latin1BytesDecodeAsLatin1() throws IOException {
        List<RowReader.Record> rows = read(ImportTestSupport.latin1("2\tcafé\n"), StandardCharsets.ISO_8859_1, '\t', false);
        assertThat(rows.get(0).fields()).containsExactly("2", "café");
    }

    @Test
    void linesLongerThanTheReadBufferStayWhole() throws IOException {
        String longField = "x".repeat(200_000);
        List<RowReader.Record> rows = csv("1," + longField + "\n2,y");
        assertThat(rows.get(0).fields().get(1)).hasSize(200_000);
        assertThat(rows.get(1).fields()).containsExactly("2", "y");
    }
}
