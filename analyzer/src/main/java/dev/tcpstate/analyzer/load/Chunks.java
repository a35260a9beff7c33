package dev.tcpstate.analyzer.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The chunks of a JFR file, found from their headers. A JFR chunk is self-contained (its own
 * metadata and constant pools), so reading chunk by chunk keeps the parser's memory to one chunk
 * at a time and lets a damaged chunk be skipped while the others are read.
 *
 * <p>Chunk header: magic {@code FLR\0}, major and minor version (u2 each), then, as big-endian
 * longs, the chunk size, constant pool offset, metadata offset, start (epoch ns) and duration (ns).
 */
final class Chunks {
    static final int HEADER_SIZE = 68;
    private static final int MAGIC = 0x464c5200; // "FLR\0"

    /** A chunk whose header is sound and whose declared bytes are all in the file. */
    record Chunk(int index, long offset, long size) {
    }

    /** Bytes that are not part of a sound chunk, and why. */
    record Skipped(long offset, long length, String reason) {
    }

    record Layout(List<Chunk> chunks, List<Skipped> skipped) {
    }

    private Chunks() {
    }

    static boolean startsWithMagic(FileChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4);
        return channel.read(b, 0) == 4 && b.getInt(0) == MAGIC;
    }

    static Layout scan(FileChannel channel) throws IOException {
        long length = channel.size();
        List<Chunk> chunks = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        long offset = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        while (offset < length) {
            long remaining = length - offset;
            header.clear();
            int read = channel.read(header, offset);
            String problem = null;
            long size = 0;
            if (read < HEADER_SIZE) {
                problem = "an incomplete chunk header";
            } else if (header.getInt(0) != MAGIC) {
                problem = "bytes that do not start a chunk";
            } else {
                size = header.getLong(8);
                long metadataOffset = header.getLong(24);
                if (size < HEADER_SIZE) {
                    problem = "a chunk that was never finished";
                } else if (size > remaining) {
                    problem = "an incomplete chunk (" + remaining + " of its " + size + " bytes)";
                } else if (metadataOffset < HEADER_SIZE || metadataOffset >= size) {
                    problem = "a chunk with a damaged header";
                }
            }
            if (problem == null) {
                chunks.add(new Chunk(chunks.size() + skipped.size() + 1, offset, size));
                offset += size;
            } else {
                long next = nextMagic(channel, offset + 1, length);
                skipped.add(new Skipped(offset, next - offset, problem));
                offset = next;
            }
        }
        return new Layout(chunks, skipped);
    }

    /** The offset of the next {@code FLR\0} at or after {@code from}, or {@code length} when none. */
    private static long nextMagic(FileChannel channel, long from, long length) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(64 * 1024);
        long position = from;
        while (position < length) {
            block.clear();
            int n = channel.read(block, position);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i + 3 < n; i++) {
                if (block.getInt(i) == MAGIC) {
                    return position + i;
                }
            }
            if (n < 4) {
                break;
            }
            position += n - 3;
        }
        return length;
    }
}
