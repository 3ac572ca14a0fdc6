package org.estuary.core.sip;

/**
 * A call leg's status, in the reference server's vocabulary (its JS SDK's {@code CALL_STATUS}).
 * FINISH, FAILED and BUSY are final.
 */
public enum CallStatus {
    NEW, TRYING, RING, SESSION_PROGRESS, ESTABLISHED, HOLD, FINISH, FAILED, BUSY;

    public boolean isFinal() {
        return this == FINISH || this == FAILED || this == BUSY;
    }

    /** Whether a call may go from this status to {@code next} (final statuses never change). */
    public boolean canMoveTo(CallStatus next) {
        if (isFinal() || next == NEW) {
            return false;
        }
        return switch (this) {
            // before the answer a call only moves forward: responses that overtake each other
            // (100 after 180 on UDP) never take it back
            case NEW, TRYING, RING, SESSION_PROGRESS -> next != HOLD && next.ordinal() > ordinal();
            case ESTABLISHED, HOLD -> next == ESTABLISHED || next == HOLD || next == FINISH || next == FAILED;
            default -> false;
        };
    }
}
