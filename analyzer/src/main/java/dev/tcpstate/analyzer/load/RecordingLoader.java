package dev.tcpstate.analyzer.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.flightrecorder.CouldNotLoadRecordingException;
import org.openjdk.jmc.flightrecorder.JfrLoaderToolkit;

/**
 * Reads recordings with the JMC parser (the one JDK Mission Control uses, so that a JMC rule and
 * the command line see the same items), chunk by chunk, a few side by side: memory stays bounded by
 * a few chunks rather than the whole file, and a damaged chunk is skipped, with a warning, while the
 * others are read. Of each chunk only our items are kept ({@link OurItemsOnly}). Every failure
 * becomes one line for the user, never a stack trace.
 */
public final class RecordingLoader {
    /** The parser logs what it skips, with stack traces, to the console; we report it ourselves. */
    private static final Logger JMC_LOGGER = Logger.getLogger("org.openjdk.jmc");
    /** Chunks read at once, at most: each holds one chunk's worth of the parser's memory. */
    private static final int MAX_THREADS = 4;

    static {
        JMC_LOGGER.setLevel(Level.OFF);
    }

    private RecordingLoader() {
    }

    /**
     * Reads all {@code files} as one body of evidence.
     *
     * @throws UnreadableRecordingException when a file is missing or not a recording, when one is
     *     damaged beyond reading, or when none of them holds our events
     */
    public static LoadResult load(List<Path> files) throws UnreadableRecordingException {
        return load(files, false);
    }

    /**
     * Reads all {@code files} as one body of evidence; with {@code redact}, every address and host
     * name is replaced by a pseudonym here, before anything else sees the events.
     *
     * @throws UnreadableRecordingException as {@link #load(List)}
     */
    public static LoadResult load(List<Path> files, boolean redact) throws UnreadableRecordingException {
        List<String> warnings = new ArrayList<>();
        List<TcpEvents> parts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path file : files) {
            TcpEvents events = loadFile(file, warnings);
            names.add(file.toString());
            if (!events.hasTcpstateData()) {
                warnings.add(file + ": no tcpstate events (was the agent attached?)");
            }
            parts.add(events);
        }
        TcpEvents all = TcpEvents.merge(parts);
        if (!all.hasTcpstateData()) {
            throw new UnreadableRecordingException(
                    (files.size() == 1 ? files.get(0) + ": recording has" : "none of the recordings has")
                    + " no tcpstate events; record with -javaagent:tcpstate-agent.jar=record=<file.jfr>");
        }
        return new LoadResult(redact ? Pseudonyms.redact(all) : all, names, warnings);
    }

    static TcpEvents loadFile(Path file, List<String> warnings) throws UnreadableRecordingException {
        if (Files.isDirectory(file)) {
            throw new UnreadableRecordingException(file + ": is a directory, not a JFR recording");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() == 0) {
                throw new UnreadableRecordingException(file + ": empty file, not a JFR recording");
            }
            if (!Chunks.startsWithMagic(channel)) {
                if (isCompressed(channel)) {
                    return loadWhole(file);
                }
                throw new UnreadableRecordingException(file + ": not a JFR recording (no FLR header)");
            }
            return loadChunks(file, channel, warnings);
        } catch (NoSuchFileException e) {
            throw new UnreadableRecordingException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UnreadableRecordingException(file + ": permission denied");
        } catch (IOException e) {
            throw new UnreadableRecordingException(file + ": cannot be read: " + oneLine(e));
        }
    }

    private static TcpEvents loadChunks(Path file, FileChannel channel, List<String> warnings)
            throws IOException, UnreadableRecordingException {
        Chunks.Layout layout = Chunks.scan(channel);
        List<TcpEvents> parts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Chunks.Skipped s : layout.skipped()) {
            problems.add(describe(s.offset(), s.length()) + ": " + s.reason());
        }
        // chunks are independent: read a few at once (each in flight holds one chunk's bytes and items)
        int threads = Integer.getInteger("tcpstate.analyzer.threads",
                Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors())));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tcpstate-chunk-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (Chunks.Chunk chunk : layout.chunks()) {
                results.add(pool.submit(() -> readChunk(file, channel, chunk)));
            }
            for (Future<Object> f : results) {
                Object r = f.get();
                if (r instanceof TcpEvents events) {
                    parts.add(events);
                } else {
                    problems.add((String) r);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreadableRecordingException(file + ": interrupted while reading");
        } catch (ExecutionException e) {
            throw new UnreadableRecordingException(file + ": cannot be read: " + oneLine(e.getCause()));
        } finally {
            pool.shutdownNow();
        }
        if (parts.isEmpty()) {
            throw new UnreadableRecordingException(file + ": damaged recording, nothing could be read ("
                    + (problems.isEmpty() ? "no chunk" : problems.get(0)) + ")");
        }
        for (String p : problems) {
            warnings.add(file + ": skipped " + p + "; the rest was read");
        }
        return TcpEvents.merge(parts);
    }

    /** Our events of one chunk, or why it could not be read. */
    private static Object readChunk(Path file, FileChannel channel, Chunks.Chunk chunk) {
        try (InputStream in = new Slice(channel, chunk.offset(), chunk.size())) {
            IItemCollection items = JfrLoaderToolkit.loadEvents(in, OurItemsOnly.withRegistered());
            return TcpEventReader.read(items, file.toString());
        } catch (IOException | CouldNotLoadRecordingException | RuntimeException | StackOverflowError
                 | OutOfMemoryError e) {
            return describe(chunk.offset(), chunk.size()) + ": a damaged chunk (" + oneLine(e) + ")";
        }
    }

    private static TcpEvents loadWhole(Path file) throws UnreadableRecordingException {
        try {
            return TcpEventReader.read(JfrLoaderToolkit.loadEvents(file.toFile()), file.toString());
        } catch (IOException | CouldNotLoadRecordingException | RuntimeException | StackOverflowError
                 | OutOfMemoryError e) {
            throw new UnreadableRecordingException(file + ": compressed file that is not a readable JFR recording ("
                    + oneLine(e) + ")");
        }
    }

    private static boolean isCompressed(FileChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4);
        int n = channel.read(b, 0);
        boolean gzip = n >= 2 && (b.get(0) & 0xff) == 0x1f && (b.get(1) & 0xff) == 0x8b;
        boolean zip = n >= 4 && b.getInt(0) == 0x504b0304;
        return gzip || zip;
    }

    private static String describe(long offset, long length) {
        return "bytes " + offset + "-" + (offset + length - 1) + " (" + length + " bytes)";
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        String text = m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
        return text.replaceAll("\\s+", " ").trim();
    }

    /** The bytes of one chunk, read straight from the file at their own position (chunks are read side by side). */
    private static final class Slice extends InputStream {
        private final FileChannel channel;
        private long position;
        private long left;

        Slice(FileChannel channel, long offset, long size) {
            this.channel = channel;
            this.position = offset;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = channel.read(ByteBuffer.wrap(buf, off, (int) Math.min(len, left)), position);
            if (n <= 0) {
                return -1;
            }
            position += n;
            left -= n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, left));
            position += skipped;
            left -= skipped;
            return skipped;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, left);
        }

        @Override
        public void close() {
            // the channel belongs to the caller
        }
    }
}
