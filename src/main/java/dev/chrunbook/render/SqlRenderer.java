package dev.chrunbook.render;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ClusterForm;
import dev.chrunbook.ddl.DdlException;
import dev.chrunbook.ddl.OnCluster;
import dev.chrunbook.runbook.Target;
import dev.chrunbook.ddl.Statements;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.Node;
import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.core.PlainTextOutputFormat;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import freemarker.template.TemplateNotFoundException;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import freemarker.core.TemplateClassResolver;
import freemarker.core._CoreAPI;
import freemarker.ext.beans.BeansWrapper;
import freemarker.template.DefaultObjectWrapperBuilder;

/**
 * Renders a step's SQL for one node with FreeMarker. Templates are looked up in the runbook's
 * folder first, then in the given template folders, then in the templates bundled with chrunbook.
 * A missing var, a missing template or an unsafe value is an input error naming template and line.
 */
public final class SqlRenderer {
    /** How long one template may take to render for one node, fact lookups included. */
    static final Duration RENDER_BUDGET = Duration.ofSeconds(60);
    /** How much SQL one template may render for one node. */
    static final int MAX_OUTPUT = 4 * 1024 * 1024;

    private final Runbook runbook;
    private final String runId;
    private final NodeFacts facts;
    private final ClusterForm form;
    private final Configuration freemarker;
    private final Configuration plainText;
    private final Map<String, Template> inline;
    private final Set<Template> interruptible;
    private final ExecutorService sandbox;
    /** Definitions read for a step are kept with it and seen again by its later renderings. */
    private final boolean pinned;

    public SqlRenderer(Runbook runbook, String runId, List<Path> templateDirs) {
        this(runbook, runId, templateDirs, NodeFacts.OFFLINE);
    }

    public SqlRenderer(Runbook runbook, String runId, List<Path> templateDirs, NodeFacts facts) {
        this(runbook, runId, templateDirs, facts, ClusterForm.ASSUMED);
    }

