package org.estuary.media.video;

/** A watermark with where to draw it. */
public record PlacedWatermark(Watermark watermark, WatermarkPlacement placement) { }
