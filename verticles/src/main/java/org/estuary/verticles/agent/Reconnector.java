package org.estuary.verticles.agent;

import io.vertx.core.Vertx;

/**
 * The reconnect skeleton of an agent that keeps a connection to a far end (RTMP pull/push, RTSP
 * camera): a {@link ReconnectBackoff}, the retry timer, and the decision after a close. Runs on
 * the agent's context. {@link #stop()} cancels a pending retry for good.
 */
public final class Reconnector {
    private final Vertx vertx;
    private final Runnable connect;
    private final ReconnectBackoff backoff = new ReconnectBackoff();
    private long timer = -1;
    private boolean stopped;

    /** {@code connect} opens a new connection; it is called by {@link #retry()}'s timer. */
    public Reconnector(Vertx vertx, Runnable connect) {
        this.vertx = vertx;
        this.connect = connect;
    }

    /** What to do after a close: give up ({@code info} says why) or retry in {@code delayMs}. */
    public record Decision(boolean giveUp, String info) { }

    /** The stream started on the far end (Publish.Start, Play.Start, RTSP PLAY answered). */
    public void started() {
        backoff.started();
    }

    /**
     * The connection closed with {@code reason}. Gives up when the far end refused
     * ({@code refused}) or keeps dropping the stream right after starting it (nginx-rtmp's
     * "deny"); {@code farEnd} names it in that message ("server", "target").
     */
    public Decision closed(String reason, boolean refused, String farEnd) {
        if (backoff.closedAndRefused() && !refused) {
            return new Decision(true, "the " + farEnd + " closed the stream right after it started, "
                    + ReconnectBackoff.MAX_QUICK_DROPS + " times in a row: " + reason);
        }
        return new Decision(refused, reason);
    }

    /** Counts a close for the quick-drop rule without deciding (the caller has its own rules). */
    public void closed() {
        backoff.closedAndRefused();
    }

    /** Schedules {@code connect} after the next backoff delay; returns the delay in ms. */
    public long retry() {
        long delay = backoff.nextDelayMs();
        timer = vertx.setTimer(delay, t -> {
            timer = -1;
            if (!stopped) {
                connect.run();
            }
        });
        return delay;
    }

    /** No more retries; a pending one is cancelled. */
    public void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    public boolean isStopped() {
        return stopped;
    }
}
