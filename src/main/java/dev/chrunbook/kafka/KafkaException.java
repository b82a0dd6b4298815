package dev.chrunbook.kafka;

/** A Kafka admin call failed or timed out. */
public class KafkaException extends RuntimeException {
    public KafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
