package dev.chrunbook.render;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.runbook.InputFiles;
import freemarker.cache.FileTemplateLoader;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;

/**
 * Templates from a folder, read as strict UTF-8 text without control bytes and at most 1 MB
 * (FreeMarker would replace bad bytes silently), never from outside the folder.
 */
final class StrictFileLoader extends FileTemplateLoader {
    private static final int MAX_BYTES = 1024 * 1024;

    StrictFileLoader(File dir) throws IOException {
        super(dir);
    }

    @Override
    public Reader getReader(Object source, String encoding) throws IOException {
        if (source instanceof File f) {
            try {
                return new StringReader(InputFiles.text(f.toPath(), MAX_BYTES));
            } catch (ChrunbookException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        return super.getReader(source, encoding);
    }
}
