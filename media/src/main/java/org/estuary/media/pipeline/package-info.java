/**
 * A small declared media graph: {@link org.estuary.media.pipeline.Stage}s chained into a
 * {@link org.estuary.media.pipeline.Pipeline} that runs synchronously on its owner's worker thread
 * and counts frames in/out/dropped per node. Pure Java; the native stages live in
 * {@code org.estuary.media.video} (and audio).
 */
package org.estuary.media.pipeline;
