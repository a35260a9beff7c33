package dev.tcpstate.analyzer.load;

import java.util.HashMap;
import java.util.Map;

import org.openjdk.jmc.common.item.IAccessorKey;
import org.openjdk.jmc.common.item.IItem;
import org.openjdk.jmc.common.item.IMemberAccessor;
import org.openjdk.jmc.common.item.IType;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.LinearUnit;
import org.openjdk.jmc.common.unit.UnitLookup;

/**
 * The fields of one event type, looked up by the names the type itself declares. The JMC parser
 * gives a plain {@code long} or {@code int} field as a raw number and an annotated one as a
 * quantity with a unit, so values are converted by what they are, never by a guessed unit.
 */
final class Fields {
    private final Map<String, IMemberAccessor<?, IItem>> byName = new HashMap<>();

    Fields(IType<IItem> type) {
        for (IAccessorKey<?> key : type.getAccessorKeys().keySet()) {
            byName.put(key.getIdentifier(), type.getAccessor(key));
        }
    }

    private Object value(IItem item, String field) {
        IMemberAccessor<?, IItem> accessor = byName.get(field);
        return accessor == null ? null : accessor.getMember(item);
    }

    String string(IItem item, String field) {
        Object v = value(item, field);
        return v == null ? "" : v.toString();
    }

    long number(IItem item, String field, long missing) {
        Object v = value(item, field);
        if (v instanceof IQuantity q) {
            return q.longValue();
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                return missing;
            }
        }
        return missing;
    }

    int integer(IItem item, String field, int missing) {
        long v = number(item, field, missing);
        return v > Integer.MAX_VALUE || v < Integer.MIN_VALUE ? missing : (int) v;
    }

    /** A time span in nanoseconds; a bare number is taken to be in {@code bareUnit}. */
    long timespan(IItem item, String field, LinearUnit bareUnit, LinearUnit wanted, long missing) {
        Object v = value(item, field);
        if (v instanceof IQuantity q) {
            if (q.getUnit().getContentType() == UnitLookup.TIMESPAN) {
                return q.clampedLongValueIn(wanted);
            }
            return bareUnit.quantity(q.longValue()).clampedLongValueIn(wanted);
        }
        if (v instanceof Number n) {
            return bareUnit.quantity(n.longValue()).clampedLongValueIn(wanted);
        }
        return missing;
    }

    /** A timestamp in milliseconds since the epoch, or -1. */
    long epochMillis(IItem item, String field) {
        Object v = value(item, field);
        if (v instanceof IQuantity q && q.getUnit().getContentType() == UnitLookup.TIMESTAMP) {
            return q.clampedLongValueIn(UnitLookup.EPOCH_MS);
        }
        return -1;
    }

    long nanos(IItem item, String field) {
        return timespan(item, field, UnitLookup.NANOSECOND, UnitLookup.NANOSECOND, 0);
    }
}
