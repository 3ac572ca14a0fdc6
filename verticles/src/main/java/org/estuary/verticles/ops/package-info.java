/** Operations endpoints: health and Prometheus metrics on the REST port. */
package org.estuary.verticles.ops;
