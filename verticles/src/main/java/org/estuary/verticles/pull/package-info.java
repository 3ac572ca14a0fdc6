/**
 * RTMP pull agents (REST {@code /pull/rtmp/*}): play a stream from another RTMP server and publish
 * it locally under a name of our own.
 */
package org.estuary.verticles.pull;
