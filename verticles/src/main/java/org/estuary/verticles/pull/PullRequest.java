package org.estuary.verticles.pull;

import org.estuary.verticles.agent.Body;

/**
 * {@code /pull/rtmp/pull}, decoded once. {@code localStreamName} is the URI when the request
 * leaves it out (the reference names the stream after the URI). Crosses the clustered bus with
 * {@link org.estuary.verticles.agent.RecordCodec}.
 */
record PullRequest(String uri, String localStreamName, boolean hasAudio, boolean hasVideo, boolean record) {
    static PullRequest from(Body b) {
        String uri = b.string("uri");
        String local = b.string("localStreamName");
        return new PullRequest(uri, local == null || local.isBlank() ? uri : local, b.bool("hasAudio", true),
                b.bool("hasVideo", true), b.bool("record", false));
    }
}
