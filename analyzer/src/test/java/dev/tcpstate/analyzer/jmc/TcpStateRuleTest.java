package dev.tcpstate.analyzer.jmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.openjdk.jmc.common.util.TypedPreference;
import org.openjdk.jmc.flightrecorder.rules.IRule;
import org.openjdk.jmc.flightrecorder.rules.RuleRegistry;

import dev.tcpstate.analyzer.findings.FindingRule;
import dev.tcpstate.analyzer.findings.FindingType;
import dev.tcpstate.analyzer.findings.Findings;

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
    void eachRuleOffersItsFindingsThresholdsAsPreferences() {
        for (TcpStateRule r : registered()) {
            FindingRule finding = r.findingRule();
            assertEquals(finding.preferences().stream().map(p -> "tcpstate." + p.id()).toList(),
                    r.getConfigurationAttributes().stream().map(TypedPreference::getIdentifier).toList());
        }
    }
}
