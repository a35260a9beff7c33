package dev.tcpstate.agent.instrument;

import java.util.List;

/**
 * One intended weave: a JDK method, named by class, name and descriptor (one of several, where JDKs
 * differ), and the advice inlined into it. The installer reports each hook it could not weave, once.
 */
public record Hook(String typeName, String methodName, List<String> descriptors, Class<?> advice) {

    static Hook of(String typeName, String methodName, String descriptor, Class<?> advice) {
        return new Hook(typeName, methodName, List.of(descriptor), advice);
    }

    static Hook anyOf(String typeName, String methodName, List<String> descriptors, Class<?> advice) {
        return new Hook(typeName, methodName, descriptors, advice);
    }

    /** {@code java.net.Socket#close()V}: how the woven-methods report names a hook. */
    public String key(String descriptor) {
        return typeName + "#" + methodName + descriptor;
    }
}
