/** MPEG-TS ingest over UDP ({@code /mpepts/*}): one datagram socket from the media port pool per session. */
package org.estuary.verticles.mpegts;
