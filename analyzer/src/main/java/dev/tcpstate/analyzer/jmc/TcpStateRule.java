package dev.tcpstate.analyzer.jmc;

import dev.tcpstate.analyzer.findings.Finding;
import dev.tcpstate.analyzer.findings.FindingRule;
import dev.tcpstate.analyzer.findings.Measure;
import dev.tcpstate.analyzer.findings.Attribution;
import dev.tcpstate.analyzer.findings.Preference;
import dev.tcpstate.analyzer.findings.Thresholds;
import dev.tcpstate.analyzer.load.TcpEventReader;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.EventNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.unit.ContentType;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.IUnit;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.common.util.IPreferenceValueProvider;
import org.openjdk.jmc.common.util.TypedPreference;
import org.openjdk.jmc.flightrecorder.rules.AbstractRule;
import org.openjdk.jmc.flightrecorder.rules.IResult;
import org.openjdk.jmc.flightrecorder.rules.IResultValueProvider;
import org.openjdk.jmc.flightrecorder.rules.ResultBuilder;
import org.openjdk.jmc.flightrecorder.rules.Severity;
import org.openjdk.jmc.flightrecorder.rules.TypedResult;
import org.openjdk.jmc.flightrecorder.rules.util.RulesToolkit.EventAvailability;

/**
 * One tcpstate finding as a JDK Mission Control rule: the same {@link FindingRule} the command line
 * runs, with its id and name, its thresholds offered as JMC preferences ({@code tcpstate.<id>}),
 * its findings as the result: scored by the finding, and the measures of the highest scoring one
 * as typed results. JMC's {@code ServiceLoader} needs a class with no arguments per rule: each
 * subclass here only names its {@code FindingRule} (a test checks that every finding has one).
 */
abstract class TcpStateRule extends AbstractRule {

    static final String TOPIC = "tcp_connections";

    private final FindingRule rule;
    private final Map<Preference<?>, TypedPreference<IQuantity>> preferences;
    private final Map<Measure.Kind, TypedResult<IQuantity>> results;
    /** Which frames are the application's: the same two package lists for every rule. */
    private static final Map<Preference<String>, TypedPreference<String>> ATTRIBUTION = attributionPreferences();

    TcpStateRule(FindingRule rule) {
        this(rule, jmcPreferences(rule), jmcResults(rule));
    }

    private TcpStateRule(FindingRule rule, Map<Preference<?>, TypedPreference<IQuantity>> prefs,
            Map<Measure.Kind, TypedResult<IQuantity>> results) {
        super(rule.type().ruleId(), rule.type().ruleName(), TOPIC, allPreferences(prefs),
                resultTypes(results), Map.of(EventNames.STATE_CHANGE, EventAvailability.AVAILABLE));
        this.rule = rule;
        this.preferences = prefs;
        this.results = results;
    }

    FindingRule findingRule() {
        return rule;
    }

    private static Map<Preference<?>, TypedPreference<IQuantity>> jmcPreferences(FindingRule rule) {
        Map<Preference<?>, TypedPreference<IQuantity>> map = new LinkedHashMap<>();
        for (Preference<?> p : rule.preferences()) {
            IQuantity defaultValue = p.defaultValue() instanceof Duration
                    ? UnitLookup.NANOSECOND.quantity(((Duration) p.defaultValue()).toNanos())
                    : UnitLookup.NUMBER_UNITY.quantity(((Number) p.defaultValue()).longValue());
            map.put(p, new TypedPreference<>("tcpstate." + p.id(), p.label(), p.description(),
                    p.defaultValue() instanceof Duration ? UnitLookup.TIMESPAN : UnitLookup.NUMBER, defaultValue));
        }
        return map;
    }

    private static Map<Preference<String>, TypedPreference<String>> attributionPreferences() {
        Map<Preference<String>, TypedPreference<String>> map = new LinkedHashMap<>();
        for (Preference<String> p : List.of(Attribution.LIBRARY_PREFIXES, Attribution.APPLICATION_PREFIXES)) {
            map.put(p, new TypedPreference<>("tcpstate." + p.id(), p.label(), p.description() + " ("
                    + p.unit().syntax() + ")", UnitLookup.PLAIN_TEXT.getPersister(), p.defaultValue()));
        }
        return map;
    }

