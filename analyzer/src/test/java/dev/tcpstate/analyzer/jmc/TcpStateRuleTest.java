package dev.tcpstate.analyzer.jmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.common.util.IPreferenceValueProvider;
import org.openjdk.jmc.common.util.TypedPreference;
import org.openjdk.jmc.flightrecorder.JfrLoaderToolkit;
import org.openjdk.jmc.flightrecorder.rules.IResult;
import org.openjdk.jmc.flightrecorder.rules.IRule;
import org.openjdk.jmc.flightrecorder.rules.RuleRegistry;
import org.openjdk.jmc.flightrecorder.rules.Severity;
import org.openjdk.jmc.flightrecorder.rules.TypedResult;

import dev.tcpstate.analyzer.findings.CloseWaitLinger;
import dev.tcpstate.analyzer.findings.FindingRule;
import dev.tcpstate.analyzer.findings.FindingType;
import dev.tcpstate.analyzer.findings.Findings;
import dev.tcpstate.analyzer.fixture.FixtureRecordings;

/** The findings as JMC rules, as JMC's own registry finds them (META-INF/services). */
class TcpStateRuleTest {

    private static List<TcpStateRule> registered() {
        return RuleRegistry.getRules().stream()
                .filter(TcpStateRule.class::isInstance).map(TcpStateRule.class::cast).toList();
    }

    @Test
    void jmcsRegistryFindsOneRuleForEveryFindingUnderTheFindingsRuleId() {
        List<TcpStateRule> rules = registered();
        assertEquals(Findings.types().stream().map(FindingType::ruleId).sorted().toList(),
                rules.stream().map(IRule::getId).sorted().toList());
        for (TcpStateRule r : rules) {
            FindingType type = r.findingRule().type();
            assertEquals(type.ruleId(), r.getId());
            assertEquals(type.ruleName(), r.getName());
            assertTrue(r.getId().startsWith("tcpstate."), r.getId());
        }
        assertEquals(rules.size(), rules.stream().map(Object::getClass).distinct().count(),
                "JMC's registry tells rules apart by class");
    }

    @Test
    void eachRuleOffersItsFindingsThresholdsAsPreferencesAndItsMeasuresAsResults() {
        for (TcpStateRule r : registered()) {
            FindingRule finding = r.findingRule();
            List<String> expected = new java.util.ArrayList<>(finding.preferences().stream()
                    .map(p -> "tcpstate." + p.id()).toList());
            expected.addAll(List.of("tcpstate.library-prefixes", "tcpstate.application-prefixes"));
            assertEquals(expected,
                    r.getConfigurationAttributes().stream().map(TypedPreference::getIdentifier).toList(),
                    "its thresholds, then which frames are the application's");
            assertTrue(r.getResults().contains(TypedResult.SCORE));
            assertEquals(finding.measures().size() + 1, r.getResults().size(), r.getId());
        }
    }

    @Test
    void aConnectionHeldInCloseWaitSixTimesTheThresholdIsAWarningScoredFromItsLongestStay(@TempDir Path dir)
            throws Exception {
        // connection 3 of the fixture: re-stated as 30 s in CLOSE_WAIT; the threshold is 5 s
        IItemCollection items = JfrLoaderToolkit.loadEvents(
                FixtureRecordings.closeWaitAndTimeWait(dir.resolve("fixture.jfr")).toFile());
        TcpStateRule rule = registered().stream().filter(r -> r.findingRule() instanceof CloseWaitLinger)
                .findFirst().orElseThrow();
        IResult result = evaluate(rule, items);
        assertEquals(Severity.WARNING, result.getSeverity(), result.getSummary());
        TypedResult<?> longestResult = rule.getResults().stream()
                .filter(t -> t.getIdentifier().equals(CloseWaitLinger.LONGEST.id())).findFirst().orElseThrow();
        double longest = ((IQuantity) result.getResult(longestResult)).doubleValueIn(UnitLookup.NANOSECOND);
        assertTrue(longest >= 30e9, String.valueOf(longest));
        double expected = dev.tcpstate.analyzer.findings.Severity.WARNING.score(1 - 5e9 / longest);
        assertEquals(expected, result.getResult(TypedResult.SCORE).doubleValue(), 1e-6);
        assertTrue(result.getSummary().contains("held in CLOSE_WAIT"), result.getSummary());
    }

    private static IResult evaluate(IRule rule, IItemCollection items) throws Exception {
        var evaluation = rule.createEvaluation(items, IPreferenceValueProvider.DEFAULT_VALUES, null);
        evaluation.run();
        return evaluation.get();
    }
}
