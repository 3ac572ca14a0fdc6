/**
 * The RTMP wire protocol without any I/O: handshake, chunk stream decoding/encoding, control
 * messages, commands and URLs. Everything here is pushed bytes and returns bytes or messages.
 */
package org.estuary.core.rtmp;
