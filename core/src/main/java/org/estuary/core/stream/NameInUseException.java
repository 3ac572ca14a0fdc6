package org.estuary.core.stream;

/** A live stream already has this name and its publisher is still active. */
public final class NameInUseException extends Exception {
    private final String streamName;

    public NameInUseException(String streamName) {
        super("Stream name is already in use: " + streamName);
        this.streamName = streamName;
    }

    public String streamName() {
        return streamName;
    }
}
