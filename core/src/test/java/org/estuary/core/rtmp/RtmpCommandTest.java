package org.estuary.core.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.estuary.core.amf.Amf0;
import org.estuary.core.amf.AmfEcmaArray;
import org.estuary.core.amf.AmfException;
import org.junit.jupiter.api.Test;

class RtmpCommandTest {

    @Test
    void parsesConnect() throws AmfException {
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("app", "live");
        obj.put("tcUrl", "rtmp://localhost/live");
        RtmpCommand c = RtmpCommand.parse(Amf0.encode("connect", 1, obj));
        assertEquals("connect", c.name());
        assertEquals(1.0, c.transactionId());
        assertEquals("live", c.property("app"));
        assertEquals(List.of(), c.args());
    }

    @Test
    void parsesPublishArgs() throws AmfException {
        RtmpCommand c = RtmpCommand.parse(Amf0.encode("publish", 5, null, "cam1?key=x", "live"));
        assertNull(c.commandObject());
        assertEquals("cam1?key=x", c.stringArg(0));
        assertEquals("live", c.stringArg(1));
        assertNull(c.stringArg(2));
    }

    @Test
    void roundTrip() throws AmfException {
        RtmpCommand c = RtmpCommand.of("play", 4, null, "stream", -2.0);
        assertEquals(c, RtmpCommand.parse(c.encode()));
    }

    @Test
    void rejectsNonCommands() {
        assertThrows(AmfException.class, () -> RtmpCommand.parse(new byte[0]));
        assertThrows(AmfException.class, () -> RtmpCommand.parse(Amf0.encode(1.0, "x")));
    }

    @Test
    void connectResultShape() throws AmfException {
        RtmpCommand r = RtmpCommand.parse(RtmpCommand.connectResult(1, "Connection succeeded.").encode());
        assertEquals("_result", r.name());
        assertEquals(1.0, r.transactionId());
        assertEquals("FMS/3,0,1,123", r.property("fmsVer"));
        assertEquals(31.0, r.property("capabilities"));
        Map<?, ?> info = (Map<?, ?>) r.args().get(0);
        assertEquals("status", info.get("level"));
        assertEquals("NetConnection.Connect.Success", info.get("code"));
        assertEquals("Connection succeeded.", info.get("description"));
        assertEquals(0.0, info.get("objectEncoding"));
    }

    @Test
    void connectErrorAndCreateStream() throws AmfException {
        RtmpCommand e = RtmpCommand.parse(RtmpCommand.connectError(1, StatusCode.CONNECT_REJECTED, "no").encode());
        assertEquals("_error", e.name());
        assertEquals("error", ((Map<?, ?>) e.args().get(0)).get("level"));
        RtmpCommand cs = RtmpCommand.parse(RtmpCommand.createStreamResult(4, 1).encode());
        assertEquals("_result", cs.name());
        assertEquals(4.0, cs.transactionId());
        assertNull(cs.commandObject());
        assertEquals(List.of(1.0), cs.args());
    }

    @Test
    void onStatus() throws AmfException {
        RtmpCommand s = RtmpCommand.onStatus(StatusCode.LEVEL_STATUS, StatusCode.PLAY_START, "Started playing cam1.",
                Map.of("details", "cam1"));
        RtmpMessage m = s.toMessage(5, 1);
        assertEquals(MessageType.COMMAND_AMF0, m.typeId());
        RtmpCommand p = RtmpCommand.parse(m.payload());
        assertEquals("onStatus", p.name());
        assertEquals(0.0, p.transactionId());
        Map<?, ?> info = (Map<?, ?>) p.args().get(0);
        assertEquals("NetStream.Play.Start", info.get("code"));
        assertEquals("cam1", info.get("details"));
    }

    @Test
    void dataMessages() throws AmfException {
        assertEquals(List.of("|RtmpSampleAccess", true, true), Amf0.decodeAll(RtmpCommand.sampleAccess()));
        List<Object> meta = Amf0.decodeAll(RtmpCommand.onMetaData(Map.of("width", 1280.0)));
        assertEquals("onMetaData", meta.get(0));
        assertInstanceOf(AmfEcmaArray.class, meta.get(1));
        RtmpMessage m = RtmpCommand.dataMessage(4, 1, 0, RtmpCommand.sampleAccess());
        assertEquals(MessageType.DATA_AMF0, m.typeId());
    }
}
