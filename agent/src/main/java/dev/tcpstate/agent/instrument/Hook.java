package dev.tcpstate.agent.instrument;

import java.util.List;

/**
 * One intended weave: a JDK method, named by class, name and descriptor (one of several, where JDKs
 * differ), and the advice inlined into it. The installer reports each hook it could not weave, once.
 *
 * <p>With a {@code callee}, the advice is not inlined around the method: each call the method makes
 * to the callee passes its result through the advice's public static method of the same return type
 * (a Byte Buddy member substitution), where the method itself never returns that result. The hook is
 * woven only where such a call was found.
 */
public record Hook(String typeName, String methodName, List<String> descriptors, Class<?> advice, Callee callee) {

    /** A method called from the hooked method, by the name of the class that declares it and its name. */
    public record Callee(String typeName, String methodName) {
    }

    static Hook of(String typeName, String methodName, String descriptor, Class<?> advice) {
        return new Hook(typeName, methodName, List.of(descriptor), advice, null);
    }

    static Hook anyOf(String typeName, String methodName, List<String> descriptors, Class<?> advice) {
        return new Hook(typeName, methodName, descriptors, advice, null);
    }

    /** The results of the hooked method's calls to {@code callee}, through {@code advice}. */
    static Hook afterCalls(String typeName, String methodName, String descriptor, Callee callee, Class<?> advice) {
        return new Hook(typeName, methodName, List.of(descriptor), advice, callee);
    }

    /** {@code java.net.Socket#close()V}: how the woven-methods report names a hook. */
    public String key(String descriptor) {
        return typeName + "#" + methodName + descriptor;
    }
}
