package org.estuary.core.stream;

/** Lifecycle callbacks of the registry. Called on whatever thread caused the change: keep them short. */
public interface StreamListener {
    default void published(Stream stream) { }

    default void unpublished(Stream stream, String reason) { }

    default void readerAdded(StreamReader reader) { }

    default void readerRemoved(StreamReader reader) { }
}
