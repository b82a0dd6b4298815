package dev.chrunbook.transfer;

/**
 * The source's columns an exported event is made of (PostHog's names by default), and the id's type.
 *
 * @param properties a column holding the event's properties as JSON text, sent as they are
 */
public record ExportColumns(String uuid, String event, String distinctId, String properties, String time, String idType) {
}
