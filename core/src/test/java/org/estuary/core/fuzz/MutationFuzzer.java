package org.estuary.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A seeded mutation fuzzer for parsers of untrusted bytes, run as a JUnit test.
 *
 * <p>Jazzer's JUnit integration ({@code com.code-intelligence:jazzer-junit}) is not among the
 * packages this build may use, so this is the fallback issue 15 names: inputs are mutated from a
 * corpus of real captures (files under {@code src/test/resources/fuzz/<target>/}, plus seeds the
 * test builds with the project's own encoders) by bit flips, interesting values, block
 * insert/delete/duplicate, truncation and splicing of two inputs. It is not coverage-guided.
 *
 * <p>A target may refuse an input only with one of its declared exception types (its parse
 * error); anything else (an {@code ArrayIndexOutOfBoundsException}, a {@code NullPointerException},
 * an {@code OutOfMemoryError}, a {@code StackOverflowError}) or an input taking longer than
 * {@link #SLOW_INPUT_MS} is a finding: the input is written to {@code target/fuzz-findings/<target>/}
 * and the test fails with its hex. Copy a finding into the corpus's {@code regressions/} folder
 * once fixed: every corpus file is replayed first, on every run.
 *
 * <p>Budget: {@code -Destuary.fuzz.seconds=N} per target (default 2, so CI's fuzz stage stays
 * well under 3 minutes); {@code mvn -Pfuzz -Dfuzz.seconds=600 test} runs longer. The random seed
 * is printed and can be fixed with {@code -Destuary.fuzz.seed=N} to replay a run.
 */
public final class MutationFuzzer {
    /** One input taking this long is reported as a hang (generous: CI is a loaded 2-core machine). */
    public static final long SLOW_INPUT_MS = 5_000;
    private static final int MAX_INPUT = 256 * 1024;
    private static final int[] INTERESTING = {0, 1, 0x7F, 0x80, 0xFF, 0x40, 0x20, 0x10};

    /** The code under test: parse {@code input}; throw only the target's own parse errors. */
    @FunctionalInterface
    public interface Target {
        void run(byte[] input) throws Exception;
    }

    private final String name;
    private final Target target;
    private final Set<Class<? extends Throwable>> expected;
    private final List<byte[]> corpus = new ArrayList<>();

    @SafeVarargs
    public MutationFuzzer(String name, Target target, Class<? extends Throwable>... expected) {
        this.name = name;
        this.target = target;
        this.expected = Set.of(expected);
        Path dir = Path.of("src/test/resources/fuzz", name);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(Files::isRegularFile).sorted().forEach(f -> corpus.add(read(f)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Adds a seed built by the test (e.g. with the project's encoder). */
    public MutationFuzzer seed(byte[] input) {
        corpus.add(input.clone());
        return this;
    }

    /** Replays the corpus, then mutates for the budget; returns the number of inputs run. */
    public long run() {
        if (corpus.isEmpty()) {
            throw new IllegalStateException("fuzz target " + name + " has no corpus and no seeds");
        }
        for (byte[] c : corpus) {
            one(c);
        }
        long seed = Long.getLong("estuary.fuzz.seed", System.nanoTime());
        long budgetMs = (long) (Double.parseDouble(System.getProperty("estuary.fuzz.seconds", "2")) * 1000);
        Random rnd = new Random(seed);
        long until = System.currentTimeMillis() + budgetMs;
        long runs = corpus.size();
        while (System.currentTimeMillis() < until) {
            for (int i = 0; i < 64; i++) {
                one(mutate(rnd, corpus.get(rnd.nextInt(corpus.size())), rnd.nextInt(4) + 1));
                runs++;
            }
        }
        System.out.printf("fuzz %s: %d inputs in %d ms (seed %d, corpus %d)%n", name, runs, budgetMs, seed, corpus.size());
        return runs;
    }

    private void one(byte[] input) {
        long ms = timed(input);
        // a slow input is timed again before it counts: the first one pays class loading and JIT
        // warm-up, and a loaded machine can stall any one run
        if (ms > SLOW_INPUT_MS && timed(input) > SLOW_INPUT_MS) {
            throw finding(input, new AssertionError("one input took " + ms + " ms, twice"));
        }
    }

    private long timed(byte[] input) {
        long t0 = System.nanoTime();
        try {
            target.run(input);
        } catch (Throwable t) {
            if (!isExpected(t)) {
                throw finding(input, t);
            }
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private boolean isExpected(Throwable t) {
        for (Class<? extends Throwable> c : expected) {
            if (c.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private AssertionError finding(byte[] input, Throwable t) {
        String id;
        try {
            id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input)).substring(0, 16);
            Path out = Path.of("target/fuzz-findings", name, id + ".bin");
            Files.createDirectories(out.getParent());
            Files.write(out, input);
        } catch (Exception e) {
            id = "(not saved: " + e + ")";
        }
        String hex = HexFormat.of().formatHex(input, 0, Math.min(input.length, 512));
        return new AssertionError("fuzz " + name + ": input " + id + " (" + input.length + " bytes) fails with " + t
                + "\nfirst bytes: " + hex, t);
    }

    private byte[] mutate(Random rnd, byte[] base, int rounds) {
        byte[] b = base;
        for (int r = 0; r < rounds; r++) {
            b = mutateOnce(rnd, b);
        }
        return b.length > MAX_INPUT ? java.util.Arrays.copyOf(b, MAX_INPUT) : b;
    }

    private byte[] mutateOnce(Random rnd, byte[] in) {
        if (in.length == 0) {
            return new byte[] {(byte) rnd.nextInt(256)};
        }
        byte[] b = in.clone();
        int at = rnd.nextInt(b.length);
        switch (rnd.nextInt(9)) {
            case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
            case 1 -> b[at] = (byte) rnd.nextInt(256);
            case 2 -> b[at] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
            case 3 -> { // a big-endian 16/32-bit field set to an edge value (lengths, counts, sizes)
                int width = rnd.nextBoolean() ? 2 : 4;
                long v = switch (rnd.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> (1L << (8 * width)) - 1;
                    case 2 -> 1L << (8 * width - 1);
                    default -> rnd.nextInt(1 << 12);
                };
                for (int i = 0; i < width && at + i < b.length; i++) {
                    b[at + i] = (byte) (v >>> (8 * (width - 1 - i)));
                }
            }
            case 4 -> { // truncate
                return java.util.Arrays.copyOf(b, at);
            }
            case 5 -> { // delete a block
                int len = Math.min(b.length - at, 1 + rnd.nextInt(64));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, b.length - at - len);
                return out;
            }
            case 6 -> { // duplicate a block (repeated boxes, chunks, headers)
                int len = Math.min(b.length - at, 1 + rnd.nextInt(256));
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, at + len);
                System.arraycopy(b, at, out, at + len, b.length - at);
                return out;
            }
            case 7 -> { // insert random bytes
                int len = 1 + rnd.nextInt(32);
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, at);
                for (int i = 0; i < len; i++) {
                    out[at + i] = (byte) rnd.nextInt(256);
                }
                System.arraycopy(b, at, out, at + len, b.length - at);
                return out;
            }
            default -> { // splice: the head of this input, the tail of another
                byte[] other = corpus.get(rnd.nextInt(corpus.size()));
                int from = other.length == 0 ? 0 : rnd.nextInt(other.length);
                byte[] out = new byte[at + other.length - from];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(other, from, out, at, other.length - from);
                return out;
            }
        }
        return b;
    }

    private static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
