package dev.vmroutes.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Where output goes and what it may do there: a terminal gets a redrawn status line, anything else
 * (a file, a pipe, or NO_COLOR set) plain lines only, without cursor movement or colour.
 */
final class Screen {

    private static final String CLEAR_LINE = "\r\033[2K";

    final PrintWriter out;
    final boolean interactive;
    private boolean statusShown;

    Screen(PrintWriter out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Whether standard output is a terminal (Java 22+ has Console.isTerminal; on 21 a console exists only then). */
    static boolean terminal() {
        if (System.getenv("NO_COLOR") != null && !System.getenv("NO_COLOR").isEmpty()) return false;
        Console console = System.console();
        if (console == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** A line that stays. */
    void line(String text) {
        clearStatus();
        out.println(text);
        out.flush();
    }

    /** The one line redrawn in place on a terminal; nothing elsewhere. */
    void status(String text) {
        if (!interactive) return;
        out.print(CLEAR_LINE + text);
        out.flush();
        statusShown = true;
    }

    void clearStatus() {
        if (statusShown) {
            out.print(CLEAR_LINE);
            statusShown = false;
        }
    }

    /** Rows as columns padded to their widest cell; the first row is the header. */
    static void table(PrintWriter out, List<List<String>> rows) {
        if (rows.size() <= 1) {
            out.println("(none)");
            out.flush();
            return;
        }
        List<Integer> widths = new ArrayList<>();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                int width = row.get(i) == null ? 1 : row.get(i).length();
                if (widths.size() <= i) widths.add(width);
                else widths.set(i, Math.max(widths.get(i), width));
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i) == null ? "-" : row.get(i);
                line.append(i == row.size() - 1 ? cell : String.format("%-" + widths.get(i) + "s  ", cell));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
