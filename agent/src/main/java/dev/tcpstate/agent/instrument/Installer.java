package dev.tcpstate.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;

import dev.tcpstate.agent.bridge.SocketBridge;
import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.asm.MemberSubstitution;
import net.bytebuddy.asm.MemberSubstitution.Substitution.Chain.Step;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves every {@link Hook} into the JDK, and every {@link LibraryInstrumentations library}'s hooks into
 * its classes in application class loaders. JDK targets are loaded before the transformer is installed
 * (retransforming one class can load another, which would then never be woven), except the
 * asynchronous channels' ({@link AsynchronousChannelInstrumentation#WOVEN_AS_THEY_LOAD}): those not
 * loaded yet are woven when the application first loads them, and cost nothing until then. Types are described
 * from class files only (describing by reflection could load a target from inside the transformer),
 * and the transformation is repeatable (JFR on JDK 17 retransforms the socket classes again). Library
 * classes are never loaded by the agent: they are woven as the application loads them, or
 * retransformed when the agent finds them loaded already (an attach). Their advice calls the bridge
 * on the bootstrap class path, which every class loader reaches by delegation.
 */
public final class Installer {

    /** Every intended hook, in the order of the JDK APIs. */
    public static List<Hook> hooks() {
        List<Hook> all = new ArrayList<>();
        all.addAll(SocketInstrumentation.hooks());
        all.addAll(ServerSocketInstrumentation.hooks());
        all.addAll(SocketChannelInstrumentation.hooks());
        all.addAll(ServerSocketChannelInstrumentation.hooks());
        all.addAll(AsynchronousChannelInstrumentation.hooks());
        return all;
    }

    /** {@code Type#methodDescriptor} of every method actually woven, filled while transforming. */
    private static final Set<String> WOVEN = ConcurrentHashMap.newKeySet();

    private Installer() {
    }

    /**
     * The result: what was woven, what was not, and the handle to undo it. {@code woven} is what was
     * woven by the end of the installation; {@code unwoven} grows as library classes load that lack a
     * hooked method (see {@link #libraryWoven()} for the library methods woven since).
     */
    public record Installation(ResettableClassFileTransformer transformer, Set<String> woven, List<Hook> unwoven,
            List<String> errors) {

        /** Every hook on a method of this name, in every class this JDK has, was woven without error. */
        public boolean wovenEvery(String methodName) {
            return errors.isEmpty() && unwoven.stream().noneMatch(h -> h.methodName().equals(methodName));
        }
    }

    /** Every library hook (by the libraries' own class names), in the order of {@link LibraryInstrumentations}. */
    public static List<Hook> libraryHooks() {
        return LibraryInstrumentations.hooks();
    }

    /** {@code Type#methodDescriptor} of every library method woven so far, as the class is named where it loaded. */
    public static Set<String> libraryWoven() {
        return Collections.unmodifiableSet(LIBRARY_WOVEN);
    }

    private static final Set<String> LIBRARY_WOVEN = ConcurrentHashMap.newKeySet();

    public static Installation install(Instrumentation instrumentation, File agentJar, Consumer<String> log)
            throws IOException {
        return install(instrumentation, agentJar, log, false);
    }

