/** Parsers for codec configuration (AVC/HEVC decoder configuration records, H.264 SPS, AAC AudioSpecificConfig). */
package org.estuary.core.codec;
