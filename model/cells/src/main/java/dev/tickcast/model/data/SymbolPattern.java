package dev.tickcast.model.data;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A pattern over symbols as people write them: {@code *} for any run of characters, {@code ?} for one, everything
 * else literal ({@code BITSTAMP:*}, {@code FX:USD???}). Used to pick the symbols a model line is for.
 */
public final class SymbolPattern {

    private final String glob;
    private final Pattern regex;

    private SymbolPattern(String glob) {
        this.glob = glob;
        StringBuilder sb = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    sb.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                sb.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            sb.append(Pattern.quote(literal.toString()));
        }
        this.regex = Pattern.compile(sb.toString(), Pattern.DOTALL);
    }

    /** @throws IllegalArgumentException for an empty pattern, or one with blanks or control characters */
    public static SymbolPattern of(String glob) {
        if (glob == null || glob.isEmpty()) {
            throw new IllegalArgumentException("an empty symbol pattern (use * for every symbol)");
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

    public boolean matches(String symbol) {
        return regex.matcher(symbol).matches();
    }

    @Override
    public String toString() {
        return glob;
    }
}
