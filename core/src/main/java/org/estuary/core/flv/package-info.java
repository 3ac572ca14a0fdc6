/** FLV audio/video tag bodies as carried in RTMP messages, legacy and Enhanced RTMP, to and from hub frames. */
package org.estuary.core.flv;
