package org.estuary.core.rtmp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.estuary.core.amf.Amf0;
import org.estuary.core.amf.AmfEcmaArray;
import org.estuary.core.amf.AmfException;

/**
 * An AMF0 command message (type 20): name, transaction id, command object, then arguments.
 * Also builds the replies and data messages a server sends.
 *
 * @param commandObject usually a map or null
 * @param args          the remaining values, never null
 */
public record RtmpCommand(String name, double transactionId, Object commandObject, List<Object> args) {
    /** Chunk stream conventionally used for NetConnection commands. */
    public static final int COMMAND_CSID = 3;

    public RtmpCommand {
        args = args == null ? List.of() : args;
    }

    public static RtmpCommand of(String name, double transactionId, Object commandObject, Object... args) {
        return new RtmpCommand(name, transactionId, commandObject, Arrays.asList(args));
    }

    public static RtmpCommand parse(byte[] amf0Payload) throws AmfException {
        List<Object> values = Amf0.decodeAll(amf0Payload);
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            throw new AmfException("command does not start with a name string");
        }
        // some clients omit the transaction id or the command object of notifications
        double tx = values.size() > 1 && values.get(1) instanceof Double d ? d : 0;
        Object obj = values.size() > 2 ? values.get(2) : null;
        List<Object> args = values.size() > 3 ? new ArrayList<>(values.subList(3, values.size())) : List.of();
        return new RtmpCommand(name, tx, obj, args);
    }

    public byte[] encode() {
        Object[] all = new Object[3 + args.size()];
        all[0] = name;
        all[1] = transactionId;
        all[2] = commandObject;
        for (int i = 0; i < args.size(); i++) {
            all[3 + i] = args.get(i);
        }
        return Amf0.encode(all);
    }

    /** As a type 20 message. */
    public RtmpMessage toMessage(int chunkStreamId, int messageStreamId) {
        return new RtmpMessage(chunkStreamId, MessageType.COMMAND_AMF0, 0, messageStreamId, encode());
    }

    /** First argument as a string, or null (e.g. the stream name of publish/play). */
    public String stringArg(int index) {
        return index < args.size() && args.get(index) instanceof String s ? s : null;
    }

    /** Value of a command object property, or null. */
    public Object property(String key) {
        return commandObject instanceof Map<?, ?> m ? m.get(key) : null;
    }

    // ---- replies ----

    public static RtmpCommand connectResult(double transactionId, String description) {
        return of("_result", transactionId, serverProperties(),
                info("status", "NetConnection.Connect.Success", description, Map.of("objectEncoding", 0.0)));
    }

    public static RtmpCommand connectError(double transactionId, String code, String description) {
        return of("_error", transactionId, serverProperties(),
                info("error", code, description, Map.of("objectEncoding", 0.0)));
    }

    public static RtmpCommand createStreamResult(double transactionId, int streamId) {
        return of("_result", transactionId, null, (double) streamId);
    }

    /** A generic {@code _result} with a null command object, e.g. for releaseStream/FCPublish. */
    public static RtmpCommand result(double transactionId, Object... args) {
        return of("_result", transactionId, null, args);
    }

    public static RtmpCommand error(double transactionId, String code, String description) {
        return of("_error", transactionId, null, info("error", code, description, null));
    }

    /** {@code onStatus} on a NetStream: transaction id 0, null command object, one info object. */
    public static RtmpCommand onStatus(String level, String code, String description, Map<String, Object> details) {
        return of("onStatus", 0, null, info(level, code, description, details));
    }

    public static RtmpCommand onStatus(String level, String code, String description) {
        return onStatus(level, code, description, null);
    }

    /** An info object {level, code, description, ...extra}. */
    public static Map<String, Object> info(String level, String code, String description, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("level", level);
        m.put("code", code);
        m.put("description", description == null ? "" : description);
        if (extra != null) {
            m.putAll(extra);
        }
        return m;
    }

    private static Map<String, Object> serverProperties() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fmsVer", "FMS/3,0,1,123");
        m.put("capabilities", 31.0);
        return m;
    }

    // ---- data messages (type 18) ----

    /** {@code |RtmpSampleAccess(true, true)}: lets Flash-era players read audio/video samples. */
    public static byte[] sampleAccess() {
        return Amf0.encode("|RtmpSampleAccess", true, true);
    }

    /** {@code onMetaData} with the properties as an ECMA array, as players expect. */
    public static byte[] onMetaData(Map<String, Object> metadata) {
        return Amf0.encode("onMetaData", new AmfEcmaArray(metadata));
    }

    public static RtmpMessage dataMessage(int chunkStreamId, int messageStreamId, long timestamp, byte[] amf0) {
        return new RtmpMessage(chunkStreamId, MessageType.DATA_AMF0, timestamp, messageStreamId, amf0);
    }
}
