/** Network bookkeeping without sockets: the media port pool. */
package org.estuary.core.net;
