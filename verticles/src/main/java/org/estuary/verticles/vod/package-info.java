/**
 * VOD ({@code /vod/*}): MP4 files from the media directory or from S3 (AWS SDK v2, ranged GETs)
 * published as real-time live streams.
 */
package org.estuary.verticles.vod;
