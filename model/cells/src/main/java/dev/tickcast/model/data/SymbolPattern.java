package dev.tickcast.model.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A pattern over symbols as people write them: {@code *} for any run of characters, {@code ?} for one, everything
 * else literal ({@code BITSTAMP:*}, {@code FX:USD???}). Used to pick the symbols a model line is for.
 */
public final class SymbolPattern {

    /** A pattern is at most this long: a symbol has at most 64 characters, so a longer one is a mistake or an attack. */
    public static final int MAX_CHARS = 128;

    private final String glob;

    private SymbolPattern(String glob) {
        this.glob = glob;
    }

    /** @throws IllegalArgumentException for an empty or too long pattern, or one with blanks or control characters */
    public static SymbolPattern of(String glob) {
        if (glob == null || glob.isEmpty()) {
            throw new IllegalArgumentException("an empty symbol pattern (use * for every symbol)");
        }
        if (glob.length() > MAX_CHARS) {
            throw new IllegalArgumentException(
                    "a symbol pattern of " + glob.length() + " characters; at most " + MAX_CHARS);
        }
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException(
                        "symbol pattern '" + glob + "' has a blank or control character at " + i);
            }
        }
        return new SymbolPattern(glob);
    }

    /** Comma-separated patterns, each trimmed; a symbol is chosen when any matches. */
    public static List<SymbolPattern> list(String patterns) {
        List<SymbolPattern> list = new ArrayList<>();
        for (String p : patterns.split(",", -1)) {
            list.add(of(p.trim()));
        }
        return List.copyOf(list);
    }

    public static boolean anyMatches(List<SymbolPattern> patterns, String symbol) {
        for (SymbolPattern p : patterns) {
            if (p.matches(symbol)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the whole symbol matches. Greedy, going back only to the last {@code *} seen: at most pattern length ×
     * symbol length steps, whatever the pattern (a backtracking regex takes exponential time on patterns like {@code
     * *a*a*a*a...b}, and patterns come from the models topic).
     */
    public boolean matches(String symbol) {
        int p = 0;
        int s = 0;
        int star = -1;
        int resume = 0;
        while (s < symbol.length()) {
            if (p < glob.length() && (glob.charAt(p) == '?' || glob.charAt(p) == symbol.charAt(s))) {
                p++;
                s++;
            } else if (p < glob.length() && glob.charAt(p) == '*') {
                star = p++;
                resume = s;
            } else if (star >= 0) {
                p = star + 1;
                s = ++resume;
            } else {
                return false;
            }
        }
        while (p < glob.length() && glob.charAt(p) == '*') {
            p++;
        }
        return p == glob.length();
    }

    @Override
    public String toString() {
        return glob;
    }
}
