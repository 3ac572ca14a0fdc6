/** VOD ({@code /vod/*}): MP4 files from the media directory published as real-time live streams. */
package org.estuary.verticles.vod;
