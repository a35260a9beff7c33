package dev.tcpstate.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.MemberSubstitution;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import org.junit.jupiter.api.Test;

/**
 * A hook with a callee, as the installer weaves it: the result of each call the hooked method makes
 * passes through the advice, with the hooked method's {@code this}; a method that makes no such call
 * is left as it is and not reported woven (so the installer reports the hook unwoven on a JDK whose
 * method no longer calls it).
 */
class HookAfterCallsTest {

    /** The callee. */
    public static final class Counter {
        public static int next(int n) {
            return n;
        }
    }

    /** One method calls the callee, the other does not. */
    public static class Sample {
        public int calls(int n) {
            return Counter.next(n) * 10;
        }

        public int callsNot(int n) {
            return n * 10;
        }
    }

    /** Passes each result on plus one, and keeps the object whose method made the call. */
    public static final class PlusOne {
        static Object lastCaller;

        public static int after(@MemberSubstitution.This(source = MemberSubstitution.Source.ENCLOSING_METHOD)
                Object caller, @MemberSubstitution.Current int n) {
            lastCaller = caller;
            return n + 1;
        }
    }

    @Test
    void eachResultOfTheCallPassesThroughTheAdviceAndOnlyAMethodMakingTheCallIsWoven() throws Exception {
        Hook.Callee next = new Hook.Callee(Counter.class.getName(), "next");
        Hook calls = Hook.afterCalls(Sample.class.getName(), "calls", "(I)I", next, PlusOne.class);
        Hook callsNot = Hook.afterCalls(Sample.class.getName(), "callsNot", "(I)I", next, PlusOne.class);
        Class<?> woven = new ByteBuddy().redefine(Sample.class)
                .visit(Installer.afterCalls(calls).on(Installer.matcherOf(calls)))
                .visit(Installer.afterCalls(callsNot).on(Installer.matcherOf(callsNot)))
                .make().load(getClass().getClassLoader(), ClassLoadingStrategy.Default.CHILD_FIRST).getLoaded();
        Object sample = woven.getDeclaredConstructor().newInstance();
        Method callsMethod = woven.getMethod("calls", int.class);
        Method callsNotMethod = woven.getMethod("callsNot", int.class);

        assertEquals(30, callsMethod.invoke(sample, 2), "(2 + 1) * 10: the callee's result, through the advice");
        assertSame(sample, PlusOne.lastCaller);
        assertEquals(20, callsNotMethod.invoke(sample, 2));
        assertTrue(Installer.woven(calls.key("(I)I")));
        assertFalse(Installer.woven(callsNot.key("(I)I")));
    }
}
