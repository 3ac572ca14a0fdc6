package org.estuary.core.rtmp;

/**
 * A parsed user control message (type 4).
 *
 * @param eventType one of the {@code RtmpControl.EVENT_*} constants (unknown types are passed through)
 * @param value     first 4-byte value: stream id, or timestamp for ping events
 * @param value2    second 4-byte value (buffer length in ms for SetBufferLength), else 0
 */
public record UserControlEvent(int eventType, long value, long value2) {
}
