/**
 * Test support: the real server jar as a process ({@link org.estuary.it.support.EstuaryProcess},
 * {@link org.estuary.it.support.JarRun}), free ports, the ffmpeg/ffprobe peers, polling
 * ({@link org.estuary.it.support.Await}) and the REST queries the tests share.
 */
package org.estuary.it.support;
