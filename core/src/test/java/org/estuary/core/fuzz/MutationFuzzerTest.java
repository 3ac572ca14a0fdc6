package org.estuary.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The fuzzer itself: it must report a parser bug it can reach, and accept declared refusals. */
class MutationFuzzerTest {

    @Test
    void findsAnIndexBugReachableByMutation() {
        // a "parser" that trusts a length byte: any mutation of byte 0 past the array length crashes it
        MutationFuzzer f = new MutationFuzzer("self-test", in -> {
            int n = in[0] & 0xFF;
            byte[] copy = new byte[n];
            System.arraycopy(in, 1, copy, 0, n);
        }, NegativeArraySizeException.class).seed(new byte[] {2, 7, 7, 7});
        AssertionError e = assertThrows(AssertionError.class, f::run);
        assertTrue(e.getMessage().contains("fuzz self-test: input"), e.getMessage());
    }

    @Test
    void declaredRefusalsAreNotFindings() {
        MutationFuzzer f = new MutationFuzzer("self-test-ok", in -> {
            if (in.length != 4) {
                throw new IllegalArgumentException("length");
            }
        }, IllegalArgumentException.class).seed(new byte[] {1, 2, 3, 4});
        assertTrue(f.run() > 1);
    }
}
