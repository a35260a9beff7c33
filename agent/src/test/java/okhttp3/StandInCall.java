package okhttp3;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A stand-in for a library's entry (its package is OkHttp's), for the opening-site tests: it runs
 * what it is given on the caller's thread, or on a thread of its own as OkHttp's dispatcher does.
 */
public final class StandInCall {
    private StandInCall() {
    }

    public static <T> T execute(Supplier<T> work) {
        return work.get();
    }

    public static <T> T onOwnThread(Supplier<T> work) throws InterruptedException {
        AtomicReference<T> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(work.get()), "StandIn Dispatcher");
        t.start();
        t.join();
        return result.get();
    }
}
