package dev.chrunbook.transfer;

/**
 * The source's columns an exported event is made of (PostHog's names by default), and the id's type.
 *
 * @param properties    a column holding the event's properties as JSON text
 * @param timeType      the time column's type (DateTime, DateTime64(6, 'UTC')...): its cursor keeps its precision
 * @param elementsChain the column of an autocapture event's elements chain, sent as its $elements_chain ("" for none)
 */
public record ExportColumns(String uuid, String event, String distinctId, String properties, String time, String idType,
                            String timeType, String elementsChain) {
    /** The time column's type in UTC, at its own precision: what a cursor's time is read back as. */
    String utcTimeType() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("DateTime64\\((\\d+).*").matcher(timeType);
        return m.matches() ? "DateTime64(" + m.group(1) + ", 'UTC')" : "DateTime('UTC')";
    }
}
