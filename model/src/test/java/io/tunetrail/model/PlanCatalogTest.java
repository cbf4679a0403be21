package io.tunetrail.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.model.PlanCatalog.ModelPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PlanCatalogTest {
    private final PlanCatalog catalog = PlanCatalog.load();

    @Test
    void shippedCatalogHasItsPlansCheapestFirst() {
        assertThat(catalog.plans()).extracting(PlanCatalog.Plan::id)
                .containsExactly("community", "free", "starter", "pro", "enterprise");
    }

    @Test
    void anEndedSubscriptionLandsOnALimitedCloudPlan() {
        PlanCatalog.Plan ended = catalog.subscriptionEndedPlan();
        assertThat(ended.id()).isEqualTo("free");
        assertThat(ended.edition()).isEqualTo("cloud");
        assertThat(ended.limit("api_calls").perDay()).isEqualTo(1_000L);
        assertThat(ended.rateLimit().isUnlimited()).isFalse();
    }

    @Test
    void defaultLimitsAreTheAgreedOnes() {
        assertThat(catalog.plan("starter").limit("api_calls").perDay()).isEqualTo(10_000L);
        assertThat(catalog.plan("pro").limit("api_calls").perDay()).isEqualTo(100_000L);
        assertThat(catalog.plan("enterprise").limit("api_calls").perDay()).isNull();
        assertThat(catalog.plan("community").limit("api_calls").isUnlimited()).isTrue();
        assertThat(catalog.plan("starter").limit("audio_analysis").perDay()).isEqualTo(100L);
        assertThat(catalog.plan("pro").limit("audio_analysis").perDay()).isEqualTo(1_000L);
        assertThat(catalog.plan("starter").limit("team_members").max()).isEqualTo(5L);
        assertThat(catalog.plan("pro").limit("team_members").max()).isEqualTo(25L);
        assertThat(catalog.plan("enterprise").limit("team_members").max()).isNull();
        assertThat(catalog.plan("starter").limit("tracks").max()).isEqualTo(10_000L);
        assertThat(catalog.plan("pro").limit("tracks").max()).isEqualTo(100_000L);
        assertThat(catalog.plan("enterprise").limit("tracks").max()).isNull();
        assertThat(catalog.plan("pro").limit("no_such_resource")).isEqualTo(PlanCatalog.Limit.UNLIMITED);
    }

    @Test
    void featuresGateUpwardsAndCommunityKeepsPremiumMlGated() {
        assertThat(catalog.plansWith("advanced_analytics")).containsExactly("pro", "enterprise");
        assertThat(catalog.plansWith("custom_model_training")).containsExactly("enterprise");
        assertThat(catalog.plansWith("personalized_recommendations")).containsExactly("starter", "pro", "enterprise");
        assertThat(catalog.plan("community").hasFeature("basic_recommendations")).isTrue();
        assertThat(catalog.plan("community").hasFeature("audio_similarity_search")).isFalse();
        assertThat(catalog.featureDescription("advanced_analytics")).isNotBlank();
    }

    @Test
    void modelPolicyAndStripePricesMapToPlans() {
        assertThat(catalog.plan("starter").modelPolicy()).isEqualTo(ModelPolicy.LATEST);
        assertThat(catalog.plan("pro").modelPolicy()).isEqualTo(ModelPolicy.ALLOW_MINOR);
        assertThat(catalog.plan("enterprise").modelPolicy()).isEqualTo(ModelPolicy.PINNED);
        assertThat(catalog.planForStripePrice("price_pro_yearly")).map(PlanCatalog.Plan::id).contains("pro");
        assertThat(catalog.planForStripePrice("price_unknown")).isEmpty();
    }

    @Test
    void theFileAtTheRepositoryRootIsTheOneInTheJar() {
        Path file = Path.of("..", "config", "plans.yaml");
        assertThat(PlanCatalog.load(file).plans()).isEqualTo(catalog.plans());
    }

    @Test
    void everyRateLimitedPlanHasAnOrgCeilingAtOrAboveOneKeysRate() throws Exception {
        for (PlanCatalog.Plan plan : catalog.plans()) {
            PlanCatalog.RateLimit rate = plan.rateLimit();
            if (!rate.isUnlimited()) {
                assertThat(rate.orgRequestsPerMinute()).as(plan.id()).isGreaterThanOrEqualTo(rate.requestsPerMinute());
                assertThat(rate.orgBurst()).as(plan.id()).isGreaterThanOrEqualTo(rate.burst());
            }
        }
        PlanCatalog.RateLimit defaulted = parse("""
                subscription_ended_plan: basic
                features: { a: A }
                plans:
                  basic: { features: [a], rate_limit: { requests_per_minute: 60, burst: 10 } }
                """).plan("basic").rateLimit();
        assertThat(defaulted).as("no org figures: one key's worth").isEqualTo(new PlanCatalog.RateLimit(60, 10, 60, 10));
        assertThatThrownBy(() -> parse("""
                features: { a: A }
                plans:
                  basic: { features: [a], rate_limit: { requests_per_minute: 60, burst: 10, org_requests_per_minute: 30 } }
                """)).hasMessageContaining("basic").hasMessageContaining("org_requests_per_minute");
    }

    @Test
    void jobPriorityAndConcurrencyRiseWithThePlanAndDefaultWhenAbsent() throws Exception {
        assertThat(catalog.plans()).extracting(PlanCatalog.Plan::priority).containsExactly(PlanCatalog.JobPriority.LOW,
                PlanCatalog.JobPriority.LOW, PlanCatalog.JobPriority.STANDARD, PlanCatalog.JobPriority.HIGH, PlanCatalog.JobPriority.CRITICAL);
        assertThat(PlanCatalog.JobPriority.CRITICAL.rank()).isGreaterThan(PlanCatalog.JobPriority.HIGH.rank());
        assertThat(PlanCatalog.JobPriority.STANDARD.rank()).isGreaterThan(PlanCatalog.JobPriority.LOW.rank());
        assertThat(catalog.plan("enterprise").concurrency()).isGreaterThan(catalog.plan("starter").concurrency());
        PlanCatalog.Plan bare = parse("""
                subscription_ended_plan: basic
                features: { a: A }
                plans:
                  basic: { features: [a] }
                """).plan("basic");
        assertThat(bare.priority()).isEqualTo(PlanCatalog.DEFAULT_PRIORITY);
        assertThat(bare.concurrency()).isEqualTo(PlanCatalog.DEFAULT_CONCURRENCY);
        assertThatThrownBy(() -> parse("""
                features: { a: A }
                plans:
                  basic: { features: [a], priority: urgent }
                """)).hasMessageContaining("plan 'basic' has priority 'urgent'").hasMessageContaining("critical, high, standard or low");
        for (String concurrency : new String[] {"0", "-1", "two", "1.5"}) {
            assertThatThrownBy(() -> parse("""
                    features: { a: A }
                    plans:
                      basic: { features: [a], concurrency: %s }
                    """.formatted(concurrency))).as(concurrency).hasMessageContaining("plan 'basic' has concurrency");
        }
    }

    @Test
    void unknownPlanNamesTheKnownOnes() {
        assertThatThrownBy(() -> catalog.plan("gold")).hasMessageContaining("gold").hasMessageContaining("starter");
    }

    @Test
    void invalidCatalogsFailWithThePlanNamed() {
        assertThatThrownBy(() -> parse("""
                features: { a: A }
                plans:
                  basic: { features: [a, b] }
                """)).hasMessageContaining("basic").hasMessageContaining("'b'");
        assertThatThrownBy(() -> parse("""
                features: { a: A }
                plans:
                  basic: { features: [a], model_policy: newest }
                """)).hasMessageContaining("newest");
        assertThatThrownBy(() -> parse("""
                features: { a: A }
                plans:
                  one: { features: [a], stripe_price_ids: [p1] }
                  two: { features: [a], stripe_price_ids: [p1] }
                """)).hasMessageContaining("p1");
        assertThatThrownBy(() -> parse("""
                subscription_ended_plan: selfhosted
                features: { a: A }
                plans:
                  selfhosted: { features: [a], edition: community }
                """)).hasMessageContaining("subscription_ended_plan 'selfhosted' must name a cloud plan");
    }

    private static PlanCatalog parse(String yaml) throws Exception {
        return PlanCatalog.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}
