package io.tunetrail.batch.nightly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.registry.TrainingParams;
import io.tunetrail.store.registry.TrainingRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A queued request's params become config overrides only within the bounds the API enforces. */
class TrainingRequestsTest {

    static TrainingRequest request(Map<String, Object> params) {
        return new TrainingRequest("acme", "tr_1", "als", params, 4, TrainingRequest.Status.RUNNING, null, null, null, null, null, null,
                1, "w1", null, null, null, null);
    }

    @Test
    void everyBoundedParamIsOneTheBatchCanApplyAndNoOther() {
        assertThat(TrainingRequests.PARAMS.keySet()).containsExactlyInAnyOrderElementsOf(TrainingParams.BOUNDS.keySet());
    }

    @Test
    void paramsWithinBoundsOverrideTheConfiguredOnes() {
        assertThat(TrainingRequests.overrides(request(Map.of("rank", 64, "alpha", 20.5))))
                .containsEntry(PlatformConfig.ALS_RANK.name(), "64").containsEntry(PlatformConfig.ALS_ALPHA.name(), "20.5");
    }

    @Test
    void aRequestQueuedOutOfBoundsFailsWithTheSameReasonTheApiGives() {
        assertThatThrownBy(() -> TrainingRequests.overrides(request(Map.of("iterations", 5000))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("params.iterations").hasMessageContaining("1..50");
    }

    @Test
    void aRequestMayForceTheListsFamilyAndItsHyperparametersButNotSmuggleAnythingElse() {
        assertThat(TrainingRequests.overrides(request(Map.of("family", "ease", "family_params", "lambda:250,min_support:3"))))
                .containsEntry(PlatformConfig.BEST_OF_FAMILY.name(), "ease")
                .containsEntry(PlatformConfig.BEST_OF_FAMILY_PARAMS.name(), "lambda:250,min_support:3");
        assertThatThrownBy(() -> TrainingRequests.overrides(request(Map.of("family", "Ease; drop"))))
                .hasMessageContaining("params.family");
        assertThatThrownBy(() -> TrainingRequests.overrides(request(Map.of("family_params", "lambda=250"))))
                .hasMessageContaining("params.family_params").hasMessageContaining("lambda:500,min_support:2");
        assertThatThrownBy(() -> TrainingRequests.overrides(request(Map.of("family", 7))))
                .hasMessageContaining("params.family");
    }
}
