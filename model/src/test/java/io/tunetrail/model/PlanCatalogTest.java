package io.tunetrail.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.model.PlanCatalog.ModelPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
                """)).hasMessageContaining("plans.basic.priority: 'urgent'").hasMessageContaining("critical, high, standard or low");
        for (String concurrency : new String[] {"0", "-1", "two", "1.5"}) {
            assertThatThrownBy(() -> parse("""
                    features: { a: A }
                    plans:
                      basic: { features: [a], concurrency: %s }
                    """.formatted(concurrency))).as(concurrency).hasMessageContaining("plans.basic.concurrency: ");
        }
    }

    @Test
    void meteredPricesArePricesOfTheirOwnPerLedgerResource() {
        assertThat(catalog.plan("free").stripeMeteredPrices()).isEmpty();
        assertThat(catalog.plan("pro").stripeMeteredPrices()).containsKeys("api_calls", "audio_analysis");
        String metered = catalog.plan("pro").stripeMeteredPrices().get("api_calls");
        assertThat(catalog.isMeteredStripePrice(metered)).isTrue();
        assertThat(catalog.planForStripePrice(metered)).as("a metered price never buys a plan").isEmpty();
        assertThat(catalog.isMeteredStripePrice("price_pro_monthly")).isFalse();
        assertThatThrownBy(() -> parse("""
                subscription_ended_plan: basic
                features: { a: A }
                plans:
                  basic: { features: [a], stripe_price_ids: [p1], stripe_metered_prices: { api_calls: p1 } }
                """)).hasMessageContaining("plans.basic.stripe_metered_prices.api_calls: price 'p1' is a plan's price");
        assertThatThrownBy(() -> parse("""
                subscription_ended_plan: basic
                features: { a: A }
                plans:
                  basic: { features: [a], stripe_metered_prices: { API-Calls: p2 } }
                """)).hasMessageContaining("plans.basic.stripe_metered_prices.API-Calls: is not a resource name");
        assertThatThrownBy(() -> parse("""
                subscription_ended_plan: basic
                features: { a: A }
                plans:
                  basic: { features: [a], stripe_metered_prices: [p2] }
                """)).hasMessageContaining("plans.basic.stripe_metered_prices: must be a mapping");
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
                """)).hasMessageContaining("subscription_ended_plan: 'selfhosted' must name a cloud plan");
    }

    @Test
    void theModelLadderRisesWithThePlanAndNamesOnlyDeclaredFamilies() {
        assertThat(catalog.plan("community").modelFamilies()).containsExactly("content");
        assertThat(catalog.plan("starter").modelFamilies()).contains("content", "als").doesNotContain("bpr", "lightgcn", "custom");
        assertThat(catalog.plan("pro").modelFamilies()).contains("bpr", "lightgcn").doesNotContain("custom");
        assertThat(catalog.plan("enterprise").modelFamilies()).contains("custom");
        List<PlanCatalog.Plan> cloud = catalog.plans().stream().filter(p -> "cloud".equals(p.edition())).toList();
        for (int i = 1; i < cloud.size(); i++) {
            assertThat(cloud.get(i).modelFamilies()).as(cloud.get(i).id() + " keeps what " + cloud.get(i - 1).id() + " has")
                    .containsAll(cloud.get(i - 1).modelFamilies());
        }
        assertThat(catalog.modelFamily("content")).hasValueSatisfying(f -> {
            assertThat(f.tier()).isEqualTo("content-based");
            assertThat(f.lineage()).as("computed at request time").isNull();
        });
        assertThat(catalog.modelFamily("als").map(PlanCatalog.ModelFamily::lineage)).contains("als");
        assertThat(catalog.plansServing("custom")).containsExactly("enterprise");
        assertThatThrownBy(() -> parse("""
                model_families: { content: { tier: content-based } }
                features: { a: A }
                plans:
                  basic: { features: [a], model_families: [content, lightgcn] }
                """)).hasMessageContaining("plans.basic.model_families[1]: 'lightgcn' is not declared under 'model_families:'");
        assertThatThrownBy(() -> parse("""
                model_families: { graph: { tier: deep } }
                features: { a: A }
                plans: { basic: { features: [a] } }
                """)).hasMessageContaining("model_families.graph.tier: 'deep' is not a tier");
    }

    @Test
    void everyShippedPlanSaysItsLadderPolicyPriorityCostCapsAndAlerts() {
        for (PlanCatalog.Plan plan : catalog.plans()) {
            assertThat(plan.modelFamilies()).as(plan.id()).isNotEmpty();
            assertThat(plan.alertThresholds()).as(plan.id()).containsExactly(50, 80, 100);
        }
        assertThat(catalog.plan("starter").costCaps()).isEqualTo(new PlanCatalog.CostCaps(50.0, true));
        assertThat(catalog.plan("pro").costCaps().hardStop()).isFalse();
        assertThat(catalog.plan("enterprise").costCaps().monthlyUsd()).isNull();
        assertThat(catalog.plan("pro").canary()).isEqualTo(new PlanCatalog.Canary(10, 48, 5.0));
        assertThat(catalog.plans().stream().filter(p -> p.canary() != null)).extracting(PlanCatalog.Plan::id).containsExactly("pro");
        assertThat(catalog.plan("pro").rateLimit().requestsPerSecond()).isEqualTo(100);
        assertThat(catalog.plan("free").rateLimit().requestsPerSecond()).isNull();
        PlanCatalog.Plan bare = parse("""
                subscription_ended_plan: basic
                features: { a: A }
                plans:
                  basic: { features: [a] }
                """).plan("basic");
        assertThat(bare.alertThresholds()).isEqualTo(PlanCatalog.DEFAULT_ALERT_THRESHOLDS);
        assertThat(bare.costCaps()).isEqualTo(PlanCatalog.CostCaps.NONE);
        assertThat(bare.canary()).isNull();
    }

    @Test
    void anUnknownKeyAnywhereFailsNamingItsPath() {
        String[][] cases = {
                {"plans: { basic: { features: [a], rate_limt: { requests_per_minute: 1 } } }", "plans.basic.rate_limt: unknown key"},
                {"plans: { basic: { features: [a], rate_limit: { requests_per_minute: 60, per_second: 5 } } }",
                        "plans.basic.rate_limit.per_second: unknown key; the keys here are burst, org_burst, org_requests_per_minute, "
                                + "requests_per_minute, requests_per_second"},
                {"plans: { basic: { features: [a], limits: { api_calls: { per_week: 5 } } } }", "plans.basic.limits.api_calls.per_week: unknown key"},
                {"plans: { basic: { features: [a], cost_caps: { monthly: 5 } } }", "plans.basic.cost_caps.monthly: unknown key"},
                {"plans: { basic: { features: [a], alerts: { threshold: [50] } } }", "plans.basic.alerts.threshold: unknown key"},
                {"plans: { basic: { features: [a], canary: { share: 5 } } }", "plans.basic.canary.share: unknown key"},
                {"plan: { basic: { features: [a] } }", "plan: unknown key"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> parse("features: { a: A }\n" + c[0])).as(c[0])
                    .hasMessageStartingWith("Invalid plan catalog: " + c[1]).hasMessageNotContaining("\n");
        }
    }

    @Test
    void badValuesFailNamingTheirPath() {
        String[][] cases = {
                {"rate_limit: { requests_per_minute: 600, requests_per_second: 0, burst: 60 }",
                        "plans.basic.rate_limit.requests_per_second: '0' must be a positive whole number"},
                {"rate_limit: { requests_per_minute: 600, requests_per_second: 2.5, burst: 60 }",
                        "plans.basic.rate_limit.requests_per_second: '2.5' must be a positive whole number"},
                {"rate_limit: { requests_per_minute: 600, requests_per_second: 60, burst: 60 }",
                        "plans.basic.rate_limit.requests_per_second: 60 is not below burst 60, so it would never apply"},
                {"rate_limit: { requests_per_minute: null, burst: 5 }", "plans.basic.rate_limit.requests_per_minute: is null"},
                {"rate_limit: { requests_per_minute: -5 }", "plans.basic.rate_limit.requests_per_minute: '-5' must be a positive whole number"},
                {"limits: { api_calls: { per_day: -1 } }", "plans.basic.limits.api_calls.per_day: '-1' must be a whole number from 0"},
                {"cost_caps: { monthly_usd: -1 }", "plans.basic.cost_caps.monthly_usd: '-1' must be a number from 0"},
                {"monthly_price_usd: -9", "plans.basic.monthly_price_usd: '-9' must be a number from 0"},
                {"cost_caps: { monthly_usd: 10, hard_stop: yes please }", "plans.basic.cost_caps.hard_stop: must be true or false"},
                {"cost_caps: { monthly_usd: null, hard_stop: true }", "plans.basic.cost_caps.hard_stop: is true without a monthly_usd cap"},
                {"alerts: { thresholds: [50, 120] }", "plans.basic.alerts.thresholds[1]: '120' must be a whole percentage from 1 to 100"},
                {"alerts: { thresholds: [80, 50] }", "plans.basic.alerts.thresholds[1]: 50 must be above the threshold before it (80)"},
                {"alerts: { thresholds: [] }", "plans.basic.alerts.thresholds: must be a list"},
                {"canary: { share_percent: 60, period_hours: 24, max_regression_percent: 5 }", "plans.basic.canary.share_percent: 60 is more than half"},
                {"canary: { share_percent: 10, max_regression_percent: 5 }", "plans.basic.canary.period_hours: is required"},
                {"model_policy: canary", "plans.basic.model_policy: 'canary' is not a model policy"},
                {"edition: onprem", "plans.basic.edition: 'onprem' is not an edition"},
                {"model_families: content", "plans.basic.model_families: must be a list"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> parse("features: { a: A }\nplans:\n  basic: { features: [a], " + c[0] + " }\n")).as(c[0])
                    .hasMessageStartingWith("Invalid plan catalog: " + c[1]);
        }
    }

    private static PlanCatalog parse(String yaml) {
        try {
            return PlanCatalog.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
