package com.alphapulse.db.cli.internal;

import java.io.IOException;
import java.io.Writer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Everything the CLI writes passes through here, a line at a time, so that no secret reaches a terminal, a CI log
 * or a JSON file, whichever message carries it: a password in a URL's user-info ({@code jdbc:postgresql://u:pw@h},
 * {@code postgres://u:pw@h}), a {@code password=} parameter, a {@code PASSWORD '…'} clause a server error quotes,
 * and the password the command was given, wherever it appears.
 */
final class Redacting extends Writer {

    static final String MASK = "****";
    // A password may hold '/', '@' or '+' (base64): everything up to the last '@' of the token is masked, which
    // may mask more than the password, never less.
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.:-]*://[^/@\\s:'\"]*):[^\\s'\"]*@");
    private static final Pattern PARAMETER = Pattern.compile("(?i)((?:[?&;]|\\b)(?:password|sslpassword)=)[^&;\\s'\"]*");
    private static final Pattern CLAUSE = Pattern.compile("(?i)\\b(PASSWORD\\s+)'(?:[^']|'')*'");
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private final Writer out;
    private final StringBuilder line = new StringBuilder();

    Redacting(Writer out) {
        this.out = out;
    }

    /** A password this process was given: masked wherever it appears (empty ones are not secrets). */
    static void secret(String value) {
        if (value != null && !value.isEmpty()) {
            SECRETS.add(value);
        }
    }

    static String redact(String text) {
        if (text == null) {
            return null;
        }
        String t = USER_INFO.matcher(text).replaceAll("$1:" + MASK + "@");
        t = PARAMETER.matcher(t).replaceAll("$1" + MASK);
        t = CLAUSE.matcher(t).replaceAll("$1'" + MASK + "'");
        for (String s : SECRETS) {
            t = t.replace(s, MASK);
        }
        return t;
    }

    @Override
    public synchronized void write(char[] buf, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            line.append(buf[i]);
            if (buf[i] == '\n') {
                emit();
            }
        }
    }

    private void emit() throws IOException {
        out.write(redact(line.toString()));
        line.setLength(0);
    }

    @Override
    public synchronized void flush() throws IOException {
        if (line.length() > 0) {
            emit();
        }
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        flush();
        out.close();
    }
}
