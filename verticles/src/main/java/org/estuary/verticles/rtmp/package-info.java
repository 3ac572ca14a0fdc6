/**
 * The RTMP server transport: one {@link org.estuary.verticles.rtmp.RtmpConnection} per socket
 * running the core codec, publishing into and playing from the stream hub.
 */
package org.estuary.verticles.rtmp;
