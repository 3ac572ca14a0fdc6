/**
 * RTMP re-publishing ("transponders", REST {@code /push/*}): a reader of a local stream that
 * publishes it to another RTMP server, optionally muting the audio or mixing a WAV file into it.
 */
package org.estuary.verticles.push;
