package dev.tickcast.model.data;

import dev.tickcast.schema.ModelRoute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which model line serves which symbols: routes in order, the first whose {@link SymbolPattern} matches a symbol
 * wins; a symbol no route matches has no line (it gets the naive forecast). Written {@code
 * 'BITSTAMP:*=crypto,FX:*=fx,*=default'} ({@code --model-routes}, {@code tickcast model routes}).
 */
public final class SymbolRoutes {

    /** Routes a table may have: matching is linear in them, per symbol once (the result is cached). */
    public static final int MAX_ROUTES = 64;
    /** A line's name is a Kafka key part and a metric label: short, and without the key separator '#'. */
    public static final int MAX_LINE_CHARS = 128;
    /** Symbols whose line is remembered; past it the memory starts again (a feed with unbounded symbols). */
    static final int CACHE_SYMBOLS = 1 << 16;

    private final List<SymbolPattern> patterns;
    private final List<String> lines;
    private final Map<String, String> cache = new HashMap<>();

    private SymbolRoutes(List<SymbolPattern> patterns, List<String> lines) {
        this.patterns = List.copyOf(patterns);
        this.lines = List.copyOf(lines);
    }

    /** Every symbol to one line: what a job without routes does. */
    public static SymbolRoutes single(String line) {
        checkLine(line);
        return new SymbolRoutes(List.of(SymbolPattern.of("*")), List.of(line));
    }

    /**
     * @param spec {@code pattern=line,...}, e.g. {@code 'BITSTAMP:*=crypto,*=default'}
     * @throws IllegalArgumentException saying which route is wrong and how to write it
     */
    public static SymbolRoutes parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException(
                    "no routes: write them as PATTERN=LINE,... e.g. 'BITSTAMP:*=crypto,*=default'");
        }
        List<ModelRoute> routes = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            String route = part.trim();
            int eq = route.lastIndexOf('=');
            if (eq <= 0 || eq == route.length() - 1) {
                throw new IllegalArgumentException(
                        "route '" + route + "' is not PATTERN=LINE (e.g. 'BITSTAMP:*=crypto', '*=default')");
            }
            routes.add(new ModelRoute(
                    route.substring(0, eq).trim(), route.substring(eq + 1).trim()));
        }
        return of(routes);
    }

    /** @throws IllegalArgumentException for none, too many, or a bad pattern or line name */
    public static SymbolRoutes of(List<ModelRoute> routes) {
        if (routes.isEmpty() || routes.size() > MAX_ROUTES) {
            throw new IllegalArgumentException(
                    routes.size() + " routes; a table has 1 to " + MAX_ROUTES + " (end with '*=LINE' for the rest)");
        }
        List<SymbolPattern> patterns = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (ModelRoute r : routes) {
            if (r.getSymbols().indexOf(',') >= 0) {
                throw new IllegalArgumentException("symbol pattern '" + r.getSymbols() + "' has a ','; routes are"
                        + " written PATTERN=LINE,... so a pattern has none");
            }
            patterns.add(SymbolPattern.of(r.getSymbols()));
            checkLine(r.getModelName());
            lines.add(r.getModelName());
        }
        return new SymbolRoutes(patterns, lines);
    }

    /** @throws IllegalArgumentException for an empty or too long name, or one with '#', blanks or control chars */
    public static void checkLine(String line) {
        if (line == null || line.isEmpty() || line.length() > MAX_LINE_CHARS) {
            throw new IllegalArgumentException(
                    "model line '" + line + "': a line's name has 1 to " + MAX_LINE_CHARS + " characters");
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '#' || c == ',' || c == '=' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("model line '" + line + "' has '" + c + "' at " + i
                        + "; a line's name has no '#', ',', '=', blanks or control characters");
            }
        }
    }

    /** The line serving {@code symbol}, or null: no route matches it. */
    public String lineOf(String symbol) {
        String line = cache.get(symbol);
        if (line == null && !cache.containsKey(symbol)) {
            line = match(symbol);
            if (cache.size() >= CACHE_SYMBOLS) {
                cache.clear();
            }
            cache.put(symbol, line);
        }
        return line;
    }

    private String match(String symbol) {
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matches(symbol)) {
                return lines.get(i);
            }
        }
        return null;
    }

    /** The lines routed to, in the order first named. */
    public Set<String> lines() {
        return new LinkedHashSet<>(lines);
    }

    public List<ModelRoute> toRecords() {
        List<ModelRoute> out = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            out.add(new ModelRoute(patterns.get(i).toString(), lines.get(i)));
        }
        return out;
    }

    /** As {@link #parse} reads it. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < patterns.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(patterns.get(i)).append('=').append(lines.get(i));
        }
        return sb.toString();
    }
}
