package dev.tcpstate.agent.jmx;

import javax.management.ConstructorParameters;

/** One connection as the live view shows it (an open type: a {@code CompositeData} over JMX). */
public final class ConnectionInfo {
    private final long id;
    private final String state;
    private final String source;
    private final long inStateMillis;
    private final boolean inStateAtLeast;
    private final long ageMillis;
    private final String role;
    private final String kind;
    private final String local;
    private final String peer;
    private final String site;

    @ConstructorParameters({"id", "state", "source", "inStateMillis", "inStateAtLeast", "ageMillis", "role", "kind",
        "local", "peer", "site"})
    public ConnectionInfo(long id, String state, String source, long inStateMillis, boolean inStateAtLeast,
            long ageMillis, String role, String kind, String local, String peer, String site) {
        this.id = id;
        this.state = state;
        this.source = source;
        this.inStateMillis = inStateMillis;
        this.inStateAtLeast = inStateAtLeast;
        this.ageMillis = ageMillis;
        this.role = role;
        this.kind = kind;
        this.local = local;
        this.peer = peer;
        this.site = site;
    }

    /** The {@code connectionId} of its events in a recording. */
    public long getId() {
        return id;
    }

    public String getState() {
        return state;
    }

    /** Who showed the state: {@code API} (a Java call), {@code KERNEL} (a sample), {@code EXPECTED}, … */
    public String getSource() {
        return source;
    }

    public long getInStateMillis() {
        return inStateMillis;
    }

    /** The time in state is a lower bound: it was in that state before the agent saw it. */
    public boolean isInStateAtLeast() {
        return inStateAtLeast;
    }

    /** Since the agent first saw it. */
    public long getAgeMillis() {
        return ageMillis;
    }

    public String getRole() {
        return role;
    }

    public String getKind() {
        return kind;
    }

    public String getLocal() {
        return local;
    }

    public String getPeer() {
        return peer;
    }

    /** The code that opened it: the application's frame and the library it called through. */
    public String getSite() {
        return site;
    }
}
