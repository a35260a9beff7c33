package dev.tcpstate.analyzer.findings;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.tcpstate.analyzer.load.CallStack;
import dev.tcpstate.analyzer.load.Frame;
import dev.tcpstate.analyzer.load.LibraryCall;
import dev.tcpstate.analyzer.load.StateChange;
import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.Library;
import dev.tcpstate.contract.SocketKind;
import dev.tcpstate.contract.Source;

/**
 * The code responsible: the first frame of a recorded stack that is the application's (not the JDK,
 * not the agent, not a networking library), the frames below it (its callers), and the library frame
 * it entered through. When a library did the work on a thread of its own (no application frame in
 * that stack), the site is the application's call into the library that asked for it
 * ({@code tcpstate.LibraryCall}), and {@code libraryThread} names the thread the library used; a close
 * the library did on its own thread is answered for by the code that opened the connection.
 *
 * @param frame the application's frame; when there is none, the outermost frame of the innermost
 *     library (or of the JDK); {@code null} when the event is not in the recording or has no stack
 * @param below the callers of {@code frame}, innermost first
 * @param thread the thread of {@code frame}'s call
 * @param applicationFrame false when no frame of the stack (nor of a joined call) is the application's
 * @param library the library entered through, or that did the work; {@code null} for the JDK's own API
 * @param entry the library's frame the application called (its public entry); {@code null} when none
 * @param libraryThread the thread on which the library did it, when that was not {@code thread}; else empty
 * @param beforeRecording no stack can exist: the connection was found in the kernel's table, opened
 *     before the recording began (or by native code)
 */
