package org.estuary.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * An allow list of IP addresses and CIDR blocks ("10.0.0.5", "192.168.1.0/24", "::1"). Literal
 * addresses only: host names are refused rather than resolved, so parsing never blocks.
 */
public final class AddressFilter {
    private record Block(byte[] network, int prefix) { }

    private final List<Block> blocks;

    private AddressFilter(List<Block> blocks) {
        this.blocks = blocks;
    }

    /** Everything allowed. */
    public static AddressFilter any() {
        return new AddressFilter(List.of());
    }

    /** @throws IllegalArgumentException naming the first entry that is not an address or CIDR */
    public static AddressFilter parse(List<String> entries) {
        List<Block> blocks = new ArrayList<>();
        for (String e : entries) {
            String s = e == null ? "" : e.trim();
            int slash = s.indexOf('/');
            String addr = slash < 0 ? s : s.substring(0, slash);
            if (!isIpv4(addr) && !addr.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                throw new IllegalArgumentException("not an IP address or CIDR block: '" + e + "'");
            }
            byte[] bytes;
            try {
                bytes = InetAddress.getByName(addr).getAddress(); // literal: no DNS lookup
            } catch (UnknownHostException ex) {
                throw new IllegalArgumentException("not an IP address or CIDR block: '" + e + "'");
            }
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("bad prefix length in '" + e + "'");
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in '" + e + "'");
                }
            }
            blocks.add(new Block(bytes, prefix));
        }
        return new AddressFilter(List.copyOf(blocks));
    }

    /** Four dotted decimal octets; anything else would make InetAddress try DNS. */
    private static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    public boolean allowsAll() {
        return blocks.isEmpty();
    }

    /** True when the list is empty or {@code address} (a literal IP) falls in one of its blocks. */
    public boolean allows(String address) {
        if (blocks.isEmpty()) {
            return true;
        }
        byte[] a;
        try {
            a = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return false;
        }
        for (Block b : blocks) {
            if (b.network().length == a.length && matches(b, a)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Block b, byte[] a) {
        int bits = b.prefix();
        for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((a[i] & mask) != (b.network()[i] & mask)) {
                return false;
            }
        }
        return true;
    }
}