    /**
     * As above; with {@code verbose}, each library method woven after the installation, and each hook
     * a loaded library class lacks, is logged when it happens.
     */
    public static Installation install(Instrumentation instrumentation, File agentJar, Consumer<String> log,
            boolean verbose) throws IOException {
        long t0 = System.nanoTime();
        wovenLater = null; // what this installation weaves itself, the caller reports
        List<Hook> hooks = hooks();
        Map<String, List<Hook>> byType = new LinkedHashMap<>();
        for (Hook h : hooks) {
            byType.computeIfAbsent(h.typeName(), k -> new ArrayList<>()).add(h);
        }
        List<Class<?>> targets = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<Hook> unwoven = new CopyOnWriteArrayList<>();
        LibraryTypes libraries = new LibraryTypes(LibraryInstrumentations.all());
        Set<String> loadedTypes = new HashSet<>();
        for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
            if (byType.containsKey(loaded.getName()) && loaded.getClassLoader() == null) {
                loadedTypes.add(loaded.getName());
            }
        }
        for (String type : byType.keySet()) {
            if (AsynchronousChannelInstrumentation.WOVEN_AS_THEY_LOAD.contains(type) && !loadedTypes.contains(type)) {
                // woven when the application first loads it, by the transformer installed below
                if (ClassLoader.getSystemResource(type.replace('.', '/') + ".class") == null) {
                    missing.add(type + " (class absent on this JDK)");
                }
                continue;
            }
            try {
                targets.add(Class.forName(type, false, null));
            } catch (ClassNotFoundException | LinkageError e) {
                missing.add(type + " (class absent on this JDK)");
            }
        }
        readEdgeFromJavaBase(instrumentation);
        for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
            if (libraries.matches(loaded.getName()) && instrumentation.isModifiableClass(loaded)) {
                targets.add(loaded); // an attach: the application loaded them before the agent came
            }
        }
        AtomicBoolean installed = new AtomicBoolean();
        Consumer<String> libraryLog = verbose ? log : line -> { };

        ClassFileLocator adviceLocator = new ClassFileLocator.Compound(
                ClassFileLocator.ForJarFile.of(agentJar), ClassFileLocator.ForClassLoader.ofBootLoader());
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        AgentBuilder builder = newAgentBuilder()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Explicit(targets.toArray(new Class<?>[0])))
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.InjectionStrategy.Disabled.INSTANCE)
                .with(AgentBuilder.LambdaInstrumentationStrategy.DISABLED)
                .with(new ErrorListener(errors))
                .with(AgentBuilder.Listener.ModuleReadEdgeCompleting.of(instrumentation, false, SocketBridge.class))
                .ignore(not(namedOneOf(byType.keySet().toArray(new String[0])).or(libraries)));
        Map<Class<?>, Advice> advice = new ConcurrentHashMap<>();
        for (Map.Entry<String, List<Hook>> entry : byType.entrySet()) {
            List<Hook> typeHooks = entry.getValue();
            builder = builder.type(named(entry.getKey())).transform(
                    (DynamicType.Builder<?> b, TypeDescription type, ClassLoader loader, JavaModule module,
                            java.security.ProtectionDomain pd) -> {
                        for (Hook h : typeHooks) {
                            ElementMatcher.Junction<MethodDescription> matcher = matcherOf(h);
                            if (h.callee() != null) {
                                b = b.visit(afterCalls(h).on(matcher));
                                continue;
                            }
                            if (installed.get() && type.getDeclaredMethods().filter(matcher).isEmpty()) {
                                // a type woven as it loads, on a JDK whose class lacks the method: told as
                                // the installation tells the others (the check below)
                                unwoven.add(h);
                                log.accept("not woven on this JDK: " + notWoven(h));
                                continue;
                            }
                            Advice a = advice.computeIfAbsent(h.advice(), c -> Advice.to(c, adviceLocator));
                            b = b.visit(a.on(matcher)).visit(new AsmVisitorWrapper.ForDeclaredMethods()
                                    .method(matcher, (instrumentedType, method, visitor, context, pool, wf, rf) -> {
                                        noteWoven(WOVEN, instrumentedType.getName() + "#" + method.getInternalName()
                                                + method.getDescriptor());
                                        return visitor;
                                    }));
                        }
                        return b;
                    });
        }
        Set<String> reportedUnwoven = ConcurrentHashMap.newKeySet();
        for (LibraryTypes.Type libraryType : libraries.types()) {
            builder = builder.type(libraryType).transform(
                    (DynamicType.Builder<?> b, TypeDescription type, ClassLoader loader, JavaModule module,
                            java.security.ProtectionDomain pd) -> {
                        String root = libraryType.relocatedRoot(type.getName());
                        for (Hook h : libraryType.hooks()) {
                            ElementMatcher.Junction<MethodDescription> matcher =
                                    matcherOf(h, libraryType.library().rootPackage(), root).and(not(isAbstract()));
                            if (type.getDeclaredMethods().filter(matcher).isEmpty()) {
                                if (reportedUnwoven.add(type.getName() + "#" + h.methodName() + h.descriptors())) {
                                    unwoven.add(h);
                                    libraryLog.accept("not woven in " + libraryType.library().name() + " ("
                                            + type.getName() + "): " + h.methodName() + " " + h.descriptors());
                                }
                                continue;
                            }
                            Advice a = advice.computeIfAbsent(h.advice(), c -> Advice.to(c, adviceLocator));
                            b = b.visit(a.on(matcher)).visit(new AsmVisitorWrapper.ForDeclaredMethods()
                                    .method(matcher, (instrumentedType, method, visitor, context, pool, wf, rf) -> {
                                        noteWoven(LIBRARY_WOVEN, instrumentedType.getName() + "#"
                                                + method.getInternalName() + method.getDescriptor());
                                        return visitor;
                                    }));
                        }
                        return b;
                    });
        }
        long t1 = System.nanoTime();
        ResettableClassFileTransformer transformer = builder.installOn(instrumentation);
        installed.set(true);
        wovenLater = verbose ? log : null; // before the snapshot below: a method woven from now on is logged by itself
        long t2 = System.nanoTime();
        if (Boolean.getBoolean("tcpstate.debugTimes")) {
            log.accept("install: building " + (t1 - t0) / 1_000_000 + " ms, weaving " + (t2 - t1) / 1_000_000 + " ms");
        }
        for (Hook h : hooks) {
            boolean any = false;
            for (String d : h.descriptors()) {
                any |= WOVEN.contains(h.key(d));
            }
            if (!any && targets.stream().anyMatch(t -> t.getName().equals(h.typeName()))) {
                unwoven.add(h);
                missing.add(notWoven(h));
            }
        }
        for (String m : missing) {
            log.accept("not woven on this JDK: " + m);
        }
        for (String e : errors) {
            log.accept("could not weave " + e);
        }
        Set<String> woven = new LinkedHashSet<>(WOVEN);
        woven.addAll(LIBRARY_WOVEN);
        return new Installation(transformer, Collections.unmodifiableSet(woven), Collections.unmodifiableList(unwoven),
                errors);
    }

    /**
     * Byte Buddy's Nexus (for self-initializing types, which we never create) probes
     * {@code sun.misc.Unsafe} when the builder is constructed, and JDK 24+ then warns the host. Its
     * documented switch turns it off; the property is restored at once, so the host never sees it.
     */
    private static AgentBuilder newAgentBuilder() {
        String previous = System.getProperty(Nexus.PROPERTY);
        System.setProperty(Nexus.PROPERTY, "true");
        try {
            return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED));
        } finally {
            if (previous == null) {
                System.clearProperty(Nexus.PROPERTY);
            } else {
                System.setProperty(Nexus.PROPERTY, previous);
            }
        }
    }

    static ElementMatcher.Junction<MethodDescription> matcherOf(Hook h) {
        return matcherOf(h, "", "");
    }

    /** The hook's method, its descriptors relocated from the library's root package to {@code relocatedRoot}. */
    private static ElementMatcher.Junction<MethodDescription> matcherOf(Hook h, String rootPackage,
            String relocatedRoot) {
        ElementMatcher.Junction<MethodDescription> descriptor = null;
        for (String d : h.descriptors()) {
            String relocated = LibraryInstrumentation.relocate(d, rootPackage, relocatedRoot);
            descriptor = descriptor == null ? hasDescriptor(relocated) : descriptor.or(hasDescriptor(relocated));
        }
        return named(h.methodName()).and(descriptor);
    }

    /**
     * A hook with a callee: each call to it passes its result through the advice's public static method
     * of the same return type. The hook counts as woven when (and where) such a call was substituted,
     * so a JDK whose method no longer makes the call reports the hook unwoven, and is left unchanged.
     */
    static MemberSubstitution afterCalls(Hook h) {
        MemberSubstitution substitution = MemberSubstitution.relaxed();
        for (Method m : h.advice().getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers())) {
                substitution = substitution.method(isDeclaredBy(named(h.callee().typeName()))
                                .and(named(h.callee().methodName())).and(returns(m.getReturnType())))
                        .replaceWithChain(Step.OfOriginalExpression.INSTANCE, Step.ForDelegation.to(m),
                                SubstitutedCall.INSTANCE);
            }
        }
        return substitution;
    }

    /** The last step of a substituted call: leaves the result as it is, and notes the method woven. */
    private enum SubstitutedCall implements Step.Factory<MemberSubstitution.Target> {
        INSTANCE;

        @Override
        public Step<MemberSubstitution.Target> make(Assigner assigner, Assigner.Typing typing,
                TypeDescription instrumentedType, MethodDescription instrumentedMethod) {
            String key = instrumentedType.getName() + "#" + instrumentedMethod.getInternalName()
                    + instrumentedMethod.getDescriptor();
            return (target, parameters, result, handle, stackManipulation, current, offsets, freeOffset) -> {
                noteWoven(WOVEN, key);
                return new Step.Simple(StackManipulation.Trivial.INSTANCE, current);
            };
        }
    }

    /** Advice inlined into java.base calls the bridge, which lives in the boot loader's unnamed module. */
    private static void readEdgeFromJavaBase(Instrumentation instrumentation) {
        Module javaBase = Object.class.getModule();
        Module ours = SocketBridge.class.getModule();
        if (!javaBase.canRead(ours)) {
            instrumentation.redefineModule(javaBase, Set.of(ours), Map.of(), Map.of(), Set.of(), Map.of());
        }
    }

    /**
     * Where a method woven after the installation (its type, a library's or the JDK's, loaded later) is
     * told, when verbose; else null.
     */
    private static volatile Consumer<String> wovenLater;

    private static void noteWoven(Set<String> woven, String key) {
        Consumer<String> log = wovenLater;
        if (woven.add(key) && log != null) {
            log.accept("woven " + key);
        }
    }

    private static String notWoven(Hook h) {
        return h.typeName() + "#" + h.methodName() + " " + h.descriptors();
    }

    /** Whether the method {@link Hook#key} names was woven. */
    static boolean woven(String key) {
        return WOVEN.contains(key);
    }

    /** After the weaving was undone. */
    public static void forgetWoven() {
        WOVEN.clear();
        LIBRARY_WOVEN.clear();
    }

    private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
        private final List<String> errors;

        ErrorListener(List<String> errors) {
            this.errors = errors;
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
            errors.add(typeName + ": " + t);
        }
    }
}
