package org.estuary.verticles.mixer;

/** A stream name of the form {@code user#room}: publish it and user joins mixer room. */
record RoomName(String user, String room) {

    /** The parts of {@code user#room}, or null when the name is not of that form. */
    static RoomName of(String streamName) {
        int hash = streamName.lastIndexOf('#');
        if (hash <= 0 || hash == streamName.length() - 1) {
            return null;
        }
        String room = streamName.substring(hash + 1);
        if (!room.matches("[A-Za-z0-9_.\\-]{1,128}")) {
            return null;
        }
        return new RoomName(streamName.substring(0, hash), room);
    }
}
