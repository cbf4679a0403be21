package io.tunetrail.batch.eval.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FamiliesTest {
    @Test
    void parsesAListInCanonicalOrderAndRefusesUnknownNames() {
        assertThat(Families.parse(null)).extracting(Family::name)
                .containsExactly("als", "ease", "itemknn", "sar", "bpr", "lightgcn", "content");
        assertThat(Families.parse("sar,ease")).extracting(Family::name).containsExactly("ease", "sar");
        assertThatThrownBy(() -> Families.parse("ease,ncf")).hasMessageContaining("unknown family 'ncf'")
                .hasMessageContaining("als, ease");
    }

    @Test
    void everyDrawOfEverySearchSpaceFits() {
        var m = TinyMatrix.of("u0:a,b", "u1:a,b,c", "u2:b,c,d", "u3:c,d");
        Random random = new Random(5);
        for (Family f : Families.parse(null)) {
            for (int draw = 0; draw < 5; draw++) {
                Hyperparameters h = f.sample(random);
                if (h.values().containsKey("epochs")) {
                    var quick = new java.util.HashMap<>(h.values());
                    quick.put("epochs", 1);
                    h = new Hyperparameters(quick);
                }
                assertThat(TinyMatrix.scores(f.fit(m, h), m, 0)).as("%s %s", f.name(), h.values()).hasSize(m.items());
            }
        }
    }
}
