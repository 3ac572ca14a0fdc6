/** Control-plane vocabulary shared by every verticle: event-bus addresses and error statuses. */
package org.estuary.core.control;