public record CodeSite(Frame frame, List<Frame> below, String thread, boolean applicationFrame, Library library,
        Frame entry, String libraryThread, boolean beforeRecording) {
    public static final CodeSite UNKNOWN = new CodeSite(null, List.of(), "", false, null, null, "", false);
    /** The site of a connection found in the kernel's table: opened before the recording began. */
    public static final CodeSite BEFORE_RECORDING = new CodeSite(null, List.of(), "", false, null, null, "", true);

    public CodeSite {
        below = List.copyOf(below);
    }

    /**
     * The site of the code that caused {@code event} of connection {@code c}: its own stack's
     * application frame; failing that, the application's call into the library whose thread did it.
     */
    public static CodeSite of(Timeline timeline, Connection c, StateChange event, Attribution attribution) {
        if (event == null) {
            return SocketKind.KERNEL.recorded().equals(c.socketKind()) ? BEFORE_RECORDING : UNKNOWN;
        }
        CodeSite own = of(event.stack(), event.thread(), attribution);
        if (own.applicationFrame() || event.source() != Source.API) {
            return own;
        }
        StateChange opened = c.opened() != null ? c.opened() : event;
        if (opened != event) {
            // closed by the library on its own thread: the code that opened the connection answers for it
            CodeSite openedBy = of(opened.stack(), opened.thread(), attribution);
            if (openedBy.applicationFrame()) {
                return new CodeSite(openedBy.frame(), openedBy.below(), openedBy.thread(), true,
                        openedBy.library() != null ? openedBy.library() : own.library(), openedBy.entry(),
                        event.thread(), false);
            }
        }
        // the connection was opened on a library's thread too: the application's call that asked for it
        Set<Library> libraries = librariesIn(opened.stack(), attribution);
        libraries.addAll(librariesIn(event.stack(), attribution));
        LibraryCall call = timeline.libraryCallFor(c, opened.time(), libraries);
        if (call == null) {
            return own;
        }
        CodeSite asked = of(call.stack(), call.thread(), attribution);
        if (!asked.applicationFrame()) {
            return own;
        }
        Frame entry = asked.entry() != null ? asked.entry() : new Frame(call.entry(), "", -1);
        return new CodeSite(asked.frame(), asked.below(), call.thread(), true, call.library(), entry, event.thread(),
                false);
    }

    public static CodeSite of(CallStack stack, String thread) {
        return of(stack, thread, Attribution.DEFAULT);
    }

    public static CodeSite of(CallStack stack, String thread, Attribution attribution) {
        List<Frame> frames = stack.frames();
        for (int i = 0; i < frames.size(); i++) {
            if (attribution.libraryOf(frames.get(i)) == null) {
                Frame entry = null;
                Library entered = null;
                if (i > 0) {
                    Library inner = attribution.libraryOf(frames.get(i - 1));
                    if (inner != null && inner.isEntered()) {
                        entry = frames.get(i - 1);
                        entered = inner;
                    }
                }
                return new CodeSite(frames.get(i), frames.subList(i + 1, frames.size()), thread, true, entered, entry, "",
                        false);
            }
        }
        if (frames.isEmpty()) {
            return new CodeSite(null, List.of(), thread, false, null, null, "", false);
        }
        // No application frame: name the library that did it by its outermost frame of the block
        // nearest the socket call, rather than the thread's launcher (Thread.run says nothing).
        int first = -1;
        for (int i = 0; i < frames.size(); i++) {
            Library l = attribution.libraryOf(frames.get(i));
            if (l != null && l.isEntered()) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return new CodeSite(frames.get(frames.size() - 1), List.of(), thread, false, null, null, "", false);
        }
        Library library = attribution.libraryOf(frames.get(first));
        int last = first;
        while (last + 1 < frames.size() && attribution.libraryOf(frames.get(last + 1)) == library) {
            last++;
        }
        return new CodeSite(frames.get(last), frames.subList(last + 1, frames.size()), thread, false, library, null,
                "", false);
    }

    private static Set<Library> librariesIn(CallStack stack, Attribution attribution) {
        Set<Library> found = EnumSet.noneOf(Library.class);
        for (Frame f : stack.frames()) {
            Library l = attribution.libraryOf(f);
            if (l != null && l.isEntered()) {
                found.add(l);
            }
        }
        return found;
    }

    public boolean isKnown() {
        return frame != null;
    }

    /**
     * The site in one line, for a heading: {@code com.example.Client.fetch:42 via OkHttp RealCall.execute};
     * without an application frame, what did it: {@code OkHttp internals (okhttp3.….connectSocket:173)}.
     */
    public String label() {
        if (frame == null) {
            return beforeRecording ? "an unknown site (opened before the recording began: found in the kernel's table, "
                    + "no stack exists)"
                    : "an unknown site (its event is not in the recording)";
        }
        if (!applicationFrame) {
            return library == null ? frame.toString() : library.displayName() + " internals (" + frame + ")";
        }
        return entry == null ? frame.toString() : frame + " via " + library.displayName() + " " + shortEntry();
    }

    /** The site with the threads it involves, and why there is no application frame when there is none. */
    public String describe() {
        if (!isKnown()) {
            return label();
        }
        String on = thread.isEmpty() ? "" : "thread \"" + thread + "\"";
        if (!libraryThread.isEmpty()) {
            return label() + " (asked on " + on + "; " + (library == null ? "done" : library.displayName() + " did it")
                    + " on its thread \"" + libraryThread + "\")";
        }
        String where = label() + (on.isEmpty() ? "" : " (" + on + ")");
        if (applicationFrame) {
            return where;
        }
        return where + (library == null ? " [no application frame: every frame is the JDK's]"
                : " [no application frame, and no recorded call into " + library.displayName()
                        + " for this peer before it]");
    }

    /** {@code RealCall.execute} for {@code okhttp3.internal.connection.RealCall.execute:123}. */
    String shortEntry() {
        if (entry.methodName().isEmpty()) {
            return entry.className(); // joined from a LibraryCall: its entry as the agent named it
        }
        String type = entry.className();
        return type.substring(type.lastIndexOf('.') + 1) + "." + entry.methodName();
    }
}
