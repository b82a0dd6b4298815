package dev.chrunbook.render;

import dev.chrunbook.SqlQuoting;
import dev.chrunbook.ddl.DdlException;
import dev.chrunbook.ddl.Fragment;
import freemarker.template.TemplateMethodModelEx;
import freemarker.template.TemplateModel;
import freemarker.template.TemplateModelException;
import freemarker.template.TemplateScalarModel;

/**
 * The template functions that turn values into SQL: {@code ident(...)} for identifiers (backquoted,
 * several arguments joined with '.'), {@code lit(...)} for string literals, {@code sql(...)} for
 * trusted fragments.
 */
final class QuotingFunctions {
    private QuotingFunctions() {
    }

    static TemplateMethodModelEx identFunction() {
        return args -> {
            if (args.isEmpty()) {
                throw new TemplateModelException("ident(...) needs at least one name");
            }
            StringBuilder sb = new StringBuilder();
            for (Object a : args) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                try {
                    sb.append(SqlQuoting.identifier(text(a, "ident")));
                } catch (IllegalArgumentException e) {
                    throw new TemplateModelException("ident(...): " + e.getMessage());
                }
            }
            return SqlOutputFormat.INSTANCE.fromMarkup(sb.toString());
        };
    }

    static TemplateMethodModelEx litFunction() {
        return args -> {
            if (args.size() != 1) {
                throw new TemplateModelException("lit(...) takes exactly one value");
            }
            return SqlOutputFormat.INSTANCE.fromMarkup(SqlQuoting.literal(text(args.get(0), "lit")));
        };
    }

    /**
     * {@code sql(x)}: emits x as SQL as it is. Only for fragments the runbook author or the server's
     * catalog wrote (types, expressions, ORDER BY lists), never for names an operator passes in. It
     * must stay one fragment: no ';' or comment outside literals, balanced parentheses and quotes.
     */
    static TemplateMethodModelEx sqlFunction() {
        return args -> {
            if (args.size() != 1) {
                throw new TemplateModelException("sql(...) takes exactly one value");
            }
            String fragment = text(args.get(0), "sql");
            try {
                Fragment.check("sql(...)", fragment);
            } catch (DdlException e) {
                throw new TemplateModelException(e.getMessage());
            }
            return SqlOutputFormat.INSTANCE.fromMarkup(fragment);
        };
    }

    private static String text(Object arg, String fn) throws TemplateModelException {
        if (arg instanceof TemplateScalarModel s) {
            return s.getAsString();
        }
        if (arg instanceof freemarker.template.TemplateNumberModel n) {
            return n.getAsNumber().toString();
        }
        throw new TemplateModelException(fn + "(...) takes text, got " + (arg == null ? "nothing" : describe(arg)));
    }

    private static String describe(Object arg) {
        return arg instanceof TemplateModel ? arg.getClass().getSimpleName() : String.valueOf(arg);
    }
}