    /** @param form what the cluster's DDL can do: without distributed DDL, ON CLUSTER is taken out of what renders */
    public SqlRenderer(Runbook runbook, String runId, List<Path> templateDirs, NodeFacts facts, ClusterForm form) {
        this.runbook = runbook;
        this.runId = runId;
        this.facts = facts;
        this.form = form;
        this.freemarker = configuration(runbook.folder(), templateDirs);
        this.plainText = (Configuration) freemarker.clone();
        this.plainText.setOutputFormat(PlainTextOutputFormat.INSTANCE);
        this.sandbox = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "chrunbook-render", 8L << 20);
            t.setDaemon(true);
            return t;
        });
        this.inline = new HashMap<>();
        this.interruptible = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        this.pinned = true;
    }

    private SqlRenderer(SqlRenderer base) {
        this.runbook = base.runbook;
        this.runId = base.runId;
        this.facts = base.facts;
        this.form = base.form;
        this.freemarker = base.freemarker;
        this.plainText = base.plainText;
        this.sandbox = base.sandbox;
        this.inline = base.inline;
        this.interruptible = base.interruptible;
        this.pinned = false;
    }

    /**
     * This renderer for steps that read the catalog anew each time (checks): the definitions they
     * read are neither taken from nor kept for the step.
     */
    public SqlRenderer unpinned() {
        return pinned ? new SqlRenderer(this) : this;
    }

    /** The step's assert queries on {@code node}: each must return no rows. */
    public List<String> renderAsserts(Step step, Node node) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < step.asserts().size(); i++) {
            Template t = inlineTemplate(step.id() + ".assert" + i, "step '" + step.id() + "' (assert " + (i + 1) + ")",
                    step.asserts().get(i), freemarker);
            // an entry may render several SELECTs (e.g. an included throttle template): each is an assert
            out.addAll(split(render(t, step, node), step));
        }
        return out;
    }

    /** The step's {@code expect} text on {@code node}, as plain text; "" when it has none. */
    public String renderExpect(Step step, Node node) {
        if (step.expect().isBlank()) {
            return "";
        }
        return render(inlineTemplate(step.id() + ".expect", "step '" + step.id() + "' (expect)", step.expect(), plainText), step, node)
                .strip().replaceAll("\\s+", " ");
    }

    /** The parameters of a built-in step (kafka-*), rendered as plain text: they are not SQL. */
    public Map<String, String> renderParams(Step step, Node node) {
        Map<String, String> out = new LinkedHashMap<>();
        step.params().forEach((k, v) -> out.put(k, render(inlineTemplate(step.id() + ".param." + k,
                "step '" + step.id() + "' (" + step.body().paramsBlock() + "." + k + ")", v, plainText), step, node).strip()));
        return out;
    }

    /** The statements of {@code step} on {@code node}, in order; none for steps without SQL. */
    public List<RenderedStatement> render(Step step, Node node) {
        if (!step.hasStatements()) {
            return List.of();
        }
        String text = render(template(step), step, node);
        List<RenderedStatement> out = new ArrayList<>();
        for (String sql : split(text, step)) {
            forCluster(sql, step, node).ifPresent(s -> out.add(RenderedStatement.of(s)));
        }
        return out;
    }

    /**
     * A statement as this cluster takes it. Without distributed DDL a cluster-once step runs on every
     * node, so its ON CLUSTER goes; a statement of it that is not distributed DDL (an INSERT through a
     * Distributed table or cluster()) reaches the cluster by itself and is sent by the coordinator only.
     */
    private Optional<String> forCluster(String sql, Step step, Node node) {
        if (form.distributedDdl()) {
            return Optional.of(sql);
        }
        if (step.on() == Target.CLUSTER_ONCE && !OnCluster.present(sql) && !node.id().equals(form.coordinator())) {
            return Optional.empty();
        }
        return Optional.of(OnCluster.strip(sql));
    }

    /** The step's check query on {@code node}, if it has one. */
    public Optional<String> renderCheck(Step step, Node node) {
        if (step.check() == null) {
            return Optional.empty();
        }
        Template t = inlineTemplate(step.id() + ".check", "step '" + step.id() + "' (check)", step.check(), freemarker);
        List<String> statements = split(render(t, step, node), step);
        if (statements.size() != 1) {
            throw ChrunbookException.invalidInput(where(step) + ": 'check' must be exactly one SELECT");
        }
        return Optional.of(statements.get(0));
    }

    /** True when the step's SQL source holds nothing but white space and comments. */
    public boolean rendersNothing(Step step) {
        String source = step.sql() != null ? step.sql() : template(step).toString();
        return source.replaceAll("(?s)<#--.*?-->", "").replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)--.*$", "").isBlank();
    }

    /** The catalog definitions rendering {@code step} for {@code node} read, by database.table. */
    public Map<String, String> definitionsRead(Step step, Node node) {
        return facts.definitionsRead(step.id(), node);
    }

    private String render(Template template, Step step, Node node) {
        Future<String> job = sandbox.submit(() -> process(template, step, node));
        try {
            return job.get(RENDER_BUDGET.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            job.cancel(true);
            throw ChrunbookException.invalidInput(where(step) + ": template " + template.getSourceName() + " took longer than "
                    + RENDER_BUDGET.toSeconds() + " s to render (an endless #list?)");
        } catch (InterruptedException e) {
            job.cancel(true);
            Thread.currentThread().interrupt();
            throw ChrunbookException.stepFailed(where(step) + ": interrupted while rendering");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StackOverflowError) {
                throw ChrunbookException.invalidInput(where(step) + ": template " + template.getSourceName()
                        + " nests too deep (an #include or macro that calls itself?)");
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private String process(Template template, Step step, Node node) {
        StringWriter out = new StringWriter();
        try {
            sandboxed(template).process(TemplateModel.of(runbook, runId, step, node, facts, pinned, form), new BoundedWriter(out, MAX_OUTPUT));
        } catch (BoundedWriter.Overflow e) {
            throw ChrunbookException.invalidInput(where(step) + ": template " + template.getSourceName() + " renders more than "
                    + MAX_OUTPUT / (1024 * 1024) + " MB for one node");
        } catch (TemplateException e) {
            // a fact lookup that failed (node unreachable, no SSH access) keeps its own message and exit code
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof ChrunbookException fact) {
                    throw new ChrunbookException(fact.exitCode(), where(step) + " on " + node.id() + ": " + fact.getMessage(), fact);
                }
            }
            throw ChrunbookException.invalidInput(where(step) + ": " + describe(e));
        } catch (IOException e) {
            throw new IllegalStateException("writing to a StringWriter failed", e);
        }
        return out.toString();
    }

    /** Templates check for interruption in their loops, so an endless one ends at the render budget. */
    private Template sandboxed(Template t) {
        if (interruptible.add(t)) {
            _CoreAPI.addThreadInterruptedChecks(t);
        }
        return t;
    }

    private Template template(Step step) {
        if (step.sql() != null) {
            return inlineTemplate(step.id(), step.sourceName(), step.sql(), freemarker);
        }
        try {
            return freemarker.getTemplate(step.template());
        } catch (TemplateNotFoundException e) {
            throw ChrunbookException.invalidInput(where(step) + ": template '" + step.template()
                    + "' not found in " + runbook.folder() + " nor in the templates folders");
        } catch (freemarker.core.ParseException e) {
            throw ChrunbookException.invalidInput(where(step) + ": template " + e.getTemplateName() + " line "
                    + e.getLineNumber() + ": " + firstLine(e.getEditorMessage()));
        } catch (IOException e) {
            throw ChrunbookException.invalidInput(where(step) + ": cannot read template '" + step.template() + "': " + e.getMessage());
        } catch (SecurityException e) {
            throw ChrunbookException.invalidInput(where(step) + ": template '" + step.template()
                    + "' resolves outside its folder (a symbolic link?); templates are read from the runbook's and --templates folders only");
        }
    }

    private Template inlineTemplate(String key, String name, String source, Configuration cfg) {
        return inline.computeIfAbsent(key, k -> {
            try {
                return new Template(name, new StringReader(source), cfg);
            } catch (freemarker.core.ParseException e) {
                throw ChrunbookException.invalidInput(runbook.file() + ": " + name + " line " + e.getLineNumber()
                        + ": " + firstLine(e.getEditorMessage()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private List<String> split(String sql, Step step) {
        try {
            return Statements.split(sql);
        } catch (DdlException e) {
            throw ChrunbookException.invalidInput(where(step) + ": the rendered SQL has an " + e.getMessage());
        }
    }

    private String where(Step step) {
        return runbook.file() + ":" + step.line() + ": step '" + step.id() + "'";
    }

    private static String describe(TemplateException e) {
        String source = e.getTemplateSourceName() != null ? e.getTemplateSourceName() : "template";
        String line = e.getLineNumber() != null ? " line " + e.getLineNumber() : "";
        return source + line + ": " + firstLine(e.getMessageWithoutStackTop());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String m = message.strip();
        int tip = m.indexOf("\n\n");
        String head = tip > 0 ? m.substring(0, tip) : m;
        return head.replace('\n', ' ').replaceAll(" {2,}", " ");
    }

    private static Configuration configuration(Path runbookFolder, List<Path> templateDirs) {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_33);
        List<TemplateLoader> loaders = new ArrayList<>();
        try {
            loaders.add(new StrictFileLoader(runbookFolder.toFile()));
            for (Path dir : templateDirs) {
                if (!Files.isDirectory(dir)) {
                    throw ChrunbookException.invalidInput("--templates " + dir + ": no such folder");
                }
                loaders.add(new StrictFileLoader(dir.toFile()));
            }
        } catch (IOException e) {
            throw ChrunbookException.invalidInput("cannot read template folder: " + e.getMessage());
        }
        loaders.add(new ClassTemplateLoader(SqlRenderer.class, "/templates"));
        cfg.setTemplateLoader(new MultiTemplateLoader(loaders.toArray(TemplateLoader[]::new)));
        cfg.setOutputFormat(SqlOutputFormat.INSTANCE);
        cfg.setAutoEscapingPolicy(Configuration.ENABLE_IF_DEFAULT_AUTO_ESCAPING_POLICY);
        cfg.setDefaultEncoding("UTF-8");
        cfg.setLocale(Locale.ROOT);
        cfg.setNumberFormat("c");
        cfg.setBooleanFormat("c");
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        // a template reaches the cluster, files and processes only through chrunbook's functions
        cfg.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        cfg.setAPIBuiltinEnabled(false);
        DefaultObjectWrapperBuilder wrapper = new DefaultObjectWrapperBuilder(Configuration.VERSION_2_3_33);
        wrapper.setExposureLevel(BeansWrapper.EXPOSE_NOTHING);
        cfg.setObjectWrapper(wrapper.build());
        return cfg;
    }
}