    private static List<TypedPreference<?>> allPreferences(Map<Preference<?>, TypedPreference<IQuantity>> prefs) {
        List<TypedPreference<?>> all = new ArrayList<>(prefs.values());
        all.addAll(ATTRIBUTION.values());
        return all;
    }

    private static Map<Measure.Kind, TypedResult<IQuantity>> jmcResults(FindingRule rule) {
        Map<Measure.Kind, TypedResult<IQuantity>> map = new LinkedHashMap<>();
        for (Measure.Kind k : rule.measures()) {
            map.put(k, new TypedResult<>(k.id(), k.label(), k.label(), contentType(k.unit())));
        }
        return map;
    }

    private static List<TypedResult<?>> resultTypes(Map<Measure.Kind, TypedResult<IQuantity>> results) {
        List<TypedResult<?>> all = new ArrayList<>(List.of(TypedResult.SCORE));
        all.addAll(results.values());
        return all;
    }

    private static ContentType<IQuantity> contentType(Measure.Unit unit) {
        return switch (unit) {
            case NANOSECONDS -> UnitLookup.TIMESPAN;
            case COUNT -> UnitLookup.NUMBER;
            case PER_SECOND -> UnitLookup.FREQUENCY;
            case RATIO -> UnitLookup.PERCENTAGE;
        };
    }

    private static IUnit unit(Measure.Unit unit) {
        return switch (unit) {
            case NANOSECONDS -> UnitLookup.NANOSECOND;
            case COUNT -> UnitLookup.NUMBER_UNITY;
            case PER_SECOND -> UnitLookup.HERTZ;
            case RATIO -> UnitLookup.PERCENT_UNITY;
        };
    }

    @SuppressWarnings("unchecked")
    private Thresholds thresholds(IPreferenceValueProvider values) {
        Thresholds t = Thresholds.defaults();
        for (Map.Entry<Preference<?>, TypedPreference<IQuantity>> e : preferences.entrySet()) {
            IQuantity q = values.getPreferenceValue(e.getValue());
            if (q == null) {
                continue;
            }
            if (e.getKey().valueType() == Duration.class) {
                t = t.with((Preference<Duration>) e.getKey(), Duration.ofNanos(q.clampedLongValueIn(UnitLookup.NANOSECOND)));
            } else {
                t = t.with((Preference<Long>) e.getKey(), q.clampedLongValueIn(UnitLookup.NUMBER_UNITY));
            }
        }
        for (Map.Entry<Preference<String>, TypedPreference<String>> e : ATTRIBUTION.entrySet()) {
            String prefixes = values.getPreferenceValue(e.getValue());
            if (prefixes != null && !prefixes.isBlank()) {
                t = t.with(e.getKey(), e.getKey().parse(prefixes));
            }
        }
        return t;
    }

    @Override
    protected IResult getResult(IItemCollection items, IPreferenceValueProvider values, IResultValueProvider results) {
        Thresholds thresholds = thresholds(values);
        List<Finding> findings = rule.find(Timeline.of(TcpEventReader.read(items, "recording")), thresholds);
        if (findings.isEmpty()) {
            return ResultBuilder.createFor(this, values).setSeverity(Severity.OK)
                    .addResult(TypedResult.SCORE, UnitLookup.NUMBER_UNITY.quantity(0))
                    .setSummary("No " + rule.type().description() + ".").build();
        }
        Finding top = findings.stream().max(Comparator.comparingDouble(f -> rule.score(f, thresholds))).orElseThrow();
        double score = rule.score(top, thresholds);
        int connections = findings.stream().mapToInt(Finding::count).sum();
        StringBuilder explanation = new StringBuilder();
        for (Finding f : findings) {
            explanation.append(f.summary());
            if (f.site() != null && f.site().frame() != null) {
                explanation.append(" (").append(f.siteRole()).append(" at ").append(f.site().frame()).append(')');
            }
            explanation.append(".<br>");
        }
        explanation.append(top.explanation());
        ResultBuilder result = ResultBuilder.createFor(this, values)
                .setSeverity(Severity.get(score))
                .addResult(TypedResult.SCORE, UnitLookup.NUMBER_UNITY.quantity(score))
                .setSummary(findings.size() + " finding(s), " + connections + " connection(s): " + top.summary())
                .setExplanation(explanation.toString())
                .setSolution(top.advice());
        for (Measure m : top.measures()) {
            result.addResult(this.results.get(m.kind()), unit(m.kind().unit()).quantity(m.value()));
        }
        return result.build();
    }
}
