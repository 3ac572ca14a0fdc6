/** The media model every protocol shares: codecs, track types and the immutable encoded {@link org.estuary.core.media.Frame}. */
package org.estuary.core.media;
