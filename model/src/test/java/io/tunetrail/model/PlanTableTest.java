package io.tunetrail.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's plan table is the one {@link PlanTable} renders from {@code config/plans.yaml}. */
class PlanTableTest {
    private static final Path README = Path.of("..", "README.md");

    @Test
    void theReadmesPlanTableIsTheCatalogs() throws Exception {
        String readme = Files.readString(README);
        int start = readme.indexOf(PlanTable.START);
        int end = readme.indexOf(PlanTable.END);
        assertThat(start).as("README.md has no plan table; add the markers " + PlanTable.START + " and " + PlanTable.END).isNotNegative();
        assertThat(end).isGreaterThan(start);
        String inReadme = readme.substring(start + PlanTable.START.length(), end).strip() + "\n";
        String expected = PlanTable.render(PlanCatalog.load(Path.of("..", "config", "plans.yaml")));
        assertThat(inReadme).as("the README's plan table differs from config/plans.yaml: replace the lines between the markers "
                + "with this table:\n" + expected).isEqualTo(expected);
    }

    @Test
    void theTableShowsWhatThePlansDecide() {
        String table = PlanTable.render(PlanCatalog.load());
        assertThat(table).contains("| model families (`?model=`) | content | content |")
                .contains("3000 / 100 / 300")
                .contains("$50, hard stop")
                .contains("| list price per month | – | $0 | $49 |")
                .contains("allow_minor + canary 10% for 48 h")
                .contains("| alerts at | 50% / 80% / 100% |");
        assertThat(table.lines().map(l -> l.chars().filter(c -> c == '|').count()).distinct())
                .as("every row has a cell per plan").hasSize(1);
    }
}
