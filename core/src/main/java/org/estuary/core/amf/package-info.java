/** AMF0 serialization (the encoding of RTMP commands and script data), mapped to plain Java types. */
package org.estuary.core.amf;
