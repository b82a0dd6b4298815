package dev.chrunbook.render;

import freemarker.core.CommonMarkupOutputFormat;
import freemarker.core.CommonTemplateMarkupOutputModel;
import freemarker.template.TemplateModelException;

import java.io.IOException;
import java.io.Writer;
import java.util.regex.Pattern;

/**
 * FreeMarker output format for SQL. Every {@code ${value}} in a template passes through
 * {@link #escapePlainText}: plain tokens (names, dotted names, paths, numbers) pass unchanged,
 * anything else is refused, so a var like {@code x; DROP TABLE y} can never become SQL; a negative
 * number is put in parentheses, so {@code 100-${n}} with n = -1 is {@code 100-(-1)}, not a comment. Text that
 * needs quoting goes through {@code ident(...)} or {@code lit(...)} ({@link SqlQuoting}).
 */
final class SqlOutputFormat extends CommonMarkupOutputFormat<SqlOutputFormat.Sql> {
    static final SqlOutputFormat INSTANCE = new SqlOutputFormat();

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_./]*");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    private SqlOutputFormat() {
    }

    @Override
    public String escapePlainText(String text) throws TemplateModelException {
        if (TOKEN.matcher(text).matches()) {
            return text;
        }
        if (NUMBER.matcher(text).matches()) {
            // in parentheses, a negative number cannot join a neighbouring '-' into a comment: 100-(-1)
            return text.startsWith("-") ? "(" + text + ")" : text;
        }
        throw new TemplateModelException("value " + dev.chrunbook.ChrunbookException.shown(text) + " is not a plain SQL token (letters, digits, '_', '.', '/');"
                + " write ${ident(x)} for an identifier or ${lit(x)} for a string literal");
    }

    @Override
    public void output(String textToEsc, Writer out) throws IOException, TemplateModelException {
        out.write(escapePlainText(textToEsc));
    }

    @Override
    public boolean isLegacyBuiltInBypassed(String builtInName) {
        return false;
    }

    @Override
    protected Sql newTemplateMarkupOutputModel(String plainTextContent, String markupContent) {
        return new Sql(plainTextContent, markupContent);
    }

    @Override
    public String getName() {
        return "SQL";
    }

    @Override
    public String getMimeType() {
        return "application/sql";
    }

    /** A piece of SQL that is already safe to emit (quoted by ident/lit, or template text). */
    static final class Sql extends CommonTemplateMarkupOutputModel<Sql> {
        Sql(String plainTextContent, String markupContent) {
            super(plainTextContent, markupContent);
        }

        @Override
        public SqlOutputFormat getOutputFormat() {
            return INSTANCE;
        }
    }
}
