/** MPEG-TS: a tolerant pushed demuxer (PAT/PMT/PES) and its conversion into hub frames. */
package org.estuary.core.mpegts;
