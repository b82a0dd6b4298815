package dev.chrunbook.runbook;

import dev.chrunbook.ChrunbookException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reading the files an operator hands in (runbooks, connection files, templates, secrets): a
 * clear reason when one is missing, a folder, too large or not UTF-8 text.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /** The file as UTF-8 text: exit 2 naming the file and the reason otherwise. */
    public static String text(Path file, int maxBytes) {
        if (Files.isDirectory(file)) {
            throw ChrunbookException.invalidInput(file + " is a folder, not a file");
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw ChrunbookException.invalidInput(file + " is " + size + " bytes; at most " + maxBytes + " are read");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw ChrunbookException.invalidInput(file + ": file not found");
        } catch (AccessDeniedException e) {
            throw ChrunbookException.invalidInput(file + ": permission denied");
        } catch (IOException e) {
            throw ChrunbookException.invalidInput(file + ": cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF) || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            throw ChrunbookException.invalidInput(file + " is UTF-16 text; save it as UTF-8");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ChrunbookException.invalidInput(file + " is not UTF-8 text; save it as UTF-8");
        }
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
            } else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
                throw ChrunbookException.invalidInput(file + ":" + line + ": control byte " + String.format("0x%02x", (int) c)
                        + " in the file; remove it");
            }
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
